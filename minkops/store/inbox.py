"""The inbox: every accepted inbound message, once (MessageSid is the dedup key), until acted on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

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


@dataclass(frozen=True)
class Accepted:
    """One message of a batch: its new row; or, for a MessageSid accepted before, its row
    while still unprocessed (to hand over again), else None."""

    row: InboxRow | None
    duplicate: bool


async def accept_many(
    connection: asyncpg.Connection, messages: Sequence[InboundMessage]
) -> list[Accepted]:
    """Accept a batch in one statement (one commit when run outside a transaction), in the
    given order; the result at each position belongs to the message at that position."""
    records = await connection.fetch(
        "SELECT * FROM minkops_accept_inbound_batch($1::text[], $2::text[], $3::jsonb[])"
        " ORDER BY n",
        [m.sid for m in messages],
        [m.sender for m in messages],
        [m.to_json() for m in messages],
    )
    accepted: list[Accepted] = []
    for message, record in zip(messages, records, strict=True):
        row = None
        if record["inbox_id"] is not None:
            stored = record["message"]
            row = InboxRow(
                record["inbox_id"],
                record["org_id"],
                message if stored is None else InboundMessage.from_json(stored),
                record["received_at"],
            )
        accepted.append(Accepted(row, record["duplicate"]))
    return accepted


async def unprocessed(connection: asyncpg.Connection) -> list[InboxRow]:
    """Every organization's accepted messages not yet acted on (start-up resume), oldest first."""
    return [_row(r) for r in await connection.fetch("SELECT * FROM minkops_unprocessed_inbound()")]


async def unprocessed_of(connection: asyncpg.Connection, org_id: int) -> list[InboxRow]:
    """This organization's accepted messages not yet acted on, oldest first (quarantined rows
    are the sweeper's: it hands them over for an apology)."""
    records = await connection.fetch(
        "SELECT id AS inbox_id, org_id, message, received_at FROM inbox"
        " WHERE org_id = $1 AND processed_at IS NULL AND quarantined_at IS NULL ORDER BY id",
        org_id,
    )
    return [_row(r) for r in records]


async def mark_processed(connection: asyncpg.Connection, inbox_id: int) -> bool:
    """False when the row was already processed: the caller must then undo its transaction."""
    status = await connection.execute(
        "UPDATE inbox SET processed_at = now() WHERE id = $1 AND processed_at IS NULL", inbox_id
    )
    return bool(status == "UPDATE 1")


async def unfinished(connection: asyncpg.Connection, message_sid: str) -> InboxRow | None:
    """The row of a MessageSid accepted before and not yet processed (any organization)."""
    record = await connection.fetchrow("SELECT * FROM minkops_unfinished_inbound($1)", message_sid)
    return None if record is None else _row(record)


@dataclass(frozen=True)
class Overdue:
    row: InboxRow
    attempts: int
    quarantined: bool


async def overdue(
    connection: asyncpg.Connection,
    after: timedelta,
    backoff_base: timedelta,
    backoff_max: timedelta,
    limit: int,
) -> list[Overdue]:
    """Rows left unprocessed past `after` and due again; each call counts one attempt."""
    records = await connection.fetch(
        "SELECT * FROM minkops_overdue_inbound($1, $2, $3, $4) ORDER BY inbox_id",
        after,
        backoff_base,
        backoff_max,
        limit,
    )
    return [Overdue(_row(r), r["attempts"], r["quarantined"]) for r in records]


async def quarantine(connection: asyncpg.Connection, inbox_id: int) -> bool:
    """True when this call quarantined the row (it was unprocessed and not quarantined)."""
    return bool(await connection.fetchval("SELECT minkops_quarantine_inbound($1)", inbox_id))


@dataclass(frozen=True)
class Backlog:
    waiting: int
    oldest_seconds: float
    quarantined: int


async def backlog(connection: asyncpg.Connection) -> Backlog:
    record = await connection.fetchrow("SELECT * FROM minkops_inbox_backlog()")
    assert record is not None
    return Backlog(record["waiting"], record["oldest_seconds"], record["quarantined"])


async def unprocessed_of_sender(
    connection: asyncpg.Connection, org_id: int, sender: str, limit: int
) -> list[InboxRow]:
    """The oldest `limit` unprocessed rows of one sender (back-pressure reads in batches)."""
    records = await connection.fetch(
        "SELECT id AS inbox_id, org_id, message, received_at FROM inbox"
        " WHERE org_id = $1 AND sender = $2 AND processed_at IS NULL"
        " AND quarantined_at IS NULL ORDER BY id LIMIT $3",
        org_id,
        sender,
        limit,
    )
    return [_row(r) for r in records]


async def hold_sender(
    connection: asyncpg.Connection, org_id: int, sender: str, seconds: float
) -> None:
    """Keep the sweeper off this sender's waiting rows for `seconds` (their org actor reads
    them itself), and start their attempt count afresh."""
    await connection.execute(
        "UPDATE inbox SET next_attempt_at = now() + make_interval(secs => $3), attempts = 0"
        " WHERE org_id = $1 AND sender = $2 AND processed_at IS NULL AND quarantined_at IS NULL",
        org_id,
        sender,
        seconds,
    )


async def hold_row(connection: asyncpg.Connection, inbox_id: int, seconds: float) -> None:
    await connection.execute(
        "UPDATE inbox SET next_attempt_at = now() + make_interval(secs => $2), attempts = 0"
        " WHERE id = $1 AND processed_at IS NULL",
        inbox_id,
        seconds,
    )
