"""Routes each accepted message to its organization's actor, starting the actor on first use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import pykka

from minkops.actors.messages import Deliver, OrgChanged, SendOutbox
from minkops.actors.persistence import Persistence
from minkops.db import queries
from minkops.db.queries import InboxRow
from minkops.domain.actions import stranger_reply
from minkops.domain.phones import language_for_phone
from minkops.logs import get_logger
from minkops.metrics import Metrics

log = get_logger(__name__)

OrgActorFactory = Callable[[int], pykka.ActorRef[Any]]


class OrgDirectory(pykka.ThreadingActor):
    def __init__(
        self,
        start_org_actor: OrgActorFactory,
        persistence: Persistence,
        outbound: pykka.ActorRef[Any],
        metrics: Metrics,
    ) -> None:
        super().__init__()
        self._start_org_actor = start_org_actor
        self._persistence = persistence
        self._outbound = outbound
        self._metrics = metrics
        # Our own map: pykka's registry lookup is a linear scan.
        self._actors: dict[int, pykka.ActorRef[Any]] = {}

    def on_receive(self, message: Any) -> None:
        if isinstance(message, Deliver):
            if message.row.org_id is None:
                self._answer_stranger(message.row)
            else:
                self._actor_for(message.row.org_id).tell(message)
        elif isinstance(message, OrgChanged) and message.org_id in self._actors:
            self._actor_for(message.org_id).tell(message)

    def on_stop(self) -> None:
        for ref in self._actors.values():
            ref.stop(block=False)
        for ref in self._actors.values():
            ref.actor_stopped.wait(10)

    def _actor_for(self, org_id: int) -> pykka.ActorRef[Any]:
        ref = self._actors.get(org_id)
        if ref is None or not ref.is_alive():
            ref = self._start_org_actor(org_id)
            self._actors[org_id] = ref
            self._metrics.live_orgs.set(len(self._actors))
            log.info("org.activated", org_id=org_id)
        return ref

    def _answer_stranger(self, row: InboxRow) -> None:
        phone = row.sender  # E.164, normalized when the webhook was accepted
        reply = stranger_reply(row.message_sid, phone, language_for_phone(phone))

        async def write(connection: asyncpg.Connection) -> list[int]:
            if not await queries.mark_processed(connection, row.inbox_id):
                return []
            return await queries.insert_outbox(connection, None, [reply])

        outbox_ids = self._persistence.run(None, write)
        log.info("inbound.stranger", message_sid=row.message_sid, sender=phone)
        if outbox_ids:
            self._outbound.tell(SendOutbox(None, tuple(outbox_ids)))
