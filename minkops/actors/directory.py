"""Routes each accepted message to its organization's actor: virtual actors, Orleans-style.

An org actor is started on its first message and passivated when idle for
`idle_timeout` or when more than `max_live` are running (least recently used first).
Everything it must not lose is in PostgreSQL, so passivation loses nothing.

The directory also supervises them: an org actor that dies (a bug, or a database
blip while it loads) is started again after a backoff that grows with each failure in
a row, and takes up its unprocessed inbox rows, so the message is answered without
anyone writing again. Messages of no organization go to the strangers actor.

Passivation is a handshake, so that no message can land in a stopping actor: the
directory asks `PassivateIfIdle(delivered)` and holds new messages for that org until
the actor answers `Passivated` (then a fresh actor gets them) or `StillBusy`.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pykka

from minkops.actors import messages as m
from minkops.actors.backoff import Backoff, Scheduler, thread_timer
from minkops.actors.org import OrgActor, Recipient
from minkops.actors.supervisor import ChildContext, SupervisedActor
from minkops.logs import get_logger
from minkops.metrics import Metrics

log = get_logger(__name__)

OrgActorFactory = Callable[[int], pykka.ActorRef[Any]]
# After an org actor dies, wait before starting it again: 0.5 s, doubling, up to 30 s.
RESTART_BACKOFF = Backoff(base=0.5, maximum=30.0, jitter=0.2)
# An incarnation that lived this long resets the count of failures in a row.
HEALTHY_AFTER = 60.0


@dataclass
class _Live:
    ref: pykka.ActorRef[Any]
    delivered: int = 0
    last_used: float = 0.0
    started: float = 0.0
    passivating: bool = False
    held: list[m.Deliver | m.FireReminders] = field(default_factory=list)


@dataclass(frozen=True)
class _Activate:
    org_id: int


class OrgDirectory(SupervisedActor):
    def __init__(
        self,
        context: ChildContext | None,
        start_org_actor: OrgActorFactory,
        strangers: Recipient,
        metrics: Metrics,
        *,
        idle_timeout: float,
        max_live: int,
        clock: Callable[[], float] = time.monotonic,
        timer: Scheduler = thread_timer,
        rand: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(context)
        self._start_org_actor = start_org_actor
        self._strangers = strangers
        self._metrics = metrics
        self._rand = rand
        self._idle_timeout = idle_timeout
        self._max_live = max_live
        self._clock = clock
        self._timer = timer
        # Our own map, most recently used last: pykka's registry lookup is a linear scan.
        self._live: OrderedDict[int, _Live] = OrderedDict()
        # Failures in a row per organization, and the restarts scheduled because of them.
        self._failures: dict[int, int] = {}
        self._restarting: dict[int, list[m.Deliver | m.FireReminders]] = {}

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
                    self._strangers.tell(message)
                else:
                    self._deliver(row.org_id, message)
            case m.FireReminders(org_id=org_id):
                self._deliver(org_id, message)
            case m.OrgChanged(org_id=org_id) if org_id in self._live:
                self._live[org_id].ref.tell(message)
            case m.ReloadLive():
                for org_id, live in self._live.items():
                    live.ref.tell(m.OrgChanged(org_id))
            case m.Passivated(org_id=org_id, ref=ref):
                self._passivated(org_id, ref)
            case m.StillBusy(org_id=org_id):
                self._still_busy(org_id)
            case m.OrgActorDied(org_id=org_id, ref=ref):
                self._died(org_id, ref)
            case _Activate(org_id=org_id):
                self._restart(org_id)
            case m.Housekeeping():
                self._passivate_idle()
            case m.CountBusy():
                return self._count_busy()
            case LiveCount():
                return len(self._live)
        return None

    # --- routing ---------------------------------------------------------------------------

    def _deliver(self, org_id: int, message: m.Deliver | m.FireReminders) -> None:
        held = self._restarting.get(org_id)
        if held is not None:
            held.append(message)  # it is in the inbox too; the new incarnation takes it up
            return
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
        now = self._clock()
        live = _Live(self._start_org_actor(org_id), last_used=now, started=now)
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
        failures = 1
        if self._clock() - live.started < HEALTHY_AFTER:
            failures += self._failures.get(org_id, 0)
        self._failures[org_id] = failures
        delay = RESTART_BACKOFF.delay(failures - 1, self._rand())
        log.warning("org.died", org_id=org_id, failures=failures, restart_in_s=round(delay, 2))
        self._metrics.org_restarts.inc()
        # Its unfinished messages are in the inbox table; the new incarnation takes them up.
        # Meanwhile what arrives is held, so nothing lands in a half-started actor.
        self._restarting[org_id] = list(live.held)
        me = self.actor_ref

        def activate() -> None:
            with contextlib.suppress(pykka.ActorDeadError):
                me.tell(_Activate(org_id))

        self._timer(delay, activate)

    def _restart(self, org_id: int) -> None:
        held = self._restarting.pop(org_id, [])
        if org_id not in self._live:
            self._activate(org_id)
        for message in held:
            self._deliver(org_id, message)

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


@dataclass(frozen=True)
class LiveCount:
    """Ask: how many org actors are live (tests, benchmarks)."""
