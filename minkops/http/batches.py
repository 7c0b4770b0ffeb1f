"""The webhooks' group commits: inbound messages and status callbacks, each a batch in one
statement run outside a transaction, so the statement's own commit makes the batch durable
(the SECURITY DEFINER functions it calls cross organizations; no setting is needed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import TypeVar

import asyncpg

from minkops.domain.inbound import InboundMessage
from minkops.settings import Settings
from minkops.store import inbox, outbox
from minkops.store.database import is_unavailable
from minkops.store.group_commit import GroupCommit

T = TypeVar("T")
R = TypeVar("R")


def inbox_accepts(
    settings: Settings, pool: asyncpg.Pool
) -> GroupCommit[InboundMessage, inbox.Accepted]:
    return _group_commit(settings, partial(_accept_many, pool))


def status_records(
    settings: Settings, pool: asyncpg.Pool
) -> GroupCommit[outbox.StatusReport, outbox.Recorded]:
    return _group_commit(settings, partial(_record_many, pool))


def _group_commit(
    settings: Settings, run: Callable[[Sequence[T]], Awaitable[Sequence[R]]]
) -> GroupCommit[T, R]:
    database = settings.database
    return GroupCommit(
        run,
        linger=database.commit_linger_ms / 1000,
        max_batch=database.commit_batch,
        max_in_flight=database.commits_in_flight,
        timeout=settings.faults.db_request_timeout_seconds,
        is_outage=is_unavailable,
    )


async def _accept_many(
    pool: asyncpg.Pool, messages: Sequence[InboundMessage]
) -> list[inbox.Accepted]:
    async with pool.acquire() as connection:
        return await inbox.accept_many(connection, messages)


async def _record_many(
    pool: asyncpg.Pool, reports: Sequence[outbox.StatusReport]
) -> list[outbox.Recorded]:
    async with pool.acquire() as connection:
        return await outbox.record_deliveries(connection, reports)
