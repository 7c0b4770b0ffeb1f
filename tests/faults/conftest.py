"""The real application in-process (tests/http's Service), with fault-handling deadlines short
enough for a test: rows unprocessed for 1 s are handed over again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from minkops import admin
from minkops.http.app import make_app
from minkops.http.keys import SETTINGS
from minkops.http.limits import cap_connections
from minkops.sandbox.twilio_api import TwilioStandIn
from minkops.service import choose_engines
from minkops.settings import Settings, load_settings
from tests.http.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    MINKOPS_NUMBER,
    OWNER,
    PUBLIC_URL,
    STAFF,
    Service,
    twilio,
)

__all__ = ["twilio"]


class CappedRunner(web.AppRunner):
    """As `minkops serve` sets its runner up: with the cap on connections."""

    async def setup(self) -> None:
        await super().setup()
        assert self.server is not None
        cap_connections(self.server, self.app[SETTINGS].faults.max_connections)


class ProductionLikeServer(TestServer):
    """aiohttp's TestServer cancels a handler when its client goes away; `minkops serve`
    (web.AppRunner's default) does not. Fault tests need the service's real behaviour."""

    async def _make_runner(self, **kwargs: Any) -> web.BaseRunner:
        kwargs["handler_cancellation"] = False
        return CappedRunner(self.app, **kwargs)


async def start_service(
    settings: Settings, database_url: str, twilio: TwilioStandIn, pool: asyncpg.Pool
) -> tuple[Service, ProductionLikeServer, aiohttp.ClientSession]:
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
    server = ProductionLikeServer(make_app(settings, database_url, choose_engines(settings)))
    await server.start_server()
    session = aiohttp.ClientSession()
    return Service(server, session, twilio, pool, org.id, database_url), server, session


@pytest.fixture
async def service(
    settings: Settings, database_url: str, twilio: TwilioStandIn, pool: asyncpg.Pool
) -> AsyncIterator[Service]:
    running, server, session = await start_service(settings, database_url, twilio, pool)
    try:
        yield running
    finally:
        await session.close()
        await server.close()


FAULTS_TOML = """
[faults]
db_request_timeout_seconds = 1.0
redeliver_after_seconds = 1.0
sweep_interval_seconds = 0.2
redeliver_backoff_base_seconds = 0.5
redeliver_backoff_max_seconds = 2.0
max_delivery_attempts = 3
spool_drain_interval_seconds = 0.2
listen_reconnect_max_seconds = 1.0
body_read_timeout_seconds = 1.0
max_connections = 60
sender_messages_per_minute = 20

[outbound]
backoff_base_seconds = 0.5
backoff_max_seconds = 3.0
sweep_interval_seconds = 0.5
# Floods here test faults, not Twilio's pace (tests/actors/test_send_rate.py does).
text_messages_per_second = 1000.0
media_messages_per_second = 1000.0
"""


def fault_settings(twilio: TwilioStandIn, data_dir: Path, **extra: str) -> Settings:
    overlay = data_dir / "faults.toml"
    overlay.write_text(FAULTS_TOML)
    return load_settings(
        {
            "MINKOPS_CONFIG": str(overlay),
            "MINKOPS_DATA_DIR": str(data_dir),
            "MINKOPS_PUBLIC_URL": PUBLIC_URL,
            "MINKOPS_MAX_BODY_BYTES": "8192",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_WHATSAPP_NUMBER": MINKOPS_NUMBER,
            "TWILIO_API_BASE": twilio.base_url or "",
            **extra,
        }
    )


@pytest.fixture
def settings(twilio: TwilioStandIn, tmp_data_dir: Path) -> Settings:
    return fault_settings(twilio, tmp_data_dir)
