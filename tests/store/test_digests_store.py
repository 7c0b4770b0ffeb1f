"""The digest and escalation in PostgreSQL: each occurrence fired once, with its outbox row,
across a crash before the commit and a replay after it; the scheduler sees them due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from minkops import admin
from minkops.domain import effects as fx
from minkops.domain.models import Task
from minkops.store import digests
from minkops.store import reminders as store
from minkops.store.database import org_transaction
from minkops.store.writers import write_effects
from tests.store.test_reminders_store import count, fire

T0 = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # Monday 07:00 in Madrid


async def org_with_digest_and_overdue_task(pool: asyncpg.Pool) -> tuple[int, int]:
    owner = admin.NewMember("Ana Ruiz", "+34600000401", "admin", "es", "text")
    org, ana = await admin.create_organization(
        pool, name="Horno", timezone="Europe/Madrid", owner=owner
    )
    (juan,) = await admin.add_members(
        pool, org.id, [admin.NewMember("Juan Gil", "+34600000402", "staff", "es", "text")]
    )
    async with org_transaction(pool, org.id) as connection:
        await write_effects(
            connection,
            org.id,
            [
                fx.SetEscalation(True),
                fx.SetDigest(ana.id, 7, T0),
                fx.CreateTask(Task(org.id, 1, "inventario", juan.id, ana.id, T0)),
            ],
        )
    return org.id, ana.id


async def test_digest_and_escalation_fire_once_across_a_crash_and_a_replay(
    pool: asyncpg.Pool, database_url: str
) -> None:
    org_id, ana_id = await org_with_digest_and_overdue_task(pool)
    async with org_transaction(pool, org_id) as connection:
        due_at = await connection.fetchval("SELECT escalate_at FROM tasks WHERE number = 1")
    assert due_at == T0  # the trigger set the first step at the due time
    assert await store.next_reminder_after(_definer(pool), T0 - timedelta(hours=1)) == T0
    assert [o.org_id for o in await store.due_orgs(_definer(pool), T0, 10)] == [org_id]

    assert await fire(pool, org_id, T0 - timedelta(seconds=1)) == 0
    assert await fire(pool, org_id, T0 + timedelta(seconds=1), crash=True) == -1
    assert await count(database_url, "SELECT count(*) FROM outbox") == 0
    assert await fire(pool, org_id, T0 + timedelta(seconds=2)) == 2  # digest + nudge
    assert await fire(pool, org_id, T0 + timedelta(seconds=3)) == 0  # replayed: nothing
    kinds = "SELECT count(*) FROM outbox WHERE idempotency_key LIKE '{}:%'"
    assert await count(database_url, kinds.format("digest")) == 1
    assert await count(database_url, kinds.format("escalation")) == 1

    # Two hours on, the creator is told, once; the next day's digest is already scheduled.
    later = T0 + timedelta(hours=2, seconds=5)
    assert await fire(pool, org_id, later) == 1
    assert await fire(pool, org_id, later + timedelta(seconds=1)) == 0
    assert await count(database_url, kinds.format("escalation")) == 2
    async with org_transaction(pool, org_id) as connection:
        row = await connection.fetchrow(
            "SELECT nudged_at, escalated_at, escalate_at FROM tasks WHERE number = 1"
        )
        next_digest = await connection.fetchval(
            "SELECT next_fire_at FROM digests WHERE member_id = $1", ana_id
        )
    assert row["nudged_at"] is not None and row["escalated_at"] is not None
    assert row["escalate_at"] is None and next_digest == T0 + timedelta(days=1)


async def test_closing_a_task_or_turning_escalation_off_takes_it_off_the_schedule(
    pool: asyncpg.Pool,
) -> None:
    org_id, _ = await org_with_digest_and_overdue_task(pool)
    async with org_transaction(pool, org_id) as connection:
        await write_effects(connection, org_id, [fx.SetEscalation(False)])
        assert await connection.fetchval("SELECT escalate_at FROM tasks") is None
        assert not await digests.escalation_enabled(connection, org_id)
        await write_effects(connection, org_id, [fx.SetEscalation(True)])
        assert await connection.fetchval("SELECT escalate_at FROM tasks") == T0
        await connection.execute("UPDATE tasks SET status = 'done', completed_at = now()")
        assert await connection.fetchval("SELECT escalate_at FROM tasks") is None


class _definer:
    """The scheduler's questions run outside any organization: a plain pool connection."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def fetchval(self, *args: object) -> object:
        async with self._pool.acquire() as c:
            return await c.fetchval(*args)

    async def fetch(self, *args: object) -> object:
        async with self._pool.acquire() as c:
            return await c.fetch(*args)
