"""Apply migrations/*.sql in order, once each, under an advisory lock so concurrent starts agree."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from minkops.logs import get_logger

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same for every MinkOps process.
_LOCK_KEY = 0x4D494E4B  # "MINK"

log = get_logger(__name__)


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    return sorted(directory.glob("*.sql"))


async def apply_migrations(dsn: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply what is missing; returns the versions applied now (empty when up to date)."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
        try:
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {
                row["version"]
                for row in await connection.fetch("SELECT version FROM schema_migrations")
            }
            applied: list[str] = []
            for path in migration_files(directory):
                version = path.stem
                if version in done:
                    continue
                async with connection.transaction():
                    await connection.execute(path.read_text())
                    await connection.execute(
                        "INSERT INTO schema_migrations (version) VALUES ($1)", version
                    )
                log.info("db.migrated", version=version)
                applied.append(version)
            return applied
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
    finally:
        await connection.close()
