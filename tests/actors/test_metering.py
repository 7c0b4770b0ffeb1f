"""Meter events reach Stripe exactly once: across an outage, and across a kill -9.

The real stripe SDK against the Stripe stand-in, which keeps Stripe's rule: an identifier
it has seen is refused ("An event already exists with identifier …").
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from minkops import admin
from minkops.actors.metering import make_stripe_client, send_due
from minkops.actors.persistence import Persistence
from minkops.billing_reconcile import reconcile
from minkops.domain import billing as b
from minkops.sandbox.stripe_api import StripeStandIn, StripeStandInThread
from minkops.sandbox.stripe_ledger import SeedMeter
from minkops.store import billing as store
from minkops.store.database import org_transaction
from minkops.store.writers import write_effects

KEY = "sk_test_" + "m" * 24
NOW = datetime.now(UTC)


@pytest.fixture
def standin() -> Iterator[StripeStandIn]:
    meters = [SeedMeter(name) for name in b.DEFAULT_METERS.values()]
    with StripeStandInThread(StripeStandIn(KEY, meters=meters)) as running:
        yield running.stand_in


async def _metered_org(pool: asyncpg.Pool, standin: StripeStandIn, messages: int) -> int:
    org, _ = await admin.create_organization(
        pool,
        name="Café Uno",
        timezone="Europe/Madrid",
        owner=admin.NewMember("Ana García", "+34600000001", "admin", "es", "text"),
    )
    client = make_stripe_client(KEY, standin.base_url or "")
    customer = await asyncio.to_thread(client.v1.customers.create, {"name": "Café Uno"})
    async with org_transaction(pool, org.id) as connection:
        await store.set_customer(connection, org.id, customer.id)
    day = b.local_day(NOW, "Europe/Madrid")
    for n in range(messages):
        count = b.CountUsage(
            day=day,
            plan="free",
            caps=(10_000, 10_000, 10_000),
            tasks=n % 3 == 0,
            meters=tuple(b.DEFAULT_METERS.items()),
        )
        async with org_transaction(pool, org.id) as connection:
            await write_effects(connection, org.id, [count])
    return org.id


async def _usage(pool: asyncpg.Pool, org_id: int) -> dict[str, int]:
    async with org_transaction(pool, org_id) as connection:
        row = await connection.fetchrow(
            "SELECT sum(messages_in) AS m, sum(tasks_created) AS t FROM usage_daily"
        )
        occurred = await connection.fetch("SELECT identifier, occurred_at FROM meter_outbox")
    assert row is not None
    return {
        "minkops_messages": int(row["m"]),
        "minkops_tasks": int(row["t"]),
        **{r["identifier"]: int(r["occurred_at"].timestamp()) for r in occurred},
    }


def _stripe_totals(standin: StripeStandIn) -> dict[str, int]:
    events = standin.meter_events()
    identifiers = [e.identifier for e in events]
    assert len(identifiers) == len(set(identifiers))
    totals: dict[str, int] = {}
    for event in events:
        totals[event.event_name] = totals.get(event.event_name, 0) + event.value
    return totals


async def _drain(persistence: Persistence, standin: StripeStandIn, at: datetime) -> None:
    client = make_stripe_client(KEY, standin.base_url or "")
    for _ in range(50):
        if not await asyncio.to_thread(send_due, persistence, client, now=at):
            return
    raise AssertionError("meter events still due")


async def test_a_stripe_outage_of_a_minute_loses_nothing(
    pool: asyncpg.Pool, standin: StripeStandIn
) -> None:
    org_id = await _metered_org(pool, standin, 12)
    persistence = Persistence(asyncio.get_running_loop(), pool)
    client = make_stripe_client(KEY, standin.base_url or "")
    standin.outage(True)
    for second in range(0, 60, 10):  # a minute of ticks while Stripe is down
        at = NOW + timedelta(seconds=second)
        assert await asyncio.to_thread(send_due, persistence, client, now=at) == 0
    standin.outage(False)
    await _drain(persistence, standin, NOW + timedelta(minutes=10))
    usage = await _usage(pool, org_id)
    assert _stripe_totals(standin) == {
        "minkops_messages": usage["minkops_messages"],
        "minkops_tasks": usage["minkops_tasks"],
    }
    for event in standin.meter_events():  # sent late, with the time they happened
        assert event.timestamp == usage[event.identifier]
    # And reconcile, asking Stripe's meter summaries, finds every day agreeing.
    month = b.month_of(b.local_day(NOW, "Europe/Madrid"))
    lines = await reconcile(pool, month, dict(b.DEFAULT_METERS), client=client, now=NOW)
    assert lines and [line for line in lines if line.differs] == []
    assert sum(line.stripe or 0 for line in lines) == sum(line.ours for line in lines)


@pytest.mark.slow
async def test_meter_events_exactly_once_across_kill_9(
    pool: asyncpg.Pool, database_url: str, standin: StripeStandIn
) -> None:
    org_id = await _metered_org(pool, standin, 60)
    standin.set_latency(0.03)
    # The first event reaches Stripe but its answer is lost: sent, yet not marked sent.
    standin.lose_next_response(1)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "STRIPE_API_KEY": KEY,
        "STRIPE_API_BASE": standin.base_url or "",
        "MINKOPS_LOG_LEVEL": "warning",
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "minkops", "billing", "send-meters", "--every", "0.05"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while len(standin.meter_events()) < 15:
            assert child.poll() is None, "the sender died on its own"
            assert time.monotonic() < deadline, "the sender sent nothing"
            await asyncio.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)  # mid-send: a request may be in flight
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    killed_at = len(standin.meter_events())
    assert 15 <= killed_at < 80, "killed mid-way, or the test proves nothing"
    standin.set_latency(0)
    persistence = Persistence(asyncio.get_running_loop(), pool)
    await _drain(persistence, standin, NOW + timedelta(minutes=10))
    usage = await _usage(pool, org_id)
    assert _stripe_totals(standin) == {
        "minkops_messages": usage["minkops_messages"],
        "minkops_tasks": usage["minkops_tasks"],
    }
    # Some event went more than once (the lost answer, the one in flight at the kill):
    # Stripe took it once, by its identifier and our stable idempotency key.
    sent = [r.params["identifier"] for r in standin.api_requests("/v1/billing/meter_events")]
    assert len(sent) > len(set(sent)) == len(standin.meter_events())
