"""The connection pool, and transactions scoped to one organization by row-level security.

Every pooled connection logs in as the service's own role (store/service_login.py), a
member of `minkops_app` that owns nothing and can become nothing else, so the policies
bind it even after a RESET ROLE. `org_transaction(org_id)` sets the organization
for that transaction only; with None, only rows of no organization are visible.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from minkops.store.service_login import service_dsn

APP_ROLE = "minkops_app"
# The database could not take the work: an outage, a restart, a stall (the timeout), a full
# pool. asyncpg's CannotConnectNowError (server shutting down) is a PostgresError.
UNAVAILABLE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
)


def is_unavailable(error: BaseException) -> bool:
    return isinstance(error, UNAVAILABLE)


async def _prepare_connection(connection: asyncpg.Connection) -> None:
    # SET ROLE survives asyncpg's RESET ALL on release (role is exempt from RESET ALL).
    await connection.execute(f"SET ROLE {APP_ROLE}")
    # Binary, not text: a composite row holding a jsonb column (minkops_load_org's) can
    # only be decoded when every one of its columns' codecs is binary. Binary jsonb is a
    # version byte (1) before the JSON text.
    await connection.set_type_codec(
        "jsonb",
        encoder=_jsonb_encode,
        decoder=_jsonb_decode,
        schema="pg_catalog",
        format="binary",
    )


def _jsonb_encode(value: object) -> bytes:
    return b"\x01" + json.dumps(value).encode()


def _jsonb_decode(data: bytes) -> object:
    if data[:1] != b"\x01":
        raise ValueError(f"unknown jsonb version {data[:1]!r}")
    return json.loads(data[1:])


async def _nothing_to_reset(connection: asyncpg.Connection) -> None:
    """What asyncpg's default reset undoes (RESET ALL, CLOSE ALL, UNLISTEN *, advisory
    unlocks: four round trips on every release) this code never leaves behind: settings and
    advisory locks are transaction-scoped, cursors live inside transactions, and the one
    LISTEN removes itself. asyncpg still rolls back an open transaction first."""


async def create_pool(dsn: str, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    """A pool that logs in as the service's role, whatever role `dsn` names (the owner's)."""
    login = await service_dsn(dsn)
    pool = await asyncpg.create_pool(
        login,
        min_size=min_size,
        max_size=max_size,
        init=_prepare_connection,
        reset=_nothing_to_reset,
    )
    assert pool is not None
    return pool


@asynccontextmanager
async def org_transaction(
    pool: asyncpg.Pool, org_id: int | None
) -> AsyncIterator[asyncpg.Connection]:
    async with _transaction(pool, org_id, "") as (connection, _):
        yield connection


class ProcessedBefore(Exception):
    """The inbox row was marked processed by an earlier transaction (a replay)."""


@asynccontextmanager
async def processing_transaction(
    pool: asyncpg.Pool, org_id: int, inbox_id: int
) -> AsyncIterator[asyncpg.Connection]:
    """An organization's transaction that has marked its inbox row processed, in the same
    round trip as BEGIN: the turn's effects follow on the connection. ProcessedBefore (and
    a rollback) when the row was processed already, so a replay writes nothing twice."""
    marking = (
        "; UPDATE inbox SET processed_at = now()"
        f" WHERE id = {int(inbox_id)} AND processed_at IS NULL"
    )
    async with _transaction(pool, org_id, marking) as (connection, status):
        if status != "UPDATE 1":
            raise ProcessedBefore(inbox_id)
        yield connection


@asynccontextmanager
async def _transaction(
    pool: asyncpg.Pool, org_id: int | None, also: str
) -> AsyncIterator[tuple[asyncpg.Connection, str]]:
    # BEGIN, the organization's setting and `also` go in one round trip (a simple query
    # may hold several statements, and answers with the last one's status; the ids are
    # ints, formatted by us), which asyncpg's transaction() cannot do: a third of the
    # statements per message were BEGINs and settings.
    setting = "" if org_id is None else str(int(org_id))
    async with pool.acquire() as connection:
        status = await connection.execute(
            f"BEGIN; SELECT set_config('minkops.org_id', '{setting}', true){also}"
        )
        try:
            yield connection, status
        except BaseException:
            if not connection.is_closed():
                # On a broken connection this raises too; the pool then discards it.
                await connection.execute("ROLLBACK")
            raise
        await connection.execute("COMMIT")
