"""Finding 9: one organization can never read another's rows, even from the service's own
session after RESET ROLE or SET ROLE.

Generated from the catalogue: every table with an ``org_id`` column (and ``organizations``)
is checked, so a table added later is checked without anyone editing this file — and the
test goes red until ROWS below says how to put a row of it in an organization.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
import pytest

from minkops.store.database import org_transaction

# How to write one row of each organization's table, as the owner (past row-level security).
# A new table with org_id needs an entry here, or test_every_org_table_has_fixture_rows fails.
RowWriter = Callable[[asyncpg.Connection, "Org"], Awaitable[None]]


@dataclass(frozen=True)
class Org:
    id: int
    member_id: int
    n: int  # 1 or 2: makes phones, SIDs and keys unique


async def _members(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO members (org_id, name, phone, role) VALUES ($1, 'Extra', $2, 'staff')",
        org.id,
        f"+3460000{org.n}999",
    )


async def _tasks(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO tasks (org_id, number, title) VALUES ($1, 1, 'Secret task')", org.id
    )


async def _inbox(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO inbox (message_sid, org_id, sender, message) VALUES ($1, $2, $3, '{}'::jsonb)",
        f"SM{org.n:032d}",
        org.id,
        f"+3460000{org.n}001",
    )


async def _outbox(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO outbox (org_id, idempotency_key, recipient, body)"
        " VALUES ($1, $2, $3, 'secret')",
        org.id,
        f"rls-{org.n}",
        f"+3460000{org.n}001",
    )


async def _conversations(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO conversations (org_id, member_id, turns, expires_at)"
        " VALUES ($1, $2, '[]'::jsonb, now() + interval '1 hour')",
        org.id,
        org.member_id,
    )


async def _export_links(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO export_links (token_hash, org_id, member_id, expires_at)"
        " VALUES ($1, $2, $3, now() + interval '15 minutes')",
        f"hash-{org.n}",
        org.id,
        org.member_id,
    )


async def _policy_notices(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO policy_notices (org_id, announcement, member_id) VALUES ($1, 'v2', $2)",
        org.id,
        org.member_id,
    )


async def _reminders(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO reminders (org_id, number, text, cron, next_fire_at)"
        " VALUES ($1, 1, 'secret reminder', '0 8 * * 1', now() + interval '1 day')",
        org.id,
    )


async def _reminder_firings(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO reminder_firings (org_id, reminder_id, occurrence, scheduled_for, fired_at)"
        " SELECT $1, id, '2025-03-24T08:00', now(), now() FROM reminders"
        " WHERE org_id = $1 AND number = 1",
        org.id,
    )


async def _org_preferences(c: asyncpg.Connection, org: Org) -> None:
    await c.execute("INSERT INTO org_preferences (org_id, escalation) VALUES ($1, true)", org.id)


async def _digests(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO digests (member_id, org_id, hour, next_fire_at)"
        " VALUES ($1, $2, 7, now() + interval '1 day')",
        org.member_id,
        org.id,
    )


async def _usage_daily(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO usage_daily (org_id, day, messages_in) VALUES ($1, current_date, 7)", org.id
    )


async def _usage_period(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO usage_period (org_id, month, messages)"
        " VALUES ($1, date_trunc('month', current_date), 7)",
        org.id,
    )


async def _cap_notices(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO cap_notices (org_id, month, plan, subject)"
        " VALUES ($1, date_trunc('month', current_date), 'free', 'warn:messages:80')",
        org.id,
    )


async def _billing(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO billing (org_id, stripe_customer_id) VALUES ($1, $2)", org.id, f"cus_{org.n}"
    )


async def _meter_outbox(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO meter_outbox (org_id, day, event_name, identifier, customer_id, value,"
        " occurred_at) VALUES ($1, current_date, 'minkops_messages', $2, $3, 1, now())",
        org.id,
        f"minkops:{org.id}:rls",
        f"cus_{org.n}",
    )


async def _stripe_events(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO stripe_events (id, org_id, type) VALUES ($1, $2, 'invoice.paid')",
        f"evt_{org.n}",
        org.id,
    )


async def _billing_links(c: asyncpg.Connection, org: Org) -> None:
    await c.execute(
        "INSERT INTO billing_links (token, org_id, kind, expires_at)"
        " VALUES ($1, $2, 'portal', now() + interval '1 hour')",
        f"link-{org.n}",
        org.id,
    )


ROWS: dict[str, RowWriter] = {
    "usage_daily": _usage_daily,
    "usage_period": _usage_period,
    "cap_notices": _cap_notices,
    "billing": _billing,
    "meter_outbox": _meter_outbox,
    "stripe_events": _stripe_events,
    "billing_links": _billing_links,
    "reminders": _reminders,
    "reminder_firings": _reminder_firings,
    "org_preferences": _org_preferences,
    "digests": _digests,
    "export_links": _export_links,
    "policy_notices": _policy_notices,
    "members": _members,
    "tasks": _tasks,
    "inbox": _inbox,
    "outbox": _outbox,
    "conversations": _conversations,
}


async def org_tables(c: asyncpg.Connection) -> dict[str, str]:
    """Every table of organizations' rows → the column naming the organization."""
    records = await c.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attname = 'org_id'"
        "   AND NOT a.attisdropped ORDER BY 1"
    )
    return {"organizations": "id"} | {r["relname"]: "org_id" for r in records}


@dataclass
class World:
    owner: asyncpg.Connection
    tables: dict[str, str]
    a: Org
    b: Org
    missing: list[str]


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    owner = await asyncpg.connect(database_url)
    try:
        orgs = []
        for n in (1, 2):
            org_id = await owner.fetchval(
                "INSERT INTO organizations (name, timezone) VALUES ($1, 'Europe/Madrid')"
                " RETURNING id",
                f"Org {n}",
            )
            member_id = await owner.fetchval(
                "INSERT INTO members (org_id, name, phone, role) VALUES ($1, 'Owner', $2, 'admin')"
                " RETURNING id",
                org_id,
                f"+3460000{n}001",
            )
            orgs.append(Org(org_id, member_id, n))
        tables = await org_tables(owner)
        missing = [t for t in tables if t not in ROWS and t != "organizations"]
        for table, writer in ROWS.items():  # in ROWS order: a row may need one written before
            if table in tables:
                for org in orgs:
                    await writer(owner, org)
        yield World(owner, tables, orgs[0], orgs[1], missing)
    finally:
        await owner.close()


async def test_every_org_table_has_fixture_rows(world: World) -> None:
    assert not world.missing, f"add a row writer to ROWS for: {', '.join(world.missing)}"
    for table, column in world.tables.items():
        for org in (world.a, world.b):
            count = await world.owner.fetchval(
                f"SELECT count(*) FROM {table} WHERE {column} = $1", org.id
            )
            assert count > 0, f"{table} has no rows for org {org.n}"


async def test_every_org_table_forces_a_policy(world: World) -> None:
    for table in world.tables:
        enabled, forced, policies = await world.owner.fetchrow(
            "SELECT c.relrowsecurity, c.relforcerowsecurity,"
            " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid"
            "   AND (0 = ANY(p.polroles) OR 'minkops_app'::regrole = ANY(p.polroles)))"
            " FROM pg_class c WHERE c.oid = $1::regclass",
            table,
        )
        assert enabled and forced, f"{table}: row-level security must be enabled and forced"
        assert policies > 0, f"{table}: no policy for minkops_app"


async def test_the_service_does_not_log_in_as_the_owner(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as c:
        session_user, superuser, owner_member = await c.fetchrow(
            "SELECT session_user, r.rolsuper,"
            " pg_has_role(session_user, (SELECT tableowner FROM pg_tables"
            "   WHERE tablename = 'organizations' AND schemaname = 'public'), 'MEMBER')"
            " FROM pg_roles r WHERE r.rolname = session_user"
        )
    assert session_user.startswith("minkops_svc_")
    assert not superuser and not owner_member


ESCAPES = [
    "RESET ROLE",
    "SET ROLE NONE",
    "SET ROLE minkops_definer",
    "SET ROLE postgres",
    "SET ROLE minkops",
    "SET SESSION AUTHORIZATION DEFAULT",
    "SET row_security = off",
]


@asynccontextmanager
async def _savepoint(c: asyncpg.Connection) -> AsyncIterator[None]:
    # By hand: org_transaction opens its transaction itself, where asyncpg's
    # transaction() would refuse to nest.
    await c.execute("SAVEPOINT attempt")
    try:
        yield
    except BaseException:
        await c.execute("ROLLBACK TO SAVEPOINT attempt")
        raise
    await c.execute("RELEASE SAVEPOINT attempt")


async def _attempt(c: asyncpg.Connection, statement: str) -> None:
    try:
        async with _savepoint(c):  # a refused statement leaves the rest be
            await c.execute(statement)
    except asyncpg.PostgresError:
        pass


async def _count(c: asyncpg.Connection, table: str, column: str, org_id: int) -> int | None:
    """Rows of `org_id` this session sees; None when the query is refused."""
    try:
        async with _savepoint(c):
            return int(
                await c.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = $1", org_id)
            )
    except asyncpg.InsufficientPrivilegeError:
        return None


@pytest.mark.parametrize("escape", [None, *ESCAPES])
async def test_org_a_cannot_touch_org_b_from_the_service_session(
    world: World, pool: asyncpg.Pool, escape: str | None
) -> None:
    before = {
        t: await world.owner.fetchval(f"SELECT count(*) FROM {t} WHERE {col} = $1", world.b.id)
        for t, col in world.tables.items()
    }
    async with org_transaction(pool, world.a.id) as c:
        if escape is not None:
            await _attempt(c, escape)
        for table, column in world.tables.items():
            seen = await _count(c, table, column, world.b.id)
            assert not seen, f"{table}: org A read org B's rows after {escape}"
            mine = await _count(c, table, column, world.a.id)
            # Refused outright (row_security = off makes every such query an error) or
            # filtered: but when filtered, A's own rows must show, or the check proves nothing.
            assert mine is None or mine > 0, f"{table}: org A cannot see its own rows"
            for statement in (
                f"UPDATE {table} SET {column} = {column} WHERE {column} = $1",
                f"DELETE FROM {table} WHERE {column} = $1",
            ):
                try:
                    async with _savepoint(c):
                        status = await c.execute(statement, world.b.id)
                    assert status.endswith(" 0"), f"{table}: {status} after {escape}"
                except asyncpg.InsufficientPrivilegeError:
                    pass  # no grant at all: even better
    after = {
        t: await world.owner.fetchval(f"SELECT count(*) FROM {t} WHERE {col} = $1", world.b.id)
        for t, col in world.tables.items()
    }
    assert after == before
