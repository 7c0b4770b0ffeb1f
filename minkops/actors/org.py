"""One actor per organization: decodes a message, asks the domain what it means, commits the outcome."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pykka
import structlog

from minkops.actors.messages import Deliver, OrgChanged, SendOutbox
from minkops.actors.persistence import Persistence
from minkops.db import queries
from minkops.db.queries import InboxRow
from minkops.domain import intents
from minkops.domain.actions import Inbound, OrgState, Outcome, act, apply, stranger_reply
from minkops.domain.models import Member, OutboundMessage
from minkops.domain.phones import language_for_phone
from minkops.domain.replies import pick_language, say
from minkops.domain.understanding import Understanding, UnderstandingContext
from minkops.logs import get_logger
from minkops.metrics import Metrics

log = get_logger(__name__)


class AlreadyProcessed(Exception):
    """The inbox row was acted on before (a replay after a crash): nothing is written again."""


@dataclass(frozen=True)
class OrgDependencies:
    persistence: Persistence
    outbound: pykka.ActorRef[Any]
    understanding: Understanding
    metrics: Metrics
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


class OrgActor(pykka.ThreadingActor):
    def __init__(self, org_id: int, deps: OrgDependencies) -> None:
        super().__init__()
        self.org_id = org_id
        self._deps = deps
        self._state: OrgState | None = None

    def on_start(self) -> None:
        self._reload()

    def on_receive(self, message: Any) -> None:
        if isinstance(message, Deliver):
            self._deliver(message.row)
        elif isinstance(message, OrgChanged):
            self._reload()

    def _reload(self) -> None:
        org_id = self.org_id
        self._state = self._deps.persistence.run(
            org_id, lambda c: queries.load_org_state(c, org_id)
        )

    def _deliver(self, row: InboxRow) -> None:
        structlog.contextvars.bind_contextvars(org_id=self.org_id, message_sid=row.message_sid)
        started = time.perf_counter()
        try:
            self._handle(row)
        except AlreadyProcessed:
            log.info("inbound.already_processed")
        except Exception:
            # The inbox row stays unprocessed, so the message is acted on at the next start.
            log.exception("inbound.failed")
        finally:
            self._deps.metrics.handling_seconds.observe(time.perf_counter() - started)
            structlog.contextvars.clear_contextvars()

    def _handle(self, row: InboxRow) -> None:
        phone = row.sender  # E.164, normalized when the webhook was accepted
        sender = self._sender(phone)
        if sender is None or self._state is None:
            self._commit(
                row,
                Outcome(
                    messages=(stranger_reply(row.message_sid, phone, language_for_phone(phone)),)
                ),
            )
            return
        state = self._state
        text = row.form.get("Body", "").strip()
        if not text:
            language = pick_language(sender.language)
            reply = OutboundMessage(
                f"{row.message_sid}:0", sender.phone, say(language, "media_unsupported")
            )
            self._commit(row, Outcome(messages=(reply,)))
            return
        now = self._deps.clock()
        understood = self._understand(text, sender, state, now)
        log.info("inbound.understood", kind=understood.intent.kind, language=understood.language)
        log.debug("inbound.text", text=text)
        outcome = act(
            state, Inbound(key=row.message_sid, sender=sender, understood=understood, now=now)
        )
        try:
            self._commit(row, outcome)
        except asyncpg.UniqueViolationError:
            # Our view of task numbers was stale (tasks written elsewhere): reload and act again.
            self._reload()
            assert self._state is not None
            outcome = act(self._state, Inbound(row.message_sid, sender, understood, now))
            self._commit(row, outcome)
        self._state = apply(self._state or state, outcome)
        self._deps.metrics.handled.labels(kind=understood.intent.kind).inc()

    def _sender(self, phone: str) -> Member | None:
        member = self._state.member_by_phone(phone) if self._state else None
        if member is None:
            # Added since we loaded (CLI, another process): look again before calling them a stranger.
            self._reload()
            member = self._state.member_by_phone(phone) if self._state else None
        return member

    def _understand(
        self, text: str, sender: Member, state: OrgState, now: datetime
    ) -> intents.Understood:
        context = UnderstandingContext(
            role=sender.role,
            language=sender.language,
            timezone=state.org.timezone,
            now=now,
            roster=state.roster(),
        )
        return self._deps.understanding.understand(text, context)

    def _commit(self, row: InboxRow, outcome: Outcome) -> None:
        org_id = self.org_id

        async def write(connection: asyncpg.Connection) -> list[int]:
            if not await queries.mark_processed(connection, row.inbox_id):
                raise AlreadyProcessed
            await queries.insert_tasks(connection, outcome.new_tasks)
            await queries.complete_tasks(connection, outcome.completed_tasks)
            return await queries.insert_outbox(connection, org_id, outcome.messages)

        outbox_ids = self._deps.persistence.run(org_id, write)
        if outbox_ids:
            self._deps.outbound.tell(SendOutbox(org_id, tuple(outbox_ids)))
