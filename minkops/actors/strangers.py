"""Messages from numbers that belong to no organization (or no longer do).

A supervised actor of its own, so the directory's thread never waits on the database for
them. It remembers when each number was last given the explanation (and asks the outbox
after a restart), so a flood from one number is answered once a day.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg

from minkops.actors import messages as m
from minkops.actors.outbound import KeyedRecipient, tell_outbound
from minkops.actors.persistence import Persistence
from minkops.actors.supervisor import ChildContext, SupervisedActor
from minkops.domain.models import OutboundMessage
from minkops.domain.onboarding import Onboarded, onboard
from minkops.domain.privacy import DEFAULT_POLICY_URL
from minkops.domain.strangers import EXPLAIN_EVERY, answer_stranger
from minkops.logs import get_logger
from minkops.store import inbox, outbox, privacy, queries
from minkops.store.inbox import InboxRow
from minkops.store.outbox import Queued

log = get_logger(__name__)

_REMEMBERED = 10_000  # numbers whose last explanation is kept in memory


class Strangers(SupervisedActor):
    def __init__(
        self,
        context: ChildContext | None,
        persistence: Persistence,
        outbound: KeyedRecipient,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        policy_url: str = DEFAULT_POLICY_URL,
    ) -> None:
        super().__init__(context)
        self._persistence = persistence
        self._outbound = outbound
        self._clock = clock
        self._policy_url = policy_url
        self._explained: OrderedDict[str, datetime | None] = OrderedDict()

    def on_receive(self, message: Any) -> Any:
        if isinstance(message, m.Deliver):
            self._answer(message.row)
        return None

    def _answer(self, row: InboxRow) -> None:
        now = self._clock()
        phone = row.sender
        if phone not in self._explained:
            self._explained[phone] = self._persistence.run(
                row.org_id, lambda c: outbox.last_sent_to(c, phone, now - EXPLAIN_EVERY)
            )
        self._explained.move_to_end(phone)
        while len(self._explained) > _REMEMBERED:
            self._explained.popitem(last=False)
        if row.org_id is None:
            self._onboard(row, now)
            return
        # Removed from a team since the message was accepted: the explanation only.
        sends = answer_stranger(row.message, self._explained[phone], now)

        async def write(connection: asyncpg.Connection) -> list[Queued]:
            if not await inbox.mark_processed(connection, row.inbox_id):
                return []
            return await outbox.insert_outbox(connection, row.org_id, sends)

        queued = self._persistence.run(row.org_id, write)
        if sends and queued:
            self._explained[phone] = now
        log.info(
            "inbound.stranger", message_sid=row.message_sid, sender=phone, answered=bool(queued)
        )
        tell_outbound(self._outbound, row.org_id, queued)

    def _onboard(self, row: InboxRow, now: datetime) -> None:
        """A number no organization knows: the daily explanation, or its sign-up's next step."""
        phone = row.sender
        last = self._explained[phone]
        sign_up = self._persistence.run(None, lambda c: privacy.load_sign_up(c, phone))
        step = onboard(
            phone,
            row.message.text,
            sign_up,
            explained_today=last is not None and now - last < EXPLAIN_EVERY,
            policy_url=self._policy_url,
            now=now,
        )
        if step.create is not None:
            self._create(row, step)
        reply = None if step.reply is None or step.create is not None else step.reply
        sends = [OutboundMessage(f"{row.message_sid}:0", phone, reply)] if reply else []

        async def write(connection: asyncpg.Connection) -> list[Queued]:
            if not await inbox.mark_processed(connection, row.inbox_id):
                return []
            if step.forget:
                await privacy.forget_stranger(connection, phone)
            else:
                await privacy.save_sign_up(connection, phone, step.sign_up)
            return await outbox.insert_outbox(connection, None, sends)

        queued = self._persistence.run(None, write)
        if queued:
            self._explained[phone] = now
        log.info(
            "inbound.stranger",
            message_sid=row.message_sid,
            sender=phone,
            answered=bool(queued),
            signing_up=step.sign_up is not None,
            signed_up=step.create is not None,
            refused=step.forget,
        )
        tell_outbound(self._outbound, None, queued)

    def _create(self, row: InboxRow, step: Onboarded) -> None:
        """The new organization and its owner, with the first reply, in one transaction."""
        new, reply = step.create, step.reply
        assert new is not None and reply is not None
        org_id = self._persistence.run(None, queries.new_org_id)

        async def create(connection: asyncpg.Connection) -> list[Queued]:
            await privacy.create_signed_up(connection, org_id, new)
            welcome = OutboundMessage(f"{row.message_sid}:welcome", new.phone, reply)
            return await outbox.insert_outbox(connection, org_id, [welcome])

        try:
            queued = self._persistence.run(org_id, create)
        except asyncpg.UniqueViolationError:
            log.info("signup.already_member", message_sid=row.message_sid)  # a replay
            return
        log.info("signup.created", org_id=org_id)
        tell_outbound(self._outbound, org_id, queued)
