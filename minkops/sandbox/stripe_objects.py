"""What the Stripe stand-in's objects look like: every field Stripe returns for them at the API
version the SDK pins, with the values a fresh test-mode object has.

Only shapes and calendar arithmetic live here; `stripe_ledger` decides when objects are made
and how they change. Keeping the long literals apart keeps that behaviour readable.
"""

from __future__ import annotations

import calendar
import copy
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from minkops.sandbox.stripe_wire import JSON, list_object, new_id


def customer(
    now: int,
    *,
    email: str | None,
    name: str | None = None,
    phone: str | None = None,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
    locales: list[str] | None = None,
) -> JSON:
    return {
        "id": new_id("cus_", 14),
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": now,
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": description,
        "discount": None,
        "email": email,
        "invoice_prefix": secrets.token_hex(4).upper(),
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": metadata or {},
        "name": name,
        "next_invoice_sequence": 1,
        "phone": phone,
        "preferred_locales": locales or [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }


def product(
    now: int,
    name: str,
    description: str | None,
    metadata: dict[str, str],
    product_id: str | None = None,
) -> JSON:
    return {
        "id": product_id or new_id("prod_", 14),
        "object": "product",
        "active": True,
        "created": now,
        "default_price": None,
        "description": description,
        "images": [],
        "livemode": False,
        "marketing_features": [],
        "metadata": metadata,
        "name": name,
        "package_dimensions": None,
        "shippable": None,
        "statement_descriptor": None,
        "tax_code": None,
        "unit_label": None,
        "updated": now,
        "url": None,
    }


def price(
    now: int,
    product_id: str,
    unit_amount: int,
    currency: str,
    recurring: dict[str, Any] | None,
    *,
    meter_id: str | None = None,
    lookup_key: str | None = None,
    nickname: str | None = None,
    metadata: dict[str, str] | None = None,
    price_id: str | None = None,
) -> JSON:
    recurring_field = None
    if recurring is not None:
        recurring_field = {
            "interval": recurring["interval"],
            "interval_count": recurring.get("interval_count", 1),
            "meter": meter_id,
            "trial_period_days": None,
            "usage_type": "metered" if meter_id else "licensed",
        }
    return {
        "id": price_id or new_id("price_"),
        "object": "price",
        "active": True,
        "billing_scheme": "per_unit",
        "created": now,
        "currency": currency.lower(),
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": lookup_key,
        "metadata": metadata or {},
        "nickname": nickname,
        "product": product_id,
        "recurring": recurring_field,
        "tax_behavior": "unspecified",
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "recurring" if recurring is not None else "one_time",
        "unit_amount": unit_amount,
        "unit_amount_decimal": str(unit_amount),
    }


def checkout_line_item(price: JSON, quantity: int | None, description: str) -> JSON:
    metered = price["recurring"] is not None and price["recurring"]["usage_type"] == "metered"
    amount = 0 if metered else price["unit_amount"] * (quantity or 0)
    return {
        "id": new_id("li_"),
        "object": "item",
        "amount_discount": 0,
        "amount_subtotal": amount,
        "amount_tax": 0,
        "amount_total": amount,
        "currency": price["currency"],
        "description": description,
        "price": copy.deepcopy(price),
        "quantity": quantity,
    }


def subscription_item(
    now: int, subscription_id: str, price: JSON, quantity: int | None, period: tuple[int, int]
) -> JSON:
    item: JSON = {
        "id": new_id("si_", 14),
        "object": "subscription_item",
        "billing_thresholds": None,
        "created": now,
        # Since API 2025-03-31 ("basil") the billing period is the item's, not the subscription's.
        "current_period_end": period[1],
        "current_period_start": period[0],
        "discounts": [],
        "metadata": {},
        "price": copy.deepcopy(price),
        "subscription": subscription_id,
        "tax_rates": [],
    }
    if price["recurring"]["usage_type"] == "licensed":
        item["quantity"] = quantity or 1
    return item


def subscription(
    now: int,
    subscription_id: str,
    customer_id: str,
    currency: str,
    items: Sequence[JSON],
    metadata: dict[str, str],
    description: str | None,
) -> JSON:
    return {
        "id": subscription_id,
        "object": "subscription",
        "application": None,
        "application_fee_percent": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": now,
        "billing_cycle_anchor_config": None,
        "billing_thresholds": None,
        "cancel_at": None,
        "cancel_at_period_end": False,
        "canceled_at": None,
        "cancellation_details": {"comment": None, "feedback": None, "reason": None},
        "collection_method": "charge_automatically",
        "created": now,
        "currency": currency,
        "customer": customer_id,
        "days_until_due": None,
        "default_payment_method": new_id("pm_"),
        "default_source": None,
        "default_tax_rates": [],
        "description": description,
        "discounts": [],
        "ended_at": None,
        "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
        "items": list_object(items, f"/v1/subscription_items?subscription={subscription_id}"),
        "latest_invoice": None,
        "livemode": False,
        "metadata": metadata,
        "next_pending_invoice_item_invoice": None,
        "on_behalf_of": None,
        "pause_collection": None,
        "pending_invoice_item_interval": None,
        "pending_setup_intent": None,
        "pending_update": None,
        "schedule": None,
        "start_date": now,
        "status": "active",
        "test_clock": None,
        "transfer_data": None,
        "trial_end": None,
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": None,
    }


def invoice(
    now: int,
    subscription: JSON,
    customer: JSON,
    reason: str,
    lines: list[JSON],
    period: tuple[int, int],
    account_name: str,
) -> JSON:
    """A draft invoice for a subscription; it gets its number when finalized."""
    invoice_id = new_id("in_")
    for line in lines:
        line["invoice"] = invoice_id
    total = sum(line["amount"] for line in lines)
    return {
        "id": invoice_id,
        "object": "invoice",
        "account_country": "ES",
        "account_name": account_name,
        "amount_due": total,
        "amount_overpaid": 0,
        "amount_paid": 0,
        "amount_remaining": total,
        "amount_shipping": 0,
        "attempt_count": 0,
        "attempted": False,
        "auto_advance": True,
        "automatic_tax": {
            "disabled_reason": None,
            "enabled": False,
            "liability": None,
            "status": None,
        },
        "billing_reason": reason,
        "collection_method": "charge_automatically",
        "created": now,
        "currency": subscription["currency"],
        "customer": customer["id"],
        "customer_email": customer["email"],
        "customer_name": customer["name"],
        "description": None,
        "discounts": [],
        "due_date": None,
        "effective_at": None,
        "ending_balance": None,
        "hosted_invoice_url": None,
        "invoice_pdf": None,
        "issuer": {"type": "self"},
        "last_finalization_error": None,
        "lines": list_object(lines, f"/v1/invoices/{invoice_id}/lines"),
        "livemode": False,
        "metadata": {},
        "next_payment_attempt": None,
        "number": None,
        # Since API 2025-03-31 an invoice names its subscription here, not in `subscription`.
        "parent": {
            "quote_details": None,
            "subscription_details": {
                "metadata": copy.deepcopy(subscription["metadata"]),
                "subscription": subscription["id"],
            },
            "type": "subscription_details",
        },
        "period_end": period[1],
        "period_start": period[0],
        "starting_balance": 0,
        "status": "draft",
        "status_transitions": {
            "finalized_at": None,
            "marked_uncollectible_at": None,
            "paid_at": None,
            "voided_at": None,
        },
        "subtotal": total,
        "subtotal_excluding_tax": total,
        "total": total,
        "total_discount_amounts": [],
        "total_excluding_tax": total,
        "total_taxes": [],
        "webhooks_delivered_at": None,
    }


def invoice_line(
    subscription_id: str,
    item: JSON,
    product: JSON,
    amount: int,
    quantity: int,
    period: tuple[int, int],
) -> JSON:
    price = item["price"]
    return {
        "id": new_id("il_"),
        "object": "line_item",
        "amount": amount,
        "currency": price["currency"],
        "description": f"{quantity} × {product['name']}",
        "discount_amounts": [],
        "discountable": True,
        "discounts": [],
        "invoice": None,
        "livemode": False,
        "metadata": {},
        "parent": {
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None,
                "proration": False,
                "proration_details": {"credited_items": None},
                "subscription": subscription_id,
                "subscription_item": item["id"],
            },
            "type": "subscription_item_details",
        },
        "period": {"end": period[1], "start": period[0]},
        "pricing": {
            "price_details": {"price": price["id"], "product": product["id"]},
            "type": "price_details",
            "unit_amount_decimal": price["unit_amount_decimal"],
        },
        "quantity": quantity,
        "taxes": [],
    }


# ----- billing periods -----


def next_period_end(anchor: int, interval: str, count: int, after: int) -> int:
    """The first period boundary after `after`, counted from the billing cycle anchor, so that
    a subscription started on the 31st renews on the 28th of February, then the 31st again."""
    periods = 1
    while (end := advance(anchor, interval, count * periods)) <= after:
        periods += 1
    return end


def advance(start: int, interval: str, count: int) -> int:
    """`count` intervals after `start`: calendar months and years, clamped to the month's end."""
    moment = datetime.fromtimestamp(start, UTC)
    if interval == "day":
        return int((moment + timedelta(days=count)).timestamp())
    if interval == "week":
        return int((moment + timedelta(weeks=count)).timestamp())
    months = count * (12 if interval == "year" else 1)
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return int(moment.replace(year=year, month=month, day=day).timestamp())
