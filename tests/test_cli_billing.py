"""`minkops usage` and `minkops billing reconcile` against a real database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest

from minkops.actors.metering import make_stripe_client
from minkops.domain import billing as b
from minkops.sandbox.stripe_api import StripeStandIn, StripeStandInThread
from minkops.sandbox.stripe_ledger import SeedMeter
from minkops.store import billing as store
from minkops.store.database import create_pool, org_transaction
from minkops.store.writers import write_effects
from tests.test_cli import create_org, env, run

__all__ = ["env"]  # the fixture, shared with test_cli


async def _seed(database_url: str, org_id: int) -> None:
    connection = await asyncpg.connect(database_url)  # the owner
    try:
        await connection.execute(
            "INSERT INTO usage_daily (org_id, day, messages_in, tasks_created,"
            " transcription_seconds, openai_tokens) VALUES ($1, '2026-03-02', 7, 2, 90, 1200),"
            " ($1, '2026-03-03', 5, 0, 0, 34), ($1, '2026-04-01', 100, 0, 5, 5)",
            org_id,
        )
        await connection.execute(
            "INSERT INTO usage_period (org_id, month, messages, tasks) VALUES"
            " ($1, '2026-03-01', 12, 2)",
            org_id,
        )
        await connection.execute(
            "INSERT INTO billing (org_id, stripe_customer_id) VALUES ($1, 'cus_1')", org_id
        )
        # Day 2 fully sent; day 3 has 5 messages of which 3 were queued and 2 sent.
        await connection.execute(
            "INSERT INTO meter_outbox (org_id, day, event_name, identifier, customer_id, value,"
            " occurred_at, sent_at) VALUES"
            " ($1, '2026-03-02', 'minkops_messages', 'a', 'cus_1', 7, now(), now()),"
            " ($1, '2026-03-02', 'minkops_tasks', 'b', 'cus_1', 2, now(), now()),"
            " ($1, '2026-03-03', 'minkops_messages', 'c', 'cus_1', 2, now(), now()),"
            " ($1, '2026-03-03', 'minkops_messages', 'd', 'cus_1', 1, now(), NULL)",
            org_id,
        )
    finally:
        await connection.close()


def test_usage_shows_the_month_against_the_caps(
    capsys: pytest.CaptureFixture[str], env: dict[str, str], database_url: str
) -> None:
    org_id = create_org(capsys, env)
    asyncio.run(_seed(database_url, org_id))
    status, out, err = run(
        capsys, env, "usage", "--org", str(org_id), "--month", "2026-03", "--json"
    )
    assert status == 0, err
    usage = json.loads(out)
    assert usage["plan"] == "free" and usage["caps"]["messages"] == 300
    assert usage["counted"] == {"messages": 12, "tasks": 2, "voice_notes": 0}
    assert usage["daily_totals"]["messages_in"] == 12  # April's 100 not included
    assert usage["daily_totals"]["transcription_seconds"] == 90
    assert usage["daily_totals"]["openai_tokens"] == 1234
    status, out, _ = run(capsys, env, "usage", "--org", str(org_id), "--month", "2026-03")
    assert status == 0 and "12 of 300" in out
    assert "voice notes transcribed: 1.5 min" in out and "AI reading: 1,234 tokens" in out
    status, _, err = run(capsys, env, "usage", "--org", str(org_id), "--month", "March")
    assert status == 2 and "YYYY-MM" in err


def test_reconcile_without_stripe_names_the_days_that_differ(
    capsys: pytest.CaptureFixture[str], env: dict[str, str], database_url: str
) -> None:
    org_id = create_org(capsys, env)
    asyncio.run(_seed(database_url, org_id))
    status, out, _ = run(capsys, env, "billing", "reconcile", "--month", "2026-03", "--json")
    assert status == 1
    report = json.loads(out)
    assert (report["stripe"], report["agree"]) == (False, False)
    days = {(d["day"], d["event"]): d for d in report["days"]}
    assert days[("2026-03-02", "minkops_messages")]["differs"] == []
    assert days[("2026-03-02", "minkops_tasks")]["differs"] == []
    assert days[("2026-03-03", "minkops_messages")] == {
        "org": org_id,
        "day": date(2026, 3, 3).isoformat(),
        "event": "minkops_messages",
        "ours": 5,
        "queued": 3,
        "sent": 2,
        "stripe": None,
        "differs": ["queued", "sent"],
    }
    status, out, _ = run(capsys, env, "billing", "reconcile", "--month", "2026-03")
    assert status == 1
    assert "2026-03-03  minkops_messages             5       3       2       -  differs:" in out


KEY = "sk_test_" + "r" * 24


@pytest.fixture
def stripe_standin() -> Iterator[StripeStandIn]:
    meters = [SeedMeter(name) for name in b.DEFAULT_METERS.values()]
    with StripeStandInThread(StripeStandIn(KEY, meters=meters)) as running:
        yield running.stand_in


async def _count(database_url: str, org_id: int, customer: str, messages: int) -> None:
    """Messages counted today as the org actor counts them (usage and meter events)."""
    pool = await create_pool(database_url, 1, 2)
    try:
        async with org_transaction(pool, org_id) as connection:
            await store.set_customer(connection, org_id, customer)
        now = datetime.now(UTC)
        for n in range(messages):
            count = b.CountUsage(
                day=b.local_day(now, "Europe/Madrid"),
                plan="free",
                caps=(10_000, 10_000, 10_000),
                tasks=n % 2,
                meters=tuple(b.DEFAULT_METERS.items()),
                at=now,
            )
            async with org_transaction(pool, org_id) as connection:
                await write_effects(connection, org_id, [count])
    finally:
        await pool.close()


def test_reconcile_compares_with_what_stripe_recorded(
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    database_url: str,
    stripe_standin: StripeStandIn,
) -> None:
    env = {**env, "STRIPE_API_KEY": KEY, "STRIPE_API_BASE": stripe_standin.base_url or ""}
    client = make_stripe_client(KEY, stripe_standin.base_url or "")
    customer = client.v1.customers.create({"name": "Café Uno"}).id
    org_id = create_org(capsys, env)
    asyncio.run(_count(database_url, org_id, customer, 5))
    today = b.local_day(datetime.now(UTC), "Europe/Madrid").isoformat()

    def report() -> tuple[int, dict[tuple[str, str], dict[str, Any]]]:
        status, out, err = run(capsys, env, "billing", "reconcile", "--json")
        assert status in (0, 1), err
        days = json.loads(out)["days"]
        return status, {(d["day"], d["event"]): d for d in days if d["org"] == org_id}

    # Queued, not sent yet: ours 5, sent 0, Stripe 0.
    status, days = report()
    assert status == 1
    assert days[(today, "minkops_messages")]["differs"] == ["sent"]
    assert days[(today, "minkops_messages")]["stripe"] == 0

    status, out, err = run(capsys, env, "billing", "send-meters")
    assert status == 0, err
    status, days = report()
    assert status == 0
    messages = days[(today, "minkops_messages")]
    assert (messages["ours"], messages["sent"], messages["stripe"]) == (5, 5, 5)
    assert (days[(today, "minkops_tasks")]["sent"], days[(today, "minkops_tasks")]["stripe"]) == (
        2,
        2,
    )

    # Stripe drops one accepted event in its own processing: only its figure can tell.
    dropped = next(e for e in stripe_standin.meter_events() if e.event_name == "minkops_messages")
    stripe_standin.reject_meter_event(dropped.identifier)
    status, days = report()
    assert status == 1
    assert days[(today, "minkops_messages")]["stripe"] == 4
    assert days[(today, "minkops_messages")]["differs"] == ["stripe"]
    assert days[(today, "minkops_tasks")]["differs"] == []
    status, out, _ = run(capsys, env, "billing", "reconcile")
    assert status == 1 and f"{today}  minkops_messages" in out and "differs: stripe" in out

    # And an event someone else sent for this customer: more at Stripe than we sent.
    client.v1.billing.meter_events.create(
        {
            "event_name": "minkops_tasks",
            "payload": {"stripe_customer_id": customer, "value": "3"},
        }
    )
    status, days = report()
    assert status == 1
    assert (days[(today, "minkops_tasks")]["sent"], days[(today, "minkops_tasks")]["stripe"]) == (
        2,
        5,
    )
    assert days[(today, "minkops_tasks")]["differs"] == ["stripe"]
