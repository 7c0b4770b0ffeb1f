"""Caps are exact: the counter and the action commit in one transaction, whether through
the writers or through the one statement the org actor uses for the usual turn."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import pytest

from minkops import admin
from minkops.domain import billing as b
from minkops.domain import effects as fx
from minkops.domain.inbound import InboundMessage
from minkops.store import billing as store
from minkops.store import inbox, queries, turn_commit
from minkops.store.database import ProcessedBefore, create_pool, org_transaction
from minkops.store.writers import write_effects

OWNER = "+34600000001"
NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
PLANS = b.Plans((b.Plan("free", 5, 3, 2, 10), b.Plan("team", 50, 30, 20, 10, "price_team")))
WRITERS, ONE_STATEMENT = "writers", "one statement"


@pytest.fixture(params=[WRITERS, ONE_STATEMENT])
def path(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def _org(pool: asyncpg.Pool) -> int:
    org, _ = await admin.create_organization(
        pool,
        name="Café Uno",
        timezone="Europe/Madrid",
        owner=admin.NewMember("Ana García", OWNER, "admin", "es", "text"),
    )
    return org.id


async def _accept(pool: asyncpg.Pool, sid: str, text: str = "hola") -> inbox.InboxRow:
    async with org_transaction(pool, None) as connection:
        row = await inbox.accept(connection, InboundMessage(sid, OWNER, text))
    assert row is not None
    return row


async def _turn(
    pool: asyncpg.Pool, org_id: int, row: inbox.InboxRow, tasks: int = 0, path: str = WRITERS
) -> str:
    """What the org actor's commit does: mark the row, count, write the effects."""
    async with org_transaction(pool, org_id) as connection:
        state = await queries.load_org_state(connection, org_id)
    assert state is not None
    effects: list[fx.Effect] = [fx.Send(f"{row.message_sid}:0", OWNER, "done", None)]
    count = b.count_usage(state, PLANS, row.message, tuple(effects), NOW, b.DEFAULT_METERS)
    count = b.CountUsage(**{**count.__dict__, "tasks": tasks})
    try:
        if path == ONE_STATEMENT:
            assert turn_commit.fits([count, *effects])
            async with pool.acquire() as connection:
                await turn_commit.commit_turn(connection, org_id, row.inbox_id, [count, *effects])
            return "acted"
        async with org_transaction(pool, org_id) as connection:
            if not await inbox.mark_processed(connection, row.inbox_id):
                return "replay"
            await write_effects(connection, org_id, [count, *effects])
    except ProcessedBefore:
        return "replay"
    except b.OverCap as over:
        return f"over:{over.what}"
    return "acted"


async def _counted(pool: asyncpg.Pool, org_id: int) -> dict[str, int]:
    async with org_transaction(pool, org_id) as connection:
        usage = await store.month_usage(connection, org_id, b.month_of(NOW.date()), PLANS.free)
    return dict(usage.counted)


async def _outbox(pool: asyncpg.Pool, org_id: int) -> list[str]:
    async with org_transaction(pool, org_id) as connection:
        rows = await connection.fetch(
            "SELECT body FROM outbox WHERE org_id = $1 ORDER BY id", org_id
        )
    return [r["body"] for r in rows]


async def test_a_hundred_concurrent_messages_at_cap_minus_one_leave_exactly_one(
    database_url: str, path: str
) -> None:
    pool = await create_pool(database_url, 2, 30)
    try:
        org_id = await _org(pool)
        for n in range(4):  # cap 5: four used
            assert await _turn(pool, org_id, await _accept(pool, f"SMpre{n}"), path=path) == "acted"
        rows = [await _accept(pool, f"SMrace{n:03}") for n in range(100)]
        results = await asyncio.gather(*(_turn(pool, org_id, row, path=path) for row in rows))
        assert results.count("acted") == 1
        assert results.count("over:messages") == 99
        assert (await _counted(pool, org_id))["messages"] == 5
        assert (await _outbox(pool, org_id)).count("done") == 5
    finally:
        await pool.close()


async def test_a_redelivered_message_is_not_counted_twice(pool: asyncpg.Pool, path: str) -> None:
    org_id = await _org(pool)
    row = await _accept(pool, "SMonce")
    assert await _turn(pool, org_id, row, path=path) == "acted"
    assert await _turn(pool, org_id, row, path=path) == "replay"
    async with org_transaction(pool, None) as connection:
        assert await inbox.accept(connection, InboundMessage("SMonce", OWNER, "hola")) is None
    assert (await _counted(pool, org_id))["messages"] == 1


async def test_tasks_over_their_cap_roll_the_whole_turn_back(pool: asyncpg.Pool, path: str) -> None:
    org_id = await _org(pool)
    assert await _turn(pool, org_id, await _accept(pool, "SMt1"), tasks=3, path=path) == "acted"
    second = await _accept(pool, "SMt2")
    assert await _turn(pool, org_id, second, tasks=1, path=path) == "over:tasks"
    async with org_transaction(pool, org_id) as connection:  # the inbox mark rolled back too
        assert [r.inbox_id for r in await inbox.unprocessed_of(connection, org_id)] == [
            second.inbox_id
        ]
    assert await _counted(pool, org_id) == {"messages": 1, "tasks": 3, "voice_notes": 0}
    assert (await _outbox(pool, org_id)).count("done") == 1  # the second turn wrote nothing


async def test_admins_are_warned_once_at_80_and_once_at_100_percent(
    pool: asyncpg.Pool, path: str
) -> None:
    org_id = await _org(pool)
    for n in range(7):  # cap 5: the 4th is 80 %, the 5th 100 %, then over
        await _turn(pool, org_id, await _accept(pool, f"SMw{n}"), path=path)
    bodies = await _outbox(pool, org_id)
    warnings = [body for body in bodies if body.startswith(("⚠️", "🚫"))]
    assert len(warnings) == 2
    assert warnings[0].startswith("⚠️") and "80%" in warnings[0]
    assert warnings[1].startswith("🚫")


async def test_over_cap_reply_once_per_sender_then_silence(pool: asyncpg.Pool) -> None:
    org_id = await _org(pool)
    async with org_transaction(pool, org_id) as connection:
        state = await queries.load_org_state(connection, org_id)
    assert state is not None
    ana = state.admins()[0]
    for n in range(3):
        message = InboundMessage(f"SMover{n}", OWNER, "hola")
        notice = b.over_cap_outcome(state, PLANS, ana, message, "messages", NOW)
        async with org_transaction(pool, org_id) as connection:
            await write_effects(connection, org_id, notice)
    (reply,) = await _outbox(pool, org_id)
    assert "mejorar plan" in reply  # the admin is told what to do


@pytest.mark.parametrize("table", ["usage_daily", "usage_period", "meter_outbox", "billing"])
async def test_billing_tables_are_per_organization(pool: asyncpg.Pool, table: str) -> None:
    org_id = await _org(pool)
    async with org_transaction(pool, org_id) as connection:
        await store.set_customer(connection, org_id, "cus_A")
    await _turn(pool, org_id, await _accept(pool, "SMrls"))
    async with org_transaction(pool, org_id) as connection:
        own = await connection.fetchval(f"SELECT count(*) FROM {table}")
    async with org_transaction(pool, org_id + 1) as connection:
        other = await connection.fetchval(f"SELECT count(*) FROM {table}")
    async with pool.acquire() as connection:
        forced = await connection.fetchval(
            "SELECT relforcerowsecurity FROM pg_class WHERE relname = $1", table
        )
    assert own >= 1 and other == 0 and forced


async def test_past_due_keeps_the_paid_plan_through_the_grace_period_only(
    pool: asyncpg.Pool,
) -> None:
    org_id = await _org(pool)
    async with org_transaction(pool, org_id) as connection:
        await store.set_customer(connection, org_id, "cus_grace")

    async def apply(created: int, status: str) -> str:
        async with org_transaction(pool, org_id) as connection:
            await store.apply_subscription(
                connection,
                org_id,
                created=created,
                subscription_id="sub_1",
                status=status,
                plan="team",
                free_plan="free",
                grace_days=7,
            )
            plan: str = await connection.fetchval(
                "SELECT plan FROM organizations WHERE id = $1", org_id
            )
        return plan

    assert await apply(1, "active") == "team"
    assert await apply(2, "past_due") == "team"  # payment failed: grace
    async with org_transaction(pool, org_id) as connection:
        await connection.execute(
            "UPDATE billing SET past_due_since = now() - interval '8 days' WHERE org_id = $1",
            org_id,
        )
    assert await apply(3, "past_due") == "free"  # grace over: the free plan's caps
    assert await apply(2, "active") == "free"  # an older event changes nothing
    assert await apply(4, "active") == "team"  # paid again


async def test_voice_notes_out_stop_at_the_cap_and_admins_are_told_once(
    pool: asyncpg.Pool,
) -> None:
    org_id = await _org(pool)  # free: 2 voice notes in this test's plans
    taken = []
    for _ in range(4):
        async with org_transaction(pool, org_id) as connection:
            taken.append(await store.take_voice_note_out(connection, org_id, PLANS, NOW))
    assert taken == [True, True, False, False]
    (notice,) = await _outbox(pool, org_id)
    assert notice.startswith("🚫") and "notas de voz" in notice
    async with org_transaction(pool, org_id) as connection:
        assert not await store.may_send_voice_note(
            connection, org_id, NOW.date(), PLANS.get("free")
        )
        out = await connection.fetchval("SELECT voice_notes_out FROM usage_daily")
    assert out == 2


async def test_each_path_counts_meters_and_warns_in_order(
    pool: asyncpg.Pool, database_url: str, path: str
) -> None:
    """The same turns, through the writers or through the one statement, leave the same
    usage, meter events (a Stripe customer: metered) and outbox rows in the same order."""
    org_id = await _org(pool)
    async with org_transaction(pool, org_id) as connection:
        await store.set_customer(connection, org_id, "cus_A")
    for n in range(5):  # tasks in the 2nd and 4th; cap 5 messages: warned at the 4th, 5th
        assert await _turn(pool, org_id, await _accept(pool, f"SMsame{n}"), n % 2, path) == "acted"
    owner = await asyncpg.connect(database_url)
    try:
        meters = await owner.fetch(
            "SELECT event_name, identifier, customer_id, value FROM meter_outbox"
            " WHERE org_id = $1 ORDER BY id",
            org_id,
        )
        daily = await owner.fetchrow(
            "SELECT messages_in, messages_out, tasks_created FROM usage_daily WHERE org_id = $1",
            org_id,
        )
    finally:
        await owner.close()
    day = "2026-03-14"
    expected = []
    tasks = 0
    for n in range(1, 6):
        expected.append(("minkops_messages", f"minkops:{org_id}:{day}:messages:{n}", "cus_A", 1))
        if n % 2 == 0:
            tasks += 1
            expected.append(("minkops_tasks", f"minkops:{org_id}:{day}:tasks:{tasks}", "cus_A", 1))
    assert [tuple(r) for r in meters] == expected
    assert tuple(daily) == (5, 5, 2)
    assert await _counted(pool, org_id) == {"messages": 5, "tasks": 2, "voice_notes": 0}
    marks = [body[:1] if body != "done" else "done" for body in await _outbox(pool, org_id)]
    assert marks == ["done", "done", "done", "⚠", "done", "🚫", "done"]
