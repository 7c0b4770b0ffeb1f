"""Restart timing for supervisors: backoff delays, the intensity window, and timers.

Kept apart from the supervisor so the arithmetic is tested without threads, and so
tests can swap the clock, the random source and the scheduler for deterministic ones.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with proportional jitter.

    The n-th consecutive restart (attempt 0, 1, 2, …) waits
    ``min(maximum, base * factor**attempt)``, scaled by a factor drawn uniformly from
    ``[1 - jitter, 1 + jitter]`` so that children failing together (a database blip)
    do not all come back in the same instant.
    """

    base: float = 0.05
    maximum: float = 10.0
    factor: float = 2.0
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if self.base < 0 or self.maximum < 0:
            raise ValueError("backoff delays must not be negative")
        if self.factor < 1:
            raise ValueError("backoff factor must be at least 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("backoff jitter must lie in [0, 1]")

    def delay(self, attempt: int, sample: float) -> float:
        """Seconds to wait before restart number ``attempt``; ``sample`` lies in [0, 1)."""
        # Capping the exponent keeps factor**attempt from overflowing a float.
        raw = min(self.maximum, self.base * self.factor ** min(attempt, 64))
        return raw * (1.0 + self.jitter * (2.0 * sample - 1.0))


@dataclass(frozen=True)
class RestartPolicy:
    """Erlang's restart intensity plus backoff: more than ``max_restarts`` restarts
    within ``period`` seconds make the supervisor give up and escalate."""

    max_restarts: int = 3
    period: float = 5.0
    backoff: Backoff = field(default_factory=Backoff)

    def __post_init__(self) -> None:
        if self.max_restarts < 0:
            raise ValueError("max_restarts must not be negative")
        if self.period <= 0:
            raise ValueError("period must be positive")


class RestartWindow:
    """Timestamps of recent restarts, forgetting those older than ``period``."""

    def __init__(self, period: float) -> None:
        self._period = period
        self._times: deque[float] = deque()

    def count(self, now: float) -> int:
        """Restarts recorded within the last ``period`` seconds."""
        while self._times and self._times[0] <= now - self._period:
            self._times.popleft()
        return len(self._times)

    def record(self, now: float) -> int:
        """Record a restart at ``now``; returns the count including it."""
        self._times.append(now)
        return self.count(now)


class Cancellable(Protocol):
    def cancel(self) -> None: ...


Scheduler = Callable[[float, Callable[[], None]], Cancellable]
"""Runs a callback once after a delay, on some other thread; returns a handle to cancel it."""


class _Done:
    def cancel(self) -> None:
        pass


def thread_timer(delay: float, callback: Callable[[], None]) -> Cancellable:
    """The default scheduler: a daemon ``threading.Timer`` per pending restart.

    Restarts are rare, so a short-lived thread each is cheaper than a timer service.
    The callback only ``tell``s the supervisor, so the supervisor's inbox is never
    blocked while a backoff runs. Daemon, so a pending restart never holds the
    process open at exit.
    """
    if delay <= 0:
        callback()
        return _Done()

    def run() -> None:
        try:
            callback()
        except Exception:
            log.exception("scheduled callback failed")

    timer = threading.Timer(delay, run)
    timer.daemon = True
    timer.start()
    return timer
