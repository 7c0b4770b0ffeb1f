"""Reminders in PostgreSQL: their writers (one per effect type), and the scheduler's queries.

Functions take a connection inside `org_transaction` (row-level security scoped to one
organization), except the two scheduler questions, which go through SECURITY DEFINER
functions that read only the partial index on active reminders' `next_fire_at`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from minkops.domain import effects as fx
from minkops.domain import firing
from minkops.domain.reminders import Reminder
from minkops.domain.state import OrgState
from minkops.store import outbox
from minkops.store.outbox import Queued
from minkops.store.writers import writes


def reminder_from_row(row: asyncpg.Record) -> Reminder:
    return Reminder(
        id=row["id"],
        org_id=row["org_id"],
        number=row["number"],
        text=row["text"],
        recipient_ids=tuple(row["recipient_ids"]),
        everyone=row["everyone"],
        created_by=row["created_by"],
        language=row["language"],
        cron=row["cron"],
        once_at=row["once_at"],
        delivery=row["delivery"],
        status=row["status"],
        next_fire_at=row["next_fire_at"],
        last_fired_at=row["last_fired_at"],
        created_at=row["created_at"],
        translations=dict(row["translations"]),
    )


async def load_reminders(
    connection: asyncpg.Connection, org_id: int
) -> tuple[tuple[Reminder, ...], int]:
    """Active and paused reminders, and the next reminder number."""
    rows = await connection.fetch(
        "SELECT * FROM reminders WHERE org_id = $1 AND status IN ('active', 'paused')"
        " ORDER BY number",
        org_id,
    )
    last = await connection.fetchval(
        "SELECT coalesce(max(number), 0) FROM reminders WHERE org_id = $1", org_id
    )
    return tuple(reminder_from_row(r) for r in rows), int(last) + 1


async def lock_due(connection: asyncpg.Connection, org_id: int, now: datetime) -> list[Reminder]:
    """This organization's due reminders, locked until the firing commits."""
    rows = await connection.fetch(
        "SELECT * FROM reminders WHERE org_id = $1 AND status = 'active'"
        " AND next_fire_at <= $2 ORDER BY next_fire_at, number FOR UPDATE SKIP LOCKED",
        org_id,
        now,
    )
    return [reminder_from_row(r) for r in rows]


async def all_reminders(connection: asyncpg.Connection, org_id: int) -> list[Reminder]:
    rows = await connection.fetch(
        "SELECT * FROM reminders WHERE org_id = $1 ORDER BY number", org_id
    )
    return [reminder_from_row(r) for r in rows]


async def fire_due(
    connection: asyncpg.Connection, state: OrgState, now: datetime
) -> tuple[list[Queued], int]:
    """Fire this organization's due reminders in the caller's transaction: the occurrences
    are marked (and the reminders moved on) with the outbox rows they send, so a crash
    before the commit fires nothing and one after it has sent nothing twice. Returns the
    outbox rows written and how many reminders fired."""
    from minkops.store import digests
    from minkops.store.writers import write_effects

    # Digests and escalation steps ride the same wake-up and the same transaction.
    queued, fired = await digests.fire_due(connection, state, now)
    due = await lock_due(connection, state.org.id, now)
    if not due:
        return queued, fired
    effects = firing.fire_due(state, due, now)
    fired += sum(isinstance(e, fx.FireReminder) for e in effects)
    return queued + await write_effects(connection, state.org.id, effects), fired


# --- the scheduler, across organizations ----------------------------------------------------


@dataclass(frozen=True)
class DueOrg:
    org_id: int
    due: int


async def next_reminder_after(connection: asyncpg.Connection, after: datetime) -> datetime | None:
    """The first due time strictly after `after` (what is due by then is `due_orgs`' answer)."""
    at: datetime | None = await connection.fetchval("SELECT minkops_next_reminder_after($1)", after)
    return at


async def due_orgs(connection: asyncpg.Connection, now: datetime, limit: int) -> list[DueOrg]:
    rows = await connection.fetch(
        "SELECT org_id, due FROM minkops_due_reminder_orgs($1, $2)", now, limit
    )
    return [DueOrg(r["org_id"], r["due"]) for r in rows]


# --- writers ------------------------------------------------------------------------------


@writes(fx.CreateReminder)
async def _create_reminders(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.CreateReminder]
) -> None:
    await connection.executemany(
        "INSERT INTO reminders (org_id, number, text, everyone, recipient_ids, created_by,"
        " language, cron, once_at, delivery, status, next_fire_at, translations)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        [
            (
                org_id,
                r.number,
                r.text,
                r.everyone,
                list(r.recipient_ids),
                r.created_by,
                r.language,
                r.cron,
                r.once_at,
                r.delivery,
                r.status,
                r.next_fire_at,
                dict(r.translations),
            )
            for r in (e.reminder for e in effects)
        ],
    )


@writes(fx.ChangeReminder)
async def _change_reminders(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.ChangeReminder]
) -> None:
    # The schedule goes too: a reminder moved to another time changes its cron or once_at.
    await connection.executemany(
        "UPDATE reminders SET status = $3, next_fire_at = $4, cron = $5, once_at = $6"
        " WHERE org_id = $1 AND number = $2 AND status IN ('active', 'paused')",
        [
            (
                org_id,
                e.reminder.number,
                e.reminder.status,
                e.reminder.next_fire_at,
                e.reminder.cron,
                e.reminder.once_at,
            )
            for e in effects
        ],
    )


@writes(fx.FireReminder)
async def _fire_reminders(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.FireReminder]
) -> None:
    await connection.executemany(
        "INSERT INTO reminder_firings (org_id, reminder_id, occurrence, scheduled_for,"
        " fired_at, late) SELECT $1, id, $3, $4, $5, $6 FROM reminders"
        " WHERE org_id = $1 AND number = $2 ON CONFLICT DO NOTHING",
        [
            (
                org_id,
                e.reminder.number,
                e.occurrence.key,
                e.occurrence.scheduled_for,
                e.fired_at,
                e.occurrence.late,
            )
            for e in effects
        ],
    )
    await connection.executemany(
        "UPDATE reminders SET status = $3, next_fire_at = $4, last_fired_at = $5"
        " WHERE org_id = $1 AND number = $2",
        [
            (
                org_id,
                e.reminder.number,
                e.reminder.status,
                e.reminder.next_fire_at,
                e.reminder.last_fired_at,
            )
            for e in effects
        ],
    )


@writes(fx.FollowTemplates)
async def _follow_templates(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.FollowTemplates]
) -> list[Queued]:
    queued: list[Queued] = []
    for e in effects:
        queued.extend(await outbox.follow_templates(connection, org_id, e.phone, e.key))
    return queued
