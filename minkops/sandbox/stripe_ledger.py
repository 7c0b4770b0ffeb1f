"""The Stripe stand-in's account: customers, catalog, Checkout, the portal, subscriptions,
invoices, meters and the events they raise.

Plain synchronous objects, no I/O: the HTTP layer (`stripe_api`) parses a request, holds the
lock, calls one method here and then hands the events it published to webhook delivery. Object
shapes follow the API version the SDK pins (2025-03-31 "basil" onwards): billing periods live on
subscription *items*, and an invoice names its subscription under `parent.subscription_details`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from minkops.sandbox import stripe_objects as objects
from minkops.sandbox.stripe_meters import MeterBook
from minkops.sandbox.stripe_wire import (
    JSON,
    Params,
    StripeError,
    merge_metadata,
    new_id,
    new_metadata,
    no_such,
)

DAY = 86400
SESSION_LIFETIME = timedelta(hours=24)
MIN_SESSION_LIFETIME = timedelta(minutes=30)
INTERVALS = ("day", "week", "month", "year")
CancelMode = Literal["immediately", "at_period_end"]
FinalFailure = Literal["canceled", "unpaid"]


@dataclass(frozen=True)
class SeedPrice:
    """A price (and its product) that exists from the start, e.g. the one a plan names."""

    id: str
    product_name: str
    unit_amount: int
    currency: str = "eur"
    interval: str = "month"
    interval_count: int = 1
    # A metered price bills a meter's usage (by its event name) instead of a quantity.
    meter_event_name: str | None = None
    lookup_key: str | None = None
    product_id: str | None = None


@dataclass(frozen=True)
class SeedMeter:
    event_name: str
    display_name: str | None = None
    formula: str = "sum"
    id: str | None = None


@dataclass(frozen=True)
class RequestContext:
    """What an event's `request` field says: the API request that caused it, if any."""

    request_id: str | None = None
    idempotency_key: str | None = None


SYSTEM = RequestContext()


@dataclass
class LedgerSettings:
    api_version: str
    portal_cancel_mode: CancelMode = "at_period_end"
    # Days between payment attempts after a failed renewal (Stripe's retry schedule), then
    # what becomes of the subscription when the last attempt fails too.
    payment_retry_days: Sequence[int] = (3, 5, 7)
    after_final_failure: FinalFailure = "canceled"
    account_name: str = "MinkOps (Stripe stand-in)"


@dataclass
class Ledger:
    """Everything one test-mode Stripe account holds."""

    clock: Callable[[], datetime]
    settings: LedgerSettings
    base_url: Callable[[], str]
    customers: dict[str, JSON] = field(default_factory=dict)
    products: dict[str, JSON] = field(default_factory=dict)
    prices: dict[str, JSON] = field(default_factory=dict)
    sessions: dict[str, JSON] = field(default_factory=dict)
    session_items: dict[str, list[JSON]] = field(default_factory=dict)
    portal_sessions: dict[str, JSON] = field(default_factory=dict)
    subscriptions: dict[str, JSON] = field(default_factory=dict)
    invoices: dict[str, JSON] = field(default_factory=dict)
    events: dict[str, JSON] = field(default_factory=dict)
    # Events published since the HTTP layer last took them for delivery.
    published: list[JSON] = field(default_factory=list)
    # Payment attempts still to fail, per subscription (fail_next_renewal).
    failing_payments: dict[str, int] = field(default_factory=dict)
    # Kept beside the session, not in it: Stripe shows only the session's own fields.
    session_subscription_data: dict[str, tuple[dict[str, str], str | None]] = field(
        default_factory=dict
    )
    # An invoice gets its number when it is finalized; until then the number is reserved here.
    reserved_numbers: dict[str, str] = field(default_factory=dict)
    meters: MeterBook = field(init=False)
    portal_configuration: str = field(default_factory=lambda: new_id("bpc_"))

    def __post_init__(self) -> None:
        self.meters = MeterBook(self.now, lambda customer: customer in self.customers)

    def now(self) -> int:
        return int(self.clock().timestamp())

    # ----- seeds -----

    def seed_price(self, seed: SeedPrice) -> JSON:
        product = next(
            (
                p
                for p in self.products.values()
                if p["id"] == seed.product_id
                or (seed.product_id is None and p["name"] == seed.product_name)
            ),
            None,
        )
        if product is None:
            product = self._product(seed.product_name, None, {}, seed.product_id)
        meter_id = None
        if seed.meter_event_name is not None:
            meter = self.meters.active_meter(seed.meter_event_name)
            if meter is None:
                raise ValueError(
                    f"price {seed.id}: no meter with event name {seed.meter_event_name}"
                )
            meter_id = meter["id"]
        price = self._price(
            product["id"],
            seed.unit_amount,
            seed.currency,
            {"interval": seed.interval, "interval_count": seed.interval_count},
            meter_id=meter_id,
            lookup_key=seed.lookup_key,
            price_id=seed.id,
        )
        if product["default_price"] is None:
            product["default_price"] = price["id"]
        return price

    def seed_meter(self, seed: SeedMeter) -> JSON:
        return self.meters.add_meter(
            seed.event_name, seed.display_name or seed.event_name, seed.formula, meter_id=seed.id
        )

    # ----- lookups -----

    def resolve(self, object_id: str) -> JSON | None:
        """Any stored object by id (what `expand` follows)."""
        for store in (
            self.customers,
            self.products,
            self.prices,
            self.sessions,
            self.portal_sessions,
            self.subscriptions,
            self.invoices,
            self.events,
            self.meters.meters,
        ):
            if object_id in store:
                return store[object_id]
        return None

    def get(self, store: dict[str, JSON], kind: str, object_id: str) -> JSON:
        found = store.get(object_id)
        if found is None:
            raise no_such(kind, object_id)
        return found

    def _customer_param(self, customer_id: str, param: str = "customer") -> JSON:
        customer = self.customers.get(customer_id)
        if customer is None:
            raise no_such("customer", customer_id, param=param, status=400)
        return customer

    # ----- events -----

    def publish(
        self,
        event_type: str,
        obj: JSON,
        ctx: RequestContext = SYSTEM,
        previous: JSON | None = None,
    ) -> JSON:
        data: JSON = {"object": copy.deepcopy(obj)}
        if previous:
            data["previous_attributes"] = copy.deepcopy(previous)
        event: JSON = {
            "id": new_id("evt_"),
            "object": "event",
            "api_version": self.settings.api_version,
            "created": self.now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": 0,
            "request": {"id": ctx.request_id, "idempotency_key": ctx.idempotency_key},
            "type": event_type,
        }
        self.events[event["id"]] = event
        self.published.append(event)
        return event

    def take_published(self) -> list[JSON]:
        taken, self.published = self.published, []
        return taken

    def _commit(self, stored: JSON, changed: JSON, event_type: str, ctx: RequestContext) -> JSON:
        """Store an update worked out on a copy: a request refused half-way changes nothing,
        as on Stripe, where an update applies whole or not at all."""
        before = copy.deepcopy(stored)
        stored.clear()
        stored.update(changed)
        self._publish_update(event_type, before, stored, ctx)
        return stored

    def _publish_update(
        self, event_type: str, before: JSON, after: JSON, ctx: RequestContext
    ) -> None:
        previous = {k: v for k, v in before.items() if after.get(k) != v}
        if previous:
            self.publish(event_type, after, ctx, previous)

    # ----- customers -----

    _CUSTOMER_FIELDS = ("email", "name", "phone", "description", "metadata", "preferred_locales")

    def create_customer(self, params: Params, ctx: RequestContext) -> JSON:
        params.only(self._CUSTOMER_FIELDS)
        customer = self._customer(
            email=params.email("email"),
            name=params.string("name", max_chars=256),
            phone=params.string("phone", max_chars=20),
            description=params.string("description", max_chars=350),
            metadata=new_metadata(params.metadata()),
            locales=params.strings("preferred_locales"),
        )
        self.publish("customer.created", customer, ctx)
        return customer

    def _customer(self, **fields: Any) -> JSON:
        customer = objects.customer(self.now(), **fields)
        self.customers[customer["id"]] = customer
        return customer

    def update_customer(self, customer_id: str, params: Params, ctx: RequestContext) -> JSON:
        params.only(self._CUSTOMER_FIELDS)
        stored = self.get(self.customers, "customer", customer_id)
        customer = copy.deepcopy(stored)
        readers: dict[str, Callable[[], str | None]] = {
            "email": lambda: params.email("email"),
            "name": lambda: params.string("name", max_chars=256),
            "phone": lambda: params.string("phone", max_chars=20),
            "description": lambda: params.string("description", max_chars=350),
        }
        for key, reader in readers.items():
            if key in params:
                # An empty string unsets the field, as on Stripe.
                customer[key] = reader()
        if "preferred_locales" in params:
            customer["preferred_locales"] = params.strings("preferred_locales")
        customer["metadata"] = merge_metadata(customer["metadata"], params.metadata())
        return self._commit(stored, customer, "customer.updated", ctx)

    def list_customers(self, params: Params) -> list[JSON]:
        params.only(("email", "limit", "starting_after", "ending_before"))
        email = params.string("email", max_chars=512)
        # Stripe's email filter is exact and case-sensitive.
        return [
            c for c in reversed(self.customers.values()) if email is None or c["email"] == email
        ]

    # ----- catalog -----

    def _product(
        self,
        name: str,
        description: str | None,
        metadata: dict[str, str],
        product_id: str | None = None,
    ) -> JSON:
        if product_id is not None and product_id in self.products:
            raise StripeError(
                400,
                f"Product already exists with ID {product_id}.",
                code="resource_already_exists",
                param="id",
            )
        product = objects.product(self.now(), name, description, metadata, product_id)
        self.products[product["id"]] = product
        return product

    def _price(
        self,
        product_id: str,
        unit_amount: int,
        currency: str,
        recurring: dict[str, Any] | None,
        **fields: Any,
    ) -> JSON:
        price = objects.price(self.now(), product_id, unit_amount, currency, recurring, **fields)
        if price["id"] in self.prices:
            raise ValueError(f"price {price['id']} exists already")
        self.prices[price["id"]] = price
        return price

    def create_product(self, params: Params, ctx: RequestContext) -> JSON:
        params.only(("id", "name", "description", "metadata", "active"))
        product = self._product(
            params.required_string("name"),
            params.string("description"),
            new_metadata(params.metadata()),
            params.string("id"),
        )
        if params.boolean("active") is False:
            product["active"] = False
        self.publish("product.created", product, ctx)
        return product

    def create_price(self, params: Params, ctx: RequestContext) -> JSON:
        params.only(
            (
                "currency",
                "unit_amount",
                "product",
                "product_data",
                "recurring",
                "lookup_key",
                "nickname",
                "metadata",
            )
        )
        currency = params.required_string("currency", max_chars=3)
        unit_amount = params.integer("unit_amount", required=True, minimum=0)
        assert unit_amount is not None
        product_id = params.string("product")
        product_data = params.hash("product_data")
        if (product_id is None) == (product_data is None):
            raise StripeError(
                400, "You must specify either `product` or `product_data` when creating a price."
            )
        if product_id is not None and product_id not in self.products:
            raise no_such("product", product_id, param="product", status=400)
        if product_data is not None:
            product_data.only(("name", "metadata"))
            product_id = self._product(
                product_data.required_string("name"),
                None,
                new_metadata(product_data.metadata()),
            )["id"]
        recurring = None
        meter_id = None
        recurring_params = params.hash("recurring")
        if recurring_params is not None:
            recurring_params.only(("interval", "interval_count", "usage_type", "meter"))
            interval = recurring_params.choice("interval", INTERVALS, required=True)
            count = recurring_params.integer("interval_count", minimum=1) or 1
            usage = recurring_params.choice("usage_type", ("licensed", "metered")) or "licensed"
            meter_id = recurring_params.string("meter")
            if usage == "metered" and meter_id is None:
                raise StripeError(
                    400,
                    "A meter is required for prices with usage_type=metered.",
                    param="recurring[meter]",
                )
            if meter_id is not None and meter_id not in self.meters.meters:
                raise no_such("billing.meter", meter_id, param="recurring[meter]", status=400)
            if usage == "licensed":
                meter_id = None
            recurring = {"interval": interval, "interval_count": count}
        assert product_id is not None
        price = self._price(
            product_id,
            unit_amount,
            currency,
            recurring,
            meter_id=meter_id,
            lookup_key=params.string("lookup_key", max_chars=200),
            nickname=params.string("nickname"),
            metadata=new_metadata(params.metadata()),
        )
        self.publish("price.created", price, ctx)
        return price

    def list_prices(self, params: Params) -> list[JSON]:
        params.only(
            ("active", "product", "lookup_keys", "type", "limit", "starting_after", "ending_before")
        )
        active = params.boolean("active")
        product = params.string("product")
        lookup_keys = params.strings("lookup_keys")
        kind = params.choice("type", ("one_time", "recurring"))
        return [
            p
            for p in reversed(self.prices.values())
            if (active is None or p["active"] == active)
            and (product is None or p["product"] == product)
            and (not lookup_keys or p["lookup_key"] in lookup_keys)
            and (kind is None or p["type"] == kind)
        ]

    def list_products(self, params: Params) -> list[JSON]:
        params.only(("active", "limit", "starting_after", "ending_before"))
        active = params.boolean("active")
        return [
            p for p in reversed(self.products.values()) if active is None or p["active"] == active
        ]

    # ----- Checkout -----

    _SESSION_FIELDS = (
        "mode",
        "customer",
        "customer_email",
        "line_items",
        "client_reference_id",
        "success_url",
        "cancel_url",
        "metadata",
        "subscription_data",
        "expires_at",
        "allow_promotion_codes",
        "locale",
        "billing_address_collection",
        "payment_method_types",
    )

    def create_checkout_session(self, params: Params, ctx: RequestContext) -> JSON:
        params.only(self._SESSION_FIELDS)
        mode = params.choice("mode", ("payment", "setup", "subscription"), required=True)
        if mode != "subscription":
            raise StripeError(
                400,
                f"The Stripe stand-in supports Checkout in subscription mode only, not {mode}.",
                param="mode",
            )
        customer_id = params.string("customer")
        customer_email = params.email("customer_email")
        if customer_id is not None and customer_email is not None:
            raise StripeError(
                400, "You may only specify one of these parameters: customer, customer_email."
            )
        customer = self._customer_param(customer_id) if customer_id is not None else None
        items = self._session_line_items(params)
        success_url = _url(params, "success_url")
        cancel_url = _url(params, "cancel_url")
        subscription_data = params.hash("subscription_data")
        sub_metadata: dict[str, str] = {}
        sub_description = None
        if subscription_data is not None:
            subscription_data.only(("metadata", "description"))
            sub_metadata = new_metadata(subscription_data.metadata())
            sub_description = subscription_data.string("description", max_chars=500)
        now = self.now()
        expires_at = params.integer("expires_at")
        if expires_at is None:
            expires_at = now + int(SESSION_LIFETIME.total_seconds())
        elif not (
            now + MIN_SESSION_LIFETIME.total_seconds()
            <= expires_at
            <= now + SESSION_LIFETIME.total_seconds()
        ):
            raise StripeError(
                400,
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from "
                "Checkout Session creation.",
                param="expires_at",
            )
        session_id = new_id("cs_test_", 58)
        subtotal = sum(item["amount_subtotal"] for item in items)
        session: JSON = {
            "id": session_id,
            "object": "checkout.session",
            "allow_promotion_codes": params.boolean("allow_promotion_codes"),
            "amount_subtotal": subtotal,
            "amount_total": subtotal,
            "billing_address_collection": params.string("billing_address_collection"),
            "cancel_url": cancel_url,
            "client_reference_id": params.string("client_reference_id", max_chars=200),
            "created": now,
            "currency": items[0]["currency"],
            "customer": customer["id"] if customer else None,
            "customer_creation": None if customer else "always",
            "customer_details": (
                {"email": customer["email"], "name": customer["name"], "phone": None}
                if customer
                else None
            ),
            "customer_email": customer_email,
            "expires_at": expires_at,
            "invoice": None,
            "livemode": False,
            "locale": params.string("locale"),
            "metadata": new_metadata(params.metadata()),
            "mode": mode,
            "payment_method_types": params.strings("payment_method_types") or ["card"],
            "payment_status": "unpaid",
            "status": "open",
            "subscription": None,
            "success_url": success_url,
            "ui_mode": "hosted",
            "url": f"{self.base_url()}/pay/{session_id}",
        }
        self.sessions[session_id] = session
        self.session_items[session_id] = items
        self.session_subscription_data[session_id] = (sub_metadata, sub_description)
        return session

    def _session_line_items(self, params: Params) -> list[JSON]:
        items: list[JSON] = []
        interval: tuple[str, int] | None = None
        for element in params.hashes("line_items", required=True):
            element.only(("price", "quantity"))
            price_id = element.required_string("price")
            price = self.prices.get(price_id)
            if price is None:
                raise no_such("price", price_id, param=element.name("price"), status=400)
            if not price["active"]:
                raise StripeError(
                    400,
                    "The price specified is inactive. This field only accepts active prices.",
                    param=element.name("price"),
                )
            recurring = price["recurring"]
            if recurring is None:
                raise StripeError(
                    400,
                    "You must provide at least one recurring price in `subscription` mode "
                    "when using prices.",
                    param=element.name("price"),
                )
            quantity = element.integer("quantity", minimum=1)
            metered = recurring["usage_type"] == "metered"
            if metered and quantity is not None:
                raise StripeError(
                    400,
                    "Quantity should not be specified where usage_type is `metered`. Remove "
                    f"quantity from `{element.path}`.",
                    param=element.name("quantity"),
                )
            if not metered and quantity is None:
                raise StripeError(
                    400,
                    f"Quantity is required. Add `quantity` to `{element.path}`.",
                    param=element.name("quantity"),
                )
            this_interval = (recurring["interval"], recurring["interval_count"])
            if interval is not None and this_interval != interval:
                raise StripeError(
                    400,
                    "Checkout does not support multiple prices with different billing intervals.",
                    param=element.name("price"),
                )
            if items and price["currency"] != items[0]["currency"]:
                raise StripeError(
                    400,
                    "All prices on a Checkout Session must have the same currency.",
                    param=element.name("price"),
                )
            interval = this_interval
            description = self.products[price["product"]]["name"]
            items.append(objects.checkout_line_item(price, quantity, description))
        return items

    def checkout_session(self, session_id: str) -> JSON:
        self.expire_due_sessions()
        return self.get(self.sessions, "checkout.session", session_id)

    def list_checkout_sessions(self, params: Params) -> list[JSON]:
        params.only(
            ("customer", "subscription", "status", "limit", "starting_after", "ending_before")
        )
        self.expire_due_sessions()
        wanted = {key: params.string(key) for key in ("customer", "subscription", "status")}
        return [
            s
            for s in reversed(self.sessions.values())
            if all(value is None or s[key] == value for key, value in wanted.items())
        ]

    def expire_checkout_session(self, session_id: str, ctx: RequestContext) -> JSON:
        session = self.checkout_session(session_id)
        if session["status"] != "open":
            raise StripeError(
                400,
                f'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout '
                f"Session has a status of {session['status']}.",
                param="session",
            )
        self._expire(session, ctx)
        return session

    def _expire(self, session: JSON, ctx: RequestContext) -> None:
        session["status"] = "expired"
        session["url"] = None
        self.publish("checkout.session.expired", session, ctx)

    def expire_due_sessions(self) -> None:
        now = self.now()
        for session in self.sessions.values():
            if session["status"] == "open" and session["expires_at"] <= now:
                self._expire(session, SYSTEM)

    def pay_checkout_session(self, session_id: str, email: str | None) -> JSON:
        """What Stripe does when the customer pays on the hosted page: customer (if new),
        subscription, paid invoice, completed session; then the events, in Stripe's order."""
        session = self.checkout_session(session_id)
        if session["status"] != "open":
            raise StripeError(400, f"This Checkout Session is {session['status']}.")
        created_customer = None
        if session["customer"] is None:
            payer_email = session["customer_email"] or email or "customer@example.test"
            created_customer = self._customer(email=payer_email)
            session["customer"] = created_customer["id"]
        customer = self.customers[session["customer"]]
        metadata, description = self.session_subscription_data.pop(session_id, ({}, None))
        items = [(item["price"]["id"], item["quantity"]) for item in self.session_items[session_id]]
        subscription = self._subscription(customer, items, metadata, description)
        invoice_events, invoice = self._first_invoice(subscription, customer)
        session.update(
            {
                "customer_details": {
                    "address": None,
                    "email": customer["email"],
                    "name": customer["name"],
                    "phone": customer["phone"],
                    "tax_exempt": "none",
                    "tax_ids": [],
                },
                "invoice": invoice["id"],
                "payment_status": "paid",
                "status": "complete",
                "subscription": subscription["id"],
                "url": None,
            }
        )
        if created_customer is not None:
            self.publish("customer.created", created_customer)
        self.publish("checkout.session.completed", session)
        self.publish("customer.subscription.created", subscription)
        for event_type, snapshot in invoice_events:
            self.publish(event_type, snapshot)
        return session

    # ----- subscriptions -----

    def _subscription(
        self,
        customer: JSON,
        items: Iterable[tuple[str, int | None]],
        metadata: dict[str, str],
        description: str | None,
    ) -> JSON:
        now = self.now()
        sub_id = new_id("sub_")
        subscription_items: list[JSON] = []
        currency = "eur"
        for price_id, quantity in items:
            price = self.prices[price_id]
            currency = price["currency"]
            recurring = price["recurring"]
            end = objects.advance(now, recurring["interval"], recurring["interval_count"])
            subscription_items.append(
                objects.subscription_item(now, sub_id, price, quantity, (now, end))
            )
        subscription = objects.subscription(
            now, sub_id, customer["id"], currency, subscription_items, metadata, description
        )
        self.subscriptions[sub_id] = subscription
        return subscription

    def subscription(self, subscription_id: str) -> JSON:
        return self.get(self.subscriptions, "subscription", subscription_id)

    def list_subscriptions(self, params: Params) -> list[JSON]:
        params.only(("customer", "price", "status", "limit", "starting_after", "ending_before"))
        customer = params.string("customer")
        price = params.string("price")
        status = params.choice(
            "status",
            ("active", "all", "canceled", "ended", "incomplete", "past_due", "trialing", "unpaid"),
        )
        selected = []
        for sub in reversed(self.subscriptions.values()):
            if customer is not None and sub["customer"] != customer:
                continue
            if price is not None and all(i["price"]["id"] != price for i in sub["items"]["data"]):
                continue
            # Stripe leaves canceled subscriptions out unless they are asked for.
            if status is None and sub["status"] == "canceled":
                continue
            if status not in (None, "all", "ended") and sub["status"] != status:
                continue
            if status == "ended" and sub["status"] not in ("canceled", "incomplete_expired"):
                continue
            selected.append(sub)
        return selected

    def update_subscription(
        self, subscription_id: str, params: Params, ctx: RequestContext
    ) -> JSON:
        params.only(
            (
                "items",
                "cancel_at_period_end",
                "metadata",
                "proration_behavior",
                "description",
                "cancellation_details",
                "payment_behavior",
            )
        )
        subscription = self.subscription(subscription_id)
        if subscription["status"] == "canceled" and set(params.data) - {
            "metadata",
            "cancellation_details",
            "expand",
        }:
            raise StripeError(
                400,
                "A canceled subscription can only update its cancellation_details and metadata.",
            )
        params.choice("proration_behavior", ("always_invoice", "create_prorations", "none"))
        params.choice(
            "payment_behavior",
            (
                "allow_incomplete",
                "default_incomplete",
                "error_if_incomplete",
                "pending_if_incomplete",
            ),
        )
        stored, subscription = subscription, copy.deepcopy(subscription)
        item_changes = params.hashes("items")
        if item_changes:
            self._change_items(subscription, item_changes)
        cancel = params.boolean("cancel_at_period_end")
        if cancel is not None:
            self._set_cancel_at_period_end(subscription, cancel)
        details = params.hash("cancellation_details")
        if details is not None:
            details.only(("comment", "feedback"))
            subscription["cancellation_details"]["comment"] = details.string("comment")
            subscription["cancellation_details"]["feedback"] = details.string("feedback")
        if "description" in params:
            subscription["description"] = params.string("description", max_chars=500)
        subscription["metadata"] = merge_metadata(subscription["metadata"], params.metadata())
        return self._commit(stored, subscription, "customer.subscription.updated", ctx)

    def _change_items(self, subscription: JSON, changes: list[Params]) -> None:
        items: list[JSON] = subscription["items"]["data"]
        for change in changes:
            change.only(("id", "price", "quantity", "deleted", "metadata"))
            item_id = change.string("id")
            price_id = change.string("price")
            price = None
            if price_id is not None:
                price = self.prices.get(price_id)
                if price is None or price["recurring"] is None:
                    raise no_such("price", price_id, param=change.name("price"), status=400)
            quantity = change.integer("quantity", minimum=0)
            if item_id is None:
                if price is None:
                    raise StripeError(
                        400,
                        f"You must provide a price for new items (`{change.path}`).",
                        param=change.name("price"),
                    )
                items.append(
                    objects.subscription_item(
                        self.now(), subscription["id"], price, quantity, _period(subscription)
                    )
                )
                continue
            item = next((i for i in items if i["id"] == item_id), None)
            if item is None:
                raise no_such("subscription_item", item_id, param=change.name("id"), status=400)
            if change.boolean("deleted"):
                items.remove(item)
                continue
            if price is not None:
                item["price"] = copy.deepcopy(price)
                if price["recurring"]["usage_type"] == "metered":
                    item.pop("quantity", None)
                else:
                    item.setdefault("quantity", 1)
            if quantity is not None and "quantity" in item:
                item["quantity"] = quantity
            item["metadata"] = merge_metadata(item["metadata"], change.metadata())
        if not items:
            raise StripeError(400, "A subscription must have at least one active plan.")
        subscription["items"]["total_count"] = len(items)

    def _set_cancel_at_period_end(self, subscription: JSON, cancel: bool) -> None:
        subscription["cancel_at_period_end"] = cancel
        if cancel:
            subscription["cancel_at"] = _period(subscription)[1]
            subscription["canceled_at"] = self.now()
            subscription["cancellation_details"]["reason"] = "cancellation_requested"
        else:
            subscription["cancel_at"] = None
            subscription["canceled_at"] = None
            subscription["cancellation_details"] = {
                "comment": None,
                "feedback": None,
                "reason": None,
            }

    def cancel_subscription(
        self, subscription_id: str, params: Params, ctx: RequestContext
    ) -> JSON:
        params.only(("invoice_now", "prorate", "cancellation_details"))
        subscription = self.subscription(subscription_id)
        if subscription["status"] == "canceled":
            raise StripeError(
                400,
                f"The subscription {subscription_id} has already been canceled.",
                param="subscription",
            )
        params.boolean("invoice_now")
        params.boolean("prorate")
        details = params.hash("cancellation_details")
        comment = feedback = None
        if details is not None:
            details.only(("comment", "feedback"))
            comment = details.string("comment")
            feedback = details.string("feedback")
        self._end(subscription, "cancellation_requested", ctx, comment, feedback)
        return subscription

    def _end(
        self,
        subscription: JSON,
        reason: str,
        ctx: RequestContext,
        comment: str | None = None,
        feedback: str | None = None,
        ended_at: int | None = None,
    ) -> None:
        now = self.now()
        subscription["status"] = "canceled"
        subscription["canceled_at"] = subscription["canceled_at"] or now
        subscription["ended_at"] = ended_at or now
        subscription["cancellation_details"] = {
            "comment": comment or subscription["cancellation_details"]["comment"],
            "feedback": feedback or subscription["cancellation_details"]["feedback"],
            "reason": reason,
        }
        self.publish("customer.subscription.deleted", subscription, ctx)

    # ----- portal -----

    def create_portal_session(self, params: Params, ctx: RequestContext) -> JSON:
        params.only(("customer", "return_url", "configuration", "locale", "flow_data"))
        customer = self._customer_param(params.required_string("customer"))
        if params.hash("flow_data") is not None:
            raise StripeError(
                400, "The Stripe stand-in does not support portal flow_data.", param="flow_data"
            )
        session_id = new_id("bps_")
        session: JSON = {
            "id": session_id,
            "object": "billing_portal.session",
            "configuration": params.string("configuration") or self.portal_configuration,
            "created": self.now(),
            "customer": customer["id"],
            "flow": None,
            "livemode": False,
            "locale": params.string("locale"),
            "on_behalf_of": None,
            "return_url": _url(params, "return_url"),
            "url": f"{self.base_url()}/portal/{session_id}",
        }
        self.portal_sessions[session_id] = session
        return session

    def portal_cancel(self, session_id: str, subscription_id: str) -> JSON:
        subscription = self._portal_subscription(session_id, subscription_id)
        if self.settings.portal_cancel_mode == "immediately":
            self._end(subscription, "cancellation_requested", SYSTEM)
        else:
            before = copy.deepcopy(subscription)
            self._set_cancel_at_period_end(subscription, True)
            self._publish_update("customer.subscription.updated", before, subscription, SYSTEM)
        return subscription

    def portal_renew(self, session_id: str, subscription_id: str) -> JSON:
        subscription = self._portal_subscription(session_id, subscription_id)
        before = copy.deepcopy(subscription)
        self._set_cancel_at_period_end(subscription, False)
        self._publish_update("customer.subscription.updated", before, subscription, SYSTEM)
        return subscription

    def portal_switch(self, session_id: str, subscription_id: str, price_id: str) -> JSON:
        subscription = self._portal_subscription(session_id, subscription_id)
        price = self.prices.get(price_id)
        if price is None or price not in self.portal_prices():
            raise StripeError(400, f"The portal does not offer {price_id}.")
        before = copy.deepcopy(subscription)
        item = subscription["items"]["data"][0]
        item["price"] = copy.deepcopy(price)
        item.setdefault("quantity", 1)
        self._publish_update("customer.subscription.updated", before, subscription, SYSTEM)
        return subscription

    def portal_prices(self) -> list[JSON]:
        """What the portal offers to switch to: active, licensed, recurring prices."""
        return [
            p
            for p in self.prices.values()
            if p["active"] and p["recurring"] and p["recurring"]["usage_type"] == "licensed"
        ]

    def portal_subscriptions(self, session_id: str) -> tuple[JSON, list[JSON]]:
        session = self.get(self.portal_sessions, "billing_portal.session", session_id)
        subs = [
            s
            for s in self.subscriptions.values()
            if s["customer"] == session["customer"] and s["status"] != "canceled"
        ]
        return session, subs

    def _portal_subscription(self, session_id: str, subscription_id: str) -> JSON:
        _session, subs = self.portal_subscriptions(session_id)
        found = next((s for s in subs if s["id"] == subscription_id), None)
        if found is None:
            raise no_such("subscription", subscription_id, status=400)
        return found

    # ----- invoices -----

    def _invoice(
        self,
        subscription: JSON,
        customer: JSON,
        reason: str,
        lines: list[JSON],
        period: tuple[int, int],
    ) -> JSON:
        number = f"{customer['invoice_prefix']}-{customer['next_invoice_sequence']:04d}"
        customer["next_invoice_sequence"] += 1
        invoice = objects.invoice(
            self.now(), subscription, customer, reason, lines, period, self.settings.account_name
        )
        invoice_id = invoice["id"]
        self.invoices[invoice_id] = invoice
        subscription["latest_invoice"] = invoice_id
        self.reserved_numbers[invoice_id] = number
        return invoice

    def _line(
        self, subscription: JSON, item: JSON, amount: int, quantity: int, period: tuple[int, int]
    ) -> JSON:
        product = self.products[item["price"]["product"]]
        return objects.invoice_line(subscription["id"], item, product, amount, quantity, period)

    def _finalize(self, invoice: JSON) -> None:
        now = self.now()
        invoice["status"] = "open"
        invoice["number"] = self.reserved_numbers.pop(invoice["id"])
        invoice["effective_at"] = now
        invoice["status_transitions"]["finalized_at"] = now
        invoice["hosted_invoice_url"] = f"{self.base_url()}/invoice/{invoice['id']}"

    def _mark_paid(self, invoice: JSON) -> None:
        invoice["attempted"] = True
        invoice["attempt_count"] += 1
        invoice["status"] = "paid"
        invoice["amount_paid"] = invoice["amount_due"]
        invoice["amount_remaining"] = 0
        invoice["ending_balance"] = 0
        invoice["next_payment_attempt"] = None
        invoice["status_transitions"]["paid_at"] = self.now()

    def _first_invoice(
        self, subscription: JSON, customer: JSON
    ) -> tuple[list[tuple[str, JSON]], JSON]:
        now = self.now()
        lines = [
            self._line(
                subscription,
                item,
                item["price"]["unit_amount"] * item["quantity"],
                item["quantity"],
                _item_period(item),
            )
            for item in subscription["items"]["data"]
            if "quantity" in item
        ]
        invoice = self._invoice(subscription, customer, "subscription_create", lines, (now, now))
        snapshots = [("invoice.created", copy.deepcopy(invoice))]
        self._finalize(invoice)
        snapshots.append(("invoice.finalized", copy.deepcopy(invoice)))
        self._mark_paid(invoice)
        snapshots.append(("invoice.paid", copy.deepcopy(invoice)))
        snapshots.append(("invoice.payment_succeeded", copy.deepcopy(invoice)))
        return snapshots, invoice

    def invoice(self, invoice_id: str) -> JSON:
        return self.get(self.invoices, "invoice", invoice_id)

    def list_invoices(self, params: Params) -> list[JSON]:
        params.only(
            ("customer", "subscription", "status", "limit", "starting_after", "ending_before")
        )
        customer = params.string("customer")
        subscription = params.string("subscription")
        status = params.choice("status", ("draft", "open", "paid", "uncollectible", "void"))
        return [
            i
            for i in reversed(self.invoices.values())
            if (customer is None or i["customer"] == customer)
            and (
                subscription is None
                or i["parent"]["subscription_details"]["subscription"] == subscription
            )
            and (status is None or i["status"] == status)
        ]

    # ----- the passage of time -----

    def fail_next_payments(self, subscription_id: str, attempts: int) -> None:
        self.subscription(subscription_id)
        self.failing_payments[subscription_id] = (
            self.failing_payments.get(subscription_id, 0) + attempts
        )

    def process_due(self) -> None:
        """Everything the clock has made due: expired Checkout, payment retries, renewals,
        and cancellations at period end. Stripe does this on its own; the stand-in when told."""
        self.expire_due_sessions()
        now = self.now()
        for invoice in list(self.invoices.values()):
            retry_at = invoice["next_payment_attempt"]
            sub_id = invoice["parent"]["subscription_details"]["subscription"]
            if self.subscriptions[sub_id]["status"] == "canceled":
                continue  # nothing left to collect for
            if invoice["status"] == "open" and retry_at is not None and retry_at <= now:
                self._attempt_payment(invoice)
        for subscription in list(self.subscriptions.values()):
            while (
                subscription["status"] in ("active", "past_due") and _period(subscription)[1] <= now
            ):
                if subscription["cancel_at_period_end"]:
                    self._end(
                        subscription,
                        "cancellation_requested",
                        SYSTEM,
                        ended_at=_period(subscription)[1],
                    )
                    break
                self._renew(subscription)

    def _renew(self, subscription: JSON) -> None:
        customer = self.customers[subscription["customer"]]
        before = copy.deepcopy(subscription)
        old_start, old_end = _period(subscription)
        lines: list[JSON] = []
        for item in subscription["items"]["data"]:
            recurring = item["price"]["recurring"]
            new_end = objects.next_period_end(
                subscription["billing_cycle_anchor"],
                recurring["interval"],
                recurring["interval_count"],
                old_end,
            )
            item["current_period_start"], item["current_period_end"] = old_end, new_end
            price = item["price"]
            if "quantity" in item:
                amount = price["unit_amount"] * item["quantity"]
                lines.append(
                    self._line(subscription, item, amount, item["quantity"], (old_end, new_end))
                )
            else:
                # Metered: the usage of the period that just ended, as the meter aggregates it.
                usage = int(
                    self.meters.usage(recurring["meter"], customer["id"], old_start, old_end)
                )
                lines.append(
                    self._line(
                        subscription,
                        item,
                        usage * price["unit_amount"],
                        usage,
                        (old_start, old_end),
                    )
                )
        self._publish_update("customer.subscription.updated", before, subscription, SYSTEM)
        invoice = self._invoice(
            subscription, customer, "subscription_cycle", lines, (old_start, old_end)
        )
        self.publish("invoice.created", invoice)
        self._finalize(invoice)
        self.publish("invoice.finalized", invoice)
        self._attempt_payment(invoice)

    def _attempt_payment(self, invoice: JSON) -> None:
        sub_id = invoice["parent"]["subscription_details"]["subscription"]
        subscription = self.subscriptions[sub_id]
        before = copy.deepcopy(subscription)
        if self.failing_payments.get(sub_id, 0) > 0 and invoice["amount_due"] > 0:
            self.failing_payments[sub_id] -= 1
            invoice["attempted"] = True
            invoice["attempt_count"] += 1
            retries = list(self.settings.payment_retry_days)
            final = invoice["attempt_count"] > len(retries)
            invoice["next_payment_attempt"] = (
                None if final else self.now() + retries[invoice["attempt_count"] - 1] * DAY
            )
            self.publish("invoice.payment_failed", invoice)
            if not final:
                subscription["status"] = "past_due"
                self._publish_update("customer.subscription.updated", before, subscription, SYSTEM)
            elif self.settings.after_final_failure == "canceled":
                self._end(subscription, "payment_failed", SYSTEM)
            else:
                subscription["status"] = "unpaid"
                self._publish_update("customer.subscription.updated", before, subscription, SYSTEM)
            return
        self._mark_paid(invoice)
        self.publish("invoice.paid", invoice)
        self.publish("invoice.payment_succeeded", invoice)
        if subscription["status"] in ("past_due", "unpaid"):
            subscription["status"] = "active"
            self._publish_update("customer.subscription.updated", before, subscription, SYSTEM)

    # ----- events API -----

    def list_events(self, params: Params) -> list[JSON]:
        params.only(("type", "types", "limit", "starting_after", "ending_before"))
        single = params.string("type")
        several = params.strings("types")

        def wanted(event_type: str) -> bool:
            if single is not None:
                return _type_matches(event_type, single)
            return not several or event_type in several

        return [e for e in reversed(self.events.values()) if wanted(e["type"])]


def _type_matches(event_type: str, pattern: str) -> bool:
    # Stripe accepts one wildcard, e.g. "invoice.*".
    if pattern.endswith("*"):
        return event_type.startswith(pattern[:-1])
    return event_type == pattern


def _url(params: Params, key: str) -> str | None:
    value = params.string(key, max_chars=5000)
    if value is not None and not value.startswith(("http://", "https://")):
        raise StripeError(400, "Not a valid URL", code="url_invalid", param=key)
    return value


def _period(subscription: JSON) -> tuple[int, int]:
    return _item_period(subscription["items"]["data"][0])


def _item_period(item: JSON) -> tuple[int, int]:
    return item["current_period_start"], item["current_period_end"]
