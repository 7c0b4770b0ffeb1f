from __future__ import annotations

import asyncio

import asyncpg

from minkops.store.migrate import apply_migrations, migration_files


async def test_second_run_is_a_no_op(database_url: str) -> None:
    # The fixture applied them once already.
    assert await apply_migrations(database_url) == []
    connection = await asyncpg.connect(database_url)
    try:
        versions = [
            r["version"] for r in await connection.fetch("SELECT version FROM schema_migrations")
        ]
    finally:
        await connection.close()
    assert versions == [path.stem for path in migration_files()]


async def test_concurrent_runs_apply_each_migration_once(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    dsn = pg_cluster.create_database("t_concurrent_migrations")
    try:
        results = await asyncio.gather(*(apply_migrations(dsn) for _ in range(4)))
        applied = sorted(version for result in results for version in result)
        assert applied == [path.stem for path in migration_files()]
    finally:
        pg_cluster.drop_database("t_concurrent_migrations")


async def test_reminders_lose_the_ids_of_members_removed_before_removal_took_them_off(
    pg_cluster,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    before = tmp_path / "before"
    before.mkdir()
    for path in migration_files():
        if path.stem < "0170":
            (before / path.name).write_text(path.read_text())
    dsn = pg_cluster.create_database("t_dangling_recipients")
    try:
        await apply_migrations(dsn, before)
        connection = await asyncpg.connect(dsn)
        try:
            org = await connection.fetchval(
                "INSERT INTO organizations (name, timezone) VALUES ('Café', 'Europe/Madrid')"
                " RETURNING id"
            )
            kept = await connection.fetchval(
                "INSERT INTO members (org_id, name, phone, role, language)"
                " VALUES ($1, 'Ana', '+34600000001', 'admin', 'es') RETURNING id",
                org,
            )
            gone = kept + 1000  # a member deleted while reminders still named them
            await connection.execute(
                "INSERT INTO reminders (org_id, number, text, recipient_ids, language, cron,"
                " next_fire_at) VALUES"
                " ($1, 1, 'both', ARRAY[$2, $3]::bigint[], 'es', '0 8 * * *', now()),"
                " ($1, 2, 'gone only', ARRAY[$3]::bigint[], 'es', '0 8 * * *', now()),"
                " ($1, 3, 'kept only', ARRAY[$2]::bigint[], 'es', '0 8 * * *', now())",
                org,
                kept,
                gone,
            )
            assert await apply_migrations(dsn) == [
                p.stem for p in migration_files() if p.stem >= "0170"
            ]
            rows = await connection.fetch(
                "SELECT number, recipient_ids, status, next_fire_at IS NULL AS idle"
                " FROM reminders ORDER BY number"
            )
            forced = await connection.fetchval(
                "SELECT relforcerowsecurity FROM pg_class WHERE relname = 'reminders'"
            )
        finally:
            await connection.close()
        assert [tuple(r) for r in rows] == [
            (1, [kept], "active", False),
            (2, [], "cancelled", True),
            (3, [kept], "active", False),
        ]
        assert forced  # row-level security is forced again
    finally:
        pg_cluster.drop_database("t_dangling_recipients")
