"""POST /twilio/status against real PostgreSQL: signed callbacks move an outbox row's status
forward only, and the key in the callback URL settles a send that got no answer.

The app here holds only what the handler uses, so these tests do not depend on the actors.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from minkops import admin
from minkops.actors.outbound import status_callback_url
from minkops.domain.models import OutboundMessage
from minkops.http import batches, twilio_webhooks
from minkops.http.keys import METRICS, POOL, SETTINGS, STATUS_RECORDS
from minkops.metrics import Metrics
from minkops.sandbox.twilio_api import TwilioStandIn
from minkops.settings import load_settings
from minkops.store import outbox
from minkops.store.database import org_transaction
from minkops.store.outbox import OutboxRow
from minkops.twilio_client import make_twilio_client, sign_twilio_request
from tests.http.conftest import ACCOUNT_SID, AUTH_TOKEN, MINKOPS_NUMBER, OWNER

WAIT = 10.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class StatusApp:
    base_url: str  # public URL = the address the server listens on, so the stand-in can call it
    session: aiohttp.ClientSession
    pool: asyncpg.Pool
    org_id: int
    answered: asyncio.Queue[int]  # HTTP status of each /twilio/status request, as answered

    async def callback(
        self, form: dict[str, str], *, key: str | None = None, signature: str | None = None
    ) -> int:
        path = "/twilio/status" if key is None else status_callback_url("/twilio/status", key)
        if signature is None:
            signature = sign_twilio_request(AUTH_TOKEN, self.base_url + path, form)
        async with self.session.post(
            self.base_url + path, data=form, headers={"X-Twilio-Signature": signature}
        ) as response:
            await response.read()
            return response.status

    async def row(self, key: str) -> OutboxRow:
        async with org_transaction(self.pool, self.org_id) as connection:
            row_id = await connection.fetchval(
                "SELECT id FROM outbox WHERE idempotency_key = $1", key
            )
            row = await outbox.outbox_row(connection, row_id)
        assert row is not None
        return row

    async def queue(self, body: str, *, sid: str | None = None, status: str = "sent") -> str:
        """A row as the Outbound member leaves it: `sent` with a SID, or `sending` without."""
        key = f"SM{uuid.uuid4().hex}:0"
        now = datetime.now(UTC)
        async with org_transaction(self.pool, self.org_id) as connection:
            [queued] = await outbox.insert_outbox(
                connection, self.org_id, [OutboundMessage(key, OWNER, body)]
            )
            claim = await outbox.claim_head(
                connection, self.org_id, OWNER, now, timedelta(seconds=30)
            )
            assert isinstance(claim, outbox.Claim) and claim.row.id == queued.id
            if status == "sent":
                assert sid is not None
                await outbox.mark_sent(connection, self.org_id, queued.id, sid, now)
        return key


def status_form(sid: str, status: str, **extra: str) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "From": f"whatsapp:{MINKOPS_NUMBER}",
        "MessageSid": sid,
        "MessageStatus": status,
        "SmsSid": sid,
        "SmsStatus": status,
        "To": f"whatsapp:{OWNER}",
        **extra,
    }


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


@pytest.fixture
async def app(
    twilio: TwilioStandIn, pool: asyncpg.Pool, tmp_data_dir: Any
) -> AsyncIterator[StatusApp]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = load_settings(
        {
            "MINKOPS_DATA_DIR": str(tmp_data_dir),
            "MINKOPS_PUBLIC_URL": base_url,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_WHATSAPP_NUMBER": MINKOPS_NUMBER,
            "TWILIO_API_BASE": twilio.base_url or "",
        }
    )
    org, _ = await admin.create_organization(
        pool,
        name="Café Uno",
        timezone="Europe/Madrid",
        owner=admin.NewMember("Ana García", OWNER, "admin", "es", "text"),
    )
    answered: asyncio.Queue[int] = asyncio.Queue()

    @web.middleware
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPException as error:
            answered.put_nowait(error.status)
            raise
        answered.put_nowait(response.status)
        return response

    application = web.Application(middlewares=[record])
    application[SETTINGS] = settings
    application[POOL] = pool
    application[METRICS] = Metrics()
    application[STATUS_RECORDS] = batches.status_records(settings, pool)
    application.router.add_post("/twilio/status", twilio_webhooks.message_status)
    server = TestServer(application, host="127.0.0.1", port=port)
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as session:
            yield StatusApp(base_url, session, pool, org.id, answered)
    finally:
        await server.close()


async def test_statuses_only_move_forward(app: StatusApp) -> None:
    sid = new_sid()
    key = await app.queue("Hola", sid=sid)

    assert await app.callback(status_form(sid, "delivered")) == 204
    assert (await app.row(key)).status == "delivered"
    assert await app.callback(status_form(sid, "sent")) == 204  # late, out of order
    assert (await app.row(key)).status == "delivered"
    assert await app.callback(status_form(sid, "read")) == 204
    assert (await app.row(key)).status == "read"
    failed = status_form(sid, "failed", ErrorCode="30008", ErrorMessage="Unknown error")
    assert await app.callback(failed) == 204
    row = await app.row(key)
    assert (row.status, row.error_code) == ("read", None)


async def test_undelivered_records_twilios_error_code(app: StatusApp) -> None:
    sid = new_sid()
    key = await app.queue("Recordatorio", sid=sid)
    form = status_form(sid, "undelivered", ErrorCode="63016", ErrorMessage="Outside the window")
    assert await app.callback(form, key=key) == 204
    row = await app.row(key)
    assert (row.status, row.error_code, row.error_message) == (
        "undelivered",
        63016,
        "Outside the window",
    )
    # A terminal outcome is not undone by a late 'delivered' either.
    assert await app.callback(status_form(sid, "delivered"), key=key) == 204
    assert (await app.row(key)).status == "undelivered"


async def test_the_key_settles_a_send_that_got_no_answer(app: StatusApp) -> None:
    key = await app.queue("¿Quién cierra hoy?", status="sending")
    sid = new_sid()
    assert await app.callback(status_form(sid, "sent"), key=key) == 204
    row = await app.row(key)
    assert (row.status, row.twilio_sid, row.next_attempt_at) == ("sent", sid, None)

    # Another message's callback naming the same key cannot take the row over.
    assert await app.callback(status_form(new_sid(), "delivered"), key=key) == 204
    row = await app.row(key)
    assert (row.status, row.twilio_sid) == ("sent", sid)


async def test_unknown_messages_and_statuses_change_nothing(app: StatusApp) -> None:
    sid = new_sid()
    key = await app.queue("Hola", sid=sid)
    assert await app.callback(status_form(new_sid(), "delivered")) == 204
    assert await app.callback(status_form(sid, "queued")) == 204
    assert (await app.row(key)).status == "sent"


async def test_unsigned_or_tampered_callbacks_are_403(app: StatusApp) -> None:
    key = await app.queue("¿Quién cierra hoy?", status="sending")
    form = status_form(new_sid(), "delivered")
    assert await app.callback(form, key=key, signature="") == 403
    forged = sign_twilio_request("not-the-token", app.base_url + "/twilio/status", form)
    assert await app.callback(form, key=key, signature=forged) == 403
    # Signed for the URL without the key: the key is not the caller's to add.
    unkeyed = sign_twilio_request(AUTH_TOKEN, app.base_url + "/twilio/status", form)
    assert await app.callback(form, key=key, signature=unkeyed) == 403
    row = await app.row(key)
    assert (row.status, row.twilio_sid) == ("sending", None)


async def test_twilios_own_callbacks_to_the_keyed_url_pass_the_signature_check(
    app: StatusApp, twilio: TwilioStandIn
) -> None:
    # Sent, but the answer was lost: only Twilio's callbacks can tell us the SID now.
    key = await app.queue("Tarea 7 asignada", status="sending")
    client = make_twilio_client(ACCOUNT_SID, AUTH_TOKEN, twilio.base_url or "")
    message = await asyncio.to_thread(
        client.messages.create,
        to=f"whatsapp:{OWNER}",
        from_=f"whatsapp:{MINKOPS_NUMBER}",
        body="Tarea 7 asignada",
        status_callback=status_callback_url(app.base_url + "/twilio/status", key),
    )
    # The stand-in reports sent, then delivered, each signed over the URL it was given.
    answers = [await asyncio.wait_for(app.answered.get(), WAIT) for _ in range(2)]
    assert answers == [204, 204]
    row = await app.row(key)
    assert (row.status, row.twilio_sid) == ("delivered", message.sid)


async def test_routine_statuses_are_not_logged_at_info_but_failures_are(
    app: StatusApp, caplog: pytest.LogCaptureFixture
) -> None:
    # Two or three callbacks per message sent: at INFO they were a third of the log lines.
    sid, failing = new_sid(), new_sid()
    await app.queue("Hola", sid=sid)
    await app.queue("Adiós", sid=failing)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        assert await app.callback(status_form(sid, "delivered")) == 204
        assert await app.callback(status_form(failing, "undelivered", ErrorCode="30008")) == 204
    logged = [
        r.msg.get("twilio_sid")
        for r in caplog.records
        if isinstance(r.msg, dict) and r.msg.get("event") == "outbound.status"
    ]
    assert logged == [failing]
