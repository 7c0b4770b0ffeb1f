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
from minkops.domain.strangers import EXPLAIN_EVERY, answer_stranger
from minkops.logs import get_logger
from minkops.store import inbox, outbox
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
    ) -> None:
        super().__init__(context)
        self._persistence = persistence
        self._outbound = outbound
        self._clock = clock
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
