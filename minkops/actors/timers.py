"""One thread for all the timers that fire often: a deadline per message, retries per send.

A `threading.Timer` per call (fine for rare supervisor restarts) meant a new thread per
message under load. Here a single daemon thread sleeps until the earliest deadline.
Callbacks only `tell` actors, so they are quick and run on this thread in turn.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from minkops.logs import get_logger

log = get_logger(__name__)


@dataclass(order=True)
class _Entry:
    due: float
    order: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class TimerThread:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._heap: list[_Entry] = []
        self._order = itertools.count()
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None

    def __call__(self, delay: float, callback: Callable[[], None]) -> _Entry:
        """Schedule `callback` after `delay` seconds (a `Scheduler`); returns a cancel handle."""
        entry = _Entry(self._clock() + max(delay, 0.0), next(self._order), callback)
        with self._condition:
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="minkops-timers", daemon=True
                )
                self._thread.start()
            self._condition.notify()
        return entry

    def pending(self) -> int:
        with self._condition:
            return sum(not entry.cancelled for entry in self._heap)

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._heap or self._heap[0].due > self._clock():
                    timeout = self._heap[0].due - self._clock() if self._heap else None
                    self._condition.wait(timeout)
                entry = heapq.heappop(self._heap)
            if entry.cancelled:
                continue
            try:
                entry.callback()
            except Exception:
                log.exception("timers.callback_failed")


# The process's shared timer thread; started on first use.
shared_timer = TimerThread()
