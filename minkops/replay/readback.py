"""Replies read back from Twilio's Messages API (or any service speaking it), for a replay
against a service that runs elsewhere (`minkops replay --target`).

Twilio dates are whole seconds, so each reply is timed when first seen: the list is
polled twice a second while the replay runs, and reply latency is as precise as that.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from twilio.rest import Client

from minkops.replay.report import Outbound

# Newest first: after this many messages in a row already seen, the rest are older.
_KNOWN_RUN = 200


class TwilioReadBack:
    def __init__(self, client: Client, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._clock = clock
        self._before: set[str] = set()
        self._seen: dict[str, Outbound] = {}

    def prime(self) -> None:
        """What the account held before the replay: never counted as replies."""
        self._before = {m.sid for m in self._client.messages.stream(page_size=1000)}

    def poll(self) -> None:
        now = self._clock()
        known_in_a_row = 0
        for message in self._client.messages.stream(page_size=200):
            sid = str(message.sid)
            if sid in self._before or sid in self._seen:
                known_in_a_row += 1
                if known_in_a_row >= _KNOWN_RUN:
                    break
                continue
            known_in_a_row = 0
            if str(message.direction or "").startswith("outbound"):
                to = str(message.to or "").removeprefix("whatsapp:")
                self._seen[sid] = Outbound(to, now, str(message.body or ""))

    def replies(self) -> list[Outbound]:
        return list(self._seen.values())
