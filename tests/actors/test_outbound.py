"""The Outbound member against real PostgreSQL, the Twilio stand-in and the real twilio SDK.

Time is a hand-moved clock (shared with the stand-in, so Twilio's date_created follows it)
and retries wait in a hand-cranked scheduler: nothing sleeps. A no-op ``SendOutbox`` asked
of the member is the barrier that says every message told before it has been handled.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import asyncpg
import pykka
import pytest
from twilio.rest import Client

from minkops import admin
from minkops.actors.backoff import Backoff, RestartPolicy
from minkops.actors.messages import SendOutbox, SweepOutbox
from minkops.actors.outbound import (
    OutboundDeps,
    OutboundMember,
    outbound_pool,
    status_callback_url,
    tell_outbound,
)
from minkops.actors.persistence import Persistence
from minkops.actors.supervisor import ChildStarted, Registry, Runtime, Supervisor, start_tree
from minkops.domain.models import OutboundMessage
from minkops.metrics import Metrics
from minkops.sandbox.twilio_api import StoredMessage, TwilioStandIn, TwilioStandInThread
from minkops.settings import OutboundSettings
from minkops.store import outbox
from minkops.store.database import create_pool
from minkops.store.outbox import OutboxRow, Queued
from minkops.twilio_client import make_twilio_client
from tests.actors import WAIT, ManualScheduler, Pending, Recorder

T = TypeVar("T")

ACCOUNT_SID = "AC" + "5" * 32
AUTH_TOKEN = "outbound-test-token-" + "z" * 12
MINKOPS_NUMBER = "+14155238886"
ANA = "+34600000001"
JUAN = "+34600000002"
LEASE = 30.0

SETTINGS = OutboundSettings(
    max_attempts=3,
    backoff_base_seconds=1.0,
    backoff_max_seconds=8.0,
    backoff_jitter=0.2,
    sending_lease_seconds=LEASE,
    reconcile_lookback=20,
    sweep_interval_seconds=5.0,
    sweep_batch=100,
)


class FakeClock:
    """Starts at a whole second so that Twilio's whole-second timestamps compare exactly."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def twilio(clock: FakeClock) -> Iterator[TwilioStandIn]:
    with TwilioStandInThread(
        TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN, clock=clock, whatsapp_window=False)
    ) as running:
        yield running.stand_in


@dataclass
class Database:
    """A service-like event loop in a thread of its own, so test and actors may block on it."""

    loop: asyncio.AbstractEventLoop
    pool: asyncpg.Pool
    persistence: Persistence

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(WAIT)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="test-db-loop", daemon=True)
    thread.start()

    async def connect() -> tuple[asyncpg.Pool, Persistence]:
        pool = await create_pool(database_url, 1, 4)
        return pool, Persistence(asyncio.get_running_loop(), pool)  # on the loop's thread

    pool, persistence = asyncio.run_coroutine_threadsafe(connect(), loop).result(WAIT)
    try:
        yield Database(loop, pool, persistence)
    finally:
        asyncio.run_coroutine_threadsafe(pool.close(), loop).result(WAIT)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(WAIT)
        loop.close()


@pytest.fixture(autouse=True)
def stop_actors() -> Iterator[None]:
    yield
    for ref in pykka.ActorRegistry.get_all():
        if issubclass(ref.actor_class, Supervisor):
            ref.stop(timeout=WAIT)
    pykka.ActorRegistry.stop_all(timeout=WAIT)


class Rig:
    def __init__(
        self,
        database: Database,
        twilio: TwilioStandIn,
        clock: FakeClock,
        client: Client,
    ) -> None:
        self.database = database
        self.twilio = twilio
        self.clock = clock
        self.client = client
        self.scheduler = ManualScheduler()
        self.metrics = Metrics()
        self.callback_base = f"http://127.0.0.1:{closed_port()}/twilio/status"
        org, _ = database.run(
            admin.create_organization(
                database.pool,
                name="Café Uno",
                timezone="Europe/Madrid",
                owner=admin.NewMember("Ana García", ANA, "admin", "es", "text"),
            )
        )
        self.org_id = org.id
        self.deps = OutboundDeps(
            persistence=database.persistence,
            client_factory=lambda: client,
            from_number=MINKOPS_NUMBER,
            status_callback_base=self.callback_base,
            metrics=self.metrics,
            settings=SETTINGS,
            clock=clock,
            scheduler=self.scheduler,
            rand=lambda: 0.5,  # no jitter: delays are exactly base * 2**n
        )
        self._member: pykka.ActorRef[Any] | None = None

    @property
    def member(self) -> pykka.ActorRef[Any]:
        if self._member is None:
            self._member = OutboundMember.start(None, self.deps)
        return self._member

    def db(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        return self.database.persistence.run(self.org_id, work)

    def queue(self, *messages: tuple[str, str]) -> list[Queued]:
        """Write rows (recipient, body) as the org actor does, keyed like replies to one inbound."""
        inbound = f"SM{uuid.uuid4().hex}"
        written = [
            OutboundMessage(f"{inbound}:{i}", to, body) for i, (to, body) in enumerate(messages)
        ]
        return self.db(lambda c: outbox.insert_outbox(c, self.org_id, written))

    def claim(self, queued: Queued) -> None:
        """What a sender does just before messages.create."""
        lease = timedelta(seconds=LEASE)
        claim = self.db(
            lambda c: outbox.claim_head(c, self.org_id, queued.recipient, self.clock(), lease)
        )
        assert isinstance(claim, outbox.Claim) and not claim.ambiguous

    def send(self, *queued: Queued) -> None:
        self.member.ask(SendOutbox(self.org_id, tuple(q.id for q in queued)), timeout=WAIT)

    def sweep(self) -> None:
        self.member.ask(SweepOutbox(), timeout=WAIT)

    def settle(self) -> None:
        """Barrier: the member has handled everything told to it before."""
        self.member.ask(SendOutbox(self.org_id, ()), timeout=WAIT)

    def fire(self, pending: Pending) -> None:
        self.clock.advance(pending.delay)
        pending.fire()
        self.settle()

    def row(self, queued: Queued) -> OutboxRow:
        row = self.db(lambda c: outbox.outbox_row(c, queued.id))
        assert row is not None
        return row

    def at_twilio(self, phone: str) -> list[StoredMessage]:
        return [m for m in self.twilio.messages() if m.to == f"whatsapp:{phone}"]

    def count(self, result: str) -> float:
        value = self.metrics.registry.get_sample_value("minkops_outbound_total", {"result": result})
        return value or 0.0


def stand_in_client(twilio: TwilioStandIn) -> Client:
    return make_twilio_client(ACCOUNT_SID, AUTH_TOKEN, twilio.base_url or "")


@pytest.fixture
def rig(database: Database, twilio: TwilioStandIn, clock: FakeClock) -> Rig:
    return Rig(database, twilio, clock, stand_in_client(twilio))


# --- sending and retrying --------------------------------------------------------------------


def test_a_row_is_sent_once_with_its_key_in_the_status_callback(rig: Rig) -> None:
    [hello] = rig.queue((ANA, "Hola Ana"))
    rig.send(hello)

    [message] = rig.at_twilio(ANA)
    row = rig.row(hello)
    assert (row.status, row.twilio_sid, row.attempts) == ("sent", message.sid, 1)
    assert message.from_ == f"whatsapp:{MINKOPS_NUMBER}" and message.body == "Hola Ana"
    assert message.status_callback == f"{rig.callback_base}?key={row.key}"
    assert rig.scheduler.scheduled == []
    assert rig.count("sent") == 1


def test_a_transient_500_is_retried_after_a_backoff_and_sent_once(rig: Rig) -> None:
    [hello] = rig.queue((ANA, "Hola Ana"))
    rig.twilio.fail_next(500, 20500, "Internal Server Error")
    rig.send(hello)

    row = rig.row(hello)
    assert (row.status, row.attempts, row.error_code) == ("pending", 1, 20500)
    assert row.next_attempt_at == rig.clock() + timedelta(seconds=1)
    assert rig.at_twilio(ANA) == []
    retry = rig.scheduler.next()
    assert retry.delay == 1.0

    rig.fire(retry)
    [message] = rig.at_twilio(ANA)
    row = rig.row(hello)
    assert (row.status, row.twilio_sid, row.attempts, row.error_code) == (
        "sent",
        message.sid,
        2,
        None,
    )
    assert rig.twilio.create_attempts() == 2
    assert (rig.count("retry"), rig.count("sent")) == (1, 1)


def test_429_is_retried_with_a_growing_backoff(rig: Rig) -> None:
    [hello] = rig.queue((ANA, "Hola Ana"))
    rig.twilio.fail_next(429, 20429, "Too Many Requests", count=2)
    rig.send(hello)

    first = rig.scheduler.next()
    rig.fire(first)
    assert rig.row(hello).status == "pending"
    second = rig.scheduler.next()
    assert (first.delay, second.delay) == (1.0, 2.0)

    rig.fire(second)
    assert rig.row(hello).status == "sent"
    assert len(rig.at_twilio(ANA)) == 1


def test_transient_failures_give_up_after_max_attempts_with_twilios_code(rig: Rig) -> None:
    [hello] = rig.queue((ANA, "Hola Ana"))
    rig.twilio.fail_next(503, 20503, "Service Unavailable", count=SETTINGS.max_attempts)
    rig.send(hello)
    for _ in range(SETTINGS.max_attempts - 1):
        rig.fire(rig.scheduler.next())

    row = rig.row(hello)
    assert (row.status, row.attempts, row.error_code) == ("failed", 3, 20503)
    assert [p for p in rig.scheduler.scheduled if not p.fired and not p.cancelled] == []
    assert rig.at_twilio(ANA) == []


def test_connection_refused_is_retried_after_looking_at_twilio(
    database: Database, twilio: TwilioStandIn, clock: FakeClock
) -> None:
    client = make_twilio_client(ACCOUNT_SID, AUTH_TOKEN, f"http://127.0.0.1:{closed_port()}")
    rig = Rig(database, twilio, clock, client)
    [hello] = rig.queue((ANA, "Hola Ana"))
    rig.send(hello)

    # No answer at all: Twilio may have it, so the row stays in doubt, not pending.
    row = rig.row(hello)
    assert (row.status, row.attempts, row.twilio_sid) == ("sending", 1, None)
    assert row.error_message == "ConnectionError"
    first = rig.scheduler.next()
    assert first.delay == 1.0

    # Still unreachable: looking fails too, and nothing is sent blind.
    rig.fire(first)
    row = rig.row(hello)
    assert (row.status, row.attempts) == ("sending", 1)
    second = rig.scheduler.next()

    client.http_client = stand_in_client(twilio).http_client  # the network is back
    rig.fire(second)
    [message] = rig.at_twilio(ANA)
    row = rig.row(hello)
    assert (row.status, row.twilio_sid, row.attempts) == ("sent", message.sid, 2)
    assert twilio.create_attempts() == 1


def test_a_create_refused_with_63016_fails_and_is_not_retried(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    # Twilio reports the 24-hour window asynchronously (a failed status callback, which the
    # status-callback tests cover); a create *refused* with a permanent code must still end
    # the row at once, without retries.
    rig.twilio.fail_next(
        400,
        63016,
        "Failed to send freeform message because you are outside the allowed window. "
        "If you are using WhatsApp, please use a Message Template.",
    )
    [late] = rig.queue((ANA, "Recordatorio secreto"))
    with caplog.at_level(logging.INFO):
        rig.send(late)

    row = rig.row(late)
    assert (row.status, row.error_code, row.attempts) == ("failed", 63016, 1)
    assert row.error_message is not None and "outside the allowed window" in row.error_message
    assert rig.scheduler.scheduled == []
    assert rig.count("failed") == 1
    [event] = [
        r.msg
        for r in caplog.records
        if isinstance(r.msg, dict) and r.msg.get("event") == "outbound.failed"
    ]
    assert event["twilio_code"] == 63016 and event["outbox_id"] == late.id
    assert "Recordatorio secreto" not in str(event) and ANA not in str(event)

    # Neither a sweep nor telling again sends it.
    rig.clock.advance(3600)
    rig.sweep()
    rig.send(late)
    assert rig.twilio.create_attempts() == 1


# --- order per recipient ---------------------------------------------------------------------


def test_a_recipients_later_messages_wait_for_a_failed_first_one(rig: Rig) -> None:
    first, second, other = rig.queue((ANA, "uno"), (ANA, "dos"), (JUAN, "para Juan"))
    rig.twilio.fail_next(500, 20500, "Internal Server Error")
    rig.send(first, second, other)

    assert [m.body for m in rig.twilio.messages()] == ["para Juan"]
    assert (rig.row(first).status, rig.row(second).status) == ("pending", "pending")
    assert rig.row(second).attempts == 0

    # Neither a sweep nor a direct request jumps the queue while the first one waits.
    rig.sweep()
    rig.send(second)
    assert rig.at_twilio(ANA) == []

    rig.fire(rig.scheduler.next())
    assert [m.body for m in rig.at_twilio(ANA)] == ["uno", "dos"]
    assert (rig.row(first).status, rig.row(second).status) == ("sent", "sent")


def test_a_terminal_failure_does_not_hold_up_later_messages(rig: Rig) -> None:
    first, second = rig.queue((ANA, "uno"), (ANA, "dos"))
    rig.twilio.fail_next(400, 21211, "Invalid 'To' Phone Number")
    rig.send(first, second)

    assert (rig.row(first).status, rig.row(first).error_code) == ("failed", 21211)
    assert rig.row(second).status == "sent"
    assert [m.body for m in rig.at_twilio(ANA)] == ["dos"]


# --- crashes and doubt ------------------------------------------------------------------------


def test_after_a_crash_a_send_twilio_has_is_adopted_and_one_it_lacks_is_sent_once(
    rig: Rig,
) -> None:
    # Yesterday's identical text to Ana must not be mistaken for today's.
    rig.client.messages.create(
        to=f"whatsapp:{ANA}", from_=f"whatsapp:{MINKOPS_NUMBER}", body="Tarea 3 hecha"
    )
    rig.clock.advance(24 * 3600)
    reached, lost = rig.queue((ANA, "Tarea 3 hecha"), (JUAN, "Tarea 4 para ti"))
    # A previous process claimed both, reached Twilio with one, and died before recording it.
    rig.claim(reached)
    rig.claim(lost)
    rig.clock.advance(1)
    created = rig.client.messages.create(
        to=f"whatsapp:{ANA}", from_=f"whatsapp:{MINKOPS_NUMBER}", body="Tarea 3 hecha"
    )
    creates = rig.twilio.create_attempts()

    # While the lease runs, the rows may still be in flight somewhere: hands off.
    rig.sweep()
    rig.send(reached, lost)
    assert rig.twilio.create_attempts() == creates
    assert {p.delay for p in rig.scheduler.scheduled} == {LEASE - 1}

    rig.clock.advance(LEASE)
    rig.sweep()
    row = rig.row(reached)
    assert (row.status, row.twilio_sid, row.attempts) == ("sent", created.sid, 1)
    [resent] = rig.at_twilio(JUAN)
    row = rig.row(lost)
    assert (row.status, row.twilio_sid, row.attempts) == ("sent", resent.sid, 2)
    assert rig.twilio.create_attempts() == creates + 1
    assert len(rig.at_twilio(ANA)) == 2  # yesterday's and today's, nothing more
    assert (rig.count("adopted"), rig.count("sent")) == (1, 1)


def test_sent_rows_are_never_sent_again(rig: Rig) -> None:
    [hello] = rig.queue((ANA, "Hola Ana"))
    rig.send(hello)
    rig.send(hello)
    rig.clock.advance(7 * 24 * 3600)
    rig.sweep()
    rig.send(hello)
    rig.settle()

    assert rig.twilio.create_attempts() == 1
    assert rig.row(hello).status == "sent"


def test_the_sweep_sends_rows_nobody_told_it_about(rig: Rig) -> None:
    ana, juan = rig.queue((ANA, "para Ana"), (JUAN, "para Juan"))
    rig.sweep()
    assert (rig.row(ana).status, rig.row(juan).status) == ("sent", "sent")
    assert rig.twilio.create_attempts() == 2


# --- the pool -----------------------------------------------------------------------------------


def test_a_recipients_messages_go_to_one_member_in_order(rig: Rig) -> None:
    policy = RestartPolicy(max_restarts=10, period=60.0, backoff=Backoff(base=0.0))
    pool = outbound_pool(rig.deps, 3, policy=policy)
    registry, recorder = Registry(), Recorder()
    start_tree([pool.spec()], runtime=Runtime(registry=registry, listener=recorder), policy=policy)
    for name in pool.member_names():
        recorder.wait_for(ChildStarted, child=name)
    handle = pool.handle(registry)

    rig.twilio.hold_creates()
    [first] = rig.queue((ANA, "uno"))
    tell_outbound(handle, rig.org_id, [first])
    rig.twilio.wait_for_held_creates(1)
    later = rig.queue((ANA, "dos"), (ANA, "tres"))
    for row in later:
        tell_outbound(handle, rig.org_id, [row])
    busy = [count for count in pool.in_flight() if count]
    assert busy == [3], pool.in_flight()  # all three behind the held send, on one member

    rig.twilio.release_creates()
    rig.twilio.wait_for_messages(lambda m: m.to == f"whatsapp:{ANA}", count=3, timeout=WAIT)
    for member in pykka.ActorRegistry.get_by_class(OutboundMember):
        member.ask(SendOutbox(rig.org_id, ()), timeout=WAIT)
    assert [m.body for m in rig.at_twilio(ANA)] == ["uno", "dos", "tres"]
    assert {rig.row(q).status for q in [first, *later]} == {"sent"}
    assert rig.twilio.create_attempts() == 3


def test_status_callback_url_keeps_the_key_readable() -> None:
    url = status_callback_url("https://minkops.example/twilio/status", "SMabc123:0")
    assert url == "https://minkops.example/twilio/status?key=SMabc123:0"


# --- voice notes out against the plan's voice cap -------------------------------------------


class _Synth:
    def synthesize(self, text: str, language: str, *, audio_format: Any) -> Any:
        from minkops.voice import Audio

        return Audio(b"OggS" + b"\0" * 60, "audio/ogg", 1.0)


def test_voice_notes_out_stop_at_the_voice_cap_and_the_text_still_goes(
    rig: Rig, tmp_path: Any
) -> None:
    from dataclasses import replace

    from minkops.domain import effects as fx
    from minkops.domain.billing import load_plans, month_of
    from minkops.settings import CONFIG_DIR
    from minkops.voice import MediaStore
    from minkops.voice.speaker import Speaker

    plans = load_plans(CONFIG_DIR)
    cap = plans.get("free").voice_notes
    speaker = Speaker(
        _Synth(), MediaStore(tmp_path), "https://minkops.example", "opus", timedelta(hours=1), 60
    )  # type: ignore[arg-type]
    rig.deps = replace(rig.deps, speaker=speaker, plans=plans)
    month = month_of(rig.clock().astimezone(UTC).date())
    rig.db(
        lambda c: c.execute(
            "INSERT INTO usage_period (org_id, month, voice_notes) VALUES ($1, $2, $3)",
            rig.org_id,
            month,
            cap - 1,
        )
    )
    notes = [
        fx.Send(f"voice-{n}", ANA, f"⏰ aviso {n}", None, "notice", speak=True) for n in (1, 2)
    ]
    queued = rig.db(lambda c: outbox.insert_outbox(c, rig.org_id, notes))
    for row in queued:
        rig.send(row)
    sent = {m.body: m for m in rig.at_twilio(ANA) if m.body.startswith("⏰")}
    assert len(sent["⏰ aviso 1"].media_urls) == 1  # the last note under the cap
    assert sent["⏰ aviso 2"].media_urls == ()  # at the cap: the text alone
    used = rig.db(
        lambda c: c.fetchval(
            "SELECT voice_notes FROM usage_period WHERE org_id = $1 AND month = $2",
            rig.org_id,
            month,
        )
    )
    assert used == cap
