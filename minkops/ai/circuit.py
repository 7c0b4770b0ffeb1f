"""A circuit breaker: stop calling a failing service for a while, then probe it once.

closed ──(`failures` consecutive failures)──► open ──(`reset_seconds`)──► half-open
half-open lets one call through: success closes the circuit, failure opens it again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Literal

from minkops.logs import get_logger

log = get_logger(__name__)

State = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Thread-safe; every call that `allow()` lets through must end in a `record_*`."""

    def __init__(
        self,
        name: str,
        failures: int,
        reset_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1:
            raise ValueError("failures must be at least 1")
        if reset_seconds <= 0:
            raise ValueError("reset_seconds must be positive")
        self.name = name
        self._threshold = failures
        self._reset_seconds = reset_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._state: State = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> State:
        """The state as a caller would find it now (an expired open circuit is half-open)."""
        with self._lock:
            if self._state == "open" and self._expired():
                return "half_open"
            return self._state

    def allow(self) -> bool:
        """May a call go out now? In half-open, only one call at a time (the probe) may."""
        with self._lock:
            if self._state == "open":
                if not self._expired():
                    return False
                self._change("half_open")
            if self._state == "half_open":
                if self._probing:
                    return False
                self._probing = True
            return True

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._probing = False
            if self._state != "closed":
                self._change("closed")

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._probing = False
            if self._state == "half_open" or (
                self._state == "closed" and self._failures >= self._threshold
            ):
                self._opened_at = self._clock()
                self._change("open")

    def _expired(self) -> bool:
        return self._clock() - self._opened_at >= self._reset_seconds

    def _change(self, state: State) -> None:
        self._state = state
        level = log.warning if state == "open" else log.info
        level("circuit.state", circuit=self.name, state=state, failures=self._failures)
