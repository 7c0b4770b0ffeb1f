"""The outbound claim is one statement now (minkops_claim_head): concurrent claimers of one
recipient still take turns, so a head row is claimed once, and a newer row never before it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg

from minkops import admin
from minkops.domain.models import Organization, OutboundMessage
from minkops.store import outbox
from minkops.store.database import org_transaction

SAM = "+447700900202"
ROUNDS = 30
CLAIMERS = 8


async def horno(pool: asyncpg.Pool) -> Organization:
    """An organization whose owner, Sam, is the recipient every test sends to."""
    org, _ = await admin.create_organization(
        pool,
        name="Horno",
        timezone="Europe/Madrid",
        owner=admin.NewMember("Sam Taylor", SAM, "admin", "en", "text"),
    )
    return org


async def _claim(pool: asyncpg.Pool, org_id: int, now: datetime) -> object:
    async with pool.acquire() as connection:  # alone: the statement commits on its own
        return await outbox.claim_head(connection, org_id, SAM, now, timedelta(seconds=30))


async def test_concurrent_claimers_claim_each_head_once(pool: asyncpg.Pool) -> None:
    org = await horno(pool)
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


async def _record_and_claim(
    pool: asyncpg.Pool, org_id: int, row: outbox.OutboxRow, sid: str, now: datetime
) -> tuple[str | None, object]:
    async with pool.acquire() as connection:  # alone, as the sender runs it
        return await outbox.mark_sent_and_claim_next(
            connection, org_id, row, sid, now, timedelta(seconds=30)
        )


async def test_recording_a_send_claims_the_next_row_once_under_concurrent_claimers(
    pool: asyncpg.Pool,
) -> None:
    """What the sender does after a send: mark_sent and the next claim in one statement.
    Claimers racing it never get the next row too, nor a row after it."""
    org = await horno(pool)
    for n in range(ROUNDS):
        async with org_transaction(pool, org.id) as c:
            rows = [OutboundMessage(f"k:{n}:{i}", SAM, f"hola {i}") for i in range(3)]
            first, second, third = await outbox.insert_outbox(c, org.id, rows)
        now = datetime.now(UTC)
        head = await _claim(pool, org.id, now)
        assert isinstance(head, outbox.Claim) and head.row.id == first.id
        sid = f"SM{n:032x}"
        results = await asyncio.gather(
            _record_and_claim(pool, org.id, head.row, sid, now),
            *(_claim(pool, org.id, now) for _ in range(CLAIMERS)),
        )
        (recorded, after), others = results[0], results[1:]
        claims = [r for r in (after, *others) if isinstance(r, outbox.Claim)]
        # The second row, once, and whoever got it (the claimers ran before or after the
        # record) found the first row gone: never the third row, never a claim of the first.
        assert [c.row.id for c in claims] == [second.id], n
        assert recorded == sid
        assert all(isinstance(r, outbox.Waiting) or r in claims for r in (after, *others))
        (claim,) = claims
        assert claim.language == "en"  # the window's facts come with the claim
        async with org_transaction(pool, org.id) as c:
            sent = await outbox.outbox_row(c, first.id)
        assert sent is not None and (sent.status, sent.twilio_sid) == ("sent", sid)
        # The last two: recorded, then nothing left to claim.
        recorded, after = await _record_and_claim(pool, org.id, claim.row, f"SN{n:032x}", now)
        assert isinstance(after, outbox.Claim) and after.row.id == third.id
        recorded, after = await _record_and_claim(pool, org.id, after.row, f"SO{n:032x}", now)
        assert (recorded, after) == (f"SO{n:032x}", None)


async def test_the_next_row_waiting_is_reported_with_its_time(pool: asyncpg.Pool) -> None:
    org = await horno(pool)
    async with org_transaction(pool, org.id) as c:
        rows = [OutboundMessage(f"w:{i}", SAM, f"hola {i}") for i in range(2)]
        first, second = await outbox.insert_outbox(c, org.id, rows)
    now = datetime.now(UTC)
    head = await _claim(pool, org.id, now)
    assert isinstance(head, outbox.Claim) and head.row.id == first.id
    later = now + timedelta(minutes=5)
    async with org_transaction(pool, org.id) as c:  # the second row backs off until later
        await c.execute("UPDATE outbox SET next_attempt_at = $2 WHERE id = $1", second.id, later)
    recorded, after = await _record_and_claim(pool, org.id, head.row, "SM" + "d" * 32, now)
    assert recorded == "SM" + "d" * 32 and after == outbox.Waiting(later)
