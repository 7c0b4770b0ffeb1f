"""`kill -9` in the middle of a burst: after a restart and Twilio's redeliveries, every message
is answered exactly once.

500 signed messages from 50 organizations go to the real `minkops serve`; it is killed with
SIGKILL once half have been answered 200, so accepted work is in flight (inbox rows not yet
acted on, outbox rows not yet sent). A fresh process on the same database takes it up, and
everything not answered 200 is posted again with the same MessageSid, as Twilio would.
"""

from __future__ import annotations

import asyncio
import random
import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import asyncpg

from minkops.sandbox.chat import ChatTarget
from minkops.sandbox.twilio_api import TwilioStandIn, TwilioStandInThread
from tests.e2e.burst import (
    SETTLED_STATUSES,
    BurstMessage,
    Webhook,
    count_events,
    create_admins,
    explain,
    make_burst,
    read_state,
    redeliver,
    send_burst,
    tokens_in,
    twilio_session,
)
from tests.e2e.conftest import ACCOUNT_SID, AUTH_TOKEN, MINKOPS_NUMBER, RunningService

ORGS = 50
PER_ORG = 10
TOTAL = ORGS * PER_ORG
CONCURRENCY = 24
# Acknowledged messages Twilio delivers again anyway: they must be dropped as duplicates.
REDELIVERED_ACKNOWLEDGED = 25
SENDING_LEASE_SECONDS = 10
SETTLE_TIMEOUT = 90.0


async def test_kill_9_mid_burst_loses_nothing_and_sends_nothing_twice(
    start_service: Callable[[], RunningService],
    service_env: dict[str, str],
    twilio_thread: TwilioStandInThread,
    pool: asyncpg.Pool,
    database_url: str,
    tmp_data_dir: Path,
) -> None:
    stand_in = twilio_thread.stand_in
    # A send left `sending` by the kill is reconciled once its lease ends: 10 s, not the
    # default 30, keeps the test short and is still far above a send to the local stand-in.
    overlay = tmp_data_dir / "crash-recovery.toml"
    # The 500 replies at Twilio's default 10/s would take most of a minute: pace is not tested here.
    overlay.write_text(
        f"[outbound]\nsending_lease_seconds = {SENDING_LEASE_SECONDS}\n"
        "text_messages_per_second = 1000.0\n"
    )
    service_env["MINKOPS_CONFIG"] = str(overlay)  # the env start_service runs both processes with
    public_url = f"http://127.0.0.1:{service_env['MINKOPS_HTTP_PORT']}"
    target = ChatTarget(
        public_url, ACCOUNT_SID, AUTH_TOKEN, MINKOPS_NUMBER, service_env["TWILIO_API_BASE"]
    )
    burst = make_burst(target, await create_admins(pool, ORGS), PER_ORG)
    by_sid = {message.sid: message for message in burst}
    superuser = await asyncpg.connect(database_url)
    try:
        first = await asyncio.to_thread(start_service)
        async with twilio_session() as session:
            webhook = Webhook(session, f"{public_url}/twilio/whatsapp", AUTH_TOKEN)
            acknowledged = await send_burst(
                webhook,
                burst,
                concurrency=CONCURRENCY,
                kill_after=TOTAL // 2,
                kill=first.process.kill,
            )
            assert len(acknowledged) >= TOTAL // 2, first.log_path.read_text()[-5000:]
            assert await asyncio.to_thread(first.process.wait, 30) == -signal.SIGKILL
            at_kill = await read_state(superuser)
            at_twilio = {m.sid for m in stand_in.messages()}
            unrecorded = at_twilio - {row["twilio_sid"] for row in at_kill.outbox}
            at_kill_summary = (
                f"at kill: {len(acknowledged)} acknowledged, {len(at_kill.inbox)} in the inbox"
                f" ({at_kill.unprocessed} unprocessed), {len(at_kill.outbox)} in the outbox"
                f" ({at_kill.unsent} unsent, {at_kill.sending} of them sending),"
                f" {len(at_twilio)} at Twilio ({len(unrecorded)} not recorded as sent)"
            )
            print(f"\n{at_kill_summary}")

            second = await asyncio.to_thread(start_service)
            unanswered = [m.form for m in burst if m.sid not in acknowledged]
            again = random.sample(sorted(acknowledged), REDELIVERED_ACKNOWLEDGED)
            forms = unanswered + [by_sid[sid].form for sid in again]
            random.shuffle(forms)
            statuses = await redeliver(webhook, forms, concurrency=CONCURRENCY, timeout=60)
        assert set(statuses) <= {200, 503}, Counter(statuses)

        await _settle(superuser, stand_in, burst, [first, second])
        assert second.stop() == 0
        adopted = count_events(second, "outbound.sent", adopted=True)
        resent = count_events(second, "outbound.resend")
        print(f"after restart: {adopted} sends found at Twilio and adopted, {resent} resent")
        # Stopped: nothing can reach Twilio any more; what is there now is final.
        state = await read_state(superuser)
    finally:
        await superuser.close()

    delivered = stand_in.messages()
    counts = tokens_in(message.body for message in delivered)
    twice = {word for word, n in counts.items() if n > 1}
    never = {message.token for message in burst} - set(counts)
    services = [first, second]
    assert not twice and not never, (
        f"{at_kill_summary}\nreplied more than once: {sorted(twice)}\nnever replied: {sorted(never)}"
        f"\n{explain(twice | never, delivered, state, services)}"
    )
    assert len(delivered) == TOTAL, [m.body for m in delivered if not tokens_in([m.body])]

    # The inbox holds each message once, every one acted on.
    assert sorted(row["message_sid"] for row in state.inbox) == sorted(by_sid)
    assert state.unprocessed == 0
    # One outbox row per reply, each recorded as what Twilio holds.
    assert len(state.outbox) == TOTAL
    assert {row["status"] for row in state.outbox} <= SETTLED_STATUSES
    assert {row["twilio_sid"] for row in state.outbox} == {m.sid for m in delivered}
    # Each organization has tasks 1..10, one per message, each title the one its admin wrote.
    numbers = Counter((row["org_id"], row["number"]) for row in state.tasks)
    assert len(state.tasks) == TOTAL and max(numbers.values()) == 1
    assert {row["number"] for row in state.tasks} == set(range(1, PER_ORG + 1))
    assert sorted(row["title"] for row in state.tasks) == sorted(
        f"limpiar {message.token}" for message in burst
    )
    # Twilio's redeliveries of what was answered were recognised and dropped.
    for sid in again:
        assert count_events(second, "inbound.duplicate", message_sid=sid) >= 1, sid


async def _settle(
    superuser: asyncpg.Connection,
    stand_in: TwilioStandIn,
    burst: list[BurstMessage],
    services: list[RunningService],
) -> None:
    """Poll until every message has a reply at Twilio and nothing is left to do; fail past it."""
    running = services[-1]
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        assert running.process.poll() is None, running.log_path.read_text()[-5000:]
        state = await read_state(superuser)
        delivered = stand_in.messages()
        missing = {m.token for m in burst} - set(tokens_in(m.body for m in delivered))
        if state.settled() and not missing:
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"not settled after {SETTLE_TIMEOUT} s: {state.unprocessed} unprocessed,"
                f" {state.unsent} unsent ({state.sending} sending), {len(missing)} never replied"
                f"\n{explain(missing, delivered, state, services)}"
            )
        await asyncio.sleep(0.2)  # polling interval, not synchronization
