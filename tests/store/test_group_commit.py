"""Group commit of webhooks against real PostgreSQL: concurrent accepts share one statement
and one commit, keep their order and dedup, and one bad message cannot fail the others."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import partial

import asyncpg
import pytest

from minkops import admin
from minkops.domain.inbound import InboundMessage
from minkops.store import inbox
from minkops.store.database import is_unavailable
from minkops.store.group_commit import GroupCommit

OWNER = "+34600000001"


async def _accept_many(
    pool: asyncpg.Pool, calls: list[int], messages: Sequence[InboundMessage]
) -> list[inbox.Accepted]:
    calls.append(len(messages))
    async with pool.acquire() as connection:
        return await inbox.accept_many(connection, messages)


def _committer(
    pool: asyncpg.Pool, calls: list[int], *, linger: float = 0.05
) -> GroupCommit[InboundMessage, inbox.Accepted]:
    return GroupCommit(
        partial(_accept_many, pool, calls),
        linger=linger,
        max_batch=64,
        max_in_flight=1,
        timeout=5.0,
        is_outage=is_unavailable,
    )


@pytest.fixture
async def org_id(pool: asyncpg.Pool) -> int:
    org, _ = await admin.create_organization(
        pool, name="Café Uno", timezone="Europe/Madrid",
        owner=admin.NewMember("Ana García", OWNER, "admin", "es", "text"),
    )  # fmt: skip
    return org.id


def _message(n: int, text: str = "tareas") -> InboundMessage:
    return InboundMessage(f"SM{n:032x}", OWNER, text)


async def _stored_sids(database_url: str) -> list[str]:
    connection = await asyncpg.connect(database_url)  # the owner: sees every row
    try:
        return [
            r["message_sid"]
            for r in await connection.fetch("SELECT message_sid FROM inbox ORDER BY id")
        ]
    finally:
        await connection.close()


async def test_concurrent_accepts_share_one_commit_in_their_order(
    pool: asyncpg.Pool, database_url: str, org_id: int
) -> None:
    calls: list[int] = []
    committer = _committer(pool, calls)
    messages = [_message(n) for n in range(20)]
    results = await asyncio.gather(*(committer.submit(m) for m in messages))
    assert calls == [20]
    assert all(not r.duplicate and r.row is not None for r in results)
    assert [r.row.org_id for r in results if r.row] == [org_id] * 20
    ids = [r.row.inbox_id for r in results if r.row]
    assert ids == sorted(ids)  # arrival order is inbox order: one sender is read in order
    assert await _stored_sids(database_url) == [m.sid for m in messages]


async def test_a_repeated_message_sid_is_a_duplicate_handed_over_while_unprocessed(
    pool: asyncpg.Pool, org_id: int
) -> None:
    calls: list[int] = []
    committer = _committer(pool, calls)
    first, again = await asyncio.gather(
        committer.submit(_message(1)), committer.submit(_message(1))
    )
    assert calls == [2]
    assert not first.duplicate and again.duplicate
    assert first.row is not None and again.row is not None
    assert again.row.inbox_id == first.row.inbox_id  # not yet processed: handed over again
    async with pool.acquire() as connection, connection.transaction():
        await connection.execute("SELECT set_config('minkops.org_id', $1, true)", str(org_id))
        assert await inbox.mark_processed(connection, first.row.inbox_id)
    later = await committer.submit(_message(1))
    assert later.duplicate and later.row is None  # processed: nothing to hand over


async def test_one_bad_message_fails_alone(
    pool: asyncpg.Pool, database_url: str, org_id: int
) -> None:
    calls: list[int] = []
    committer = _committer(pool, calls)
    # PostgreSQL's jsonb cannot hold U+0000: this one message fails inside the batch.
    messages = [_message(n, "bad\x00" if n == 3 else "tareas") for n in range(6)]
    results = await asyncio.gather(*(committer.submit(m) for m in messages), return_exceptions=True)
    assert calls == [6, 1, 1, 1, 1, 1, 1]  # the batch, then each alone
    assert isinstance(results[3], asyncpg.PostgresError)
    assert all(isinstance(r, inbox.Accepted) for n, r in enumerate(results) if n != 3)
    assert await _stored_sids(database_url) == [m.sid for n, m in enumerate(messages) if n != 3]


async def test_an_outage_fails_the_batch_without_retrying_each() -> None:
    calls: list[int] = []

    async def unreachable(items: Sequence[int]) -> list[int]:
        calls.append(len(items))
        raise ConnectionRefusedError("database down")

    committer: GroupCommit[int, int] = GroupCommit(
        unreachable, linger=0.01, max_batch=64, max_in_flight=1, timeout=1.0,
        is_outage=is_unavailable,
    )  # fmt: skip
    results = await asyncio.gather(*(committer.submit(n) for n in range(5)), return_exceptions=True)
    assert calls == [5]  # the caller spools each: retrying one by one would only wait longer
    assert all(isinstance(r, ConnectionRefusedError) for r in results)


async def test_a_full_batch_goes_at_once_and_the_rest_follow() -> None:
    batches: list[list[int]] = []

    async def record(items: Sequence[int]) -> list[int]:
        batches.append(list(items))
        await asyncio.sleep(0.01)
        return [item * 2 for item in items]

    committer: GroupCommit[int, int] = GroupCommit(
        record, linger=10.0, max_batch=4, max_in_flight=1, timeout=1.0,
        is_outage=is_unavailable,
    )  # fmt: skip
    # A 10 s linger: only a full batch, or the end of the one in flight, can send these.
    results = await asyncio.wait_for(asyncio.gather(*(committer.submit(n) for n in range(6))), 2)
    assert results == [n * 2 for n in range(6)]
    assert batches == [[0, 1, 2, 3], [4, 5]]
