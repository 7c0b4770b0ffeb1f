"""Routes each accepted message to its organization's actor: virtual actors, Orleans-style.

An org actor is started on its first message and passivated when idle for
`idle_timeout` or when more than `max_live` are running (least recently used first).
Everything it must not lose is in PostgreSQL, so passivation loses nothing.

Passivation is a handshake, so that no message can land in a stopping actor: the
directory asks `PassivateIfIdle(delivered)` and holds new messages for that org until
the actor answers `Passivated` (then a fresh actor gets them) or `StillBusy`.
"""

from __future__ import annotations

import contextlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pykka

from minkops.actors import messages as m
from minkops.actors.backoff import Scheduler, thread_timer
from minkops.actors.org import OrgActor
from minkops.actors.outbound import KeyedRecipient, tell_outbound
from minkops.actors.persistence import Persistence
from minkops.actors.supervisor import ChildContext, SupervisedActor
from minkops.domain.actions import stranger_reply
from minkops.domain.phones import language_for_phone
from minkops.logs import get_logger
from minkops.metrics import Metrics
from minkops.store import outbox, queries
from minkops.store.outbox import Queued
from minkops.store.queries import InboxRow

log = get_logger(__name__)

OrgActorFactory = Callable[[int], pykka.ActorRef[Any]]
# After an org actor dies, wait this long before starting it again to take up its work.
RESTART_DELAY = 1.0


@dataclass
class _Live:
    ref: pykka.ActorRef[Any]
    delivered: int = 0
    last_used: float = 0.0
    passivating: bool = False
    held: list[m.Deliver] = field(default_factory=list)


@dataclass(frozen=True)
class _Activate:
    org_id: int


class OrgDirectory(SupervisedActor):
    def __init__(
        self,
        context: ChildContext | None,
        start_org_actor: OrgActorFactory,
        persistence: Persistence,
        outbound: KeyedRecipient,
        metrics: Metrics,
        *,
        idle_timeout: float,
        max_live: int,
        clock: Callable[[], float] = time.monotonic,
        timer: Scheduler = thread_timer,
    ) -> None:
        super().__init__(context)
        self._start_org_actor = start_org_actor
        self._persistence = persistence
        self._outbound = outbound
        self._metrics = metrics
        self._idle_timeout = idle_timeout
        self._max_live = max_live
        self._clock = clock
        self._timer = timer
        # Our own map, most recently used last: pykka's registry lookup is a linear scan.
        self._live: OrderedDict[int, _Live] = OrderedDict()

    def on_supervised_start(self) -> None:
        # A previous incarnation of the directory may have left org actors running:
        # stop them, or a second actor for the same organization could start beside one.
        for ref in pykka.ActorRegistry.get_by_class(OrgActor):
            ref.stop(block=False)

    def on_supervised_stop(self) -> None:
        refs = [live.ref for live in self._live.values()]
        for ref in refs:
            ref.stop(block=False)
        for ref in refs:
            ref.actor_stopped.wait(10)
        self._live.clear()

    def on_receive(self, message: Any) -> Any:
        match message:
            case m.Deliver(row=row):
                if row.org_id is None:
                    self._answer_stranger(row)
                else:
                    self._deliver(row.org_id, message)
            case m.OrgChanged(org_id=org_id) if org_id in self._live:
                self._live[org_id].ref.tell(message)
            case m.Passivated(org_id=org_id, ref=ref):
                self._passivated(org_id, ref)
            case m.StillBusy(org_id=org_id):
                self._still_busy(org_id)
            case m.OrgActorDied(org_id=org_id, ref=ref):
                self._died(org_id, ref)
            case _Activate(org_id=org_id):
                if org_id not in self._live:
                    self._activate(org_id)
            case m.Housekeeping():
                self._passivate_idle()
            case m.CountBusy():
                return self._count_busy()
            case LiveCount():
                return len(self._live)
        return None

    # --- routing ---------------------------------------------------------------------------

    def _deliver(self, org_id: int, message: m.Deliver) -> None:
        live = self._live.get(org_id) or self._activate(org_id)
        if live.passivating:
            live.held.append(message)
            return
        if not live.ref.is_alive():
            live = self._replace(org_id)
        live.delivered += 1
        live.last_used = self._clock()
        self._live.move_to_end(org_id)
        live.ref.tell(message)

    def _activate(self, org_id: int) -> _Live:
        live = _Live(self._start_org_actor(org_id), last_used=self._clock())
        self._live[org_id] = live
        self._metrics.live_orgs.set(len(self._live))
        log.info("org.activated", org_id=org_id)
        self._evict_over_limit()
        return live

    def _replace(self, org_id: int) -> _Live:
        del self._live[org_id]
        return self._activate(org_id)

    # --- passivation -----------------------------------------------------------------------

    def _passivate_idle(self) -> None:
        now = self._clock()
        for org_id, live in list(self._live.items()):
            if not live.passivating and now - live.last_used >= self._idle_timeout:
                self._ask_to_passivate(org_id, live)

    def _evict_over_limit(self) -> None:
        excess = len(self._live) - self._max_live
        if excess <= 0:
            return
        for org_id, live in list(self._live.items()):
            if excess <= 0:
                break
            if not live.passivating:
                self._ask_to_passivate(org_id, live)
                excess -= 1

    def _ask_to_passivate(self, org_id: int, live: _Live) -> None:
        live.passivating = True
        try:
            live.ref.tell(m.PassivateIfIdle(live.delivered))
        except pykka.ActorDeadError:
            self._passivated(org_id, live.ref)

    def _forget(self, org_id: int, ref: pykka.ActorRef[Any]) -> _Live | None:
        """Drop the org's entry if it is still this actor's (not a newer one's)."""
        live = self._live.get(org_id)
        if live is None or live.ref is not ref:
            return None
        del self._live[org_id]
        self._metrics.live_orgs.set(len(self._live))
        return live

    def _passivated(self, org_id: int, ref: pykka.ActorRef[Any]) -> None:
        live = self._forget(org_id, ref)
        if live is None:
            return
        log.info("org.passivated", org_id=org_id)
        for held in live.held:
            self._deliver(org_id, held)

    def _still_busy(self, org_id: int) -> None:
        live = self._live.get(org_id)
        if live is None:
            return
        live.passivating = False
        held, live.held = live.held, []
        for message in held:
            self._deliver(org_id, message)

    def _died(self, org_id: int, ref: pykka.ActorRef[Any]) -> None:
        live = self._forget(org_id, ref)
        if live is None:
            return
        log.warning("org.died", org_id=org_id)
        # Its unfinished messages are in the inbox table; a new actor takes them up.
        me = self.actor_ref

        def activate() -> None:
            with contextlib.suppress(pykka.ActorDeadError):
                me.tell(_Activate(org_id))

        self._timer(RESTART_DELAY, activate)
        for held in live.held:
            self._deliver(org_id, held)

    def _count_busy(self) -> int:
        """Asked of every live org actor at once; one that does not answer in time counts busy."""
        futures = []
        for live in self._live.values():
            with contextlib.suppress(pykka.ActorDeadError):
                futures.append(live.ref.ask(m.IsBusy(), block=False))
        busy = 0
        deadline = time.monotonic() + 2.0
        for future in futures:
            try:
                busy += bool(future.get(timeout=max(0.0, deadline - time.monotonic())))
            except pykka.ActorDeadError:
                pass
            except pykka.Timeout:
                busy += 1
        return busy

    # --- strangers -------------------------------------------------------------------------

    def _answer_stranger(self, row: InboxRow) -> None:
        phone = row.sender  # E.164, normalized when the webhook was accepted
        reply = stranger_reply(row.message_sid, phone, language_for_phone(phone))

        async def write(connection: asyncpg.Connection) -> list[Queued]:
            if not await queries.mark_processed(connection, row.inbox_id):
                return []
            return await outbox.insert_outbox(connection, None, [reply])

        queued = self._persistence.run(None, write)
        log.info("inbound.stranger", message_sid=row.message_sid, sender=phone)
        tell_outbound(self._outbound, None, queued)


@dataclass(frozen=True)
class LiveCount:
    """Ask: how many org actors are live (tests, benchmarks)."""
