"""Baseline for throughput: the webhook's one database statement alone, through asyncpg.

The same transaction the webhook runs (`org_transaction(None)` + `minkops_accept_inbound`),
with the same pool size and concurrency, and nothing else: no HTTP, no signature, no
actors. The pipeline can at best reach this rate; the ratio says how much of it it does.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence

import asyncpg

from minkops.bench.orgs import BenchOrg
from minkops.bench.webhooks import TEXTS
from minkops.domain.inbound import InboundMessage
from minkops.store import inbox
from minkops.store.database import create_pool, org_transaction


async def accept_rate(
    dsn: str, orgs: Sequence[BenchOrg], count: int, *, concurrency: int, pool_max: int
) -> float:
    """Rows per second; the rows are deleted again (they would be resumed as real work)."""
    forms = []
    for i in range(count):
        sender = orgs[i % len(orgs)].admin_phone
        sid = "SM" + uuid.uuid4().hex
        forms.append(
            (
                sid,
                sender,
                InboundMessage(sid, sender, TEXTS[i % len(TEXTS)]),
            )
        )
    pool = await create_pool(dsn, min(concurrency, pool_max), pool_max)
    queue = iter(forms)

    async def worker() -> None:
        for _, _, message in queue:
            async with org_transaction(pool, None) as connection:
                await inbox.accept(connection, message)

    try:
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    finally:
        await pool.close()
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "DELETE FROM inbox WHERE message_sid = ANY($1::text[])", [sid for sid, _, _ in forms]
        )
    finally:
        await connection.close()
    return count / seconds
