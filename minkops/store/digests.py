"""The daily digest and overdue escalation in PostgreSQL: their writers, and their firing.

`fire_due` runs inside the reminder firing's transaction (`minkops.store.reminders.fire_due`):
the due digests and escalating tasks are locked, the pure domain decides
(`minkops.domain.digest`), and the occurrences are recorded with their outbox rows. A
crash before the commit fires nothing; one after it has recorded the step, so a replay
sends nothing twice (the outbox keys name the occurrence as well).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import asyncpg

from minkops.domain import digest
from minkops.domain import effects as fx
from minkops.domain.models import Task
from minkops.domain.state import OrgState
from minkops.store.outbox import Queued
from minkops.store.queries import task_from_row
from minkops.store.writers import write_effects, writes

DEFAULT_DELAY_MINUTES = 120  # as the migration's column default


async def escalation_delay(connection: asyncpg.Connection, org_id: int) -> timedelta:
    minutes = await connection.fetchval(
        "SELECT escalation_delay_minutes FROM org_preferences WHERE org_id = $1", org_id
    )
    return timedelta(minutes=minutes or DEFAULT_DELAY_MINUTES)


async def fire_due(
    connection: asyncpg.Connection, state: OrgState, now: datetime
) -> tuple[list[Queued], int]:
    """Fire this organization's due digests and escalation steps in the caller's
    transaction; returns the outbox rows written and how many occurrences fired."""
    org_id = state.org.id
    digest_rows = await connection.fetch(
        "SELECT member_id, hour, next_fire_at, last_date FROM digests"
        " WHERE org_id = $1 AND next_fire_at <= $2 FOR UPDATE SKIP LOCKED",
        org_id,
        now,
    )
    task_rows = await connection.fetch(
        "SELECT * FROM tasks WHERE org_id = $1 AND escalate_at IS NOT NULL"
        " AND escalate_at <= $2 ORDER BY escalate_at, number FOR UPDATE SKIP LOCKED",
        org_id,
        now,
    )
    if not digest_rows and not task_rows:
        return [], 0
    effects: list[fx.Effect] = []
    if digest_rows:
        due = [
            digest.Digest(r["member_id"], r["hour"], r["next_fire_at"], r["last_date"])
            for r in digest_rows
        ]
        effects += digest.fire_digests(state, due, await _done_today(connection, state, now), now)
    if task_rows:
        escalating = [
            digest.EscalatingTask(task_from_row(r), r["nudged_at"], r["escalated_at"])
            for r in task_rows
        ]
        delay = await escalation_delay(connection, org_id)
        effects += digest.fire_escalations(state, escalating, delay, now)
    queued = await write_effects(connection, org_id, effects)
    return queued, len(digest_rows) + len(task_rows)


async def _done_today(connection: asyncpg.Connection, state: OrgState, now: datetime) -> list[Task]:
    """Tasks completed since the organization's local midnight."""
    rows = await connection.fetch(
        "SELECT * FROM tasks WHERE org_id = $1 AND status = 'done'"
        " AND completed_at >= (date_trunc('day', $2 AT TIME ZONE $3) AT TIME ZONE $3)"
        " ORDER BY number",
        state.org.id,
        now,
        state.org.timezone,
    )
    return [task_from_row(r) for r in rows]


async def digest_of(connection: asyncpg.Connection, member_id: int) -> int | None:
    """The hour of this member's digest, or None (for tests and the CLI)."""
    hour: int | None = await connection.fetchval(
        "SELECT hour FROM digests WHERE member_id = $1", member_id
    )
    return hour


async def escalation_enabled(connection: asyncpg.Connection, org_id: int) -> bool:
    return bool(
        await connection.fetchval(
            "SELECT escalation FROM org_preferences WHERE org_id = $1", org_id
        )
    )


# --- writers ------------------------------------------------------------------------------


@writes(fx.SetDigest)
async def _set_digests(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.SetDigest]
) -> None:
    for e in effects:
        if e.hour is None or e.next_fire_at is None:
            await connection.execute("DELETE FROM digests WHERE member_id = $1", e.member_id)
            continue
        await connection.execute(
            "INSERT INTO digests (member_id, org_id, hour, next_fire_at) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (member_id) DO UPDATE SET hour = $3, next_fire_at = $4",
            e.member_id,
            org_id,
            e.hour,
            e.next_fire_at,
        )


@writes(fx.SetEscalation)
async def _set_escalation(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.SetEscalation]
) -> None:
    enabled = effects[-1].enabled
    await connection.execute(
        "INSERT INTO org_preferences (org_id, escalation) VALUES ($1, $2)"
        " ON CONFLICT (org_id) DO UPDATE SET escalation = $2, updated_at = now()",
        org_id,
        enabled,
    )
    # Open tasks follow at once: their next step (a task already escalated stays done with).
    await connection.execute(
        "UPDATE tasks SET escalate_at = CASE WHEN $2::boolean THEN"
        " CASE WHEN nudged_at IS NULL THEN due_at"
        " ELSE nudged_at + make_interval(mins => (SELECT escalation_delay_minutes"
        " FROM org_preferences WHERE org_id = $1)) END END"
        " WHERE org_id = $1 AND status = 'open' AND due_at IS NOT NULL AND escalated_at IS NULL",
        org_id,
        enabled,
    )


@writes(fx.FireDigest)
async def _fire_digests(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.FireDigest]
) -> None:
    await connection.executemany(
        "UPDATE digests SET last_date = $3, next_fire_at = $4 WHERE org_id = $1 AND member_id = $2",
        [(org_id, e.member_id, e.day, e.next_fire_at) for e in effects],
    )


@writes(fx.EscalateTask)
async def _escalate_tasks(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.EscalateTask]
) -> None:
    await connection.executemany(
        "UPDATE tasks SET nudged_at = $3, escalated_at = $4, escalate_at = $5"
        " WHERE org_id = $1 AND number = $2",
        [(org_id, e.number, e.nudged_at, e.escalated_at, e.escalate_at) for e in effects],
    )
