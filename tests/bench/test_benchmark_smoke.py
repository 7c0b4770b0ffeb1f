"""The benchmark's code runs end to end on tiny numbers and yields sane figures.

No timing is asserted: speed is for the benchmark to print, never for a test to judge.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg

from minkops.bench.report import format_run, rows
from minkops.bench.run import RunOptions, run
from minkops.bench.webhooks import Twilio
from minkops.sandbox.twilio_api import TwilioStandIn, TwilioStandInThread

TWILIO = Twilio("AC" + "b" * 32, "bench-token-" + "z" * 20, "+14155238886")
ORGS = 5


async def test_a_tiny_run_measures_every_figure(database_url: str, tmp_data_dir: Path) -> None:
    options = RunOptions(
        orgs=ORGS,
        messages=8,
        concurrency=4,
        activation_samples=3,
        stack_kib=512,
        pool_max=4,
        log_level="warning",
    )
    stand_in = TwilioStandIn(TWILIO.account_sid, TWILIO.auth_token, whatsapp_window=False)
    with TwilioStandInThread(stand_in) as running:
        result = await run(database_url, TWILIO, running.base_url, tmp_data_dir, options)

    # Every message was accepted, acted on and answered, and every org actor went live.
    for one_pass in (result.cold, result.warm):
        assert one_pass.failures == 0
        assert one_pass.unprocessed == 0
        assert one_pass.outbox_rows >= one_pass.messages
        assert 0 < one_pass.accept_s <= one_pass.processed_s <= one_pass.sent_s
        assert one_pass.cpu.service > 0
    assert result.cold.messages == result.activated == ORGS - 1  # one org warmed up first
    assert result.live == ORGS
    assert result.threads > ORGS
    assert result.accept_baseline > 0
    assert result.idle_actor_kib > 0
    assert len(result.latencies.activation) == len(result.latencies.live_ask) == 3
    assert all(seconds > 0 for seconds in result.latencies.activation)
    assert result.rss_before_kib > 0
    assert result.rss_after_kib > 0
    # The replies reached the Twilio stand-in, each once.
    connection = await asyncpg.connect(database_url)
    try:
        assert len(stand_in.messages()) == await connection.fetchval("SELECT count(*) FROM outbox")
    finally:
        await connection.close()

    # Memory per org is left out: a few actors' worth is within the noise of RSS.
    speeds_and_latencies = [row for row in rows(result) if "memory" not in row.figure]
    assert all(row.value > 0 for row in speeds_and_latencies)
    assert all(row.baseline and row.baseline > 0 for row in speeds_and_latencies)
    printed = format_run(result)
    assert f"== {ORGS} organizations" in printed
    assert "resident memory per live org actor" in printed
