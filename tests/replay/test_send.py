"""The replayer posts as Twilio does: signed, open-loop, and retried only when the
connection failed, never after an HTTP answer."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from twilio.request_validator import RequestValidator

from minkops.replay.generate import generate
from minkops.replay.send import Account, Pace, replay
from minkops.replay.traffic import Record, roster_path, write_records, write_roster

MINKOPS = (sys.executable, "-m", "minkops")
ACCOUNT = Account("AC" + "1" * 32, "t" * 32, "+14155238886")


class Webhook:
    def __init__(self, answers: list[str]) -> None:
        self.answers = answers  # per request, in turn: "200", "500", or "hang up"
        self.seen: list[tuple[str, float]] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        form = dict(await request.post())
        validator = RequestValidator(ACCOUNT.auth_token)
        signature = request.headers["X-Twilio-Signature"]
        assert validator.validate(str(request.url), {k: str(v) for k, v in form.items()}, signature)
        self.seen.append((str(form["MessageSid"]), asyncio.get_running_loop().time()))
        answer = self.answers.pop(0) if self.answers else "200"
        if answer == "hang up":
            assert request.transport is not None
            request.transport.close()
            raise asyncio.CancelledError
        return web.Response(status=int(answer), text="<Response/>")


@pytest.fixture
async def webhook_server(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Webhook, str]]:
    webhook = Webhook(list(request.param))
    app = web.Application()
    app.router.add_post("/twilio/whatsapp", webhook.handle)
    server = TestServer(app)
    await server.start_server()
    try:
        yield webhook, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.mark.parametrize("webhook_server", [["500", "200"]], indirect=True)
async def test_a_5xx_is_not_retried(webhook_server: tuple[Webhook, str]) -> None:
    webhook, url = webhook_server
    (sent,) = await replay(url, url, ACCOUNT, [Record(0, "+34600000001", "hola")], Pace())
    assert (sent.status, sent.attempts, len(webhook.seen)) == (500, 1, 1)


@pytest.mark.parametrize("webhook_server", [["hang up", "200"]], indirect=True)
async def test_a_failed_connection_is_retried_once_with_the_same_sid(
    webhook_server: tuple[Webhook, str],
) -> None:
    webhook, url = webhook_server
    (sent,) = await replay(url, url, ACCOUNT, [Record(0, "+34600000001", "hola")], Pace())
    assert (sent.status, sent.attempts) == (200, 2)
    assert [sid for sid, _ in webhook.seen] == [sent.sid, sent.sid]


@pytest.mark.parametrize("webhook_server", [[]], indirect=True)
async def test_open_loop_on_the_recording_clock_with_unique_sids(
    webhook_server: tuple[Webhook, str],
) -> None:
    webhook, url = webhook_server
    records = [Record(i * 0.1, f"+3460000000{i % 3}", "hola") for i in range(10)]
    sents = await replay(url, url, ACCOUNT, records, Pace(speedup=2.0))
    assert all(s.status == 200 for s in sents)
    assert len({s.sid for s in sents}) == 10
    times = [t for _, t in webhook.seen]
    assert 0.4 <= times[-1] - times[0] < 2.0  # 0.9 s of recording played twice as fast
    sents = await replay(url, url, ACCOUNT, records, Pace(rate=100.0))
    assert len({s.sid for s in sents}) == 10


@pytest.mark.slow
def test_minkops_replay_runs_the_real_service_and_counts_every_reply(tmp_path: Path) -> None:
    roster, records = generate(3, 90, members_per_org=5, duration=3, seed=2)
    traffic, plot = tmp_path / "day.jsonl", tmp_path / "plot.png"
    write_records(traffic, records)
    write_roster(roster_path(traffic), roster)
    done = subprocess.run(
        [*MINKOPS, "replay", str(traffic), "--json", "--no-progress", "--plot", str(plot)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert (figures["sent"], figures["acknowledged"], figures["replied"]) == (90, 90, 90)
    assert (figures["lost"], figures["doubled"]) == (0, 0)
    assert figures["reply_latency"]["p50_ms"] > 0
    assert plot.stat().st_size > 10_000
