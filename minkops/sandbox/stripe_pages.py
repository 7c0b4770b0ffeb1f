"""The Stripe stand-in's hosted pages: Checkout's pay page, the customer portal and invoices.

Plain HTML forms, so that a person in a browser and a test with `requests` press the same
buttons. Nothing here changes state; `stripe_api` does, when a form is posted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape

from minkops.sandbox.stripe_wire import JSON

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; color: #1a1f36; }
h1 { font-size: 1.4rem; } .muted { color: #697386; } .box { border: 1px solid #e3e8ee;
border-radius: 8px; padding: 1rem; margin: 1rem 0; } button { background: #635bff; color: white;
border: 0; border-radius: 6px; padding: .6rem 1.2rem; font-size: 1rem; cursor: pointer; }
button.secondary { background: #e3e8ee; color: #1a1f36; } form { display: inline; }
"""


def _page(title: str, body: str, status_note: str = "") -> str:
    note = f'<p class="muted">{escape(status_note)}</p>' if status_note else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><p class='muted'>Stripe stand-in · test mode</p><h1>{escape(title)}</h1>"
        f"{note}{body}</body></html>"
    )


def money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency.upper()}"


def _date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def _interval(price: JSON) -> str:
    recurring = price.get("recurring") or {}
    count = recurring.get("interval_count", 1)
    interval = recurring.get("interval", "")
    return f"every {count} {interval}s" if count != 1 else f"per {interval}"


def pay_page(session: JSON, items: Sequence[JSON], error: str | None = None) -> str:
    rows = "".join(
        f"<li>{escape(item['description'])} × {item['quantity'] or 'usage'} — "
        f"{money(item['price']['unit_amount'], item['currency'])} {_interval(item['price'])}</li>"
        for item in items
    )
    email = session["customer_email"] or (session["customer_details"] or {}).get("email")
    email_field = (
        f"<p>Email: <strong>{escape(email)}</strong></p>"
        if email
        else "<p><label>Email <input name='email' type='email' "
        "value='customer@example.test'></label></p>"
    )
    cancel = (
        f"<p><a href='{escape(session['cancel_url'])}'>Back</a></p>"
        if session["cancel_url"]
        else ""
    )
    error_note = f"<p class='box' style='color:#df1b41'>{escape(error)}</p>" if error else ""
    body = (
        f"<div class='box'><ul>{rows}</ul>"
        f"<p>Total due today: <strong>{money(session['amount_total'], session['currency'])}"
        f"</strong></p></div>{error_note}"
        f"<form method='post'>{email_field}"
        "<button name='outcome' value='pay' type='submit'>Pay</button> "
        "<button class='secondary' name='outcome' value='decline' type='submit'>"
        "Pay with a card that is declined</button></form>"
        f"{cancel}"
    )
    return _page("Subscribe", body, f"Checkout Session {session['id']}")


def message_page(title: str, text: str) -> str:
    return _page(title, f"<p>{escape(text)}</p>")


def portal_page(
    session: JSON,
    subscriptions: Sequence[JSON],
    prices: Sequence[JSON],
    products: Mapping[str, JSON],
) -> str:
    blocks = []
    for sub in subscriptions:
        item = sub["items"]["data"][0]
        price = item["price"]
        name = products[price["product"]]["name"]
        state = sub["status"]
        if sub["cancel_at_period_end"]:
            state += f", cancels on {_date(sub['cancel_at'])}"
        switch = "".join(
            f"<form method='post' action='/portal/{session['id']}/switch'>"
            f"<input type='hidden' name='subscription' value='{sub['id']}'>"
            f"<input type='hidden' name='price' value='{p['id']}'>"
            f"<button class='secondary' type='submit'>Switch to "
            f"{escape(products[p['product']]['name'])} ({money(p['unit_amount'], p['currency'])} "
            f"{_interval(p)})</button></form> "
            for p in prices
            if p["id"] != price["id"]
        )
        action, label = (
            ("renew", "Renew plan") if sub["cancel_at_period_end"] else ("cancel", "Cancel plan")
        )
        blocks.append(
            f"<div class='box' id='{sub['id']}'><p><strong>{escape(name)}</strong> — "
            f"{money(price['unit_amount'], price['currency'])} {_interval(price)}</p>"
            f"<p class='muted'>{escape(state)}; current period ends "
            f"{_date(item['current_period_end'])}</p>"
            f"<form method='post' action='/portal/{session['id']}/{action}'>"
            f"<input type='hidden' name='subscription' value='{sub['id']}'>"
            f"<button type='submit'>{label}</button></form> {switch}</div>"
        )
    back = (
        f"<p><a href='{escape(session['return_url'])}'>Return</a></p>"
        if session["return_url"]
        else ""
    )
    body = "".join(blocks) or "<p>No active subscriptions.</p>"
    return _page("Your subscriptions", body + back, f"Customer {session['customer']}")


def invoice_page(invoice: JSON) -> str:
    rows = "".join(
        f"<li>{escape(line['description'])} — {money(line['amount'], line['currency'])}</li>"
        for line in invoice["lines"]["data"]
    )
    body = (
        f"<div class='box'><ul>{rows}</ul><p>Amount due: "
        f"{money(invoice['amount_due'], invoice['currency'])}; status {escape(invoice['status'])}"
        "</p></div>"
    )
    return _page(f"Invoice {invoice['number']}", body)
