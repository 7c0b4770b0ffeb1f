"""A local stand-in for Stripe's v1 API that the real stripe SDK talks to unchanged.

    client = stripe.StripeClient(api_key, base_addresses={"api": base_url})

It answers what MinkOps's billing uses: customers, prices and products, Checkout (with a pay
page that "pays"), the customer portal (a page to cancel or switch plans), subscriptions,
invoices (renewals that fail on request), Billing Meters and meter events, and events, which it
also delivers as signed webhooks. Requests are checked as Stripe checks them (bearer key,
unknown parameters, Idempotency-Key replays and conflicts) and errors carry Stripe's shape.
Tests steer it: `fail_next`, `outage`, `set_latency`, `lose_next_response`, webhook holds,
shuffles, duplicates and resends, failed renewals, and an injectable clock.

    python -m minkops.sandbox.stripe_api --api-key sk_test_x --webhook-url URL \\
        --price price_team_monthly:"MinkOps Team":1900 --meter minkops_messages
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
import copy
import hmac
import json
import logging
import random
import signal
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, TypeVar
from urllib.parse import parse_qsl

import stripe
from aiohttp import web

from minkops.sandbox import stripe_pages as pages
from minkops.sandbox.standin_thread import StandInThread
from minkops.sandbox.stripe_ledger import (
    CancelMode,
    FinalFailure,
    Ledger,
    LedgerSettings,
    RequestContext,
    SeedMeter,
    SeedPrice,
)
from minkops.sandbox.stripe_meters import DuplicateMeterEvent, MeterEventRecord, describe
from minkops.sandbox.stripe_webhooks import (
    WebhookAttempt,
    WebhookDispatcher,
    WebhookEndpoint,
    enabled,
)
from minkops.sandbox.stripe_wire import (
    API_ERROR,
    IDEMPOTENCY_ERROR,
    INVALID_REQUEST,
    JSON,
    Params,
    StripeError,
    decode_form,
    expanded,
    list_page,
    new_id,
    unrecognized_url,
)

__all__ = [
    "ApiRequest",
    "DuplicateMeterEvent",
    "MeterEventRecord",
    "SeedMeter",
    "SeedPrice",
    "StripeStandIn",
    "StripeStandInThread",
    "WebhookAttempt",
    "main",
]

logger = logging.getLogger(__name__)

API_VERSION: str = stripe.api_version
IDEMPOTENCY_WINDOW = timedelta(hours=24)
MAX_IDEMPOTENCY_KEY_CHARS = 255
SANDBOX_PREFIX = "/sandbox"

_T = TypeVar("_T")
Clock = Callable[[], datetime]
OutageMode = Literal["503", "close"]
ApiHandler = Callable[["ApiCall"], JSON]

_NO_KEY = (
    "You did not provide an API key. You need to provide your API key in the Authorization "
    "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
    "https://stripe.com/docs/api#authentication for details, or we can help at "
    "https://support.stripe.com/."
)
# Stripe's own wording for the faults tests inject most (a lock timeout is also a 429, with
# code lock_timeout and Stripe-Should-Retry: true).
_FAULT_MESSAGES = {
    429: (
        "rate_limit",
        "Request rate limit exceeded. Learn more about rate limits here "
        "https://stripe.com/docs/rate-limits.",
    ),
    500: (None, "An unknown error occurred"),
    503: (None, "Stripe is temporarily unavailable. Please try again later."),
}


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ApiRequest:
    """One authenticated API request as received (tests check what the SDK really sent)."""

    method: str
    path: str
    params: JSON
    idempotency_key: str | None
    stripe_version: str | None
    request_id: str


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: Params
    ctx: RequestContext
    match: dict[str, str]


@dataclass(frozen=True)
class _Fault:
    error: StripeError
    path: str | None


@dataclass
class _Remembered:
    """An Idempotency-Key's first request and, once it finished, its answer."""

    endpoint: str
    fingerprint: tuple[tuple[str, str], ...]
    created: datetime
    request_id: str
    status: int | None = None
    body: str | None = None


@dataclass
class _Faults:
    queued: list[_Fault] = field(default_factory=list)
    lost_responses: list[str | None] = field(default_factory=list)
    outage: OutageMode | None = None
    latency: float = 0.0


class StripeStandIn:
    """One test-mode Stripe account in memory. Thread-safe: tests steer it from other threads.

    `clock` is the account's time (object `created`, periods, the 35-day and 24-hour rules);
    `wall_clock` only signs webhooks, since receivers check signatures against real time.
    `prices` and `meters` exist from the start; `enabled_events` limits what the webhook
    endpoint receives, as an endpoint's enabled events do on Stripe. `portal_cancel_mode`,
    `payment_retry_days` and `after_final_failure` are the account's Billing settings;
    `seed` makes shuffled deliveries repeatable.
    """

    def __init__(
        self,
        api_key: str,
        *,
        prices: Iterable[SeedPrice] = (),
        meters: Iterable[SeedMeter] = (),
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        enabled_events: Collection[str] | None = None,
        clock: Clock = _utc_now,
        wall_clock: Callable[[], float] = time.time,
        webhook_retry_delays: Sequence[float] = (1.0, 10.0, 60.0),
        webhook_timeout: float = 10.0,
        api_version: str = API_VERSION,
        portal_cancel_mode: CancelMode = "at_period_end",
        payment_retry_days: Sequence[int] = (3, 5, 7),
        after_final_failure: FinalFailure = "canceled",
        seed: int | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("the stand-in needs an API key to check requests against")
        self.api_key = api_key
        self.base_url: str | None = None
        self._cond = threading.Condition()
        self._ledger = Ledger(
            clock,
            LedgerSettings(
                api_version=api_version,
                portal_cancel_mode=portal_cancel_mode,
                payment_retry_days=tuple(payment_retry_days),
                after_final_failure=after_final_failure,
            ),
            self._public_url,
        )
        for meter in meters:
            self._ledger.seed_meter(meter)
        for price in prices:
            self._ledger.seed_price(price)
        self._clock = clock
        self._api_version = api_version
        self._webhooks = WebhookDispatcher(
            self._cond,
            retry_delays=webhook_retry_delays,
            timeout=webhook_timeout,
            wall_clock=wall_clock,
            rng=random.Random(seed),
        )
        if webhook_url is not None:
            self.configure_webhook(webhook_url, webhook_secret, enabled_events)
        self._faults = _Faults()
        self._requests: list[ApiRequest] = []
        self._idempotency: dict[str, _Remembered] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None

    # ----- webhooks: configuration and test helpers -----

    def configure_webhook(
        self,
        url: str,
        secret: str | None = None,
        enabled_events: Collection[str] | None = None,
    ) -> str:
        """Point webhook delivery at `url`; return the signing secret (made up if not given)."""
        secret = secret or new_id("whsec_", 32)
        with self._cond:
            self._webhooks.endpoint = WebhookEndpoint(url, secret, enabled(enabled_events))
        return secret

    @property
    def webhook_secret(self) -> str | None:
        endpoint = self._webhooks.endpoint
        return endpoint.secret if endpoint else None

    def events(self, event_type: str | None = None) -> list[JSON]:
        """Every event published so far (copies), oldest first, optionally of one type."""
        with self._cond:
            return [
                copy.deepcopy(e)
                for e in self._ledger.events.values()
                if event_type is None or e["type"] == event_type
            ]

    def webhook_attempts(self) -> list[WebhookAttempt]:
        with self._cond:
            return list(self._webhooks.attempts)

    def wait_for_webhooks(
        self,
        count: int,
        predicate: Callable[[WebhookAttempt], bool] = lambda a: a.succeeded,
        timeout: float = 5.0,
    ) -> list[WebhookAttempt]:
        """Block (not on the stand-in's loop) until `count` attempts match; return those."""

        def matching() -> list[WebhookAttempt]:
            return [a for a in self._webhooks.attempts if predicate(a)]

        with self._cond:
            if not self._cond.wait_for(lambda: len(matching()) >= count, timeout):
                raise TimeoutError(
                    f"fewer than {count} matching webhook attempts after {timeout} s"
                )
            return matching()

    def hold_webhooks(self) -> None:
        """Publish events but send none until `release_webhooks` (or `send_events`)."""
        with self._cond:
            self._webhooks.hold()

    def release_webhooks(self) -> list[str]:
        """Send everything held, in publishing order unless shuffled; return the event ids."""
        with self._cond:
            return self._webhooks.release()

    def held_webhooks(self) -> list[str]:
        with self._cond:
            return [e["id"] for e in self._webhooks.held()]

    def shuffle_webhooks(self, enabled: bool = True) -> None:
        """Deliver each batch of events in a random order (seeded), as Stripe may."""
        with self._cond:
            self._webhooks.shuffle = enabled

    def duplicate_webhooks(self, enabled: bool = True) -> None:
        """Deliver every event twice, as Stripe's at-least-once delivery may."""
        with self._cond:
            self._webhooks.duplicate = enabled

    def send_event(
        self,
        event_id: str,
        *,
        secret: str | None = None,
        signed_at: int | None = None,
        timeout: float = 10.0,
    ) -> WebhookAttempt:
        """Send a stored event once more, now; optionally signed with another secret or at
        another time (a stale `signed_at` fails a receiver's tolerance check). Blocks; call it
        from any thread but the stand-in's own loop (there, await `send_event_async`)."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("the stand-in is not running")
        future = asyncio.run_coroutine_threadsafe(
            self.send_event_async(event_id, secret=secret, signed_at=signed_at), loop
        )
        return future.result(timeout)

    async def send_event_async(
        self, event_id: str, *, secret: str | None = None, signed_at: int | None = None
    ) -> WebhookAttempt:
        with self._cond:
            event = self._ledger.events.get(event_id)
            if event is None:
                raise KeyError(f"no event {event_id}")
            snapshot = copy.deepcopy(event)
        return await self._webhooks.send_once(snapshot, secret=secret, signed_at=signed_at)

    def send_events(self, event_ids: Sequence[str]) -> list[WebhookAttempt]:
        """Send these stored events one after another, in exactly this order."""
        return [self.send_event(event_id) for event_id in event_ids]

    # ----- billing: test helpers -----

    def pay_checkout_session(self, session_id: str, email: str | None = None) -> JSON:
        """What pressing "Pay" on the session's page does."""
        return self._change(lambda: self._ledger.pay_checkout_session(session_id, email))

    def fail_next_renewal(self, subscription_id: str, attempts: int = 1) -> None:
        """Make the next `attempts` payment attempts for this subscription fail (a renewal and,
        past the first, its retries): past_due, then canceled or unpaid when none is left."""
        with self._cond:
            self._ledger.fail_next_payments(subscription_id, attempts)

    def process_due_billing(self) -> list[str]:
        """Do what the clock has made due: renewals, payment retries, cancellations at period
        end, Checkout expiry. Returns the ids of the events this published."""
        with self._cond:
            self._ledger.process_due()
            events = self._ledger.take_published()
            self._webhooks.submit(events)
            self._cond.notify_all()
        return [event["id"] for event in events]

    def get(self, object_id: str) -> JSON:
        """Any stored object (a copy) by id: cus_, price_, cs_, sub_, in_, evt_, mtr_, …"""
        with self._cond:
            found = self._ledger.resolve(object_id)
            if found is None:
                raise KeyError(object_id)
            return copy.deepcopy(found)

    def subscriptions(self) -> list[JSON]:
        with self._cond:
            return [copy.deepcopy(s) for s in self._ledger.subscriptions.values()]

    def invoices(self) -> list[JSON]:
        with self._cond:
            return [copy.deepcopy(i) for i in self._ledger.invoices.values()]

    # ----- meters: test helpers -----

    def meter_events(self) -> list[MeterEventRecord]:
        """Every accepted meter event, oldest first (never the refused duplicates)."""
        with self._cond:
            return self._ledger.meters.records()

    def duplicate_meter_events(self) -> list[DuplicateMeterEvent]:
        """Meter events refused because their identifier was used within 24 hours."""
        with self._cond:
            return list(self._ledger.meters.duplicates)

    def hold_meter_aggregation(self) -> None:
        """Accept meter events but leave them out of summaries (Stripe aggregates with a lag)."""
        with self._cond:
            self._ledger.meters.holding = True

    def release_meter_aggregation(self) -> None:
        with self._cond:
            self._ledger.meters.release_aggregation()

    def reject_meter_event(self, identifier: str) -> None:
        """Refuse an accepted meter event after the fact, as Stripe's asynchronous
        validation may: it stays in `meter_events()` but leaves every summary."""
        with self._cond:
            self._ledger.meters.reject(identifier)

    # ----- faults -----

    def fail_next(
        self,
        status: int,
        count: int = 1,
        *,
        code: str | None = None,
        message: str | None = None,
        type: str | None = None,
        should_retry: bool | None = None,
        path: str | None = None,
    ) -> None:
        """Answer the next `count` API requests (under `path`, if given) with this error,
        before they reach an endpoint: nothing changes and the Idempotency-Key stays unused."""
        default_code, default_message = _FAULT_MESSAGES.get(status, (None, "Request failed"))
        error = StripeError(
            status,
            message or default_message,
            type=type or (API_ERROR if status >= 500 else INVALID_REQUEST),
            code=code or default_code,
            should_retry=should_retry,
        )
        with self._cond:
            self._faults.queued.extend([_Fault(error, path)] * count)

    def lose_next_response(self, count: int = 1, *, path: str | None = None) -> None:
        """Carry out the next `count` requests, then close the connection instead of answering
        (the client cannot know whether it happened; a retry with the same key replays it)."""
        with self._cond:
            self._faults.lost_responses.extend([path] * count)

    def outage(self, down: bool = True, mode: OutageMode = "503") -> None:
        """While down, every API request fails: with Stripe's 503, or (mode "close") by the
        connection closing without an answer."""
        with self._cond:
            self._faults.outage = mode if down else None

    def set_latency(self, seconds: float) -> None:
        """Delay every API answer by `seconds`."""
        with self._cond:
            self._faults.latency = seconds

    def api_requests(self, path: str | None = None) -> list[ApiRequest]:
        """Authenticated API requests received (optionally to one path), oldest first."""
        with self._cond:
            return [r for r in self._requests if path is None or r.path == path]

    # ----- server lifecycle -----

    def app(self) -> web.Application:
        app = web.Application()
        app.cleanup_ctx.append(self._webhook_context)
        for method, path, handler in self._api_routes():
            app.router.add_route(method, path, self._api(handler))
        app.router.add_get("/pay/{id}", self._pay_page)
        app.router.add_post("/pay/{id}", self._pay)
        app.router.add_get("/portal/{id}", self._portal_page)
        app.router.add_post("/portal/{id}/{action}", self._portal_action)
        app.router.add_get("/invoice/{id}", self._invoice_page)
        sandbox = SANDBOX_PREFIX
        app.router.add_post(f"{sandbox}/process_due", self._sandbox(self._process_due))
        app.router.add_post(f"{sandbox}/fail_next_renewal", self._sandbox(self._fail_renewal))
        app.router.add_get(f"{sandbox}/meter_events", self._sandbox(self._meter_events))
        return app

    def _api_routes(self) -> list[tuple[str, str, ApiHandler]]:
        ledger, meters = self._ledger, self._ledger.meters

        def retrieve(store: dict[str, JSON], kind: str) -> ApiHandler:
            return lambda c: ledger.get(store, kind, c.match["id"])

        def listing(select: Callable[[Params], list[JSON]], url: str, kind: str) -> ApiHandler:
            return lambda c: list_page(select(c.params), c.params, url, kind)

        sessions, meter = "/v1/checkout/sessions", "/v1/billing/meters"
        return [
            ("GET", "/v1/customers", listing(ledger.list_customers, "/v1/customers", "customer")),
            ("POST", "/v1/customers", lambda c: ledger.create_customer(c.params, c.ctx)),
            ("GET", "/v1/customers/{id}", retrieve(ledger.customers, "customer")),
            ("POST", "/v1/customers/{id}", lambda c: ledger.update_customer(c.match["id"], c.params, c.ctx)),
            ("GET", "/v1/products", listing(ledger.list_products, "/v1/products", "product")),
            ("POST", "/v1/products", lambda c: ledger.create_product(c.params, c.ctx)),
            ("GET", "/v1/products/{id}", retrieve(ledger.products, "product")),
            ("GET", "/v1/prices", listing(ledger.list_prices, "/v1/prices", "price")),
            ("POST", "/v1/prices", lambda c: ledger.create_price(c.params, c.ctx)),
            ("GET", "/v1/prices/{id}", retrieve(ledger.prices, "price")),
            ("GET", sessions, listing(ledger.list_checkout_sessions, sessions, "checkout.session")),
            ("POST", sessions, lambda c: ledger.create_checkout_session(c.params, c.ctx)),
            ("GET", sessions + "/{id}", self._session_with_items),
            ("POST", sessions + "/{id}/expire", lambda c: ledger.expire_checkout_session(c.match["id"], c.ctx)),
            ("GET", sessions + "/{id}/line_items", self._session_line_items),
            ("POST", "/v1/billing_portal/sessions", lambda c: ledger.create_portal_session(c.params, c.ctx)),
            ("GET", "/v1/subscriptions", listing(ledger.list_subscriptions, "/v1/subscriptions", "subscription")),
            ("GET", "/v1/subscriptions/{id}", retrieve(ledger.subscriptions, "subscription")),
            ("POST", "/v1/subscriptions/{id}", lambda c: ledger.update_subscription(c.match["id"], c.params, c.ctx)),
            ("DELETE", "/v1/subscriptions/{id}", lambda c: ledger.cancel_subscription(c.match["id"], c.params, c.ctx)),
            ("GET", "/v1/invoices", listing(ledger.list_invoices, "/v1/invoices", "invoice")),
            ("GET", "/v1/invoices/{id}", retrieve(ledger.invoices, "invoice")),
            ("GET", "/v1/events", listing(ledger.list_events, "/v1/events", "event")),
            ("GET", "/v1/events/{id}", retrieve(ledger.events, "event")),
            ("GET", meter, listing(meters.list_meters, meter, "billing.meter")),
            ("POST", meter, lambda c: meters.create_meter(c.params)),
            ("GET", meter + "/{id}", lambda c: meters.meter(c.match["id"])),
            ("POST", meter + "/{id}", lambda c: meters.update_meter(c.match["id"], c.params)),
            ("POST", meter + "/{id}/deactivate", lambda c: meters.set_meter_status(c.match["id"], False)),
            ("POST", meter + "/{id}/reactivate", lambda c: meters.set_meter_status(c.match["id"], True)),
            ("GET", meter + "/{id}/event_summaries", self._event_summaries),
            ("POST", "/v1/billing/meter_events", lambda c: meters.create_event(c.params, c.ctx.idempotency_key)),
            # Anything else under /v1 is answered as Stripe answers an unknown URL.
            ("*", "/v1/{tail:.*}", self._unrecognized),
        ]  # fmt: skip

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on the running loop; return the base URL (what `STRIPE_API_BASE` names)."""
        if self._runner is not None:
            raise RuntimeError("the stand-in is already running")
        runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._loop = asyncio.get_running_loop()
        bound_port = runner.addresses[0][1]
        shown_host = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown_host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        self._loop = None

    async def _webhook_context(self, _app: web.Application) -> AsyncIterator[None]:
        await self._webhooks.start()
        yield
        await self._webhooks.stop()

    def _public_url(self) -> str:
        return self.base_url or "http://stripe-standin.invalid"

    # ----- the API pipeline -----

    def _api(self, handler: ApiHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            return await self._handle_api(request, handler)

        return handle

    async def _handle_api(self, request: web.Request, handler: ApiHandler) -> web.StreamResponse:
        request_id = new_id("req_", 14)
        with self._cond:
            outage, latency = self._faults.outage, self._faults.latency
        if outage == "close":
            return _hang_up(request)
        if outage == "503":
            return StripeError(503, _FAULT_MESSAGES[503][1], type=API_ERROR).response(request_id)
        denied = self._authenticate(request)
        if denied is not None:
            response = denied.response(request_id)
            response.headers["WWW-Authenticate"] = 'Bearer realm="Stripe"'
            return response
        body = await request.text() if request.method == "POST" else request.query_string
        pairs = parse_qsl(body, keep_blank_values=True)
        key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
        version = request.headers.get("Stripe-Version")
        headers = {"Request-Id": request_id, "Stripe-Version": version or self._api_version}
        try:
            params = Params(decode_form(pairs))
        except StripeError as error:
            return error.response(request_id)
        with self._cond:
            self._requests.append(
                ApiRequest(request.method, request.path, params.data, key, version, request_id)
            )
            fault = self._take_fault(request.path)
        if fault is not None:
            logger.info(
                "stripe_standin.fault_injected",
                extra={"path": request.path, "http_status": fault.status},
            )
            return fault.response(request_id)
        endpoint = f"{request.method} {request.path}"
        if key is not None:
            headers["Idempotency-Key"] = key
            replay = self._recall(key, endpoint, pairs, request_id)
            if isinstance(replay, StripeError):
                return replay.response(request_id)
            if replay is not None:
                return replay
        if latency:
            # Slow while "executing": a second request with the same key meanwhile gets a 409.
            await asyncio.sleep(latency)
        ctx = RequestContext(request_id, key)
        call = ApiCall(request.method, params, ctx, dict(request.match_info))
        try:
            text = self._change(lambda: json.dumps(self._answer(handler, call), indent=2))
        except StripeError as error:
            self._forget(key)
            return error.response(request_id)
        except Exception:
            self._forget(key)
            logger.exception("stripe_standin.handler_failed", extra={"endpoint": endpoint})
            return StripeError(
                500,
                "The Stripe stand-in failed on this request; see its log.",
                type=API_ERROR,
                should_retry=False,
            ).response(request_id)
        with self._cond:
            if key is not None:
                self._idempotency[key].status = 200
                self._idempotency[key].body = text
            lose = self._take_lost_response(request.path)
        if lose:
            return _hang_up(request)
        headers["Original-Request"] = request_id
        return web.Response(text=text, content_type="application/json", headers=headers)

    def _answer(self, handler: ApiHandler, call: ApiCall) -> JSON:
        result = handler(call)
        return expanded(result, call.params.expand(), self._ledger.resolve)

    def _change(self, action: Callable[[], _T]) -> _T:
        """Run one state change under the lock and hand its events to webhook delivery, also
        when it failed half-way (what Stripe did, it did)."""
        with self._cond:
            try:
                return action()
            finally:
                self._webhooks.submit(self._ledger.take_published())
                self._cond.notify_all()

    def _authenticate(self, request: web.Request) -> StripeError | None:
        scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
        key = credentials.strip()
        if scheme.lower() == "basic":
            # curl -u sk_test_…: is how Stripe's docs call the API.
            try:
                key = base64.b64decode(key, validate=True).decode().partition(":")[0]
            except (binascii.Error, UnicodeDecodeError):
                key = ""
        elif scheme.lower() != "bearer":
            key = ""
        if not key:
            return StripeError(401, _NO_KEY)
        if not hmac.compare_digest(key.encode(), self.api_key.encode()):
            masked = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:] if len(key) > 12 else key
            return StripeError(401, f"Invalid API Key provided: {masked}")
        return None

    def _take_fault(self, path: str) -> StripeError | None:
        for index, fault in enumerate(self._faults.queued):
            if fault.path is None or path.startswith(fault.path):
                del self._faults.queued[index]
                return fault.error
        return None

    def _take_lost_response(self, path: str) -> bool:
        for index, prefix in enumerate(self._faults.lost_responses):
            if prefix is None or path.startswith(prefix):
                del self._faults.lost_responses[index]
                return True
        return False

    def _recall(
        self, key: str, endpoint: str, pairs: list[tuple[str, str]], request_id: str
    ) -> web.Response | StripeError | None:
        """Stripe's idempotency layer: replay a finished request, refuse a reuse with other
        parameters or on another endpoint, and a concurrent one; else remember this one."""
        if len(key) > MAX_IDEMPOTENCY_KEY_CHARS:
            return StripeError(
                400,
                f"Idempotency-Key header value is too long (max {MAX_IDEMPOTENCY_KEY_CHARS}).",
            )
        fingerprint = tuple(sorted(pairs))
        now = self._clock()
        with self._cond:
            remembered = self._idempotency.get(key)
            if remembered is not None and now - remembered.created > IDEMPOTENCY_WINDOW:
                remembered = None  # Stripe prunes keys after 24 hours
            if remembered is None:
                self._idempotency[key] = _Remembered(endpoint, fingerprint, now, request_id)
                return None
            if remembered.endpoint != endpoint:
                return StripeError(
                    400,
                    "Keys for idempotent requests can only be used for the same endpoint they "
                    f"were first used for ('{remembered.endpoint}' vs '{endpoint}'). Try using a "
                    f"key other than '{key}' if you meant to execute a different request.",
                    type=IDEMPOTENCY_ERROR,
                )
            if remembered.fingerprint != fingerprint:
                return StripeError(
                    400,
                    "Keys for idempotent requests can only be used with the same parameters they "
                    f"were first used with. Try using a key other than '{key}' if you meant to "
                    "execute a different request.",
                    type=IDEMPOTENCY_ERROR,
                )
            if remembered.status is None or remembered.body is None:
                return StripeError(
                    409,
                    "There is currently another in-progress request using this Stripe-Account "
                    "and Idempotency-Key. This request cannot be retried until the other "
                    "request has finished.",
                    code="idempotency_key_in_use",
                    should_retry=True,
                )
            headers = {
                "Request-Id": request_id,
                "Idempotency-Key": key,
                "Idempotent-Replayed": "true",
                "Original-Request": remembered.request_id,
                "Stripe-Version": self._api_version,
            }
            return web.Response(
                text=remembered.body,
                status=remembered.status,
                content_type="application/json",
                headers=headers,
            )

    def _forget(self, key: str | None) -> None:
        # A request that failed before it changed anything leaves its key free, as on Stripe.
        if key is not None:
            with self._cond:
                remembered = self._idempotency.get(key)
                if remembered is not None and remembered.status is None:
                    del self._idempotency[key]

    # ----- API handlers that need more than one ledger call -----

    def _event_summaries(self, call: ApiCall) -> JSON:
        meter_id = call.match["id"]
        summaries = self._ledger.meters.summaries(meter_id, call.params)
        url = f"/v1/billing/meters/{meter_id}/event_summaries"
        return list_page(summaries, call.params, url, "billing.meter_event_summary")

    def _session_with_items(self, call: ApiCall) -> JSON:
        session = copy.deepcopy(self._ledger.checkout_session(call.match["id"]))
        expand = call.params.expand()
        if "line_items" in expand:
            # Not an id to follow: Stripe includes the items only when asked.
            items = self._ledger.session_items[session["id"]]
            url = f"/v1/checkout/sessions/{session['id']}/line_items"
            # Already a list here, so the generic expansion leaves it as it is.
            session["line_items"] = {"object": "list", "data": items, "has_more": False, "url": url}
        return session

    def _session_line_items(self, call: ApiCall) -> JSON:
        session = self._ledger.checkout_session(call.match["id"])
        items = list(reversed(self._ledger.session_items[session["id"]]))
        url = f"/v1/checkout/sessions/{session['id']}/line_items"
        return list_page(items, call.params, url, "line_item")

    def _unrecognized(self, call: ApiCall) -> JSON:
        raise unrecognized_url(call.method, "/v1/" + call.match["tail"])

    # ----- hosted pages -----

    async def _pay_page(self, request: web.Request) -> web.Response:
        found = self._checkout(request.match_info["id"])
        if isinstance(found, web.Response):
            return found
        return _html(pages.pay_page(*found))

    async def _pay(self, request: web.Request) -> web.StreamResponse:
        session_id = request.match_info["id"]
        form = await request.post()
        found = self._checkout(session_id)
        if isinstance(found, web.Response):
            return found
        if form.get("outcome") == "decline":
            return _html(pages.pay_page(*found, error="Your card was declined."), 402)
        email = form.get("email")
        try:
            paid = self.pay_checkout_session(session_id, email if isinstance(email, str) else None)
        except StripeError as error:  # paid or expired since the check above (a double click)
            return _html(pages.message_page("Not possible", error.message), 409)
        logger.info(
            "stripe_standin.checkout_paid",
            extra={"session_id": session_id, "subscription": paid["subscription"]},
        )
        if paid["success_url"]:
            location = paid["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            raise web.HTTPSeeOther(location)
        return _html(pages.message_page("Thank you", "Your subscription is active."))

    def _checkout(self, session_id: str) -> tuple[JSON, list[JSON]] | web.Response:
        """An open session and its items, or the page to show instead."""
        try:
            session = self._change(lambda: copy.deepcopy(self._ledger.checkout_session(session_id)))
        except StripeError:
            return _html(pages.message_page("Not found", "This checkout link is not valid."), 404)
        if session["status"] == "expired":
            return _html(pages.message_page("Expired", "This checkout session has expired."), 410)
        if session["status"] != "open":
            page = pages.message_page("Already paid", "This checkout session is complete.")
            return _html(page, 409)
        with self._cond:
            return session, copy.deepcopy(self._ledger.session_items[session_id])

    async def _portal_page(self, request: web.Request) -> web.Response:
        with self._cond:
            try:
                session, subs = self._ledger.portal_subscriptions(request.match_info["id"])
            except StripeError:
                return _html(pages.message_page("Not found", "This portal link is not valid."), 404)
            page = pages.portal_page(
                session, subs, self._ledger.portal_prices(), self._ledger.products
            )
        return _html(page)

    async def _portal_action(self, request: web.Request) -> web.StreamResponse:
        session_id, action = request.match_info["id"], request.match_info["action"]
        form = await request.post()
        subscription = str(form.get("subscription", ""))
        price = str(form.get("price", ""))
        actions: dict[str, Callable[[], JSON]] = {
            "cancel": lambda: self._ledger.portal_cancel(session_id, subscription),
            "renew": lambda: self._ledger.portal_renew(session_id, subscription),
            "switch": lambda: self._ledger.portal_switch(session_id, subscription, price),
        }
        if action not in actions:
            raise web.HTTPNotFound()
        try:
            self._change(actions[action])
        except StripeError as error:
            return _html(pages.message_page("Not possible", error.message), error.status)
        logger.info(
            "stripe_standin.portal_action",
            extra={"action": action, "subscription": subscription},
        )
        raise web.HTTPSeeOther(f"/portal/{session_id}")

    async def _invoice_page(self, request: web.Request) -> web.Response:
        with self._cond:
            invoice = self._ledger.invoices.get(request.match_info["id"])
            if invoice is None or invoice["status"] == "draft":
                return _html(pages.message_page("Not found", "No such invoice."), 404)
            page = pages.invoice_page(invoice)
        return _html(page)

    # ----- sandbox routes (for other processes: `minkops dev`, end-to-end tests) -----

    def _sandbox(
        self, handler: Callable[[web.Request], Awaitable[JSON]]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            request_id = new_id("req_", 14)
            denied = self._authenticate(request)
            if denied is not None:
                return denied.response(request_id)
            try:
                return web.json_response(await handler(request))
            except StripeError as error:
                return error.response(request_id)

        return handle

    async def _process_due(self, _request: web.Request) -> JSON:
        return {"events": self.process_due_billing()}

    async def _fail_renewal(self, request: web.Request) -> JSON:
        params = Params(decode_form(parse_qsl(await request.text(), keep_blank_values=True)))
        subscription = params.required_string("subscription")
        attempts = params.integer("attempts", minimum=1) or 1
        with self._cond:
            self._ledger.fail_next_payments(subscription, attempts)
        return {"subscription": subscription, "attempts": attempts}

    async def _meter_events(self, _request: web.Request) -> JSON:
        return {
            "accepted": [describe(record) for record in self.meter_events()],
            "duplicates": [
                {"identifier": d.identifier, "received_at": d.received_at}
                for d in self.duplicate_meter_events()
            ],
        }


def _html(page: str, status: int = 200) -> web.Response:
    return web.Response(text=page, status=status, content_type="text/html")


def _hang_up(request: web.Request) -> web.Response:
    """Close the connection without an answer; aiohttp then drops the response it cannot send."""
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=503)


class StripeStandInThread(StandInThread[StripeStandIn]):
    """Runs a Stripe stand-in on its own event loop in a daemon thread (tests, ``minkops dev``)."""

    label = "Stripe stand-in"


def _seed_price(spec: str) -> SeedPrice:
    """ID:PRODUCT NAME:AMOUNT[:CURRENCY[:INTERVAL]], e.g. price_team_monthly:MinkOps Team:1900."""
    parts = spec.split(":")
    if not 3 <= len(parts) <= 5 or not parts[2].isdigit():
        raise argparse.ArgumentTypeError(
            f"{spec!r}: expected ID:PRODUCT NAME:AMOUNT[:CURRENCY[:INTERVAL]]"
        )
    currency = parts[3] if len(parts) > 3 else "eur"
    interval = parts[4] if len(parts) > 4 else "month"
    return SeedPrice(parts[0], parts[1], int(parts[2]), currency, interval)


async def _serve(args: argparse.Namespace) -> None:
    stand_in = StripeStandIn(
        args.api_key,
        prices=args.price,
        meters=[SeedMeter(name) for name in args.meter],
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        portal_cancel_mode=args.portal_cancel_mode,
    )
    base_url = await stand_in.start(args.host, args.port)
    print(f"Stripe stand-in listening on {base_url}", flush=True)
    if stand_in.webhook_secret is not None:
        print(f"webhook signing secret: {stand_in.webhook_secret}", flush=True)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()
    await stand_in.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the local Stripe stand-in.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", required=True, help="the sk_test_… key clients must send")
    parser.add_argument("--webhook-url", help="where to POST events")
    parser.add_argument("--webhook-secret", help="whsec_… to sign them with (default: made up)")
    parser.add_argument(
        "--price",
        type=_seed_price,
        action="append",
        default=[],
        help="ID:PRODUCT NAME:AMOUNT[:CURRENCY[:INTERVAL]] (repeatable)",
    )
    parser.add_argument(
        "--meter", action="append", default=[], help="a sum meter's event name (repeatable)"
    )
    parser.add_argument(
        "--portal-cancel-mode", choices=("at_period_end", "immediately"), default="at_period_end"
    )
    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
