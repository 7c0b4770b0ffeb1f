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
