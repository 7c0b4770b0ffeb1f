"""What reading a message cost (OpenAI tokens, seconds of audio) lands in usage_daily once.

Real parts: PostgreSQL, the real openai SDK against the OpenAI stand-in (which says what it
billed, as OpenAI's `usage` does), the Twilio stand-in for the voice note's media.
"""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from aiohttp.test_utils import TestServer

from minkops import admin
from minkops.actors.directory import LiveCount
from minkops.actors.messages import Deliver, Housekeeping
from minkops.domain.inbound import InboundMessage
from minkops.http.app import make_app
from minkops.http.keys import ACTORS
from minkops.sandbox.openai_api import OpenAIStandIn, OpenAIStandInThread, tag_transcript
from minkops.sandbox.openai_rules_model import rules_model
from minkops.sandbox.twilio_api import TwilioStandIn
from minkops.service import choose_engines
from minkops.settings import load_settings
from minkops.store.inbox import InboxRow
from minkops.twilio_client import sign_twilio_request
from tests.actors.test_org_flow import twilio
from tests.http.conftest import (
    AUTH_TOKEN,
    PUBLIC_URL,
    inbound,
    stand_in_environment,
)

__all__ = ["twilio"]  # the fixture, shared with test_org_flow

ANA = "+34600000001"
KEY = "sk-test-" + "u" * 24
WAIT = 15.0
CHAT, TRANSCRIPTIONS = "/v1/chat/completions", "/v1/audio/transcriptions"


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
    org_id: int

    async def post(self, form: dict[str, str]) -> None:
        signature = sign_twilio_request(AUTH_TOKEN, PUBLIC_URL + "/twilio/whatsapp", form)
        url = self.server.make_url("/twilio/whatsapp")
        async with self.session.post(
            url, data=form, headers={"X-Twilio-Signature": signature}
        ) as r:
            assert r.status == 200, await r.text()

    async def replies(self, count: int) -> list[str]:
        messages = await asyncio.to_thread(
            self.twilio.wait_for_messages, lambda m: m.to == f"whatsapp:{ANA}", count, WAIT
        )
        return [m.body for m in messages]

    async def query(self, sql: str, *args: object) -> asyncpg.Record | None:
        connection = await asyncpg.connect(self.database_url)  # the owner: past RLS
        try:
            return await connection.fetchrow(sql, *args)
        finally:
            await connection.close()

    async def usage(self) -> tuple[int, int, int]:
        """(transcription_seconds, openai_tokens, messages_in) summed over the days."""
        row = await self.query(
            "SELECT coalesce(sum(transcription_seconds), 0)::int AS s,"
            " coalesce(sum(openai_tokens), 0)::int AS t, coalesce(sum(messages_in), 0)::int AS m"
            " FROM usage_daily WHERE org_id = $1",
            self.org_id,
        )
        assert row is not None
        return row["s"], row["t"], row["m"]

    async def live_orgs(self) -> int:
        directory = self.server.app[ACTORS].directory
        return int(await asyncio.to_thread(directory.ask, LiveCount(), 5))


@pytest.fixture
async def org(
    database_url: str,
    pool: asyncpg.Pool,
    twilio: TwilioStandIn,
    openai_standin: OpenAIStandIn,
    tmp_data_dir: Path,
) -> AsyncIterator[Org]:
    overlay = tmp_data_dir / "test.toml"
    # Passivate anything idle at the next housekeeping, which only the test triggers.
    overlay.write_text(
        "[actors]\nidle_timeout_seconds = 0.001\nhousekeeping_interval_seconds = 3600\n"
    )
    settings = load_settings(
        stand_in_environment(
            twilio,
            tmp_data_dir,
            MINKOPS_CONFIG=str(overlay),
            OPENAI_API_KEY=KEY,
            OPENAI_BASE_URL=openai_standin.base_url or "",
        )
    )
    created, _ = await admin.create_organization(
        pool, name="A", timezone="Europe/Madrid",
        owner=admin.NewMember("Ana García", ANA, "admin", "es", "text"),
    )  # fmt: skip
    # The service's own engines: OpenAI reading, Twilio media fetching, OpenAI transcription.
    server = TestServer(make_app(settings, database_url, choose_engines(settings)))
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as session:
            yield Org(server, session, twilio, openai_standin, database_url, created.id)
    finally:
        await server.close()


def sine_voice_note(seconds: float, says: str) -> bytes:
    """A mono Ogg Opus note of exactly `seconds` (a tone), that the stand-in reads as `says`."""
    made = subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
         "-i", f"sine=frequency=440:duration={seconds}", "-ac", "1", "-c:a", "libopus",
         "-f", "ogg", "pipe:1"],
        capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    return tag_transcript(made.stdout, says)


async def test_a_voice_note_adds_its_seconds_and_tokens_once(org: Org) -> None:
    note = sine_voice_note(3.2, "tareas")
    media_url = org.twilio.add_media(note, "audio/ogg")
    form = inbound("SM" + "a" * 32, ANA, "", NumMedia="1", MediaUrl0=media_url)
    form["MediaContentType0"] = "audio/ogg"
    await org.post(form)
    (reply,) = await org.replies(1)
    assert "tarea" in reply.lower()
    # gpt-4o-mini-transcribe bills tokens, not seconds: the length is read from the Ogg pages.
    billed = org.openai.billed_tokens()
    assert org.openai.billed(TRANSCRIPTIONS) and org.openai.billed(CHAT)
    assert await org.usage() == (math.ceil(3.2), billed, 1)

    # Twilio delivers it again: acknowledged, neither read nor counted again.
    await org.post(form)
    await asyncio.sleep(0.5)
    assert len(org.openai.requests(TRANSCRIPTIONS)) == 1
    assert await org.usage() == (4, billed, 1)

    # An admin's "usage" shows what the month cost besides the caps.
    await org.post(inbound("SM" + "c" * 32, ANA, "uso"))
    _, usage = await org.replies(2)
    assert "• notas de voz transcritas: 0,1 min" in usage
    assert "• lectura con IA: " in usage and " tokens" in usage


async def test_tokens_count_once_even_when_a_redelivered_message_is_read_again(
    org: Org,
) -> None:
    sid = "SM" + "b" * 32
    await org.post(inbound(sid, ANA, "tareas"))
    await org.replies(1)
    first = org.openai.billed_tokens(CHAT)
    assert first > 0
    assert await org.usage() == (0, first, 1)

    # A fresh incarnation of the org actor (passivated meanwhile) is handed the same row
    # again, as a redelivery racing the first commit would: it reads it (OpenAI is paid
    # twice) but the inbox row is processed, so the turn and its count roll back.
    org.server.app[ACTORS].directory.tell(Housekeeping())
    for _ in range(200):
        if await org.live_orgs() == 0:
            break
        await asyncio.sleep(0.02)
    assert await org.live_orgs() == 0, "the idle org actor was not passivated"
    record = await org.query(
        "SELECT id, org_id, message, received_at FROM inbox WHERE message_sid = $1", sid
    )
    assert record is not None
    row = InboxRow(
        record["id"],
        record["org_id"],
        InboundMessage.from_json(json.loads(record["message"])),  # jsonb: text to the owner
        record["received_at"],
    )
    org.server.app[ACTORS].directory.tell(Deliver(row))
    await asyncio.to_thread(org.openai.wait_for_requests, 2, CHAT, timeout=WAIT)
    await asyncio.sleep(0.5)  # its commit, had it counted
    assert len(org.openai.billed(CHAT)) == 2  # read, and paid for, twice
    assert await org.usage() == (0, first, 1)  # counted once
    assert len(org.twilio.messages()) == 1  # and answered once
