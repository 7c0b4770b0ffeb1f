"""The outbox: every outbound message is a row before it is sent, and each row's way to Twilio.

Life of a row: ``pending`` → ``sending`` (committed before messages.create) → ``sent``
(with the SID) → ``delivered``/``read``/``undelivered``/``failed`` from status callbacks.
A send with no answer leaves the row ``sending``; once its ``next_attempt_at`` passes it
is ambiguous and is reconciled against Twilio before it is sent again. Rows to one
recipient leave oldest first: only the head of a recipient's unsettled rows is claimed.

Functions take a connection inside ``org_transaction``, so row-level security scopes them
to one organization; the two that cross organizations call SECURITY DEFINER functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import asyncpg

from minkops.domain.long_text import split_long_text

UNSETTLED = ("pending", "sending")


@dataclass(frozen=True)
class OutboxRow:
    id: int
    org_id: int | None
    key: str
    recipient: str  # E.164
    body: str
    status: str
    attempts: int
    twilio_sid: str | None
    sending_at: datetime | None
    next_attempt_at: datetime | None
    error_code: int | None
    error_message: str | None
    created_at: datetime
    kind: str = "reply"
    speech: str | None = None
    """Spoken as a voice note with the body as its text line, when set."""
    as_template: bool = False
    """Goes as a template whatever the window (a retry after Twilio's 63016)."""


@dataclass(frozen=True)
class Queued:
    """A row just written: what a caller needs to route it to the right outbound member."""

    id: int
    recipient: str


@dataclass(frozen=True)
class Claim:
    """The head row of a recipient, now ``sending`` and leased to the claimer.

    ``ambiguous``: an earlier attempt (from ``row.sending_at``) got no answer, so the
    message may already be at Twilio. The claimer must look before sending again.
    """

    row: OutboxRow
    ambiguous: bool
    last_inbound: datetime | None = None
    """When the recipient last wrote (the 24-hour window), read with the claim."""
    language: str | None = None
    """The recipient's language, if a member, read with the claim."""


@dataclass(frozen=True)
class Waiting:
    """The head row is not due before ``until`` (a backoff, or another sender's lease)."""

    until: datetime


@dataclass(frozen=True)
class DueRecipient:
    org_id: int | None
    recipient: str


def _row(record: asyncpg.Record) -> OutboxRow:
    return OutboxRow(
        id=record["id"],
        org_id=record["org_id"],
        key=record["idempotency_key"],
        recipient=record["recipient"],
        body=record["body"],
        status=record["status"],
        attempts=record["attempts"],
        twilio_sid=record["twilio_sid"],
        sending_at=record["sending_at"],
        next_attempt_at=record["next_attempt_at"],
        error_code=record["error_code"],
        error_message=record["error_message"],
        created_at=record["created_at"],
        kind=record["kind"],
        speech=record["speech"],
        as_template=record["as_template"],
    )


class Outgoing(Protocol):
    """A message to write: an outbound effect, or a plain OutboundMessage."""

    @property
    def key(self) -> str: ...
    @property
    def to(self) -> str: ...
    @property
    def body(self) -> str: ...


async def insert_outbox(
    connection: asyncpg.Connection, org_id: int | None, messages: Sequence[Outgoing]
) -> list[Queued]:
    """The rows written now, in order; a message whose key was written before is skipped
    (a replay). One statement for all of them."""
    if not messages:
        return []
    parts = parts_of(messages)
    records = await connection.fetch(
        "INSERT INTO outbox (org_id, idempotency_key, recipient, body, kind, speech)"
        " SELECT $1, k, r, b, t, s"
        " FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])"
        " WITH ORDINALITY AS m(k, r, b, t, s, n) ORDER BY n"
        " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, recipient",
        org_id,
        [part.key for part in parts],
        [part.to for part in parts],
        [part.body for part in parts],
        [part.kind for part in parts],
        [part.speech for part in parts],
    )
    return sorted((Queued(r["id"], r["recipient"]) for r in records), key=lambda q: q.id)


@dataclass(frozen=True)
class Part:
    key: str
    to: str
    body: str
    kind: str
    speech: str | None


def parts_of(messages: Sequence[Outgoing]) -> list[Part]:
    """One row per part: a body over Twilio's limit becomes numbered parts in order; the
    first keeps the message's key, the others add ``#2``, ``#3``… Each part keeps the
    message's kind, and is spoken if the message is."""
    rows: list[Part] = []
    for message in messages:
        speak = bool(getattr(message, "speak", False))
        for index, body in enumerate(split_long_text(message.body), 1):
            key = message.key if index == 1 else f"{message.key}#{index}"
            rows.append(Part(key, message.to, body, row_kind(message), body if speak else None))
    return rows


def row_kind(message: Outgoing) -> str:
    """The outbox row's kind ('reply' unless the message says): it picks the template that
    carries the row outside the 24-hour window (`minkops.delivery.templates`)."""
    return str(getattr(message, "kind", "reply"))


async def last_sent_to(
    connection: asyncpg.Connection, recipient: str, since: datetime
) -> datetime | None:
    """When a message to `recipient` was last written (within what RLS shows), after `since`."""
    created: datetime | None = await connection.fetchval(
        "SELECT max(created_at) FROM outbox WHERE recipient = $1 AND created_at > $2",
        recipient,
        since,
    )
    return created


async def outbox_row(connection: asyncpg.Connection, outbox_id: int) -> OutboxRow | None:
    record = await connection.fetchrow("SELECT * FROM outbox WHERE id = $1", outbox_id)
    return None if record is None else _row(record)


async def unsettled_recipients(
    connection: asyncpg.Connection, outbox_ids: Sequence[int]
) -> list[str]:
    """Recipients of those rows still to be sent, in the order of their oldest row."""
    records = await connection.fetch(
        "SELECT recipient FROM outbox WHERE id = ANY($1::bigint[]) AND status = ANY($2::text[])"
        " GROUP BY recipient ORDER BY min(id)",
        list(outbox_ids),
        list(UNSETTLED),
    )
    return [record["recipient"] for record in records]


async def claim_head(
    connection: asyncpg.Connection,
    org_id: int | None,
    recipient: str,
    now: datetime,
    lease: timedelta,
) -> Claim | Waiting | None:
    """Claim the oldest unsettled row to ``recipient`` if it is due; None when there is none.

    A per-recipient advisory lock serializes claimers, so two members never both claim a
    head, and a newer row is never claimed while an older one is pending or in flight.
    One statement (``minkops_claim_head``), which sets the organization itself: run alone,
    it is one round trip and commits on its own.
    """
    record = await connection.fetchrow(
        "SELECT * FROM minkops_claim_head($1, $2, $3, $4, $5::text[])",
        org_id,
        recipient,
        now,
        lease,
        list(UNSETTLED),
    )
    return None if record is None else _claimed(record)


def _claimed(record: asyncpg.Record) -> Claim | Waiting | None:
    """A claim's columns (``head``, ``due``, ``last_inbound``, ``language``) as its outcome."""
    if record["head"] is None:
        return None
    head = _row(record["head"])
    if not record["due"]:
        assert head.next_attempt_at is not None
        return Waiting(head.next_attempt_at)
    return Claim(
        head,
        ambiguous=head.status == "sending",
        last_inbound=record["last_inbound"],
        language=record["language"],
    )


async def start_attempt(
    connection: asyncpg.Connection, outbox_id: int, now: datetime, lease: timedelta
) -> bool:
    """Resend an ambiguous row found missing at Twilio; False if it was settled meanwhile."""
    return await _start_attempt(connection, outbox_id, now, lease)


async def _start_attempt(
    connection: asyncpg.Connection, outbox_id: int, now: datetime, lease: timedelta
) -> bool:
    status = await connection.execute(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, sending_at = $2,"
        " next_attempt_at = $3 WHERE id = $1 AND status = ANY($4::text[])",
        outbox_id,
        now,
        now + lease,
        list(UNSETTLED),
    )
    return bool(status == "UPDATE 1")


async def mark_sent(
    connection: asyncpg.Connection,
    org_id: int | None,
    outbox_id: int,
    twilio_sid: str,
    now: datetime,
) -> str | None:
    """Record the SID Twilio gave (or that reconciling found); returns the SID on the row.

    A status callback may have got there first: the status never moves back, and a SID
    already recorded is kept (the caller compares, to notice a duplicate). One statement
    that sets the organization itself, like ``claim_head``.
    """
    recorded: str | None = await connection.fetchval(
        "SELECT minkops_mark_sent($1, $2, $3, $4, $5::text[])",
        org_id,
        outbox_id,
        twilio_sid,
        now,
        list(UNSETTLED),
    )
    return recorded


async def mark_sent_and_claim_next(
    connection: asyncpg.Connection,
    org_id: int | None,
    row: OutboxRow,
    twilio_sid: str,
    now: datetime,
    lease: timedelta,
) -> tuple[str | None, Claim | Waiting | None]:
    """``mark_sent`` of ``row``, then ``claim_head`` of its recipient, in one statement
    (``minkops_mark_sent_and_claim_next``): the SID on the row, and the next claim.

    A sender that goes on to the recipient's next row anyway saves a round trip per row;
    the guarantees are the two functions' own (the next row is claimed only once this one
    is recorded, under the recipient's lock, in a fresh snapshot).
    """
    record = await connection.fetchrow(
        "SELECT * FROM minkops_mark_sent_and_claim_next($1, $2, $3, $4, $5, $6, $7::text[])",
        org_id,
        row.id,
        twilio_sid,
        now,
        row.recipient,
        lease,
        list(UNSETTLED),
    )
    assert record is not None  # always one row: the claim's columns are NULL for none
    recorded: str | None = record["recorded"]
    return recorded, _claimed(record)


async def retry_later(
    connection: asyncpg.Connection,
    outbox_id: int,
    until: datetime,
    code: int | None,
    message: str,
) -> None:
    """Twilio answered with a transient error: nothing was sent, try again at ``until``."""
    await connection.execute(
        "UPDATE outbox SET status = 'pending', next_attempt_at = $2, error_code = $3,"
        " error_message = $4 WHERE id = $1 AND status = 'sending'",
        outbox_id,
        until,
        code,
        message[:500],
    )


async def look_again_later(
    connection: asyncpg.Connection, outbox_id: int, until: datetime, message: str
) -> None:
    """No answer from Twilio: the row stays ``sending`` (ambiguous) until ``until``."""
    await connection.execute(
        "UPDATE outbox SET next_attempt_at = $2, error_message = $3"
        " WHERE id = $1 AND status = 'sending'",
        outbox_id,
        until,
        message[:500],
    )


async def mark_failed(
    connection: asyncpg.Connection, outbox_id: int, code: int | None, message: str
) -> bool:
    """A terminal failure; False when the row was settled meanwhile (a callback)."""
    status = await connection.execute(
        "UPDATE outbox SET status = 'failed', error_code = $2, error_message = $3,"
        " next_attempt_at = NULL WHERE id = $1 AND status = ANY($4::text[])",
        outbox_id,
        code,
        message[:500],
        list(UNSETTLED),
    )
    return bool(status == "UPDATE 1")


async def known_sids(connection: asyncpg.Connection, sids: Sequence[str]) -> set[str]:
    """Those SIDs already recorded on a row: reconciling must not adopt another row's message."""
    records = await connection.fetch(
        "SELECT twilio_sid FROM outbox WHERE twilio_sid = ANY($1::text[])", list(sids)
    )
    return {record["twilio_sid"] for record in records}


async def mark_went_as_template(connection: asyncpg.Connection, outbox_id: int) -> None:
    await connection.execute("UPDATE outbox SET went_as_template = true WHERE id = $1", outbox_id)


async def follow_templates(
    connection: asyncpg.Connection, org_id: int, recipient: str, key: str
) -> list[Queued]:
    """The person tapped "Listen": what reached them as a template in the last 24 hours
    comes again free-form (with its voice note), once per tap (`key` is the tap's SID)."""
    records = await connection.fetch(
        "INSERT INTO outbox (org_id, idempotency_key, recipient, body, kind, speech)"
        " SELECT org_id, idempotency_key || ':listen:' || $3, recipient, body, kind, speech"
        " FROM outbox WHERE org_id = $1 AND recipient = $2 AND went_as_template"
        " AND status NOT IN ('failed', 'undelivered')"
        " AND created_at > now() - interval '24 hours' ORDER BY id"
        " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, recipient",
        org_id,
        recipient,
        key,
    )
    return sorted((Queued(r["id"], r["recipient"]) for r in records), key=lambda q: q.id)


async def set_media_token(connection: asyncpg.Connection, outbox_id: int, token: str) -> None:
    await connection.execute("UPDATE outbox SET media_token = $2 WHERE id = $1", outbox_id, token)


# --- across organizations (SECURITY DEFINER) ----------------------------------------------


async def due_recipients(
    connection: asyncpg.Connection, now: datetime, limit: int
) -> list[DueRecipient]:
    records = await connection.fetch(
        "SELECT org_id, recipient FROM minkops_due_outbox($1, $2)", now, limit
    )
    return [DueRecipient(record["org_id"], record["recipient"]) for record in records]


@dataclass(frozen=True)
class StatusReport:
    """One status callback to record, and what the caller's rules say it sets off."""

    twilio_sid: str
    key: str | None
    status: str
    error_code: int | None
    error_message: str | None
    retry_as_template: bool
    """Queue the message once more as a template (Twilio failed it outside the window)."""
    final: bool
    """A final status: name the voice note to delete, if the message had one."""


@dataclass(frozen=True)
class Recorded:
    outcome: str | None
    """None for an unknown message, else 'updated' or 'unchanged'."""
    template: tuple[int | None, Queued] | None
    """The row queued again as a template (its organization), if this report did it."""
    media_token: str | None


async def record_deliveries(
    connection: asyncpg.Connection, reports: Sequence[StatusReport]
) -> list[Recorded]:
    """Status callbacks with their follow-ups, in one statement (one commit outside a
    transaction), in order; the result at each position belongs to that report."""
    records = await connection.fetch(
        "SELECT * FROM minkops_record_delivery_batch($1::text[], $2::text[], $3::text[],"
        " $4::integer[], $5::text[], $6::boolean[], $7::boolean[]) ORDER BY n",
        [r.twilio_sid for r in reports],
        [r.key for r in reports],
        [r.status for r in reports],
        [r.error_code for r in reports],
        [None if r.error_message is None else r.error_message[:500] for r in reports],
        [r.retry_as_template for r in reports],
        [r.final for r in reports],
    )
    return [
        Recorded(
            record["outcome"],
            None
            if record["retry_outbox_id"] is None
            else (
                record["retry_org_id"],
                Queued(record["retry_outbox_id"], record["retry_recipient"]),
            ),
            record["media_token"],
        )
        for record in records
    ]
