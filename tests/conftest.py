"""Shared fixtures: one throwaway PostgreSQL cluster per test session, a fresh database per test."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from minkops.logs import configure_logging
from minkops.store.cluster import EmbeddedPostgres
from minkops.store.database import create_pool
from minkops.store.migrate import apply_migrations


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[EmbeddedPostgres]:
    # mkdtemp makes 0700 directories; the cluster may run as another user when we are root.
    root = Path(tempfile.mkdtemp(prefix="minkops-test-pg-"))
    root.chmod(0o755)
    cluster = EmbeddedPostgres(root / "pg", fast=True, statement_stats=True)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database_url(pg_cluster: EmbeddedPostgres) -> Iterator[str]:
    """An empty database of its own, migrated, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = pg_cluster.create_database(name)
    asyncio.run(apply_migrations(dsn))
    try:
        yield dsn
    finally:
        pg_cluster.drop_database(name)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool connected as the service connects: as minkops_app, under row-level security."""
    pool = await create_pool(database_url, 1, 4)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
def tmp_data_dir() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="minkops-test-data-"))
    root.chmod(0o755)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def pytest_configure(config: pytest.Config) -> None:
    # What runs in-process logs as the service does: JSON on stderr, never on stdout.
    configure_logging("json", "info")
