"""Periodic work, each job on its own interval: housekeeping, the outbox sweep.

A timer tells this actor which job is due; the actor runs it on its own thread, so a
slow job never delays a timer, and one failing job is logged without stopping the rest.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pykka

from minkops.actors.backoff import Cancellable, Scheduler, thread_timer
from minkops.actors.supervisor import ChildContext, SupervisedActor
from minkops.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    interval: float
    run: Callable[[], None]


@dataclass(frozen=True)
class _Due:
    name: str


class SchedulerActor(SupervisedActor):
    def __init__(
        self, context: ChildContext | None, jobs: Sequence[Job], *, timer: Scheduler = thread_timer
    ) -> None:
        super().__init__(context)
        self._jobs = {job.name: job for job in jobs}
        self._timer = timer
        self._pending: dict[str, Cancellable] = {}

    def on_supervised_start(self) -> None:
        for name in self._jobs:
            self._arm(name)

    def on_supervised_stop(self) -> None:
        for pending in self._pending.values():
            pending.cancel()

    def on_receive(self, message: Any) -> Any:
        if isinstance(message, _Due) and message.name in self._jobs:
            try:
                self._jobs[message.name].run()
            except Exception:
                log.exception("scheduler.job_failed", job=message.name)
            finally:
                self._arm(message.name)
        return None

    def _arm(self, name: str) -> None:
        ref = self.actor_ref

        def due() -> None:
            with contextlib.suppress(pykka.ActorDeadError):
                ref.tell(_Due(name))

        self._pending[name] = self._timer(self._jobs[name].interval, due)
