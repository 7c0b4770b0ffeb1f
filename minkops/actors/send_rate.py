"""One pace for every send of the process: Twilio's per-sender WhatsApp throughput.

Twilio documents, per WhatsApp sender, 10 messages per second of text by default (raised
to at most 50 on request) and 1.5 per second for messages with media, counted apart
("What is the MPS (Messages Per Second) limit for outbound WhatsApp messages?",
https://www.twilio.com/docs/whatsapp/best-practices-and-faqs). The 80 per second found
elsewhere is Meta's Cloud API figure for a number used directly, not through Twilio.
Past the limit Twilio queues (up to four hours) or answers 429 / 20429; either way a
Monday-08:00 burst of reminders would arrive late or bounce. So the outbound members,
all sharing one :class:`SendRate`, wait for a token before each ``messages.create``.

Order per recipient is untouched: a recipient's rows are drained one at a time by one
member, which simply waits here before the next.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# After a 429 every sender stops this long: Twilio measures throughput per second.
RATE_LIMITED_PAUSE_SECONDS = 1.0


@dataclass
class TokenBucket:
    """Pure pacing arithmetic on a caller's clock (seconds, monotonic).

    ``reserve`` always takes a token, letting the balance go negative, and says how long
    the caller must wait for it: waiting callers queue in the order they reserved, and
    sends leave exactly ``1 / rate`` apart once the ``capacity`` burst is spent. A capacity
    of one (the service's choice) never lets more than ``rate`` go in any second.
    """

    rate: float
    capacity: float = 1.0
    tokens: float = field(init=False)
    stamp: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.capacity < 1:
            raise ValueError("a bucket needs a positive rate and room for one token")
        self.tokens = self.capacity  # a quiet sender may go at once

    def reserve(self, now: float) -> float:
        """Take one token; the seconds from ``now`` until it may be used."""
        self._refill(now)
        self.tokens -= 1.0
        return max(0.0, -self.tokens / self.rate)

    def pause(self, now: float, seconds: float) -> None:
        """The next send waits ``seconds`` more than it would have (a quiet bucket: exactly
        ``seconds``); a burst saved up is dropped."""
        self._refill(now)
        self.tokens = min(self.tokens, 1.0) - seconds * self.rate

    def _refill(self, now: float) -> None:
        if self.stamp is not None and now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now if self.stamp is None else max(self.stamp, now)


class SendRate:
    """The process-wide limiter: a text bucket and a media bucket behind one lock.

    The lock guards only the arithmetic; callers sleep outside it, so a media send
    waiting for its 1.5-per-second slot never holds up text.
    """

    def __init__(
        self,
        text_per_second: float,
        media_per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._lock = threading.Lock()
        self._text = TokenBucket(text_per_second)
        self._media = TokenBucket(media_per_second)
        self._clock = clock
        self._sleep = sleep

    def wait(self, *, media: bool) -> float:
        """Block until this send may go; the seconds waited."""
        with self._lock:
            delay = (self._media if media else self._text).reserve(self._clock())
        if delay > 0:
            self._sleep(delay)
        return delay

    def rate_limited(self) -> None:
        """Twilio said 429: every sender, text and media, holds off for a moment."""
        with self._lock:
            now = self._clock()
            self._text.pause(now, RATE_LIMITED_PAUSE_SECONDS)
            self._media.pause(now, RATE_LIMITED_PAUSE_SECONDS)
