"""The inbox: every accepted inbound message, once (MessageSid is the dedup key), until acted on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from minkops.domain.inbound import InboundMessage


@dataclass(frozen=True)
class InboxRow:
    inbox_id: int
    org_id: int | None
    message: InboundMessage
    received_at: datetime

    @property
    def message_sid(self) -> str:
        return self.message.sid

    @property
    def sender(self) -> str:
        return self.message.sender


def _row(record: asyncpg.Record) -> InboxRow:
    return InboxRow(
        record["inbox_id"],
        record["org_id"],
        InboundMessage.from_json(record["message"]),
        record["received_at"],
    )


async def accept(connection: asyncpg.Connection, message: InboundMessage) -> InboxRow | None:
    """The new inbox row, or None when this MessageSid was accepted before."""
    record = await connection.fetchrow(
        "SELECT inbox_id, org_id, received_at FROM minkops_accept_inbound($1, $2, $3)",
        message.sid,
        message.sender,
        message.to_json(),
    )
    if record is None:
        return None
    return InboxRow(record["inbox_id"], record["org_id"], message, record["received_at"])


async def unprocessed(connection: asyncpg.Connection) -> list[InboxRow]:
    """Every organization's accepted messages not yet acted on (start-up resume), oldest first."""
    return [_row(r) for r in await connection.fetch("SELECT * FROM minkops_unprocessed_inbound()")]


async def unprocessed_of(connection: asyncpg.Connection, org_id: int) -> list[InboxRow]:
    """This organization's accepted messages not yet acted on, oldest first."""
    records = await connection.fetch(
        "SELECT id AS inbox_id, org_id, message, received_at FROM inbox"
        " WHERE org_id = $1 AND processed_at IS NULL ORDER BY id",
        org_id,
    )
    return [_row(r) for r in records]


async def mark_processed(connection: asyncpg.Connection, inbox_id: int) -> bool:
    """False when the row was already processed: the caller must then undo its transaction."""
    status = await connection.execute(
        "UPDATE inbox SET processed_at = now() WHERE id = $1 AND processed_at IS NULL", inbox_id
    )
    return bool(status == "UPDATE 1")
