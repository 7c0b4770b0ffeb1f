"""Periodic work: housekeeping (passivation, expired context) on a fixed interval.

A timer tells this actor `Tick`; the actor does the work on its own thread, so a
slow purge never delays the timer or anyone else.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any, Protocol

import pykka

from minkops.actors.backoff import Cancellable, Scheduler, thread_timer
from minkops.actors.messages import Housekeeping
from minkops.actors.persistence import Persistence
from minkops.actors.supervisor import ChildContext, SupervisedActor
from minkops.db import queries
from minkops.logs import get_logger

log = get_logger(__name__)


class Recipient(Protocol):
    def tell(self, message: Any) -> None: ...


class Tick:
    """From the timer to the scheduler: time for the periodic work."""


class SchedulerActor(SupervisedActor):
    def __init__(
        self,
        context: ChildContext | None,
        persistence: Persistence,
        interval: float,
        housekeeping: Sequence[Recipient],
        *,
        extra_ticks: Sequence[tuple[Recipient, Any]] = (),
        timer: Scheduler = thread_timer,
    ) -> None:
        super().__init__(context)
        self._persistence = persistence
        self._interval = interval
        self._housekeeping = housekeeping
        self._extra_ticks = extra_ticks
        self._timer = timer
        self._pending: Cancellable | None = None

    def on_supervised_start(self) -> None:
        self._arm()

    def on_supervised_stop(self) -> None:
        if self._pending is not None:
            self._pending.cancel()

    def on_receive(self, message: Any) -> Any:
        if isinstance(message, Tick):
            try:
                self.run_once()
            finally:
                self._arm()
        return None

    def run_once(self) -> None:
        conversations, inbound = self._persistence.run(None, queries.purge_expired)
        if conversations or inbound:
            log.info("housekeeping.purged", conversations=conversations, inbound=inbound)
        for recipient in self._housekeeping:
            recipient.tell(Housekeeping())
        for recipient, message in self._extra_ticks:
            recipient.tell(message)

    def _arm(self) -> None:
        ref = self.actor_ref

        def tick() -> None:
            with contextlib.suppress(pykka.ActorDeadError):
                ref.tell(Tick())

        self._pending = self._timer(self._interval, tick)
