"""The reminder scheduler: sleeps until the next due reminder, then hands due orgs to their actors.

It asks PostgreSQL two questions, both answered from the partial index on active
reminders' `next_fire_at`: when is the next one, and which organizations are due now. Its
cost grows with what is due, not with what exists. It never fires anything itself: each
due organization gets `FireReminders` through the directory, and its org actor marks the
occurrences fired in the transaction that writes their outbox rows.

It wakes at the next due time, when told `RemindersChanged` (an org actor set or resumed
a reminder), and at the latest every `max_sleep_seconds` (reminders written by another
process, such as the CLI). An organization told and still due is told again only after
`redispatch_seconds`, so a slow or restarting org actor is not flooded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import pykka

from minkops.actors import messages as m
from minkops.actors.backoff import Cancellable, Scheduler
from minkops.actors.persistence import Persistence
from minkops.actors.supervisor import ChildContext, SupervisedActor
from minkops.actors.timers import shared_timer
from minkops.logs import get_logger
from minkops.settings import RemindersSettings
from minkops.store import reminders as store

log = get_logger(__name__)


class Recipient(Protocol):
    def tell(self, message: Any) -> None: ...


@dataclass(frozen=True)
class _Wake:
    generation: int


class ReminderScheduler(SupervisedActor):
    def __init__(
        self,
        context: ChildContext | None,
        persistence: Persistence,
        directory: Recipient,
        settings: RemindersSettings,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        timer: Scheduler = shared_timer,
    ) -> None:
        super().__init__(context)
        self._persistence = persistence
        self._directory = directory
        self._settings = settings
        self._clock = clock
        self._timer = timer
        self._pending: Cancellable | None = None
        self._generation = 0
        self._told: dict[int, datetime] = {}
        self.wakes = 0

    def on_supervised_start(self) -> None:
        self._arm(0.0)

    def on_supervised_stop(self) -> None:
        if self._pending is not None:
            self._pending.cancel()

    def on_receive(self, message: Any) -> Any:
        if isinstance(message, _Wake):
            if message.generation == self._generation:
                self._wake()
        elif isinstance(message, m.RemindersChanged):
            self._arm(0.0)
        return None

    def _wake(self) -> None:
        self.wakes += 1
        settings = self._settings
        delay = settings.max_sleep_seconds
        try:
            delay = self._dispatch()
        except Exception:
            log.exception("reminders.scheduler_failed")
            delay = settings.redispatch_seconds
        finally:
            self._arm(delay)

    def _dispatch(self) -> float:
        """Tell every due organization; returns how long to sleep."""
        settings = self._settings
        now = self._clock()
        batch = settings.dispatch_batch
        due = self._persistence.run(None, lambda c: store.due_orgs(c, now, batch))
        told = 0
        for org in due:
            last = self._told.get(org.org_id)
            if last is not None and (now - last).total_seconds() < settings.redispatch_seconds:
                continue
            self._told[org.org_id] = now
            self._directory.tell(m.FireReminders(org.org_id))
            told += 1
        due_ids = {org.org_id for org in due}
        for org_id in [o for o in self._told if o not in due_ids]:
            del self._told[org_id]  # fired: the next time it is due, tell it at once
        if told:
            log.info("reminders.dispatched", orgs=told, due=sum(o.due for o in due))
        if len(due) >= batch and told:
            return 0.0  # more due than one batch: go on at once
        next_at = self._persistence.run(None, lambda c: store.next_reminder_after(c, now))
        wait = settings.max_sleep_seconds
        if next_at is not None:
            wait = min(wait, max(0.0, (next_at - self._clock()).total_seconds()))
        if due:
            # Due and told, not fired yet: its actor tells us when it has fired; look again
            # after a while in case it never does (it failed, or was restarting).
            wait = min(wait, settings.redispatch_seconds)
        return wait

    def _arm(self, delay: float) -> None:
        if self._pending is not None:
            self._pending.cancel()
        self._generation += 1
        ref, wake = self.actor_ref, _Wake(self._generation)

        def due() -> None:
            with contextlib.suppress(pykka.ActorDeadError):
                ref.tell(wake)

        self._pending = self._timer(max(0.0, delay), due)
