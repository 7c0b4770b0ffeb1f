"""The outbound claim is one statement now (minkops_claim_head): concurrent claimers of one
recipient still take turns, so a head row is claimed once, and a newer row never before it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg

from minkops import admin
from minkops.domain.models import OutboundMessage
from minkops.store import outbox
from minkops.store.database import org_transaction

SAM = "+447700900202"
ROUNDS = 30
CLAIMERS = 8


async def _claim(pool: asyncpg.Pool, org_id: int, now: datetime) -> object:
    async with pool.acquire() as connection:  # alone: the statement commits on its own
        return await outbox.claim_head(connection, org_id, SAM, now, timedelta(seconds=30))


async def test_concurrent_claimers_claim_each_head_once(pool: asyncpg.Pool) -> None:
    org, _ = await admin.create_organization(
        pool, name="Horno", timezone="Europe/Madrid",
        owner=admin.NewMember("Sam Taylor", SAM, "admin", "en", "text"),
    )  # fmt: skip
    for n in range(ROUNDS):
        async with org_transaction(pool, org.id) as c:
            rows = [OutboundMessage(f"k:{n}:{i}", SAM, f"hola {i}") for i in range(2)]
            older, _newer = await outbox.insert_outbox(c, org.id, rows)
        now = datetime.now(UTC)
        results = await asyncio.gather(*(_claim(pool, org.id, now) for _ in range(CLAIMERS)))
        claims = [r for r in results if isinstance(r, outbox.Claim)]
        # One claimer gets the older row; the others find it leased and wait.
        assert [(c.row.id, c.ambiguous) for c in claims] == [(older.id, False)], n
        assert all(isinstance(r, outbox.Waiting) for r in results if r not in claims)
        async with pool.acquire() as c:
            await outbox.mark_sent(c, org.id, older.id, f"SM{n:032x}", now)
            claim = await outbox.claim_head(c, org.id, SAM, now, timedelta(seconds=30))
        assert isinstance(claim, outbox.Claim) and claim.row.id == _newer.id
        assert claim.language == "en"  # the window's facts come with the claim
        async with pool.acquire() as c:
            await outbox.mark_sent(c, org.id, _newer.id, f"SM{n + 1000:032x}", now)
