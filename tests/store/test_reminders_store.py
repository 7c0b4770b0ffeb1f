"""Reminders in PostgreSQL: fired once per occurrence, with their outbox rows, and scheduled
from the index; the scheduler tells only the organizations that are due."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from minkops import admin
from minkops.actors import messages as m
from minkops.actors.persistence import Persistence
from minkops.actors.reminders import ReminderScheduler
from minkops.domain import effects as fx
from minkops.domain.reminders import Reminder
from minkops.settings import RemindersSettings
from minkops.store import queries
from minkops.store import reminders as store
from minkops.store.database import org_transaction
from minkops.store.writers import write_effects

T0 = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # Monday 08:00 in Madrid


async def org_with_reminder(
    pool: asyncpg.Pool, phone: str, *, cron: str | None = "0 8 * * 1", at: datetime = T0
) -> int:
    owner = admin.NewMember("Ana Ruiz", phone, "admin", "es", "text")
    org, member = await admin.create_organization(
        pool, name="Horno", timezone="Europe/Madrid", owner=owner
    )
    reminder = Reminder(
        org_id=org.id, number=1, text="inventario", recipient_ids=(member.id,), everyone=False,
        created_by=member.id, language="es", cron=cron, once_at=None if cron else at,
        next_fire_at=at,
    )  # fmt: skip
    async with org_transaction(pool, org.id) as connection:
        await write_effects(connection, org.id, [fx.CreateReminder(reminder)])
    return org.id


async def fire(pool: asyncpg.Pool, org_id: int, now: datetime, *, crash: bool = False) -> int:
    class Crash(Exception):
        pass

    async with org_transaction(pool, org_id) as connection:
        state = await queries.load_org_state(connection, org_id)
    assert state is not None
    try:
        async with org_transaction(pool, org_id) as connection:
            queued, fired = await store.fire_due(connection, state, now)
            if crash:
                raise Crash  # the process dies before the commit
    except Crash:
        return -1
    assert len(queued) == fired
    return fired


async def count(database_url: str, sql: str) -> int:
    # The owner's view of the tables, across organizations: the service's own login cannot
    # step out of row-level security, not even with RESET ROLE.
    connection = await asyncpg.connect(database_url)
    try:
        return int(await connection.fetchval(sql))
    finally:
        await connection.close()


async def test_an_occurrence_is_marked_fired_with_its_outbox_rows_and_only_once(
    pool: asyncpg.Pool, database_url: str
) -> None:
    org_id = await org_with_reminder(pool, "+34600000301")
    assert await fire(pool, org_id, T0 - timedelta(seconds=1)) == 0  # not due yet
    assert await fire(pool, org_id, T0 + timedelta(seconds=1), crash=True) == -1
    # The crash rolled back both: no firing recorded, no message written, still due.
    assert await count(database_url, "SELECT count(*) FROM reminder_firings") == 0
    assert await count(database_url, "SELECT count(*) FROM outbox") == 0
    assert await fire(pool, org_id, T0 + timedelta(seconds=2)) == 1
    assert await fire(pool, org_id, T0 + timedelta(seconds=3)) == 0  # moved on: once
    assert await count(database_url, "SELECT count(*) FROM outbox WHERE kind = 'reminder'") == 1
    assert await count(database_url, "SELECT count(*) FROM reminder_firings") == 1
    async with org_transaction(pool, org_id) as connection:
        (reminder,) = await store.all_reminders(connection, org_id)
    assert reminder.next_fire_at == T0 + timedelta(days=7)


async def test_one_organization_cannot_see_anothers_reminders(pool: asyncpg.Pool) -> None:
    a = await org_with_reminder(pool, "+34600000311")
    b = await org_with_reminder(pool, "+34600000312")
    async with org_transaction(pool, a) as connection:
        rows = await connection.fetch("SELECT org_id FROM reminders")
        assert {r["org_id"] for r in rows} == {a}
        assert await store.lock_due(connection, b, T0 + timedelta(hours=1)) == []


async def test_the_scheduler_questions_read_the_index_not_the_table(pool: asyncpg.Pool) -> None:
    org_id = await org_with_reminder(pool, "+34600000321")
    async with org_transaction(pool, None) as connection:
        assert await store.next_reminder_after(connection, T0 - timedelta(seconds=1)) == T0
        assert await store.next_reminder_after(connection, T0) is None
        assert await store.due_orgs(connection, T0 - timedelta(seconds=1), 10) == []
        (due,) = await store.due_orgs(connection, T0, 10)
        assert (due.org_id, due.due) == (org_id, 1)
    async with pool.acquire() as connection:
        await connection.execute("RESET ROLE")
        await connection.execute("SET enable_seqscan = off")
        for question in (
            "SELECT min(next_fire_at) FROM reminders WHERE status = 'active'"
            f" AND next_fire_at > '{T0.isoformat()}'",
            "SELECT org_id, count(*) FROM reminders WHERE status = 'active'"
            f" AND next_fire_at <= '{T0.isoformat()}' GROUP BY org_id",
        ):
            plan = "\n".join(r[0] for r in await connection.fetch(f"EXPLAIN {question}"))
            assert "Index" in plan and "reminders_due" in plan, plan


class Directory:
    def __init__(self) -> None:
        self.told: list[Any] = []
        self.event = threading.Event()

    def tell(self, message: Any) -> None:
        self.told.append(message)
        self.event.set()


async def test_the_scheduler_tells_the_due_org_then_looks_again_after_a_while(
    pool: asyncpg.Pool,
) -> None:
    due_org = await org_with_reminder(pool, "+34600000331", at=T0)
    await org_with_reminder(pool, "+34600000332", at=T0 + timedelta(hours=1))
    delays: list[float] = []

    class Timer:
        def cancel(self) -> None:
            pass

    def timer(delay: float, callback: Any) -> Timer:
        delays.append(delay)
        if len(delays) == 1:
            threading.Thread(target=callback, daemon=True).start()
        return Timer()

    directory = Directory()
    persistence = Persistence(asyncio.get_running_loop(), pool)
    settings = RemindersSettings(max_sleep_seconds=600, redispatch_seconds=5)
    now = T0 + timedelta(seconds=1)
    ref = ReminderScheduler.start(
        None, persistence, directory, settings, clock=lambda: now, timer=timer
    )
    try:
        for _ in range(100):
            if len(delays) >= 2:
                break
            await asyncio.sleep(0.05)
    finally:
        ref.stop(block=False)
    assert directory.told == [m.FireReminders(due_org)]
    # Still due (its actor has not fired yet): look again after redispatch_seconds.
    assert delays[:2] == [0.0, 5.0]


async def test_a_member_who_leaves_is_taken_off_reminders_and_theirs_alone_are_cancelled(
    pool: asyncpg.Pool,
) -> None:
    org_id = await org_with_reminder(pool, "+34600000081")
    (juan, sam) = await admin.add_members(
        pool,
        org_id,
        [
            admin.NewMember("Juan Pérez", "+34600000082", "staff", "es", "text"),
            admin.NewMember("Sam Taylor", "+447700900083", "staff", "en", "text"),
        ],
    )
    async with org_transaction(pool, org_id) as connection:
        state = await queries.load_org_state(connection, org_id)
        assert state is not None
        (first,) = state.reminders
        await write_effects(
            connection,
            org_id,
            [
                fx.CreateReminder(replace(first, number=2, recipient_ids=(juan.id,))),
                fx.CreateReminder(replace(first, number=3, recipient_ids=(juan.id, sam.id))),
            ],
        )
    async with org_transaction(pool, org_id) as connection:
        before = await queries.load_org_state(connection, org_id)
        await write_effects(connection, org_id, [fx.RemoveMember(juan.id)])
        rows = await connection.fetch(
            "SELECT number, recipient_ids, status, next_fire_at IS NULL AS idle"
            " FROM reminders ORDER BY number"
        )
        reloaded = await queries.load_org_state(connection, org_id)
    assert [tuple(r) for r in rows] == [
        (1, [first.recipient_ids[0]], "active", False),
        (2, [], "cancelled", True),
        (3, [sam.id], "active", False),
    ]
    # What the database now holds is what the org actor's state became.
    assert reloaded is not None and before is not None
    after = fx.apply(before, [fx.RemoveMember(juan.id)])
    assert [(r.number, r.recipient_ids) for r in reloaded.reminders] == [
        (r.number, r.recipient_ids) for r in after.reminders
    ]


async def test_a_moved_reminder_keeps_its_new_schedule_in_the_database(pool: asyncpg.Pool) -> None:
    org_id = await org_with_reminder(pool, "+34600000091")
    async with org_transaction(pool, org_id) as connection:
        state = await queries.load_org_state(connection, org_id)
        assert state is not None
        (weekly,) = state.reminders
        later = T0 + timedelta(days=1)
        moved = replace(weekly, cron="30 9 * * 2", next_fire_at=later)
        await write_effects(connection, org_id, [fx.ChangeReminder(moved)])
        reloaded = await queries.load_org_state(connection, org_id)
    assert reloaded is not None
    (stored,) = reloaded.reminders
    assert (stored.cron, stored.once_at, stored.next_fire_at) == ("30 9 * * 2", None, later)
