"""Under organization A's setting, B's rows can be neither read nor changed."""

from __future__ import annotations

import asyncpg
import pytest

from minkops import admin
from minkops.store.database import org_transaction


async def _two_orgs(pool: asyncpg.Pool) -> tuple[int, int]:
    a, _ = await admin.create_organization(
        pool,
        name="A",
        timezone="Europe/Madrid",
        owner=admin.NewMember("Ana", "+34600000001", "admin", "es", "text"),
    )
    b, _ = await admin.create_organization(
        pool,
        name="B",
        timezone="Europe/London",
        owner=admin.NewMember("Bob", "+447700900001", "admin", "en", "text"),
    )
    async with org_transaction(pool, b.id) as connection:
        await connection.execute(
            "INSERT INTO tasks (org_id, number, title) VALUES ($1, 1, 'secret task of B')", b.id
        )
        await connection.execute(
            "INSERT INTO outbox (org_id, idempotency_key, recipient, body)"
            " VALUES ($1, 'k-b', '+447700900001', 'hello B')",
            b.id,
        )
    return a.id, b.id


async def test_service_role_is_not_owner_and_cannot_bypass(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as connection:
        row = await connection.fetchrow(
            "SELECT current_user AS who, r.rolsuper, r.rolbypassrls FROM pg_roles r"
            " WHERE r.rolname = current_user"
        )
        owner = await connection.fetchval(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'tasks'"
        )
    assert row["who"] == "minkops_app"
    assert not row["rolsuper"] and not row["rolbypassrls"]
    assert owner != "minkops_app"


@pytest.mark.parametrize("table", ["organizations", "members", "tasks", "outbox"])
async def test_a_cannot_read_b(pool: asyncpg.Pool, table: str) -> None:
    a, b = await _two_orgs(pool)
    column = "id" if table == "organizations" else "org_id"
    async with org_transaction(pool, a) as connection:
        seen = await connection.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = $1", b)
        total_b = await connection.fetchval(f"SELECT count(*) FROM {table} WHERE {column} <> $1", a)
    async with org_transaction(pool, b) as connection:
        own = await connection.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = $1", b)
    assert own >= 1, "B must see its own rows, or the test proves nothing"
    assert seen == 0 and total_b == 0


async def test_a_cannot_change_or_delete_b(pool: asyncpg.Pool) -> None:
    a, b = await _two_orgs(pool)
    async with org_transaction(pool, a) as connection:
        updated = await connection.execute(
            "UPDATE tasks SET title = 'hijacked' WHERE org_id = $1", b
        )
        deleted = await connection.execute("DELETE FROM members WHERE org_id = $1", b)
        renamed = await connection.execute("UPDATE organizations SET name = 'x' WHERE id = $1", b)
    assert (updated, deleted, renamed) == ("UPDATE 0", "DELETE 0", "UPDATE 0")
    async with org_transaction(pool, b) as connection:
        title = await connection.fetchval("SELECT title FROM tasks WHERE org_id = $1", b)
        members = await connection.fetchval("SELECT count(*) FROM members")
    assert title == "secret task of B" and members == 1


async def test_a_cannot_insert_into_b_or_move_rows_there(pool: asyncpg.Pool) -> None:
    a, b = await _two_orgs(pool)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with org_transaction(pool, a) as connection:
            await connection.execute(
                "INSERT INTO tasks (org_id, number, title) VALUES ($1, 2, 'planted')", b
            )
    async with org_transaction(pool, a) as connection:
        await connection.execute(
            "INSERT INTO tasks (org_id, number, title) VALUES ($1, 1, 'mine')", a
        )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with org_transaction(pool, a) as connection:
            await connection.execute("UPDATE tasks SET org_id = $1 WHERE org_id = $2", b, a)


async def test_no_organization_set_sees_no_organization_rows(pool: asyncpg.Pool) -> None:
    await _two_orgs(pool)
    async with org_transaction(pool, None) as connection:
        counts = [
            await connection.fetchval(f"SELECT count(*) FROM {table}")
            for table in ("organizations", "members", "tasks", "outbox")
        ]
    assert counts == [0, 0, 0, 0]


async def test_setting_is_per_transaction(pool: asyncpg.Pool) -> None:
    _, b = await _two_orgs(pool)
    async with org_transaction(pool, b) as connection:
        assert await connection.fetchval("SELECT count(*) FROM tasks") == 1
    # The same pooled connection, next transaction: B's setting must be gone.
    async with pool.acquire() as connection:
        assert await connection.fetchval("SELECT count(*) FROM tasks") == 0
