"""A status callback can reach us before the sender records Twilio's answer. When it says
63016, recording the SID afterwards must not wipe that out: the template depends on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from minkops.domain.models import OutboundMessage
from minkops.store import outbox
from minkops.store.database import org_transaction
from tests.store.test_claim_head import SAM, horno


async def test_a_63016_callback_before_the_sid_is_recorded_still_brings_the_template(
    pool: asyncpg.Pool,
) -> None:
    org = await horno(pool)
    now = datetime.now(UTC)
    async with org_transaction(pool, org.id) as c:
        (queued,) = await outbox.insert_outbox(c, org.id, [OutboundMessage("k:1", SAM, "hola")])
        claim = await outbox.claim_head(c, org.id, SAM, now, timedelta(seconds=30))
        assert isinstance(claim, outbox.Claim)
    sid = "SM" + "c" * 32
    report = outbox.StatusReport(sid, "k:1", "failed", 63016, "outside", True, True)
    async with pool.acquire() as c:  # the callback, found by the URL's key
        (recorded,) = await outbox.record_deliveries(c, [report])
    assert recorded.outcome == "updated"
    assert recorded.template is not None and recorded.template[1].recipient == SAM
    async with org_transaction(pool, org.id) as c:  # then the sender records the SID
        assert await outbox.mark_sent(c, org.id, queued.id, sid, now) == sid
        row = await outbox.outbox_row(c, queued.id)
    assert row is not None and (row.status, row.error_code) == ("failed", 63016)
    async with pool.acquire() as c:  # the same callback again: the template only once
        (again,) = await outbox.record_deliveries(c, [report])
    assert again.outcome == "unchanged" and again.template is None


async def test_a_63016_callback_before_the_combined_record_and_claim_keeps_the_template(
    pool: asyncpg.Pool,
) -> None:
    """The sender records a send and claims the next row in one statement: a 63016 that
    came first is kept the same way, and the template it queued is the row claimed next."""
    org = await horno(pool)
    now = datetime.now(UTC)
    async with org_transaction(pool, org.id) as c:
        (queued,) = await outbox.insert_outbox(c, org.id, [OutboundMessage("k:2", SAM, "hi")])
    async with pool.acquire() as c:
        claim = await outbox.claim_head(c, org.id, SAM, now, timedelta(seconds=30))
    assert isinstance(claim, outbox.Claim)
    sid = "SM" + "e" * 32
    report = outbox.StatusReport(sid, "k:2", "failed", 63016, "outside", True, True)
    async with pool.acquire() as c:
        (delivered,) = await outbox.record_deliveries(c, [report])
    assert delivered.template is not None
    async with pool.acquire() as c:
        recorded, after = await outbox.mark_sent_and_claim_next(
            c, org.id, claim.row, sid, now, timedelta(seconds=30)
        )
    assert recorded == sid
    assert isinstance(after, outbox.Claim) and after.row.id == delivered.template[1].id
    async with org_transaction(pool, org.id) as c:
        row = await outbox.outbox_row(c, queued.id)
    assert row is not None and (row.status, row.error_code) == ("failed", 63016)
