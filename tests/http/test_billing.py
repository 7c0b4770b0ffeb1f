"""Billing through the real application: caps in flow, upgrade via the Stripe stand-in, webhooks.

The real stripe SDK talks to the Stripe stand-in; the stand-in's pay page sends the signed
webhooks Stripe would, to our POST /stripe/webhook.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import asyncpg
import pytest
import requests
from aiohttp.test_utils import TestServer

from minkops import admin
from minkops.actors.metering import make_stripe_client
from minkops.actors.system import Engines
from minkops.domain import intents as i
from minkops.domain.understanding import UnderstandingContext
from minkops.http.app import make_app
from minkops.sandbox.stripe_api import StripeStandIn, StripeStandInThread
from minkops.sandbox.stripe_ledger import SeedMeter, SeedPrice
from minkops.sandbox.stripe_webhooks import signature_header
from minkops.sandbox.twilio_api import TwilioStandIn
from minkops.service import choose_engines
from minkops.settings import Settings, load_settings
from minkops.store.database import org_transaction
from tests.http.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    MINKOPS_NUMBER,
    OWNER,
    PUBLIC_URL,
    STAFF,
    Service,
    inbound,
)

KEY = "sk_test_" + "b" * 24
SECRET = "whsec_" + "c" * 32


class Words:
    """The rule engine, plus "upgrade" and "billing" (their lexicon comes with issue 9)."""

    def __init__(self, rules: Any) -> None:
        self._rules = rules

    def understand(self, text: str, context: UnderstandingContext) -> i.Understood:
        if text == "mejorar plan":
            return i.Understood(language="es", intent=i.Upgrade())
        if text == "factura":
            return i.Understood(language="es", intent=i.Billing())
        understood: i.Understood = self._rules.understand(text, context)
        return understood


class AccountClock:
    """The Stripe account's time: real time, moved on by the test (a month to a renewal)."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead


@pytest.fixture
def account_clock() -> AccountClock:
    return AccountClock()


@pytest.fixture
def stripe_standin(account_clock: AccountClock) -> Iterator[StripeStandIn]:
    standin = StripeStandIn(
        KEY,
        clock=account_clock,
        prices=[
            SeedPrice("price_team_monthly", "MinkOps Team", 1900),
            SeedPrice("price_business_monthly", "MinkOps Business", 9900),
        ],
        meters=[SeedMeter(n) for n in ("minkops_messages", "minkops_tasks", "minkops_voice_notes")],
        webhook_secret=SECRET,
        webhook_retry_delays=(0.05, 0.1),
        seed=3,
    )
    with StripeStandInThread(standin) as running:
        yield running.stand_in


@pytest.fixture
def billed_settings(
    twilio: TwilioStandIn, stripe_standin: StripeStandIn, tmp_data_dir: Any
) -> Settings:
    return load_settings(
        {
            "MINKOPS_DATA_DIR": str(tmp_data_dir),
            "MINKOPS_PUBLIC_URL": PUBLIC_URL,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_WHATSAPP_NUMBER": MINKOPS_NUMBER,
            "TWILIO_API_BASE": twilio.base_url or "",
            "STRIPE_API_KEY": KEY,
            "STRIPE_WEBHOOK_SECRET": SECRET,
            "STRIPE_API_BASE": stripe_standin.base_url or "",
        }
    )


@pytest.fixture
async def billed(
    billed_settings: Settings,
    database_url: str,
    twilio: TwilioStandIn,
    stripe_standin: StripeStandIn,
    pool: asyncpg.Pool,
) -> AsyncIterator[Service]:
    org, _ = await admin.create_organization(
        pool,
        name="Café Uno",
        timezone="Europe/Madrid",
        owner=admin.NewMember("Ana García", OWNER, "admin", "es", "text"),
        country="ES",
        language="es",
    )
    await admin.add_members(
        pool, org.id, [admin.NewMember("Juan Pérez", STAFF, "staff", "es", "text")]
    )
    rules = choose_engines(billed_settings).understanding
    app = make_app(billed_settings, database_url, Engines(understanding=Words(rules)))
    server = TestServer(app)
    await server.start_server()
    stripe_standin.configure_webhook(str(server.make_url("/stripe/webhook")), SECRET)
    try:
        async with aiohttp.ClientSession() as session:
            yield Service(server, session, twilio, pool, org.id, database_url)
    finally:
        await server.close()


async def plan_of(service: Service) -> str:
    async with org_transaction(service.pool, service.org_id) as connection:
        plan: str = await connection.fetchval(
            "SELECT plan FROM organizations WHERE id = $1", service.org_id
        )
    return plan


async def wait_plan(service: Service, plan: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while await plan_of(service) != plan:
        assert time.monotonic() < deadline, f"plan is {await plan_of(service)}, not {plan}"
        await asyncio.sleep(0.05)


async def upgrade(service: Service, standin: StripeStandIn, sid: str) -> None:
    """An admin's "upgrade", the link opened, the stand-in's page paid."""
    await service.post(inbound(sid, OWNER, "mejorar plan"))
    (reply,) = await service.replies_to(OWNER, predicate=lambda m: "/billing/" in m.body)
    link = reply.body.split(PUBLIC_URL, 1)[1].split()[0]
    async with service.session.get(service.server.make_url(link), allow_redirects=False) as r:
        assert r.status == 303
        checkout = r.headers["Location"]
    paid = await asyncio.to_thread(
        requests.post, checkout, data={"outcome": "pay"}, allow_redirects=False, timeout=5
    )
    assert paid.status_code == 303


async def test_upgrade_pay_and_usage_shows_the_new_plan(
    billed: Service, stripe_standin: StripeStandIn
) -> None:
    assert await plan_of(billed) == "free"
    await upgrade(billed, stripe_standin, "SM" + "1" * 32)
    await wait_plan(billed, "team")
    await billed.post(inbound("SM" + "2" * 32, OWNER, "uso"))
    (usage,) = await billed.replies_to(OWNER, predicate=lambda m: m.body.startswith("📊"))
    assert "plan team" in usage.body and "de 5.000" in usage.body
    await billed.post(inbound("SM" + "3" * 32, OWNER, "factura"))
    (portal,) = await billed.replies_to(OWNER, predicate=lambda m: m.body.startswith("🧾"))
    assert PUBLIC_URL + "/billing/" in portal.body


async def test_links_only_to_admins(billed: Service) -> None:
    await billed.post(inbound("SM" + "4" * 32, STAFF, "mejorar plan"))
    (reply,) = await billed.replies_to(STAFF)
    assert "/billing/" not in reply.body and "administrador" in reply.body


async def test_bad_and_stale_signatures_are_400(billed: Service) -> None:
    payload = b'{"id": "evt_x", "type": "invoice.paid", "data": {"object": {}}}'
    url = billed.server.make_url("/stripe/webhook")
    now = int(time.time())
    cases = {
        "wrong secret": signature_header(payload, "whsec_wrong", now),
        "stale": signature_header(payload, SECRET, now - 400),
        "missing": "",
    }
    for name, header in cases.items():
        async with billed.session.post(
            url, data=payload, headers={"Stripe-Signature": header}
        ) as r:
            assert r.status == 400, name
    fresh = signature_header(payload, SECRET, now)
    async with billed.session.post(url, data=payload, headers={"Stripe-Signature": fresh}) as r:
        assert r.status == 200


async def test_the_same_event_twice_and_out_of_order_events_leave_the_right_plan(
    billed: Service, stripe_standin: StripeStandIn
) -> None:
    stripe_standin.hold_webhooks()  # Stripe promises no order: we choose the worst one
    await upgrade(billed, stripe_standin, "SM" + "5" * 32)
    (subscription,) = stripe_standin.subscriptions()
    client = make_stripe_client(KEY, stripe_standin.base_url or "")
    await asyncio.to_thread(client.v1.subscriptions.cancel, subscription["id"])
    held = stripe_standin.held_webhooks()
    kinds = [e["type"] for e in stripe_standin.events()]
    assert "customer.subscription.created" in kinds and "customer.subscription.deleted" in kinds
    # Newest first, and the stale "subscription created" (active) after everything else;
    # then all of them again.
    types = {e["id"]: e["type"] for e in stripe_standin.events()}
    stale = [e for e in held if types[e] == "customer.subscription.created"]
    order = [e for e in reversed(held) if e not in stale] + stale
    await asyncio.to_thread(stripe_standin.send_events, order + order)
    assert await plan_of(billed) == "free"
    connection = await asyncpg.connect(billed.database_url)
    try:
        applied = await connection.fetchval(
            "SELECT count(*) FROM stripe_events WHERE id = ANY($1::text[])", order
        )
        status = await connection.fetchval("SELECT subscription_status FROM billing")
    finally:
        await connection.close()
    assert applied == len(set(order)) and status == "canceled"

    # And the other way round: a new subscription's events, oldest last, leave it paid.
    stripe_standin.hold_webhooks()
    await upgrade(billed, stripe_standin, "SM" + "6" * 32)
    again = list(reversed(stripe_standin.held_webhooks()))
    await asyncio.to_thread(stripe_standin.send_events, again + again)
    assert await plan_of(billed) == "team"


async def test_a_failed_payment_tells_the_admins_then_after_the_grace_free_caps(
    billed: Service, stripe_standin: StripeStandIn, account_clock: AccountClock
) -> None:
    await upgrade(billed, stripe_standin, "SM" + "8" * 32)
    await wait_plan(billed, "team")
    (subscription,) = stripe_standin.subscriptions()
    stripe_standin.fail_next_renewal(subscription["id"], attempts=2)
    account_clock.ahead = timedelta(days=32)  # the renewal is due, and its card declines
    await asyncio.to_thread(stripe_standin.process_due_billing)
    (told,) = await billed.replies_to(OWNER, predicate=lambda m: m.body.startswith("💳"))
    assert "7 días" in told.body  # the grace period, in days
    assert not [m for m in billed.sent_to(STAFF) if m.body.startswith("💳")]  # admins only
    await billed.settled()
    assert await plan_of(billed) == "team"  # within the grace period: still paid caps

    # The grace period passes; Stripe's retry fails too: the free plan's caps apply.
    connection = await asyncpg.connect(billed.database_url)
    try:
        await connection.execute(
            "UPDATE billing SET past_due_since = now() - interval '8 days' WHERE org_id = $1",
            billed.org_id,
        )
    finally:
        await connection.close()
    account_clock.ahead = timedelta(days=36)
    await asyncio.to_thread(stripe_standin.process_due_billing)
    await wait_plan(billed, "free")
    await billed.post(inbound("SM" + "8" * 31 + "9", OWNER, "uso"))
    (usage,) = await billed.replies_to(OWNER, predicate=lambda m: m.body.startswith("📊"))
    assert "plan free" in usage.body and "de 300" in usage.body


async def _set_count(service: Service, messages: int) -> None:
    month = datetime.now(ZoneInfo("Europe/Madrid")).date().replace(day=1)
    async with org_transaction(service.pool, service.org_id) as connection:
        await connection.execute(
            "INSERT INTO usage_period (org_id, month, messages) VALUES ($1, $2, $3)",
            service.org_id,
            month,
            messages,
        )


async def _counted(service: Service) -> int:
    async with org_transaction(service.pool, service.org_id) as connection:
        value: int = await connection.fetchval(
            "SELECT coalesce(sum(messages), 0) FROM usage_period WHERE org_id = $1",
            service.org_id,
        )
    return value


async def test_at_cap_minus_one_a_burst_gets_one_answer_then_one_notice_each(
    service: Service,
) -> None:
    await _set_count(service, 299)  # the free plan's cap is 300
    forms = [inbound(f"SM{n:032x}", OWNER if n % 2 else STAFF, "tareas") for n in range(1, 41)]
    statuses = await asyncio.gather(*(service.post(form) for form in forms))
    assert [r.status for r in statuses] == [200] * 40
    await service.settled()
    bodies = [m.body for m in service.sent_to(OWNER) + service.sent_to(STAFF)]
    over = [b for b in bodies if "no puedo hacer más" in b]
    warned = [b for b in bodies if b.startswith("🚫")]
    acted = [b for b in bodies if b not in over and b not in warned]
    assert len(acted) == 1, bodies
    assert len(over) == 2  # one each, then silence
    assert len(warned) == 1  # the admin, once, at 100 %
    assert await _counted(service) == 300
    # More from the same people: still nothing.
    await service.post(inbound("SM" + "e" * 31 + "1", OWNER, "tareas"))
    await service.settled()
    assert len(service.sent_to(OWNER) + service.sent_to(STAFF)) == len(bodies)


async def test_a_redelivered_message_is_counted_once(service: Service) -> None:
    form = inbound("SM" + "f" * 32, OWNER, "tareas")
    for _ in range(3):
        assert (await service.post(form)).status == 200
        await service.settled()
    assert await _counted(service) == 1


async def test_over_the_voice_cap_a_note_is_not_transcribed_and_text_is_asked_for(
    service: Service,
) -> None:
    month = datetime.now(ZoneInfo("Europe/Madrid")).date().replace(day=1)
    async with org_transaction(service.pool, service.org_id) as connection:
        await connection.execute(
            "INSERT INTO usage_period (org_id, month, voice_notes) VALUES ($1, $2, 20)",
            service.org_id,
            month,
        )
    media_url = service.twilio.add_media(b"OggS fake", "audio/ogg")
    form = inbound("SM" + "9" * 32, OWNER, "", NumMedia="1", MediaUrl0=media_url)
    form["MediaContentType0"] = "audio/ogg"
    assert (await service.post(form)).status == 200
    (reply,) = await service.replies_to(OWNER)
    assert "Escribe tu mensaje" in reply.body and "20 notas de voz" in reply.body


async def test_a_team_at_its_member_cap_cannot_grow(service: Service) -> None:
    more = [admin.NewMember(f"P{n}", f"+3460000010{n}", "staff", "es", "text") for n in range(3)]
    await admin.add_members(service.pool, service.org_id, more)  # 5: the free plan's cap
    await asyncio.sleep(0.2)  # the NOTIFY reaches the org actor
    await service.post(inbound("SM" + "7" * 32, OWNER, "añade a María López +34 611 222 333"))
    (reply,) = await service.replies_to(OWNER)
    assert "admite 5 personas" in reply.body
    async with org_transaction(service.pool, service.org_id) as connection:
        count = await connection.fetchval("SELECT count(*) FROM members")
    assert count == 5
