"""Twilio's webhooks: inbound WhatsApp messages and delivery status callbacks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import TypeVar

from aiohttp import web

from minkops.actors.messages import Deliver
from minkops.http import delivery_status, twilio_form
from minkops.http.keys import (
    ACTORS,
    INBOX_ACCEPTS,
    LIFECYCLE,
    METRICS,
    SETTINGS,
    SPOOL,
    STATUS_RECORDS,
)
from minkops.http.signature import valid_signature
from minkops.logs import get_logger
from minkops.store.database import UNAVAILABLE

log = get_logger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Statuses Twilio reports for a WhatsApp message that we keep.
KNOWN_STATUSES = frozenset({"sent", "delivered", "read", "failed", "undelivered"})
FAILED_STATUSES = frozenset({"failed", "undelivered"})
DATABASE_UNAVAILABLE = UNAVAILABLE
SPOOL_KEY_FIELD = "__minkops_status_key"


async def signed_form(request: web.Request) -> dict[str, str]:
    """The form of a request signed by Twilio; 400, 403 or 413 otherwise."""
    settings = request.app[SETTINGS]
    if request.content_type != FORM_CONTENT_TYPE:
        raise web.HTTPBadRequest(text=f"expected {FORM_CONTENT_TYPE}")
    try:
        # A body trickled in slowly must not hold a connection: read it in bounded time.
        async with asyncio.timeout(settings.faults.body_read_timeout_seconds):
            raw = await request.read()  # raises 413 past client_max_size
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise web.HTTPBadRequest(text="form is not UTF-8") from None
    except TimeoutError:
        log.warning("webhook.slow_body", path=request.path)
        raise web.HTTPRequestTimeout(text="request body too slow") from None
    form = _parse_form(text, settings.faults.max_form_fields)
    signature = request.headers.get("X-Twilio-Signature", "")
    url = settings.public_url + str(request.rel_url)
    if not signature or not valid_signature(settings.twilio.auth_token, url, form, signature):
        request.app[METRICS].inbound.labels(result="bad_signature").inc()
        log.warning("webhook.bad_signature", path=request.path)
        raise web.HTTPForbidden(text="invalid Twilio signature")
    return form


def _parse_form(text: str, max_fields: int) -> dict[str, str]:
    from urllib.parse import parse_qsl

    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=bool(text),
            errors="strict",
            max_num_fields=max_fields,  # ValueError past it: never 10,000 fields in memory
        )
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
    settings = request.app[SETTINGS]
    if _spooling(request):
        return await _spool_or_503(request, "inbound", form)  # behind what is spooled: in order
    try:
        # Shared with the webhooks arriving meanwhile: one statement, one commit for all.
        async with asyncio.timeout(settings.faults.db_request_timeout_seconds):
            accepted = await request.app[INBOX_ACCEPTS].submit(message)
    except DATABASE_UNAVAILABLE:
        # Not the caller's fault. Twilio does not retry a 5xx by default, so a 503 here would
        # lose the message: keep it in the local spool and acknowledge it.
        log.warning("inbound.store_failed", message_sid=message.sid, exc_info=True)
        return await _spool_or_503(request, "inbound", form)
    directory = request.app[ACTORS].directory
    row = accepted.row
    if accepted.duplicate:
        again = row
        metrics.inbound.labels(result="duplicate").inc()
        log.info("inbound.duplicate", message_sid=message.sid, unfinished=again is not None)
        if again is not None:
            # Accepted before but not yet acted on (the caller hung up, the actor died, …):
            # hand it over again; the org actor and the processed mark make it idempotent.
            metrics.inbox_redelivered.labels(why="retried").inc()
            directory.tell(Deliver(again))
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")
    assert row is not None
    metrics.inbound.labels(result="accepted").inc()
    log.info("inbound.accepted", message_sid=row.message_sid, org_id=row.org_id, sender=row.sender)
    # Hand over *before* answering: a tell never blocks, and a caller that hangs up before
    # reading the 200 can no longer strand a stored row.
    directory.tell(Deliver(row))
    return web.Response(text=EMPTY_TWIML, content_type="text/xml")


def _spooling(request: web.Request) -> bool:
    spool = request.app.get(SPOOL)
    return spool is not None and spool.depth > 0


async def _spool_or_503(request: web.Request, kind: str, form: Mapping[str, str]) -> web.Response:
    spool = request.app.get(SPOOL)
    if spool is not None:
        try:
            await spool.append(kind, form)
        except OSError:
            log.exception("spool.append_failed", kind=kind)
        else:
            request.app[METRICS].inbound.labels(result="spooled").inc()
            if kind == "inbound":
                return web.Response(text=EMPTY_TWIML, content_type="text/xml")
            return web.Response(status=204)
    raise web.HTTPServiceUnavailable(headers={"Retry-After": "5"})


async def message_status(request: web.Request) -> web.Response:
    """Delivery status for an outbound message. Statuses only move forward; the ``key`` in
    the callback URL (covered by the signature) settles a row whose send had no answer."""
    form = await signed_form(request)
    update = _typed(request, twilio_form.status_update, form)
    if update.status not in KNOWN_STATUSES:
        return web.Response(status=204)  # queued, accepted, sending: nothing to record
    key = request.query.get("key") or None
    if _spooling(request):
        return await _spool_or_503(request, "status", {**form, **_key_field(key)})
    try:
        # Shared with the callbacks arriving meanwhile, follow-ups included: one statement.
        async with asyncio.timeout(request.app[SETTINGS].faults.db_request_timeout_seconds):
            recorded = await request.app[STATUS_RECORDS].submit(delivery_status.report(update, key))
    except DATABASE_UNAVAILABLE:
        # Status callbacks are not retried by Twilio: spool them like inbound messages.
        log.warning("outbound.status_store_failed", twilio_sid=update.message_sid, exc_info=True)
        return await _spool_or_503(request, "status", {**form, **_key_field(key)})
    # Routine progress (sent, delivered, read), two or three lines per message sent, is
    # debug: the status is in the outbox row and the metrics. What an operator must see (a
    # failure, a callback for no row of ours) stays at INFO.
    routine = update.status not in FAILED_STATUSES and recorded.outcome is not None
    (log.debug if routine else log.info)(
        "outbound.status",
        twilio_sid=update.message_sid,
        status=update.status,
        twilio_code=update.error_code,
        known=recorded.outcome is not None,
        changed=recorded.outcome == "updated",
    )
    delivery_status.follow_up(request.app, update, recorded)  # 63016 → template; notes
    return web.Response(status=204)


def _key_field(key: str | None) -> dict[str, str]:
    # The callback URL's key travels with the spooled form (it is not a Twilio field).
    return {} if key is None else {SPOOL_KEY_FIELD: key}


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
