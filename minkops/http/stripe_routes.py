"""Stripe at the edge: POST /stripe/webhook, and GET /billing/{token} (links sent in chat).

The webhook is verified with the real SDK (`stripe.Webhook.construct_event`, the endpoint's
whsec_ secret, 300 s tolerance: a bad or stale signature is a 400). Stripe promises
neither order nor exactly-once delivery, so each event is applied once (its id is kept in
stripe_events, in the same transaction) and a subscription is applied in its current state,
fetched from Stripe, never in the state an older event happened to carry.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
import stripe
from aiohttp import web

from minkops.actors.metering import make_stripe_client
from minkops.domain.billing import Plans, load_plans
from minkops.domain.effects import Send
from minkops.domain.replies import pick_language, say
from minkops.http.keys import POOL
from minkops.logs import get_logger
from minkops.settings import CONFIG_DIR, Settings
from minkops.store import billing as store
from minkops.store import outbox, queries
from minkops.store.database import org_transaction

log = get_logger(__name__)

TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class StripeEdge:
    client: stripe.StripeClient
    webhook_secret: str
    plans: Plans
    public_url: str
    grace_days: int


STRIPE = web.AppKey("stripe_edge", StripeEdge)


def add_routes(app: web.Application, edge: StripeEdge | None) -> None:
    """With no Stripe configured the routes are not there (a 404), and no plan is paid."""
    if edge is None:
        return
    app[STRIPE] = edge
    app.router.add_post("/stripe/webhook", webhook)
    app.router.add_get("/billing/done", done)
    app.router.add_get("/billing/{token}", open_link)


async def done(request: web.Request) -> web.Response:
    """Where Stripe sends the browser back: the chat is where things happen."""
    return web.Response(
        text="<p>Thank you. You can go back to WhatsApp: MinkOps has your new plan.</p>",
        content_type="text/html",
    )


async def webhook(request: web.Request) -> web.Response:
    edge = request.app[STRIPE]
    payload = await request.read()
    try:
        event = stripe.Webhook.construct_event(
            payload,
            request.headers.get("Stripe-Signature", ""),
            edge.webhook_secret,
            tolerance=TOLERANCE_SECONDS,
        )
    except (ValueError, stripe.SignatureVerificationError) as error:
        log.warning("stripe.webhook_rejected", reason=type(error).__name__)
        return web.Response(status=400, text="bad signature")
    await apply_event(request.app[POOL], edge, event.to_dict())
    return web.Response(status=200, text="ok")


async def apply_event(pool: asyncpg.Pool, edge: StripeEdge, event: Mapping[str, Any]) -> None:
    kind = str(event["type"])
    obj: Mapping[str, Any] = event["data"]["object"]
    org_id = await _org_of(pool, obj)
    if org_id is None:
        log.info("stripe.event_not_ours", type=kind)
        return
    subscription_id: str | None = None
    if kind.startswith("customer.subscription."):
        subscription_id = str(obj["id"])
    elif kind in ("checkout.session.completed", "invoice.paid", "invoice.payment_failed"):
        subscription_id = _subscription_of(obj)
    subscription = (
        await asyncio.to_thread(_fetch_subscription, edge.client, subscription_id)
        if subscription_id
        else None
    )
    async with org_transaction(pool, org_id) as connection:
        if not await store.first_time_event(connection, org_id, str(event["id"]), kind):
            log.info("stripe.event_again", type=kind)
            return
        if kind == "checkout.session.completed" and obj.get("customer"):
            await store.set_customer(connection, org_id, str(obj["customer"]))
        if subscription is not None:
            plan = _plan_of(edge.plans, subscription)
            await store.apply_subscription(
                connection,
                org_id,
                # Fetched now: newer than anything an event carried.
                created=int(time.time()),
                subscription_id=str(subscription["id"]),
                status=str(subscription["status"]),
                plan=plan,
                free_plan=edge.plans.free.name,
                grace_days=edge.grace_days,
            )
        if kind == "invoice.payment_failed":
            await _tell_admins(connection, org_id, str(event["id"]), edge.grace_days)
        await queries.notify_org_changed(connection, org_id)
    log.info("stripe.event_applied", type=kind, org_id=org_id)


async def _org_of(pool: asyncpg.Pool, obj: Mapping[str, Any]) -> int | None:
    reference = obj.get("client_reference_id")
    if reference and str(reference).isdigit():
        org_id = int(reference)
        async with org_transaction(pool, org_id) as connection:
            if await queries.organization(connection, org_id) is not None:
                return org_id
        return None
    customer = obj.get("customer") if obj.get("object") != "customer" else obj.get("id")
    if not customer:
        return None
    async with org_transaction(pool, None) as connection:
        return await store.org_by_customer(connection, str(customer))


def _subscription_of(obj: Mapping[str, Any]) -> str | None:
    value = obj.get("subscription")
    if isinstance(value, Mapping):
        value = value.get("id")
    if value is None:
        parent = obj.get("parent") or {}
        details = parent.get("subscription_details") or {}
        value = details.get("subscription")
    return str(value) if value else None


def _fetch_subscription(client: stripe.StripeClient, subscription_id: str) -> dict[str, Any]:
    subscription: dict[str, Any] = client.v1.subscriptions.retrieve(subscription_id).to_dict()
    return subscription


def _plan_of(plans: Plans, subscription: Mapping[str, Any]) -> str:
    for item in subscription.get("items", {}).get("data", []):
        plan = plans.by_price(str(item["price"]["id"]))
        if plan is not None:
            return plan.name
    return plans.free.name


async def _tell_admins(
    connection: asyncpg.Connection, org_id: int, event_id: str, grace_days: int
) -> None:
    state = await queries.load_org_state(connection, org_id)
    if state is None:
        return
    sends = [
        Send(
            f"stripe:{event_id}:{admin.id}",
            admin.phone,
            say(pick_language(admin.language), "payment_failed", days=grace_days),
            admin.id,
            "notice",
        )
        for admin in state.admins()
        if not admin.opted_out
    ]
    await outbox.insert_outbox(connection, org_id, sends)


# --- links sent in chat ---------------------------------------------------------------------


async def open_link(request: web.Request) -> web.Response:
    """An admin opened "upgrade" or "billing": make the Stripe session now, and go there."""
    edge = request.app[STRIPE]
    pool = request.app[POOL]
    async with org_transaction(pool, None) as connection:
        target = await store.billing_link(connection, request.match_info["token"])
    if target is None:
        return web.Response(status=404, text="This link has expired. Ask MinkOps again.")
    async with org_transaction(pool, target.org_id) as connection:
        org = await queries.organization(connection, target.org_id)
        row = await store.billing_of(connection, target.org_id)
    assert org is not None
    customer = row.customer_id if row else None
    if customer is None:
        created = await asyncio.to_thread(
            edge.client.v1.customers.create,
            {"name": org.name, "metadata": {"minkops_org": str(org.id)}},
            {"idempotency_key": f"minkops-customer-{org.id}"},
        )
        customer = str(created.id)
        async with org_transaction(pool, target.org_id) as connection:
            await store.set_customer(connection, target.org_id, customer)
    if target.kind == "checkout":
        plan = edge.plans.get(target.plan or "")
        session = await asyncio.to_thread(
            edge.client.v1.checkout.sessions.create,
            {
                "mode": "subscription",
                "customer": customer,
                "client_reference_id": str(org.id),
                "line_items": [{"price": plan.stripe_price or "", "quantity": 1}],
                "success_url": f"{edge.public_url}/billing/done",
                "cancel_url": f"{edge.public_url}/billing/done",
            },
        )
        url = str(session.url)
    else:
        portal = await asyncio.to_thread(
            edge.client.v1.billing_portal.sessions.create,
            {"customer": customer, "return_url": f"{edge.public_url}/billing/done"},
        )
        url = str(portal.url)
    raise web.HTTPSeeOther(url)


def edge_from(settings: Settings) -> StripeEdge | None:
    """Stripe at the edge when both the API key and the webhook secret are set."""
    s = settings.stripe
    if not (s.api_key and s.webhook_secret):
        return None
    return StripeEdge(
        client=make_stripe_client(s.api_key, s.api_base),
        webhook_secret=s.webhook_secret,
        plans=load_plans(CONFIG_DIR, settings.config_overlay),
        public_url=settings.public_url,
        grace_days=settings.billing.grace_days,
    )
