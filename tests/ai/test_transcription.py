"""Voice notes: transcription through the real SDK, and a whole note from Twilio to intent."""

from __future__ import annotations

import openai
import pytest

from minkops.ai.media import fetch_media
from minkops.ai.messages import voice_unavailable_reply
from minkops.ai.openai_understanding import OpenAIUnderstanding
from minkops.ai.transcription import Transcriber, TranscriptionUnavailable, audio_extension
from minkops.domain.intents import CreateReminder, Understood
from minkops.domain.rules import RuleEngine
from minkops.sandbox.openai_api import (
    CHAT_PATH,
    TRANSCRIPTION_PATH,
    Fault,
    OpenAIStandInThread,
    make_voice_note,
)
from minkops.sandbox.openai_rules_model import rules_model
from minkops.sandbox.twilio_api import TwilioStandIn, TwilioStandInThread
from minkops.sandbox.twilio_media_upload import upload_media
from minkops.settings import OpenAISettings
from tests.ai.conftest import FakeClock, make_context, make_settings

SPOKEN = "Recuérdame mañana a las 9 llamar al proveedor"
SID = "AC" + "3" * 32
TOKEN = "voice-token-0123456789abcdef"


@pytest.fixture(scope="module")
def voice_note() -> bytes:
    return make_voice_note(SPOKEN, "es")


@pytest.mark.parametrize(
    ("content_type", "extension"),
    [
        ("audio/ogg", "ogg"),
        ("audio/ogg; codecs=opus", "ogg"),
        ("audio/opus", "ogg"),
        ("audio/mpeg", "mp3"),
        ("audio/mp4", "m4a"),
        ("audio/aac", "aac"),
        ("audio/amr", "amr"),
        ("AUDIO/WAV", "wav"),
        ("image/jpeg", None),
    ],
)
def test_the_file_extension_follows_the_content_type(
    content_type: str, extension: str | None
) -> None:
    assert audio_extension(content_type) == extension


def test_transcribes_a_tagged_voice_note_with_a_language_hint(
    openai_server: OpenAIStandInThread,
    client: openai.OpenAI,
    settings: OpenAISettings,
    voice_note: bytes,
) -> None:
    text = Transcriber(client, settings).transcribe(voice_note, "audio/ogg; codecs=opus", "es-ES")

    assert text == SPOKEN
    [request] = openai_server.standin.requests(TRANSCRIPTION_PATH)
    assert request.file is not None and request.file.filename == "voice.ogg"
    assert request.file.data == voice_note
    assert request.form["model"] == "gpt-4o-mini-transcribe"
    assert request.form["language"] == "es"


def test_no_language_hint_when_the_language_is_unknown(
    openai_server: OpenAIStandInThread, client: openai.OpenAI, settings: OpenAISettings
) -> None:
    openai_server.standin.script_transcription(None, "hello")

    assert Transcriber(client, settings).transcribe(b"\x00" * 64, "audio/mpeg", None) == "hello"

    [request] = openai_server.standin.requests(TRANSCRIPTION_PATH)
    assert "language" not in request.form
    assert request.file is not None and request.file.filename == "voice.mp3"


@pytest.mark.parametrize("content_type", ["audio/amr", "audio/aac", "image/png"])
def test_formats_openai_cannot_take_are_refused_without_a_call(
    openai_server: OpenAIStandInThread,
    client: openai.OpenAI,
    settings: OpenAISettings,
    content_type: str,
) -> None:
    with pytest.raises(TranscriptionUnavailable):
        Transcriber(client, settings).transcribe(b"#!AMR\n" + b"\x00" * 64, content_type, "en")

    assert openai_server.standin.requests() == []


def test_failures_are_unavailable_and_open_the_circuit(
    openai_server: OpenAIStandInThread, client: openai.OpenAI, voice_note: bytes
) -> None:
    settings = make_settings(openai_server.base_url, circuit_failures=2)
    openai_server.standin.script_transcription(None, Fault.server_error())
    clock = FakeClock()
    transcriber = Transcriber(client, settings, clock=clock)

    for _ in range(3):
        with pytest.raises(TranscriptionUnavailable):
            transcriber.transcribe(voice_note, "audio/ogg", "es")

    assert len(openai_server.standin.requests(TRANSCRIPTION_PATH)) == 2  # the third: circuit open
    openai_server.standin.reset()
    clock.advance(settings.circuit_reset_seconds)
    assert transcriber.transcribe(voice_note, "audio/ogg", "es") == SPOKEN
    assert transcriber.circuit.state == "closed"


def test_untranscribable_audio_is_unavailable(
    client: openai.OpenAI, settings: OpenAISettings
) -> None:
    with pytest.raises(TranscriptionUnavailable):  # the stand-in's 400: not a tagged note
        Transcriber(client, settings).transcribe(b"OggS" + b"\x00" * 64, "audio/ogg", "en")


def test_the_reply_to_an_untranscribable_note_asks_for_text() -> None:
    assert "write" in voice_unavailable_reply("en")
    assert "escribir" in voice_unavailable_reply("es")
    assert "écrire" in voice_unavailable_reply("fr")
    # A language we do not speak reads English.
    assert voice_unavailable_reply("de") == voice_unavailable_reply("en")


def test_a_voice_note_from_whatsapp_is_understood_like_text(voice_note: bytes) -> None:
    """Twilio media URL → fetch (auth, redirect) → transcribe → understand, all in memory."""
    twilio = TwilioStandInThread(TwilioStandIn(SID, TOKEN))
    with twilio, OpenAIStandInThread("sk-voice-test") as server:
        server.standin.answer_unscripted = rules_model
        settings = make_settings(server.base_url, api_key="sk-voice-test")
        media_url = upload_media(twilio.base_url, SID, TOKEN, voice_note, "audio/ogg")
        with openai.OpenAI(api_key="sk-voice-test", base_url=server.base_url) as client:
            media = fetch_media(media_url, SID, TOKEN, max_bytes=1 << 20, timeout=5)
            transcript = Transcriber(client, settings).transcribe(
                media.data, media.content_type, "es"
            )
            understood = OpenAIUnderstanding(
                client, settings, RuleEngine(), clock=FakeClock()
            ).understand(transcript, make_context(role="staff", language="es"))
        [chat] = server.standin.requests(CHAT_PATH)

    assert understood == Understood(
        language="es",
        intent=CreateReminder.model_validate(
            {
                "text": "llamar al proveedor",
                "recipients": ["me"],
                "at": "2025-03-28T09:00:00+01:00",
            }
        ),
    )
    assert chat.last_user_text == SPOKEN
