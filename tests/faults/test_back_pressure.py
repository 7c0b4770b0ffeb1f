"""Finding 10: one member sending 2,000 messages queued all 2,000 in the org actor's memory.
Now a flooding member gets one polite notice; the rows wait in the inbox and are read in
batches, and every message is still answered once."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest

from tests.http.conftest import OWNER, Service, inbound

FLOOD = 300


@pytest.mark.slow
async def test_a_flooding_member_gets_one_notice_and_every_answer(service: Service) -> None:
    # A plan whose caps the flood stays under: this is about back-pressure, not caps.
    owner = await asyncpg.connect(service.database_url)
    try:
        await owner.execute(
            "UPDATE organizations SET plan = 'business' WHERE id = $1", service.org_id
        )
    finally:
        await owner.close()
    forms = [inbound(f"SM{n:032x}", OWNER, f"tarea: flood {n}") for n in range(1, FLOOD + 1)]
    started = time.monotonic()
    for chunk in range(0, FLOOD, 50):
        statuses = await asyncio.gather(*(service.post(f) for f in forms[chunk : chunk + 50]))
        assert all(r.status == 200 for r in statuses)
    metrics = await (await service.session.get(service.server.make_url("/metrics"))).text()
    await service.settled(quiet=1.0, timeout=240)
    sent = service.sent_to(OWNER)
    notices = [m for m in sent if "más rápido" in m.body]
    owner = await asyncpg.connect(service.database_url)
    try:
        unprocessed = await owner.fetchval("SELECT count(*) FROM inbox WHERE processed_at IS NULL")
        quarantined = await owner.fetchval(
            "SELECT count(*) FROM inbox WHERE quarantined_at IS NOT NULL"
        )
    finally:
        await owner.close()
    answers = len(sent) - len(notices)
    print(
        f"\nflood: acknowledged={FLOOD} replied={answers} doubled={max(0, answers - FLOOD)}"
        f" notices={len(notices)} in {time.monotonic() - started:.0f} s"
    )
    assert "minkops_sender_throttled_total" in metrics
    assert len(notices) == 1
    assert answers == FLOOD
    assert unprocessed == 0 and quarantined == 0
