"""The Stripe stand-in, exercised through the real stripe SDK and a webhook receiver that
verifies every delivery with stripe.Webhook.construct_event, as the service will."""

from __future__ import annotations

import asyncio
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
import stripe
from aiohttp import web

from minkops.sandbox.stripe_api import (
    SeedMeter,
    SeedPrice,
    StripeStandIn,
    StripeStandInThread,
)
from minkops.sandbox.stripe_webhooks import signature_header

KEY = "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc"
SECRET = "whsec_" + "test0123456789abcdef0123456789ab"
TEAM = "price_team_monthly"
PRO = "price_pro_monthly"
USAGE = "price_messages_usage"
METER_EVENT = "minkops_messages"
START = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
CHECKOUT_EVENTS = [
    "customer.created",
    "checkout.session.completed",
    "customer.subscription.created",
    "invoice.created",
    "invoice.finalized",
    "invoice.paid",
    "invoice.payment_succeeded",
]


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def ts(self) -> int:
        return int(self.now.timestamp())


class WebhookReceiver:
    """The service's side of webhooks, reduced to its contract: verify, record, answer."""

    def __init__(self, secret: str = SECRET) -> None:
        self.secret = secret
        self.events: list[stripe.Event] = []
        self.rejected: list[str] = []
        self.url = ""
        self._answers: list[int] = []
        self._cond = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()
        self._stopping: asyncio.Event | None = None

    def answer_next(self, status: int, count: int = 1) -> None:
        with self._cond:
            self._answers.extend([status] * count)

    def types(self) -> list[str]:
        with self._cond:
            return [event.type for event in self.events]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[stripe.Event]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.events) >= count, timeout):
                raise TimeoutError(f"{len(self.events)} of {count} events after {timeout} s")
            return list(self.events)

    def wait_for_rejections(self, count: int, timeout: float = 5.0) -> list[str]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.rejected) >= count, timeout):
                raise TimeoutError(f"{len(self.rejected)} of {count} rejections")
            return list(self.rejected)

    def start(self) -> None:
        self._thread.start()
        assert self._ready.wait(5)

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        app = web.Application()
        app.router.add_post("/stripe/webhook", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/stripe/webhook"
        self._ready.set()
        await self._stopping.wait()
        await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        payload = await request.read()
        header = request.headers.get("Stripe-Signature")
        try:
            event = stripe.Webhook.construct_event(payload, header, self.secret, tolerance=300)
        except stripe.SignatureVerificationError as error:
            with self._cond:
                self.rejected.append(str(error))
                self._cond.notify_all()
            return web.Response(status=400)
        with self._cond:
            status = self._answers.pop(0) if self._answers else 200
            if status < 300:
                self.events.append(event)
            self._cond.notify_all()
        return web.Response(status=status)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    running = WebhookReceiver()
    running.start()
    yield running
    running.stop()


def make_standin(clock: FakeClock, receiver: WebhookReceiver, **overrides: Any) -> StripeStandIn:
    options: dict[str, Any] = {
        "prices": [
            SeedPrice(TEAM, "MinkOps Team", 1900),
            SeedPrice(PRO, "MinkOps Pro", 4900),
            SeedPrice(USAGE, "Messages", 2, meter_event_name=METER_EVENT),
        ],
        "meters": [SeedMeter(METER_EVENT, "Messages")],
        "webhook_url": receiver.url,
        "webhook_secret": SECRET,
        "clock": clock,
        "webhook_retry_delays": (0.05, 0.1, 0.2),
        "seed": 7,
    }
    options.update(overrides)
    return StripeStandIn(KEY, **options)


@pytest.fixture
def standin_options() -> dict[str, Any]:
    """Overridden by tests that need another configuration (indirect parametrization)."""
    return {}


@pytest.fixture
def server(
    clock: FakeClock, receiver: WebhookReceiver, standin_options: dict[str, Any]
) -> Iterator[StripeStandInThread]:
    with StripeStandInThread(make_standin(clock, receiver, **standin_options)) as running:
        yield running


@pytest.fixture
def standin(server: StripeStandInThread) -> StripeStandIn:
    return server.stand_in


def make_client(base_url: str, **options: Any) -> tuple[stripe.StripeClient, stripe.HTTPClient]:
    http = stripe.RequestsClient()
    client = stripe.StripeClient(KEY, base_addresses={"api": base_url}, http_client=http, **options)
    return client, http


def close(http: Any) -> None:
    # The SDK's close() is untyped; this keeps the call sites checked.
    http.close()


async def untyped_close_async(http: Any) -> None:
    await http.close_async()


def untyped(params: dict[str, Any]) -> Any:
    """Parameters the SDK's TypedDicts would refuse: typos and invalid requests on purpose."""
    return params


def plain(obj: stripe.StripeObject | None) -> dict[str, Any]:
    assert obj is not None
    return obj.to_dict()


def error_body(error: stripe.StripeError) -> dict[str, Any]:
    body = error.json_body
    assert isinstance(body, dict)
    return body["error"]  # type: ignore[no-any-return]


@pytest.fixture
def client(server: StripeStandInThread) -> Iterator[stripe.StripeClient]:
    stripe_client, http = make_client(server.base_url)
    yield stripe_client
    close(http)


def subscribe(
    client: stripe.StripeClient,
    server: StripeStandInThread,
    *,
    price: str = TEAM,
    email: str = "owner@cafe.test",
    org_id: str = "7",
) -> tuple[stripe.checkout.Session, stripe.Subscription]:
    """Checkout as the service will do it, then press Pay on the hosted page."""
    session = client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer_email": email,
            "line_items": [{"price": price, "quantity": 1}],
            "client_reference_id": org_id,
            "success_url": "https://minkops.test/billing/done?session={CHECKOUT_SESSION_ID}",
            "cancel_url": "https://minkops.test/billing/cancel",
            "metadata": {"org_id": org_id},
            "subscription_data": {"metadata": {"org_id": org_id}},
        }
    )
    assert session.url is not None
    paid = requests.post(session.url, data={"outcome": "pay"}, allow_redirects=False, timeout=5)
    assert paid.status_code == 303, paid.text
    done = client.v1.checkout.sessions.retrieve(session.id)
    assert isinstance(done.subscription, str)
    return done, client.v1.subscriptions.retrieve(done.subscription)


def raw(server: StripeStandInThread, method: str, path: str, **kwargs: Any) -> requests.Response:
    kwargs.setdefault("headers", {"Authorization": f"Bearer {KEY}"})
    return requests.request(method, server.base_url + path, timeout=5, **kwargs)


# ----- authentication and Stripe's error shape -----


def test_a_missing_or_wrong_key_is_401_with_stripes_error_body(
    server: StripeStandInThread, standin: StripeStandIn
) -> None:
    intruder, http = make_client(server.base_url)
    wrong = stripe.StripeClient(
        "sk_test_wrong0000000000000000", base_addresses={"api": server.base_url}, http_client=http
    )
    with pytest.raises(stripe.AuthenticationError) as caught:
        wrong.v1.customers.create(params={"email": "x@y.test"})
    assert caught.value.http_status == 401
    error = error_body(caught.value)
    assert error["type"] == "invalid_request_error"
    assert error["message"].startswith("Invalid API Key provided: sk_test_")
    assert re.fullmatch(r"req_\w{14}", caught.value.request_id or "")

    missing = raw(server, "GET", "/v1/customers", headers={})
    assert missing.status_code == 401
    assert "You did not provide an API key" in missing.json()["error"]["message"]
    # curl -u sk_test_…: works too, as Stripe's docs show it.
    basic = requests.get(server.base_url + "/v1/customers", auth=(KEY, ""), timeout=5)
    assert basic.status_code == 200
    assert standin.api_requests("/v1/customers")[-1].method == "GET"
    assert len(standin.api_requests()) == 1  # refused requests are not recorded
    close(http)
    del intruder


def test_unknown_urls_parameters_and_missing_parameters_fail_like_stripe(
    client: stripe.StripeClient, server: StripeStandInThread
) -> None:
    unknown = raw(server, "GET", "/v1/charges_nope")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"].startswith(
        "Unrecognized request URL (GET: /v1/charges_nope)."
    )
    assert raw(server, "DELETE", "/v1/customers").status_code == 404

    with pytest.raises(stripe.InvalidRequestError) as typo:
        client.v1.customers.create(params=untyped({"emial": "x@y.test"}))
    assert (typo.value.code, typo.value.param) == ("parameter_unknown", "emial")
    assert typo.value.user_message == "Received unknown parameter: emial"

    with pytest.raises(stripe.InvalidRequestError) as nested:
        client.v1.checkout.sessions.create(
            params=untyped({"mode": "subscription", "line_items": [{"price": TEAM, "quantty": 1}]})
        )
    assert nested.value.param == "line_items[0][quantty]"

    with pytest.raises(stripe.InvalidRequestError) as absent:
        client.v1.billing.meters.create(params=untyped({"display_name": "x", "event_name": "x"}))
    assert (absent.value.code, absent.value.param) == ("parameter_missing", "default_aggregation")

    with pytest.raises(stripe.InvalidRequestError) as not_found:
        client.v1.customers.retrieve("cus_doesnotexist")
    assert not_found.value.http_status == 404
    assert (not_found.value.code, not_found.value.param) == ("resource_missing", "id")
    assert not_found.value.user_message == "No such customer: 'cus_doesnotexist'"


# ----- customers, prices, lists -----


def test_customers_create_retrieve_update_and_list_by_email(
    client: stripe.StripeClient, standin: StripeStandIn, receiver: WebhookReceiver
) -> None:
    created = client.v1.customers.create(
        params={
            "email": "owner@cafe.test",
            "name": "Café Sol",
            "metadata": {"org_id": "7", "plan": "free"},
        }
    )
    assert re.fullmatch(r"cus_\w{14}", created.id)
    assert (created.object, created.livemode, created.created) == (
        "customer",
        False,
        int(START.timestamp()),
    )
    assert plain(created.metadata) == {"org_id": "7", "plan": "free"}

    updated = client.v1.customers.update(
        created.id, params={"name": "Café Sol SL", "metadata": {"plan": "", "tier": "2"}}
    )
    assert updated.name == "Café Sol SL"
    assert plain(updated.metadata) == {"org_id": "7", "tier": "2"}  # "" removes a key
    assert client.v1.customers.retrieve(created.id).name == "Café Sol SL"

    client.v1.customers.create(params={"email": "other@cafe.test"})
    assert [c.id for c in client.v1.customers.list(params={"email": "owner@cafe.test"})] == [
        created.id
    ]
    # Stripe's email filter is exact and case-sensitive.
    assert client.v1.customers.list(params={"email": "OWNER@cafe.test"}).data == []

    events = receiver.wait_for(3)
    assert [e.type for e in events] == ["customer.created", "customer.updated", "customer.created"]
    previous = events[1].data.previous_attributes
    assert previous is not None and previous["name"] == "Café Sol"


def test_lists_paginate_newest_first_with_has_more_and_starting_after(
    client: stripe.StripeClient, server: StripeStandInThread
) -> None:
    ids = [client.v1.customers.create(params={"email": f"c{i}@x.test"}).id for i in range(23)]
    first = client.v1.customers.list(params={"limit": 10})
    assert [c.id for c in first.data] == ids[::-1][:10]
    assert first.has_more is True
    assert [c.id for c in first.auto_paging_iter()] == ids[::-1]
    last = client.v1.customers.list(params={"limit": 10, "starting_after": ids[2]})
    assert ([c.id for c in last.data], last.has_more) == ([ids[1], ids[0]], False)
    before = client.v1.customers.list(params={"limit": 2, "ending_before": ids[0]})
    assert [c.id for c in before.data] == [ids[2], ids[1]]
    assert raw(server, "GET", "/v1/customers?limit=101").json()["error"]["param"] == "limit"
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        client.v1.customers.list(params={"starting_after": "cus_nope"})
    assert unknown.value.param == "starting_after"


def test_the_configured_price_exists_with_its_product(client: stripe.StripeClient) -> None:
    price = client.v1.prices.retrieve(TEAM, params={"expand": ["product"]})
    assert (price.id, price.unit_amount, price.currency, price.type) == (
        TEAM,
        1900,
        "eur",
        "recurring",
    )
    assert price.recurring is not None
    assert (price.recurring.interval, price.recurring.usage_type) == ("month", "licensed")
    assert isinstance(price.product, stripe.Product)
    assert price.product.name == "MinkOps Team"
    assert price.product.default_price == TEAM
    usage = client.v1.prices.retrieve(USAGE)
    assert usage.recurring is not None and usage.recurring.usage_type == "metered"
    listed = client.v1.prices.list(params={"product": price.product.id})
    assert [p.id for p in listed] == [TEAM]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.prices.retrieve("price_nope")
    assert caught.value.code == "resource_missing"


# ----- Checkout, the pay page and its webhooks -----


def test_checkout_pay_page_creates_the_subscription_and_sends_verified_webhooks_in_order(
    client: stripe.StripeClient,
    server: StripeStandInThread,
    standin: StripeStandIn,
    receiver: WebhookReceiver,
) -> None:
    session = client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer_email": "owner@cafe.test",
            "line_items": [{"price": TEAM, "quantity": 1}],
            "client_reference_id": "7",
            "success_url": "https://minkops.test/done?session={CHECKOUT_SESSION_ID}",
            "cancel_url": "https://minkops.test/cancel",
            "metadata": {"org_id": "7"},
            "subscription_data": {"metadata": {"org_id": "7"}},
        }
    )
    assert re.fullmatch(r"cs_test_\w{58}", session.id)
    assert (session.status, session.payment_status, session.mode) == (
        "open",
        "unpaid",
        "subscription",
    )
    assert (session.amount_total, session.currency, session.customer) == (1900, "eur", None)
    assert session.url == f"{server.base_url}/pay/{session.id}"
    assert session.expires_at == int((START + timedelta(hours=24)).timestamp())

    page = requests.get(session.url, timeout=5)
    assert page.status_code == 200 and ">Pay</button>" in page.text and "MinkOps Team" in page.text
    paid = requests.post(session.url, data={"outcome": "pay"}, allow_redirects=False, timeout=5)
    assert paid.status_code == 303
    assert paid.headers["Location"] == f"https://minkops.test/done?session={session.id}"

    done = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["subscription", "line_items"]}
    )
    assert (done.status, done.payment_status, done.url) == ("complete", "paid", None)
    assert done.client_reference_id == "7" and plain(done.metadata) == {"org_id": "7"}
    assert done.line_items is not None and done.line_items.data[0]["price"]["id"] == TEAM
    sub = done.subscription
    assert isinstance(sub, stripe.Subscription)
    assert (sub.status, sub.customer, sub.metadata.to_dict()) == (
        "active",
        done.customer,
        {"org_id": "7"},
    )
    (item,) = sub["items"].data
    assert (item.price.id, item.quantity) == (TEAM, 1)
    # Since API 2025-03-31 the billing period lives on the subscription item.
    assert item.current_period_start == int(START.timestamp())
    assert item.current_period_end == int(datetime(2026, 4, 10, 9, 30, tzinfo=UTC).timestamp())
    customer = client.v1.customers.retrieve(str(done.customer))
    assert customer.email == "owner@cafe.test"
    invoice = client.v1.invoices.retrieve(str(sub.latest_invoice))
    assert (invoice.status, invoice.amount_paid, invoice.billing_reason) == (
        "paid",
        1900,
        "subscription_create",
    )
    assert invoice.parent is not None and invoice.parent.subscription_details is not None
    assert invoice.parent.subscription_details.subscription == sub.id

    events = receiver.wait_for(len(CHECKOUT_EVENTS))
    assert [e.type for e in events] == CHECKOUT_EVENTS
    assert receiver.rejected == []
    completed = events[1]
    assert re.fullmatch(r"evt_\w{24}", completed.id)
    assert (completed.api_version, completed.livemode, completed.pending_webhooks) == (
        stripe.api_version,
        False,
        1,
    )
    assert completed.data.object["id"] == session.id
    assert completed.data.object["subscription"] == sub.id
    assert completed.data.object["client_reference_id"] == "7"
    assert (
        completed.request is not None and completed.request.id is None
    )  # the customer paid, no API call
    assert events[2].data.object["metadata"]["org_id"] == "7"
    # Delivered, so no longer pending.
    standin.wait_for_webhooks(len(CHECKOUT_EVENTS))
    assert client.v1.events.retrieve(completed.id).pending_webhooks == 0


def test_checkout_for_an_existing_customer_and_only_the_enabled_events(
    clock: FakeClock, receiver: WebhookReceiver
) -> None:
    wanted = ["checkout.session.completed", "customer.subscription.created", "invoice.paid"]
    with StripeStandInThread(make_standin(clock, receiver, enabled_events=wanted)) as server:
        client, http = make_client(server.base_url)
        customer = client.v1.customers.create(params={"email": "owner@cafe.test"})
        session = client.v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": customer.id,
                "line_items": [{"price": TEAM, "quantity": 2}],
            }
        )
        assert session.amount_total == 3800
        assert session.url is not None
        paid = requests.post(session.url, allow_redirects=False, timeout=5)
        assert paid.status_code == 200 and "subscription is active" in paid.text  # no success_url
        assert [e.type for e in receiver.wait_for(3)] == wanted
        assert (
            server.stand_in.get(str(client.v1.checkout.sessions.retrieve(session.id).subscription))[
                "customer"
            ]
            == customer.id
        )
        close(http)


@pytest.mark.parametrize(
    ("params", "param", "message"),
    [
        (
            {"customer": "cus_x", "customer_email": "a@b.test"},
            None,
            "You may only specify one of these parameters: customer, customer_email.",
        ),
        ({"customer": "cus_nope"}, "customer", "No such customer: 'cus_nope'"),
        (
            {"line_items": [{"price": "price_nope", "quantity": 1}]},
            "line_items[0][price]",
            "No such price: 'price_nope'",
        ),
        (
            {"line_items": [{"price": TEAM}]},
            "line_items[0][quantity]",
            "Quantity is required. Add `quantity` to `line_items[0]`.",
        ),
        ({"line_items": [{"price": USAGE, "quantity": 1}]}, "line_items[0][quantity]", None),
        ({"line_items": []}, "line_items", "Missing required param: line_items."),
        ({"mode": "payment"}, "mode", None),
        ({"success_url": "minkops.test/ok"}, "success_url", "Not a valid URL"),
        (
            {"customer_email": "not-an-email"},
            "customer_email",
            "Invalid email address: not-an-email",
        ),
    ],
)
def test_invalid_checkout_sessions_are_refused(
    client: stripe.StripeClient, params: dict[str, Any], param: str | None, message: str | None
) -> None:
    full: dict[str, Any] = {"mode": "subscription", "line_items": [{"price": TEAM, "quantity": 1}]}
    full.update(params)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.create(params=untyped(full))
    assert caught.value.http_status == 400
    assert caught.value.param == param
    if message is not None:
        assert caught.value.user_message == message


def test_a_declined_card_leaves_the_session_open_and_sends_nothing(
    client: stripe.StripeClient, standin: StripeStandIn
) -> None:
    session = client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer_email": "a@b.test",
            "line_items": [{"price": TEAM, "quantity": 1}],
        }
    )
    assert session.url is not None
    declined = requests.post(session.url, data={"outcome": "decline"}, timeout=5)
    assert declined.status_code == 402 and "declined" in declined.text
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"
    assert standin.events() == [] and standin.subscriptions() == []


def test_sessions_expire_by_api_and_by_the_clock(
    client: stripe.StripeClient, clock: FakeClock, receiver: WebhookReceiver
) -> None:
    line_items: list[Any] = [{"price": TEAM, "quantity": 1}]
    first = client.v1.checkout.sessions.create(
        params={"mode": "subscription", "line_items": line_items}
    )
    expired = client.v1.checkout.sessions.expire(first.id)
    assert (expired.status, expired.url) == ("expired", None)
    with pytest.raises(stripe.InvalidRequestError, match="can be expired"):
        client.v1.checkout.sessions.expire(first.id)
    assert first.url is not None
    assert requests.post(first.url, timeout=5).status_code == 410

    second = client.v1.checkout.sessions.create(
        params={"mode": "subscription", "line_items": line_items}
    )
    clock.advance(hours=24)
    assert client.v1.checkout.sessions.retrieve(second.id).status == "expired"
    events = receiver.wait_for(2)
    assert [(e.type, e.data.object["id"]) for e in events] == [
        ("checkout.session.expired", first.id),
        ("checkout.session.expired", second.id),
    ]


# ----- the customer portal -----


@pytest.mark.parametrize("standin_options", [{"portal_cancel_mode": "immediately"}])
def test_cancelling_in_the_portal_deletes_the_subscription(
    client: stripe.StripeClient, server: StripeStandInThread, receiver: WebhookReceiver
) -> None:
    session, sub = subscribe(client, server)
    receiver.wait_for(len(CHECKOUT_EVENTS))
    portal = client.v1.billing_portal.sessions.create(
        params={"customer": str(session.customer), "return_url": "https://minkops.test/account"}
    )
    assert re.fullmatch(r"bps_\w{24}", portal.id)
    assert portal.url == f"{server.base_url}/portal/{portal.id}"
    page = requests.get(portal.url, timeout=5)
    assert page.status_code == 200 and "Cancel plan" in page.text and sub.id in page.text

    cancelled = requests.post(
        f"{portal.url}/cancel", data={"subscription": sub.id}, allow_redirects=False, timeout=5
    )
    assert (cancelled.status_code, cancelled.headers["Location"]) == (303, f"/portal/{portal.id}")
    deleted = receiver.wait_for(len(CHECKOUT_EVENTS) + 1)[-1]
    assert deleted.type == "customer.subscription.deleted"
    assert deleted.data.object["status"] == "canceled"
    assert deleted.data.object["cancellation_details"]["reason"] == "cancellation_requested"
    assert client.v1.subscriptions.retrieve(sub.id).status == "canceled"
    assert "No active subscriptions" in requests.get(portal.url, timeout=5).text


def test_portal_cancel_at_period_end_then_the_period_ends(
    client: stripe.StripeClient,
    server: StripeStandInThread,
    standin: StripeStandIn,
    clock: FakeClock,
    receiver: WebhookReceiver,
) -> None:
    session, sub = subscribe(client, server)
    portal = client.v1.billing_portal.sessions.create(params={"customer": str(session.customer)})
    requests.post(f"{portal.url}/cancel", data={"subscription": sub.id}, timeout=5)
    updated = receiver.wait_for(len(CHECKOUT_EVENTS) + 1)[-1]
    assert updated.type == "customer.subscription.updated"
    assert updated.data.object["cancel_at_period_end"] is True
    assert updated.data.previous_attributes is not None
    assert updated.data.previous_attributes["cancel_at_period_end"] is False
    assert client.v1.subscriptions.retrieve(sub.id).status == "active"

    clock.now = datetime(2026, 4, 10, 9, 30, tzinfo=UTC)
    standin.process_due_billing()
    deleted = receiver.wait_for(len(CHECKOUT_EVENTS) + 2)[-1]
    assert deleted.type == "customer.subscription.deleted"
    assert deleted.data.object["ended_at"] == clock.ts()
    assert standin.invoices()[-1]["billing_reason"] == "subscription_create"  # no renewal invoice


def test_switching_plans_in_the_portal_updates_the_subscription(
    client: stripe.StripeClient, server: StripeStandInThread, receiver: WebhookReceiver
) -> None:
    session, sub = subscribe(client, server)
    portal = client.v1.billing_portal.sessions.create(params={"customer": str(session.customer)})
    assert portal.url is not None
    assert "Switch to MinkOps Pro" in requests.get(portal.url, timeout=5).text
    requests.post(f"{portal.url}/switch", data={"subscription": sub.id, "price": PRO}, timeout=5)
    updated = receiver.wait_for(len(CHECKOUT_EVENTS) + 1)[-1]
    assert updated.type == "customer.subscription.updated"
    assert updated.data.object["items"]["data"][0]["price"]["id"] == PRO
    assert updated.data.previous_attributes is not None
    assert updated.data.previous_attributes["items"]["data"][0]["price"]["id"] == TEAM
    refused = requests.post(
        f"{portal.url}/switch", data={"subscription": sub.id, "price": USAGE}, timeout=5
    )
    assert refused.status_code == 400


# ----- subscriptions over the API -----


def test_subscription_update_and_cancel_emit_their_webhooks(
    client: stripe.StripeClient, server: StripeStandInThread, receiver: WebhookReceiver
) -> None:
    session, sub = subscribe(client, server)
    receiver.wait_for(len(CHECKOUT_EVENTS))
    item = sub["items"].data[0]
    switched = client.v1.subscriptions.update(
        sub.id,
        params={"items": [{"id": item.id, "price": PRO}], "proration_behavior": "none"},
        options={"idempotency_key": "switch-7-pro"},
    )
    assert switched["items"].data[0].price.id == PRO
    ending = client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": True})
    assert (ending.cancel_at_period_end, ending.cancel_at) == (True, item.current_period_end)
    assert ending.status == "active"

    customer = str(session.customer)
    assert [s.id for s in client.v1.subscriptions.list(params={"customer": customer})] == [sub.id]
    cancelled = client.v1.subscriptions.cancel(sub.id)
    assert cancelled.status == "canceled"
    # Stripe lists canceled subscriptions only when asked.
    assert client.v1.subscriptions.list(params={"customer": customer}).data == []
    assert (
        len(client.v1.subscriptions.list(params={"customer": customer, "status": "all"}).data) == 1
    )
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.subscriptions.cancel(sub.id)
    with pytest.raises(stripe.InvalidRequestError, match="canceled subscription"):
        client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": False})
    client.v1.subscriptions.update(sub.id, params={"metadata": {"note": "kept"}})

    events = receiver.wait_for(len(CHECKOUT_EVENTS) + 4)[len(CHECKOUT_EVENTS) :]
    assert [e.type for e in events] == [
        "customer.subscription.updated",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.updated",
    ]
    assert events[0].request is not None
    assert events[0].request.idempotency_key == "switch-7-pro"
    assert re.fullmatch(r"req_\w{14}", events[0].request.id or "")


def test_a_refused_update_changes_nothing(
    client: stripe.StripeClient, server: StripeStandInThread, standin: StripeStandIn
) -> None:
    session, sub = subscribe(client, server)
    item_id = sub["items"].data[0].id
    with pytest.raises(stripe.InvalidRequestError) as item:
        client.v1.subscriptions.update(
            sub.id,
            params={
                "metadata": {"plan": "pro"},
                "items": [{"id": item_id, "price": PRO}, {"id": "si_nope", "price": PRO}],
            },
        )
    assert item.value.param == "items[1][id]"
    with pytest.raises(stripe.InvalidRequestError) as price:
        client.v1.subscriptions.update(
            sub.id, params={"items": [{"id": item_id, "price": "price_x"}]}
        )
    assert price.value.param == "items[0][price]"
    unchanged = client.v1.subscriptions.retrieve(sub.id)
    assert unchanged["items"].data[0].price.id == TEAM
    assert plain(unchanged.metadata) == {"org_id": "7"}

    customer = str(session.customer)
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.update(customer, params={"name": "New name", "description": "x" * 351})
    assert client.v1.customers.retrieve(customer).name is None
    assert [e["type"] for e in standin.events()] == CHECKOUT_EVENTS


# ----- renewals and failed payments -----


def test_a_renewal_bills_the_next_period_and_the_metered_usage(
    client: stripe.StripeClient,
    server: StripeStandInThread,
    standin: StripeStandIn,
    clock: FakeClock,
) -> None:
    session = client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer_email": "a@b.test",
            "line_items": [{"price": TEAM, "quantity": 1}, {"price": USAGE}],
        }
    )
    assert session.url is not None
    requests.post(session.url, timeout=5)
    done = client.v1.checkout.sessions.retrieve(session.id)
    for value in ("40", "2"):
        clock.advance(days=1)
        client.v1.billing.meter_events.create(
            params={
                "event_name": METER_EVENT,
                "payload": {"stripe_customer_id": str(done.customer), "value": value},
            }
        )
    clock.now = datetime(2026, 4, 10, 9, 30, tzinfo=UTC)
    standin.process_due_billing()

    renewal = client.v1.invoices.list(
        params={"subscription": str(done.subscription), "limit": 1}
    ).data[0]
    assert (renewal.billing_reason, renewal.status) == ("subscription_cycle", "paid")
    assert [(line.quantity, line.amount) for line in renewal.lines.data] == [(1, 1900), (42, 84)]
    assert renewal.amount_paid == 1984
    sub = client.v1.subscriptions.retrieve(str(done.subscription))
    assert sub["items"].data[0].current_period_end == int(
        datetime(2026, 5, 10, 9, 30, tzinfo=UTC).timestamp()
    )
    types = [e["type"] for e in standin.events()][len(CHECKOUT_EVENTS) :]
    assert types == [
        "customer.subscription.updated",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
    ]


def test_monthly_periods_keep_the_anchor_day_through_short_months(
    client: stripe.StripeClient,
    server: StripeStandInThread,
    standin: StripeStandIn,
    clock: FakeClock,
) -> None:
    clock.now = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
    _session, sub = subscribe(client, server)
    ends = []
    for _ in range(3):
        clock.now = datetime.fromtimestamp(
            client.v1.subscriptions.retrieve(sub.id)["items"].data[0].current_period_end, UTC
        )
        standin.process_due_billing()
        ends.append(clock.now.date().isoformat())
    assert ends == ["2026-02-28", "2026-03-31", "2026-04-30"]
    invoices = client.v1.invoices.list(params={"subscription": sub.id})
    assert [i.billing_reason for i in invoices] == ["subscription_cycle"] * 3 + [
        "subscription_create"
    ]


def test_a_failed_renewal_goes_past_due_and_recovers_on_retry(
    client: stripe.StripeClient,
    server: StripeStandInThread,
    standin: StripeStandIn,
    clock: FakeClock,
    receiver: WebhookReceiver,
) -> None:
    _session, sub = subscribe(client, server)
    standin.fail_next_renewal(sub.id)
    clock.now = datetime(2026, 4, 10, 9, 30, tzinfo=UTC)
    standin.process_due_billing()
    events = receiver.wait_for(len(CHECKOUT_EVENTS) + 5)[len(CHECKOUT_EVENTS) :]
    assert [e.type for e in events] == [
        "customer.subscription.updated",
        "invoice.created",
        "invoice.finalized",
        "invoice.payment_failed",
        "customer.subscription.updated",
    ]
    failed = events[3].data.object
    assert (failed["status"], failed["attempt_count"]) == ("open", 1)
    assert failed["next_payment_attempt"] == clock.ts() + 3 * 86400
    assert events[4].data.object["status"] == "past_due"
    assert client.v1.subscriptions.retrieve(sub.id).status == "past_due"

    clock.advance(days=3)
    standin.process_due_billing()
    recovered = receiver.wait_for(len(CHECKOUT_EVENTS) + 8)[-3:]
    assert [e.type for e in recovered] == [
        "invoice.paid",
        "invoice.payment_succeeded",
        "customer.subscription.updated",
    ]
    assert recovered[0].data.object["attempt_count"] == 2
    assert client.v1.subscriptions.retrieve(sub.id).status == "active"


@pytest.mark.parametrize(
    ("standin_options", "final_status", "final_event"),
    [
        ({}, "canceled", "customer.subscription.deleted"),
        ({"after_final_failure": "unpaid"}, "unpaid", "customer.subscription.updated"),
    ],
)
def test_a_renewal_that_keeps_failing_ends_canceled_or_unpaid(
    client: stripe.StripeClient,
    server: StripeStandInThread,
    standin: StripeStandIn,
    clock: FakeClock,
    final_status: str,
    final_event: str,
) -> None:
    _session, sub = subscribe(client, server)
    standin.fail_next_renewal(sub.id, attempts=4)  # the renewal and all three retries
    clock.now = datetime(2026, 4, 10, 9, 30, tzinfo=UTC)
    standin.process_due_billing()
    for days in (3, 5, 7):
        assert client.v1.subscriptions.retrieve(sub.id).status == "past_due"
        clock.advance(days=days)
        standin.process_due_billing()
    final = client.v1.subscriptions.retrieve(sub.id)
    assert final.status == final_status
    types = [e["type"] for e in standin.events()]
    assert types.count("invoice.payment_failed") == 4
    assert types[-1] == final_event
    invoice = client.v1.invoices.retrieve(str(final.latest_invoice))
    assert (invoice.status, invoice.attempt_count, invoice.next_payment_attempt) == (
        "open",
        4,
        None,
    )


def test_renewals_can_be_driven_over_http_by_another_process(
    client: stripe.StripeClient, server: StripeStandInThread, clock: FakeClock
) -> None:
    _session, sub = subscribe(client, server)
    assert (
        raw(server, "POST", "/sandbox/fail_next_renewal", data={"subscription": sub.id}).status_code
        == 200
    )
    clock.now = datetime(2026, 4, 10, 9, 30, tzinfo=UTC)
    assert raw(server, "POST", "/sandbox/process_due", headers={}).status_code == 401
    due = raw(server, "POST", "/sandbox/process_due")
    assert len(due.json()["events"]) == 5
    assert client.v1.subscriptions.retrieve(sub.id).status == "past_due"
    unknown = raw(server, "POST", "/sandbox/fail_next_renewal", data={"subscription": "sub_nope"})
    assert unknown.status_code == 404


# ----- Billing Meters -----


def meter_event(
    client: stripe.StripeClient,
    customer: str,
    value: str = "1",
    options: stripe.RequestOptions | None = None,
    **params: Any,
) -> stripe.billing.MeterEvent:
    payload = {"stripe_customer_id": customer, "value": value}
    return client.v1.billing.meter_events.create(
        params=untyped({"event_name": METER_EVENT, "payload": payload, **params}), options=options
    )


def test_meter_events_are_accepted_and_kept_for_inspection(
    client: stripe.StripeClient, standin: StripeStandIn, clock: FakeClock
) -> None:
    customer = client.v1.customers.create(params={"email": "a@b.test"}).id
    event = meter_event(client, customer, "3", identifier="org7-msg-1", timestamp=clock.ts() - 60)
    assert (event.object, event.identifier, event.timestamp, event.created) == (
        "billing.meter_event",
        "org7-msg-1",
        clock.ts() - 60,
        clock.ts(),
    )
    assert event.payload.to_dict() == {"stripe_customer_id": customer, "value": "3"}
    generated = meter_event(client, customer)
    assert re.fullmatch(r"[0-9a-f-]{36}", generated.identifier)
    assert generated.timestamp == clock.ts()
    (first, second) = standin.meter_events()
    assert (first.identifier, first.customer, first.value, first.timestamp) == (
        "org7-msg-1",
        customer,
        3,
        clock.ts() - 60,
    )
    assert first.idempotency_key is not None  # the SDK sends one on every POST
    assert second.identifier == generated.identifier


def test_a_repeated_identifier_is_refused_within_24_hours_and_not_counted(
    client: stripe.StripeClient, standin: StripeStandIn, clock: FakeClock
) -> None:
    customer = client.v1.customers.create(params={"email": "a@b.test"}).id
    meter_event(client, customer, "5", identifier="org7-2026-03-10-1")
    clock.advance(hours=23, minutes=59)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        meter_event(client, customer, "5", identifier="org7-2026-03-10-1")
    assert caught.value.http_status == 400
    assert caught.value.user_message == "An event already exists with identifier org7-2026-03-10-1."
    assert caught.value.headers is not None
    assert caught.value.headers.get("stripe-should-retry") == "false"
    assert [e.value for e in standin.meter_events()] == [5]
    (duplicate,) = standin.duplicate_meter_events()
    assert (duplicate.identifier, duplicate.value) == ("org7-2026-03-10-1", "5")

    clock.advance(minutes=2)  # past 24 hours the identifier may be used again
    meter_event(client, customer, "5", identifier="org7-2026-03-10-1")
    assert [e.value for e in standin.meter_events()] == [5, 5]


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (-35 * 86400, True),
        (-35 * 86400 - 1, False),
        (300, True),
        (301, False),
    ],
)
def test_meter_event_timestamps_must_lie_within_35_days_back_and_5_minutes_ahead(
    client: stripe.StripeClient,
    standin: StripeStandIn,
    clock: FakeClock,
    offset: int,
    accepted: bool,
) -> None:
    customer = client.v1.customers.create(params={"email": "a@b.test"}).id
    if accepted:
        assert (
            meter_event(client, customer, timestamp=clock.ts() + offset).timestamp
            == clock.ts() + offset
        )
        return
    with pytest.raises(stripe.InvalidRequestError) as caught:
        meter_event(client, customer, timestamp=clock.ts() + offset)
    assert (caught.value.http_status, caught.value.param) == (400, "timestamp")
    assert standin.meter_events() == []


@pytest.mark.parametrize(
    ("payload", "event_name", "param"),
    [
        (
            {"stripe_customer_id": "cus_nope", "value": "1"},
            METER_EVENT,
            "payload[stripe_customer_id]",
        ),
        ({"value": "1"}, METER_EVENT, "payload[stripe_customer_id]"),
        ({"stripe_customer_id": "CUSTOMER", "value": "1.5"}, METER_EVENT, "payload[value]"),
        ({"stripe_customer_id": "CUSTOMER", "value": "ten"}, METER_EVENT, "payload[value]"),
        ({"stripe_customer_id": "CUSTOMER"}, METER_EVENT, "payload[value]"),
        ({"stripe_customer_id": "CUSTOMER", "value": "1"}, "minkops_unknown", "event_name"),
    ],
)
def test_invalid_meter_events_are_refused(
    client: stripe.StripeClient,
    standin: StripeStandIn,
    payload: dict[str, str],
    event_name: str,
    param: str,
) -> None:
    customer = client.v1.customers.create(params={"email": "a@b.test"}).id
    payload = {k: customer if v == "CUSTOMER" else v for k, v in payload.items()}
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.billing.meter_events.create(params={"event_name": event_name, "payload": payload})
    assert (caught.value.http_status, caught.value.param) == (400, param)
    assert standin.meter_events() == []


def test_meters_and_event_summaries_let_a_reconciler_compare_totals(
    client: stripe.StripeClient, standin: StripeStandIn, clock: FakeClock
) -> None:
    meter = client.v1.billing.meters.create(
        params={
            "display_name": "Tasks",
            "event_name": "minkops_tasks",
            "default_aggregation": {"formula": "sum"},
        }
    )
    assert re.fullmatch(r"mtr_test_\w{24}", meter.id)
    assert (
        meter.status,
        meter.customer_mapping.event_payload_key,
        meter.value_settings.event_payload_key,
    ) == (
        "active",
        "stripe_customer_id",
        "value",
    )
    assert {m.event_name for m in client.v1.billing.meters.list()} == {METER_EVENT, "minkops_tasks"}
    with pytest.raises(stripe.InvalidRequestError, match="already exists"):
        client.v1.billing.meters.create(
            params={
                "display_name": "Again",
                "event_name": "minkops_tasks",
                "default_aggregation": {"formula": "sum"},
            }
        )

    customer = client.v1.customers.create(params={"email": "a@b.test"}).id
    hour = clock.ts() - clock.ts() % 3600
    for minutes, value in ((-90, "2"), (-30, "3"), (-5, "4")):
        client.v1.billing.meter_events.create(
            params={
                "event_name": "minkops_tasks",
                "payload": {"stripe_customer_id": customer, "value": value},
                "timestamp": clock.ts() + minutes * 60,
            }
        )
    total = client.v1.billing.meters.event_summaries.list(
        meter.id, params={"customer": customer, "start_time": hour - 7200, "end_time": hour + 3600}
    )
    (summary,) = total.data
    assert (summary.object, summary.aggregated_value, summary.meter) == (
        "billing.meter_event_summary",
        9.0,
        meter.id,
    )
    hourly = client.v1.billing.meters.event_summaries.list(
        meter.id,
        params={
            "customer": customer,
            "start_time": hour - 7200,
            "end_time": hour + 3600,
            "value_grouping_window": "hour",
        },
    )
    assert [(s.start_time - hour, s.aggregated_value) for s in hourly.data] == [
        (0, 7.0),
        (-3600, 2.0),
        (-7200, 0.0),
    ]
    with pytest.raises(stripe.InvalidRequestError) as misaligned:
        client.v1.billing.meters.event_summaries.list(
            meter.id, params={"customer": customer, "start_time": hour + 1, "end_time": hour + 3600}
        )
    assert misaligned.value.param == "start_time"

    standin.hold_meter_aggregation()  # Stripe aggregates asynchronously: summaries may lag
    client.v1.billing.meter_events.create(
        params={
            "event_name": "minkops_tasks",
            "payload": {"stripe_customer_id": customer, "value": "10"},
        }
    )
    window: Any = {"customer": customer, "start_time": hour - 7200, "end_time": hour + 3600}
    assert (
        client.v1.billing.meters.event_summaries.list(meter.id, params=window)
        .data[0]
        .aggregated_value
        == 9.0
    )
    standin.release_meter_aggregation()
    assert (
        client.v1.billing.meters.event_summaries.list(meter.id, params=window)
        .data[0]
        .aggregated_value
        == 19.0
    )
    assert sum(e.value for e in standin.meter_events() if e.event_name == "minkops_tasks") == 19


# ----- idempotency -----


def test_an_idempotency_key_replays_the_first_answer(
    client: stripe.StripeClient,
    server: StripeStandInThread,
    standin: StripeStandIn,
    clock: FakeClock,
) -> None:
    params: Any = {"email": "owner@cafe.test", "metadata": {"org_id": "7"}}
    first = client.v1.customers.create(params=params, options={"idempotency_key": "org-7-customer"})
    again = client.v1.customers.create(params=params, options={"idempotency_key": "org-7-customer"})
    assert again.id == first.id
    assert again.last_response is not None
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert first.last_response is not None
    assert again.last_response.headers["Original-Request"] == first.last_response.request_id
    assert len(client.v1.customers.list().data) == 1
    assert [e["type"] for e in standin.events()] == ["customer.created"]

    with pytest.raises(stripe.IdempotencyError) as other_params:
        client.v1.customers.create(
            params={"email": "else@cafe.test"}, options={"idempotency_key": "org-7-customer"}
        )
    assert "same parameters" in other_params.value.user_message
    with pytest.raises(stripe.IdempotencyError, match="same endpoint"):
        client.v1.products.create(
            params={"name": "x"}, options={"idempotency_key": "org-7-customer"}
        )

    clock.advance(hours=24, seconds=1)  # keys are pruned after 24 hours
    later = client.v1.customers.create(params=params, options={"idempotency_key": "org-7-customer"})
    assert later.id != first.id


def test_a_failed_request_leaves_its_key_free(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.create(params={"email": "bad"}, options={"idempotency_key": "k1"})
    assert (
        client.v1.customers.create(
            params={"email": "good@x.test"}, options={"idempotency_key": "k1"}
        ).email
        == "good@x.test"
    )


def test_a_meter_event_retried_under_its_key_is_replayed_not_refused(
    client: stripe.StripeClient, standin: StripeStandIn
) -> None:
    customer = client.v1.customers.create(params={"email": "a@b.test"}).id
    for _ in range(2):
        meter_event(
            client,
            customer,
            "1",
            identifier="org7-msg-9",
            options={"idempotency_key": "meter-org7-msg-9"},
        )
    assert len(standin.meter_events()) == 1
    assert standin.duplicate_meter_events() == []


def test_a_concurrent_request_with_the_same_key_is_409(
    server: StripeStandInThread, standin: StripeStandIn
) -> None:
    standin.set_latency(0.5)
    headers = {"Authorization": f"Bearer {KEY}", "Idempotency-Key": "same"}
    answers: list[requests.Response] = []

    def post() -> None:
        data = {"email": "a@b.test"}
        answers.append(raw(server, "POST", "/v1/customers", data=data, headers=headers))

    first = threading.Thread(target=post)
    first.start()
    time.sleep(0.2)  # the first is still executing when the second arrives
    post()
    first.join(5)
    (second, original) = answers
    assert (original.status_code, second.status_code) == (200, 409)
    assert second.json()["error"]["code"] == "idempotency_key_in_use"
    assert second.headers["Stripe-Should-Retry"] == "true"
    standin.set_latency(0)
    replayed = raw(server, "POST", "/v1/customers", data={"email": "a@b.test"}, headers=headers)
    assert replayed.json()["id"] == original.json()["id"]


# ----- fault injection -----


def test_a_500_fails_the_call_because_the_sdk_retries_nothing_by_default(
    client: stripe.StripeClient, standin: StripeStandIn
) -> None:
    standin.fail_next(500)
    with pytest.raises(stripe.APIError) as caught:
        client.v1.customers.create(params={"email": "a@b.test"})
    assert caught.value.http_status == 500
    assert caught.value.json_body == {
        "error": {
            "message": "An unknown error occurred",
            "type": "api_error",
            "request_log_url": error_body(caught.value)["request_log_url"],
        }
    }
    assert client.v1.customers.create(params={"email": "a@b.test"}).email == "a@b.test"
    assert len(standin.api_requests("/v1/customers")) == 2


def test_with_max_network_retries_the_sdk_retries_a_500_under_the_same_key(
    server: StripeStandInThread, standin: StripeStandIn
) -> None:
    client, http = make_client(server.base_url, max_network_retries=2)
    standin.fail_next(500, count=2)
    created = client.v1.customers.create(params={"email": "a@b.test"})
    requests_seen = standin.api_requests("/v1/customers")
    assert len(requests_seen) == 3
    assert len({r.idempotency_key for r in requests_seen}) == 1
    assert [c.id for c in client.v1.customers.list()] == [created.id]
    close(http)


def test_the_sdk_does_not_retry_a_429_unless_stripe_says_so(
    server: StripeStandInThread, standin: StripeStandIn
) -> None:
    client, http = make_client(server.base_url, max_network_retries=1)
    standin.fail_next(429)
    with pytest.raises(stripe.RateLimitError) as caught:
        client.v1.customers.list()
    assert error_body(caught.value)["code"] == "rate_limit"
    assert len(standin.api_requests()) == 1
    standin.fail_next(429, code="lock_timeout", should_retry=True)
    assert client.v1.customers.list().data == []
    assert len(standin.api_requests()) == 3
    close(http)


def test_fail_next_can_target_one_path(client: stripe.StripeClient, standin: StripeStandIn) -> None:
    standin.fail_next(503, path="/v1/billing/meter_events")
    customer = client.v1.customers.create(params={"email": "a@b.test"}).id
    with pytest.raises(stripe.APIError):
        meter_event(client, customer)
    meter_event(client, customer)
    assert len(standin.meter_events()) == 1


def test_an_outage_fails_every_call_with_503_or_a_closed_connection(
    client: stripe.StripeClient, standin: StripeStandIn
) -> None:
    standin.outage(True)
    with pytest.raises(stripe.APIError) as unavailable:
        client.v1.customers.list()
    assert unavailable.value.http_status == 503
    standin.outage(True, mode="close")
    with pytest.raises(stripe.APIConnectionError):
        client.v1.customers.list()
    standin.outage(False)
    assert client.v1.customers.list().data == []


def test_a_lost_response_is_replayed_to_the_sdks_retry(
    server: StripeStandInThread, standin: StripeStandIn
) -> None:
    retrying, http = make_client(server.base_url, max_network_retries=1)
    standin.lose_next_response()
    created = retrying.v1.customers.create(params={"email": "a@b.test"})
    assert [c.id for c in retrying.v1.customers.list()] == [created.id]
    assert created.last_response is not None
    assert created.last_response.headers["Idempotent-Replayed"] == "true"

    plain, plain_http = make_client(server.base_url)
    standin.lose_next_response()
    with pytest.raises(stripe.APIConnectionError):
        plain.v1.customers.create(params={"email": "b@b.test"})
    assert len(plain.v1.customers.list().data) == 2  # it happened; the caller could not know
    close(http)
    close(plain_http)


def test_latency_delays_every_answer(client: stripe.StripeClient, standin: StripeStandIn) -> None:
    standin.set_latency(0.3)
    started = time.monotonic()
    client.v1.customers.list()
    assert time.monotonic() - started >= 0.3
    standin.set_latency(0)


# ----- webhook delivery -----


def test_a_failing_endpoint_is_retried_with_backoff_until_it_answers_2xx(
    client: stripe.StripeClient, standin: StripeStandIn, receiver: WebhookReceiver
) -> None:
    receiver.answer_next(500, count=2)
    created = client.v1.customers.create(params={"email": "a@b.test"})
    (event,) = receiver.wait_for(1)
    assert event.data.object["id"] == created.id
    attempts = standin.wait_for_webhooks(3, lambda a: True)
    assert [(a.attempt, a.status) for a in attempts] == [(1, 500), (2, 500), (3, 200)]
    assert client.v1.events.retrieve(event.id).pending_webhooks == 0


def test_delivery_gives_up_after_the_last_retry(
    client: stripe.StripeClient, standin: StripeStandIn, receiver: WebhookReceiver
) -> None:
    receiver.answer_next(503, count=10)
    client.v1.customers.create(params={"email": "a@b.test"})
    attempts = standin.wait_for_webhooks(4, lambda a: True)
    time.sleep(0.5)
    assert [a.status for a in standin.webhook_attempts()] == [503] * 4
    assert attempts[-1].attempt == 4
    assert standin.events()[0]["pending_webhooks"] == 1


def test_held_events_can_be_sent_in_a_chosen_order_and_twice(
    client: stripe.StripeClient,
    server: StripeStandInThread,
    standin: StripeStandIn,
    receiver: WebhookReceiver,
) -> None:
    standin.hold_webhooks()
    subscribe(client, server)
    held = standin.held_webhooks()
    assert len(held) == len(CHECKOUT_EVENTS)
    by_type = {e["type"]: e["id"] for e in standin.events()}
    order = [
        by_type["invoice.paid"],
        by_type["customer.subscription.created"],
        by_type["checkout.session.completed"],
        by_type["invoice.paid"],
    ]
    standin.send_events(order)
    events = receiver.wait_for(4)
    assert [e.id for e in events] == order
    assert [a.automatic for a in standin.webhook_attempts()] == [False] * 4
    assert standin.release_webhooks() == held
    assert receiver.wait_for(4 + len(CHECKOUT_EVENTS))[4:] == receiver.events[4:]
    assert receiver.types()[4:] == CHECKOUT_EVENTS


def test_duplicated_and_shuffled_delivery(
    client: stripe.StripeClient,
    server: StripeStandInThread,
    standin: StripeStandIn,
    receiver: WebhookReceiver,
) -> None:
    standin.duplicate_webhooks()
    standin.shuffle_webhooks()
    subscribe(client, server)
    events = receiver.wait_for(2 * len(CHECKOUT_EVENTS))
    assert sorted(e.type for e in events) == sorted(CHECKOUT_EVENTS * 2)
    assert [e.type for e in events] != [t for t in CHECKOUT_EVENTS for _ in (1, 2)]
    assert [e.type for e in events] != CHECKOUT_EVENTS * 2
    assert len({e.id for e in events}) == len(CHECKOUT_EVENTS)


def test_a_wrong_secret_or_a_stale_signature_is_rejected_by_the_receiver(
    client: stripe.StripeClient, standin: StripeStandIn, receiver: WebhookReceiver
) -> None:
    client.v1.customers.create(params={"email": "a@b.test"})
    (event,) = receiver.wait_for(1)
    wrong = standin.send_event(event.id, secret="whsec_not_the_right_one")
    stale = standin.send_event(event.id, signed_at=int(time.time()) - 301)
    assert (wrong.status, stale.status) == (400, 400)
    rejected = receiver.wait_for_rejections(2)
    assert "No signatures found matching the expected signature" in rejected[0]
    assert "Timestamp outside the tolerance zone" in rejected[1]
    assert standin.send_event(event.id).status == 200
    assert [e.id for e in receiver.wait_for(2)] == [event.id, event.id]


def test_the_signature_is_stripes() -> None:
    payload = b'{"id": "evt_1", "object": "event"}'
    header = signature_header(payload, SECRET, 1_700_000_000)
    assert header == stripe.WebhookSignature.generate_signature_header(
        payload.decode(), SECRET, 1_700_000_000
    )


def test_the_events_api_lists_and_filters_what_was_published(
    client: stripe.StripeClient, server: StripeStandInThread
) -> None:
    subscribe(client, server)
    invoices = client.v1.events.list(params={"type": "invoice.*"})
    assert [e.type for e in invoices.data] == [
        t for t in CHECKOUT_EVENTS if t.startswith("invoice.")
    ][::-1]
    completed = client.v1.events.list(params={"type": "checkout.session.completed"}).data[0]
    assert client.v1.events.retrieve(completed.id).data.object["object"] == "checkout.session"


# ----- running it -----


async def test_the_async_sdk_client_inside_a_running_loop(
    clock: FakeClock, receiver: WebhookReceiver
) -> None:
    standin = make_standin(clock, receiver)
    base_url = await standin.start()
    http = stripe.AIOHTTPClient()
    client = stripe.StripeClient(KEY, base_addresses={"api": base_url}, http_client=http)
    try:
        customer = await client.v1.customers.create_async(params={"email": "a@b.test"})
        price = await client.v1.prices.retrieve_async(TEAM)
        session = await client.v1.checkout.sessions.create_async(
            params={
                "mode": "subscription",
                "customer": customer.id,
                "line_items": [{"price": price.id, "quantity": 1}],
            }
        )
        await asyncio.to_thread(requests.post, str(session.url), timeout=5)
        done = await client.v1.checkout.sessions.retrieve_async(session.id)
        assert done.status == "complete"
        event = (await asyncio.to_thread(receiver.wait_for, 6))[1]
        assert event.type == "checkout.session.completed"
    finally:
        await untyped_close_async(http)
        await standin.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(base_url, timeout=5)


def test_the_module_runs_alone(receiver: WebhookReceiver) -> None:
    command = [sys.executable, "-m", "minkops.sandbox.stripe_api", "--api-key", KEY, "--port", "0"]
    command += ["--webhook-url", receiver.url, "--webhook-secret", SECRET]
    command += ["--price", f"{TEAM}:MinkOps Team:1900", "--meter", METER_EVENT]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], 20)
        assert ready, "the stand-in printed nothing"
        base_url = process.stdout.readline().split()[-1]
        client, http = make_client(base_url)
        assert client.v1.prices.retrieve(TEAM).unit_amount == 1900
        customer = client.v1.customers.create(params={"email": "a@b.test"})
        assert meter_event(client, customer.id).identifier
        assert receiver.wait_for(1)[0].type == "customer.created"
        close(http)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        process.stdout.close()


def test_the_thread_wrapper_stops_its_thread(clock: FakeClock, receiver: WebhookReceiver) -> None:
    before = {t.ident for t in threading.enumerate()}
    with StripeStandInThread(make_standin(clock, receiver)) as running:
        assert requests.get(running.base_url + "/pay/cs_test_nope", timeout=5).status_code == 404
    assert {t.ident for t in threading.enumerate()} <= before


def test_a_busy_port_fails_the_start(
    server: StripeStandInThread, clock: FakeClock, receiver: WebhookReceiver
) -> None:
    port = int(server.base_url.rsplit(":", 1)[1])
    second = StripeStandInThread(make_standin(clock, receiver), port=port)
    with pytest.raises(RuntimeError, match="failed to start"):
        second.start()
