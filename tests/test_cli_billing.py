"""`minkops usage` and `minkops billing reconcile` against a real database."""

from __future__ import annotations

import asyncio
import json
from datetime import date

import asyncpg
import pytest

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


def test_reconcile_names_the_days_that_differ(
    capsys: pytest.CaptureFixture[str], env: dict[str, str], database_url: str
) -> None:
    org_id = create_org(capsys, env)
    asyncio.run(_seed(database_url, org_id))
    status, out, _ = run(capsys, env, "billing", "reconcile", "--month", "2026-03", "--json")
    assert status == 1
    (difference,) = json.loads(out)
    assert difference == {
        "org": org_id,
        "day": date(2026, 3, 3).isoformat(),
        "event": "minkops_messages",
        "usage": 5,
        "queued": 3,
        "sent": 2,
    }
