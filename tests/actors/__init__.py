"""Helpers shared by the actor tests: event recording and a hand-cranked scheduler."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from minkops.actors.supervisor import SupervisorEvent

WAIT = 5.0


class Recorder:
    """A supervisor listener that tests wait on instead of sleeping."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._events: list[SupervisorEvent] = []

    def __call__(self, event: SupervisorEvent) -> None:
        with self._cond:
            self._events.append(event)
            self._cond.notify_all()

    @property
    def events(self) -> list[SupervisorEvent]:
        with self._cond:
            return list(self._events)

    def of(self, kind: type[Any], **fields: Any) -> list[Any]:
        return [event for event in self.events if _matches(event, kind, fields)]

    def wait_for(self, kind: type[Any], timeout: float = WAIT, **fields: Any) -> Any:
        """The first event of ``kind`` whose attributes equal ``fields``."""

        def found() -> Any:
            return next((e for e in self._events if _matches(e, kind, fields)), None)

        with self._cond:
            event = self._cond.wait_for(found, timeout)
        assert event is not None, f"no {kind.__name__} {fields} in {self.events}"
        return event


def _matches(event: object, kind: type[Any], fields: dict[str, Any]) -> bool:
    return isinstance(event, kind) and all(getattr(event, k) == v for k, v in fields.items())


class Pending:
    def __init__(self, delay: float, callback: Callable[[], None]) -> None:
        self.delay = delay
        self._callback = callback
        self.cancelled = False
        self.fired = False

    def cancel(self) -> None:
        self.cancelled = True

    def fire(self) -> None:
        assert not self.fired and not self.cancelled
        self.fired = True
        self._callback()


class ManualScheduler:
    """Holds scheduled restarts until the test fires them."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.scheduled: list[Pending] = []

    def __call__(self, delay: float, callback: Callable[[], None]) -> Pending:
        pending = Pending(delay, callback)
        with self._cond:
            self.scheduled.append(pending)
            self._cond.notify_all()
        return pending

    def next(self, timeout: float = WAIT) -> Pending:
        """The oldest restart neither fired nor cancelled."""

        def first() -> Pending | None:
            return next((p for p in self.scheduled if not p.fired and not p.cancelled), None)

        with self._cond:
            pending = self._cond.wait_for(first, timeout)
        assert pending is not None, "no restart was scheduled"
        return pending
