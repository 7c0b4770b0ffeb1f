"""A Spanish admin's words reach English and French voice-delivery staff translated.

Real parts: the service's own engines (choose_engines) with the real openai SDK against the
OpenAI stand-in (which translates its small table deterministically), PostgreSQL, the
Twilio stand-in, the outbound voice notes (OpenAI TTS through the stand-in).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from aiohttp.test_utils import TestServer

from minkops import admin
from minkops.http.app import make_app
from minkops.sandbox.openai_api import (
    CHAT_PATH,
    SPEECH_PATH,
    Fault,
    OpenAIStandIn,
    OpenAIStandInThread,
    is_translation,
)
from minkops.sandbox.openai_rules_model import rules_model
from minkops.sandbox.twilio_api import StoredMessage, TwilioStandIn
from minkops.service import choose_engines
from minkops.settings import load_settings
from minkops.twilio_client import sign_twilio_request
from tests.actors.test_org_flow import twilio
from tests.http.conftest import (
    AUTH_TOKEN,
    PUBLIC_URL,
    inbound,
    stand_in_environment,
)

__all__ = ["twilio"]

ANA, JOHN, MARIE, PEDRO = "+34600000001", "+447700900006", "+33600000008", "+34600000005"
KEY = "sk-test-" + "t" * 24
WAIT = 15.0


@pytest.fixture
def openai_standin() -> Iterator[OpenAIStandIn]:
    with OpenAIStandInThread(KEY) as running:
        running.standin.answer_unscripted = rules_model  # reads like the rule engine
        yield running.standin


@dataclass
class Org:
    server: TestServer
    session: aiohttp.ClientSession
    twilio: TwilioStandIn
    openai: OpenAIStandIn
    database_url: str
    sent: int = 0

    async def say(self, text: str) -> None:
        self.sent += 1
        form = inbound(f"SM{self.sent:032x}", ANA, text)
        signature = sign_twilio_request(AUTH_TOKEN, PUBLIC_URL + "/twilio/whatsapp", form)
        url = self.server.make_url("/twilio/whatsapp")
        async with self.session.post(
            url, data=form, headers={"X-Twilio-Signature": signature}
        ) as r:
            assert r.status == 200, await r.text()

    async def to(self, phone: str, count: int = 1) -> list[StoredMessage]:
        return await asyncio.to_thread(
            self.twilio.wait_for_messages, lambda m: m.to == f"whatsapp:{phone}", count, WAIT
        )

    def spoken(self) -> list[str]:
        return [str((r.json or {}).get("input", "")) for r in self.openai.requests(SPEECH_PATH)]

    def translations_asked(self) -> int:
        return sum(1 for r in self.openai.requests(CHAT_PATH) if is_translation(r))

    async def execute(self, sql: str) -> None:
        connection = await asyncpg.connect(self.database_url)  # the owner: past RLS
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    async def openai_tokens_counted(self) -> int:
        connection = await asyncpg.connect(self.database_url)
        try:
            return int(
                await connection.fetchval("SELECT coalesce(sum(openai_tokens), 0) FROM usage_daily")
            )
        finally:
            await connection.close()

    async def reminder_translations(self) -> dict[str, str]:
        connection = await asyncpg.connect(self.database_url)
        try:
            raw = await connection.fetchval("SELECT translations FROM reminders")
        finally:
            await connection.close()
        return dict(json.loads(raw) if isinstance(raw, str) else raw)


async def start(
    database_url: str,
    pool: asyncpg.Pool,
    twilio: TwilioStandIn,
    openai_standin: OpenAIStandIn,
    tmp_data_dir: Path,
    *,
    openai_key: str,
) -> tuple[TestServer, Org]:
    overlay = tmp_data_dir / "test.toml"
    # Templates off: every row goes free-form, so the test sees the words themselves; the
    # scheduler looks again every half second for a reminder the test makes due.
    overlay.write_text("[reminders]\ntemplates = false\nmax_sleep_seconds = 0.5\n")
    settings = load_settings(
        stand_in_environment(
            twilio,
            tmp_data_dir,
            MINKOPS_CONFIG=str(overlay),
            OPENAI_API_KEY=openai_key,
            OPENAI_BASE_URL=openai_standin.base_url or "",
        )
    )
    created, _ = await admin.create_organization(
        pool, name="A", timezone="Europe/Madrid",
        owner=admin.NewMember("Ana García", ANA, "admin", "es", "text"),
    )  # fmt: skip
    await admin.add_members(
        pool,
        created.id,
        [
            admin.NewMember("John Smith", JOHN, "staff", "en", "voice"),
            admin.NewMember("Marie Dubois", MARIE, "staff", "fr", "voice"),
            admin.NewMember("Pedro Ruiz", PEDRO, "staff", "es", "voice"),
        ],
    )
    server = TestServer(make_app(settings, database_url, choose_engines(settings)))
    await server.start_server()
    return server, Org(server, aiohttp.ClientSession(), twilio, openai_standin, database_url)


@pytest.fixture(params=[KEY])
async def org(
    request: pytest.FixtureRequest,
    database_url: str,
    pool: asyncpg.Pool,
    twilio: TwilioStandIn,
    openai_standin: OpenAIStandIn,
    tmp_data_dir: Path,
) -> AsyncIterator[Org]:
    server, running = await start(
        database_url, pool, twilio, openai_standin, tmp_data_dir, openai_key=request.param
    )
    try:
        yield running
    finally:
        await running.session.close()
        await server.close()


async def test_a_task_for_an_english_voice_member_is_translated_in_text_and_voice(
    org: Org,
) -> None:
    await org.say("tarea para John: limpiar la nevera")
    (reply,) = await org.to(ANA)
    assert "limpiar la nevera" in reply.body  # Ana reads her own words
    (notice,) = await org.to(JOHN)
    assert notice.body.startswith("📋 New task #1 from Ana: clean the fridge")
    assert notice.media_urls, "a voice-delivery member gets a voice note"
    assert any("clean the fridge" in said for said in org.spoken())
    assert org.translations_asked() == 1
    # Reading and translating are counted together, once, with the turn (usage_daily).
    assert await org.openai_tokens_counted() == org.openai.billed_tokens(CHAT_PATH) > 0


async def test_same_language_asks_openai_for_no_translation(org: Org) -> None:
    await org.say("tarea para Pedro: limpiar la nevera")
    (notice,) = await org.to(PEDRO)
    assert "limpiar la nevera" in notice.body
    await org.to(ANA)
    assert org.translations_asked() == 0


async def test_openai_failing_sends_the_words_as_written_without_delay(org: Org) -> None:
    org.openai.script_chat(is_translation, Fault(status=400, message="bad"))
    await org.say("tarea para John: limpiar la nevera")
    (notice,) = await org.to(JOHN)
    assert notice.body.startswith("📋 New task #1 from Ana: limpiar la nevera")
    assert org.translations_asked() == 1


async def test_a_reminder_fires_with_its_stored_translation_and_no_openai_call(
    org: Org,
) -> None:
    await org.say("recuérdale a Marie mañana a las 9 revisar el horno")
    (confirmation,) = await org.to(ANA)
    assert "Recordatorio #1" in confirmation.body
    assert await org.reminder_translations() == {"fr": "vérifier le four"}
    asked = len(org.openai.requests(CHAT_PATH))
    await org.execute("UPDATE reminders SET next_fire_at = now(), once_at = now()")
    (fired,) = await org.to(MARIE)
    assert fired.body == "⏰ Rappel de Ana : vérifier le four"
    assert fired.media_urls and any("vérifier le four" in said for said in org.spoken())
    assert len(org.openai.requests(CHAT_PATH)) == asked  # firing asked OpenAI nothing


@pytest.mark.parametrize("org", [""], indirect=True)
async def test_without_an_openai_key_the_words_go_as_written(org: Org) -> None:
    await org.say("tarea para John: limpiar la nevera")
    (notice,) = await org.to(JOHN)
    assert notice.body.startswith("📋 New task #1 from Ana: limpiar la nevera")
    assert org.openai.requests() == []
