"""Twilio's webhooks: inbound WhatsApp messages and delivery status callbacks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import asyncpg
from aiohttp import web
from twilio.request_validator import RequestValidator

from minkops.actors.messages import Deliver
from minkops.http import delivery_status, twilio_form
from minkops.http.keys import ACTORS, LIFECYCLE, METRICS, POOL, SETTINGS
from minkops.logs import get_logger
from minkops.store import inbox, outbox
from minkops.store.database import org_transaction

log = get_logger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Statuses Twilio reports for a WhatsApp message that we keep.
KNOWN_STATUSES = frozenset({"sent", "delivered", "read", "failed", "undelivered"})


async def signed_form(request: web.Request) -> dict[str, str]:
    """The form of a request signed by Twilio; 400, 403 or 413 otherwise."""
    settings = request.app[SETTINGS]
    if request.content_type != FORM_CONTENT_TYPE:
        raise web.HTTPBadRequest(text=f"expected {FORM_CONTENT_TYPE}")
    try:
        raw = await request.read()  # raises 413 past client_max_size
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise web.HTTPBadRequest(text="form is not UTF-8") from None
    form = _parse_form(text)
    signature = request.headers.get("X-Twilio-Signature", "")
    url = settings.public_url + str(request.rel_url)
    validator = RequestValidator(settings.twilio.auth_token)
    if not signature or not validator.validate(url, form, signature):
        request.app[METRICS].inbound.labels(result="bad_signature").inc()
        log.warning("webhook.bad_signature", path=request.path)
        raise web.HTTPForbidden(text="invalid Twilio signature")
    return form


def _parse_form(text: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except ValueError:
        raise web.HTTPBadRequest(text="malformed form body") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if "\x00" in name or "\x00" in value:
            # PostgreSQL text cannot hold NUL; Twilio never sends one.
            raise web.HTTPBadRequest(text=f"form field {name!r} contains a NUL character")
        if name in form:
            raise web.HTTPBadRequest(text=f"repeated form field {name}")
        form[name] = value
    return form


def refuse_while_draining(request: web.Request) -> None:
    """Shutting down: Twilio retries a 503 later, against whichever process is up then."""
    if not request.app[LIFECYCLE].accepting:
        raise web.HTTPServiceUnavailable(headers={"Retry-After": "10"}, text="shutting down")


async def inbound_whatsapp(request: web.Request) -> web.StreamResponse:
    refuse_while_draining(request)
    form = await signed_form(request)
    message = _typed(request, twilio_form.inbound_message, form)
    metrics = request.app[METRICS]
    try:
        async with org_transaction(request.app[POOL], None) as connection:
            row = await inbox.accept(connection, message)
    except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError):
        # Not the caller's fault: ask Twilio to come back rather than lose the message.
        log.exception("inbound.store_failed", message_sid=message.sid)
        raise web.HTTPServiceUnavailable(headers={"Retry-After": "5"}) from None
    if row is None:
        metrics.inbound.labels(result="duplicate").inc()
        log.info("inbound.duplicate", message_sid=message.sid)
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")
    metrics.inbound.labels(result="accepted").inc()
    log.info("inbound.accepted", message_sid=row.message_sid, org_id=row.org_id, sender=row.sender)
    # Answer first, then hand over: Twilio is never kept waiting on our work.
    response = web.Response(text=EMPTY_TWIML, content_type="text/xml")
    await response.prepare(request)
    await response.write_eof()
    request.app[ACTORS].directory.tell(Deliver(row))
    return response


async def message_status(request: web.Request) -> web.Response:
    """Delivery status for an outbound message. Statuses only move forward; the ``key`` in
    the callback URL (covered by the signature) settles a row whose send had no answer."""
    form = await signed_form(request)
    update = _typed(request, twilio_form.status_update, form)
    if update.status not in KNOWN_STATUSES:
        return web.Response(status=204)  # queued, accepted, sending: nothing to record
    key = request.query.get("key") or None
    try:
        async with org_transaction(request.app[POOL], None) as connection:
            outcome = await outbox.record_delivery(
                connection,
                update.message_sid,
                key,
                update.status,
                update.error_code,
                update.error_message,
            )
    except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError):
        # The row keeps its last status; a 503 lets Twilio retry where callback retries are on.
        log.exception("outbound.status_store_failed", twilio_sid=update.message_sid)
        raise web.HTTPServiceUnavailable(headers={"Retry-After": "5"}) from None
    log.info(
        "outbound.status",
        twilio_sid=update.message_sid,
        status=update.status,
        twilio_code=update.error_code,
        known=outcome is not None,
        changed=outcome == "updated",
    )
    try:
        await delivery_status.after_status(request.app, update)  # 63016 → template; notes go
    except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError):
        log.exception("outbound.status_follow_up_failed", twilio_sid=update.message_sid)
        raise web.HTTPServiceUnavailable(headers={"Retry-After": "5"}) from None
    return web.Response(status=204)


T = TypeVar("T")


def _typed(
    request: web.Request, read: Callable[[Mapping[str, str]], T], form: Mapping[str, str]
) -> T:
    try:
        return read(form)
    except twilio_form.FormError as error:
        request.app[METRICS].inbound.labels(result="malformed").inc()
        log.warning("webhook.malformed", path=request.path, reason=str(error))
        raise web.HTTPBadRequest(text=str(error)) from None
