"""The real application in-process: real PostgreSQL, real actors, the Twilio stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp.test_utils import TestServer

from minkops import admin
from minkops.http.app import make_app
from minkops.sandbox.twilio_api import StoredMessage, TwilioStandIn, TwilioStandInThread
from minkops.service import choose_engines
from minkops.settings import Settings, load_settings
from minkops.twilio_client import sign_twilio_request

ACCOUNT_SID = "AC" + "7" * 32
AUTH_TOKEN = "test-auth-token-" + "x" * 16
MINKOPS_NUMBER = "+14155238886"
# Deliberately not the address the test server listens on: signatures are checked
# against the public URL Twilio called, never the one a proxy handed us.
PUBLIC_URL = "https://minkops.example.test"

OWNER = "+34600000001"
STAFF = "+34600000002"


@pytest.fixture
def twilio() -> Iterator[TwilioStandIn]:
    with TwilioStandInThread(
        # These tests post signed webhooks themselves, so Twilio never saw anyone write:
        # without this, every reply would fail outside the 24-hour window.
        TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN, whatsapp_window=False)
    ) as running:
        yield running.stand_in


def stand_in_environment(twilio: TwilioStandIn, data_dir: Any, **more: str) -> dict[str, str]:
    """The environment of a service on the test account, pointed at the Twilio stand-in,
    plus `more` (a config overlay, OpenAI's key and base URL...)."""
    return {
        "MINKOPS_DATA_DIR": str(data_dir),
        "MINKOPS_PUBLIC_URL": PUBLIC_URL,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_WHATSAPP_NUMBER": MINKOPS_NUMBER,
        "TWILIO_API_BASE": twilio.base_url or "",
        **more,
    }


@pytest.fixture
def settings(twilio: TwilioStandIn, tmp_data_dir: Any) -> Settings:
    return load_settings(stand_in_environment(twilio, tmp_data_dir, MINKOPS_MAX_BODY_BYTES="8192"))


@dataclass
class Service:
    server: TestServer
    session: aiohttp.ClientSession
    twilio: TwilioStandIn
    pool: asyncpg.Pool
    org_id: int
    database_url: str

    async def post(
        self,
        form: dict[str, str],
        *,
        path: str = "/twilio/whatsapp",
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> aiohttp.ClientResponse:
        if signature is None:
            signature = sign_twilio_request(AUTH_TOKEN, PUBLIC_URL + path, form)
        all_headers = {"X-Twilio-Signature": signature, **(headers or {})}
        async with self.session.post(
            self.server.make_url(path), data=form, headers=all_headers
        ) as r:
            await r.read()
            return r

    async def settled(self, quiet: float = 0.5, timeout: float = 20.0) -> None:
        """Wait until every accepted message is processed, every outbox row settled, and
        nothing new has reached Twilio for `quiet` seconds: then counts are final."""
        deadline = asyncio.get_running_loop().time() + timeout
        seen, since = -1, asyncio.get_running_loop().time()
        connection = await asyncpg.connect(self.database_url)  # the owner: every org
        try:
            while True:
                now = asyncio.get_running_loop().time()
                assert now < deadline, "the system did not settle"
                busy = await connection.fetchval(
                    "SELECT (SELECT count(*) FROM inbox WHERE processed_at IS NULL)"
                    " + (SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending'))"
                )
                count = len(self.twilio.messages())
                if count != seen or busy:
                    seen, since = count, now
                elif now - since >= quiet:
                    return
                await asyncio.sleep(0.05)
        finally:
            await connection.close()

    def sent_to(self, phone: str) -> list[StoredMessage]:
        return [m for m in self.twilio.messages() if m.to == f"whatsapp:{phone}"]

    async def replies_to(
        self,
        phone: str,
        count: int = 1,
        predicate: Callable[[StoredMessage], bool] = lambda m: True,
    ) -> list[StoredMessage]:
        """Wait (off the loop: the actors need it) for `count` messages to `phone`."""
        return await asyncio.to_thread(
            self.twilio.wait_for_messages,
            lambda m: m.to == f"whatsapp:{phone}" and predicate(m),
            count,
            10.0,
        )


def inbound(sid: str, sender: str, body: str, **extra: str) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": f"whatsapp:{sender}",
        "To": f"whatsapp:{MINKOPS_NUMBER}",
        "Body": body,
        "NumMedia": "0",
        "WaId": sender.lstrip("+"),
        "ProfileName": "Tester",
        **extra,
    }


@pytest.fixture
async def service(
    settings: Settings, database_url: str, twilio: TwilioStandIn, pool: asyncpg.Pool
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
    app = make_app(settings, database_url, choose_engines(settings))
    server = TestServer(app)
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as session:
            yield Service(server, session, twilio, pool, org.id, database_url)
    finally:
        await server.close()
