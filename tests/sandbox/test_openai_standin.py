"""The OpenAI stand-in, driven by the real openai SDK.

Speech tests need espeak-ng and ffmpeg on the machine (Debian packages of the same names).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai
import pydantic
import pytest
from openai import AsyncOpenAI, OpenAI
from openai.types.shared_params import ResponseFormatJSONSchema

from minkops import speech
from minkops.sandbox.openai_api import (
    CHAT_PATH,
    SPEECH_PATH,
    TRANSCRIPTION_PATH,
    Fault,
    OpenAIStandIn,
    OpenAIStandInThread,
    Refusal,
    main,
    tag_transcript,
)
from minkops.sandbox.openai_ogg import iter_pages, read_ogg, read_transcript

KEY = "sk-test-standin-key"


class Intent(pydantic.BaseModel):
    action: str
    names: list[str]


@pytest.fixture
def server() -> Iterator[OpenAIStandInThread]:
    with OpenAIStandInThread(KEY, speech_language="es") as running:
        yield running


@pytest.fixture
def client(server: OpenAIStandInThread) -> Iterator[OpenAI]:
    with OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0, timeout=20) as sdk:
        yield sdk


@pytest.fixture(scope="module")
def spoken_note() -> bytes:
    return speech.synthesize_ogg_opus("Hola, ya terminé de limpiar la cocina", "es")


def _ask(client: OpenAI, text: str) -> openai.types.chat.ParsedChatCompletion[Intent]:
    return client.chat.completions.parse(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": "Timezone: Europe/Madrid. Staff: Ana, Luis."},
            {"role": "user", "content": text},
        ],
        response_format=Intent,
    )


def test_structured_output_parses_into_the_pydantic_model(
    server: OpenAIStandInThread, client: OpenAI
) -> None:
    server.standin.script_chat("add Marta", {"action": "add_member", "names": ["Marta"]})

    completion = _ask(client, "please add Marta")

    assert completion.choices[0].message.parsed == Intent(action="add_member", names=["Marta"])
    assert completion.choices[0].message.refusal is None
    assert completion.usage is not None and completion.usage.total_tokens > 0
    [request] = server.standin.requests(CHAT_PATH)
    assert "Europe/Madrid" in request.prompt_text
    assert request.last_user_text == "please add Marta"
    assert request.json is not None
    assert request.json["response_format"]["json_schema"]["strict"] is True


def test_scripts_are_tried_in_order_and_matchers_may_be_callables(
    server: OpenAIStandInThread, client: OpenAI
) -> None:
    server.standin.script_chat("Marta", {"action": "first", "names": []}, times=1)
    server.standin.script_chat(
        lambda request: "Luis" in request.prompt_text, {"action": "later", "names": []}
    )

    assert [_ask(client, "Marta").choices[0].message.parsed for _ in range(2)] == [
        Intent(action="first", names=[]),
        Intent(action="later", names=[]),
    ]


def test_refusal_reaches_the_sdk_as_refusal(server: OpenAIStandInThread, client: OpenAI) -> None:
    server.standin.script_chat(None, Refusal("I can't help with that."))

    message = _ask(client, "anything").choices[0].message

    assert message.refusal == "I can't help with that."
    assert message.parsed is None


def test_rate_limit_is_retried_by_the_sdk(server: OpenAIStandInThread) -> None:
    server.standin.script_chat("Ana", Fault.rate_limit(retry_after_ms=20), times=1)
    server.standin.script_chat("Ana", {"action": "assign", "names": ["Ana"]})

    with OpenAI(base_url=server.base_url, api_key=KEY, max_retries=2) as retrying:
        completion = _ask(retrying, "give Ana the task")

    assert completion.choices[0].message.parsed == Intent(action="assign", names=["Ana"])
    assert len(server.standin.requests(CHAT_PATH)) == 2


def test_rate_limit_without_retries_raises(server: OpenAIStandInThread, client: OpenAI) -> None:
    server.standin.script_chat(None, Fault.rate_limit())

    with pytest.raises(openai.RateLimitError) as caught:
        _ask(client, "hello")

    assert caught.value.code == "rate_limit_exceeded"


def test_slow_answer_times_out_in_the_client(server: OpenAIStandInThread) -> None:
    server.standin.script_chat(None, {"action": "late", "names": []}, delay=30)

    with (
        OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0, timeout=0.3) as impatient,
        pytest.raises(openai.APITimeoutError),
    ):
        _ask(impatient, "hello")

    started = time.monotonic()
    server.stop()  # must not wait out the 30 s handler
    assert time.monotonic() - started < 5


def test_wrong_key_is_an_authentication_error(server: OpenAIStandInThread) -> None:
    server.standin.script_chat(None, {"action": "x", "names": []})

    with (
        OpenAI(base_url=server.base_url, api_key="sk-wrong-key", max_retries=0) as wrong,
        pytest.raises(openai.AuthenticationError) as caught,
    ):
        _ask(wrong, "hello")

    assert caught.value.code == "invalid_api_key"
    assert server.standin.requests() == []


def test_unscripted_request_is_a_bad_request(server: OpenAIStandInThread, client: OpenAI) -> None:
    server.standin.script_chat("something else", {"action": "x", "names": []})

    with pytest.raises(openai.BadRequestError) as caught:
        _ask(client, "hello")

    assert caught.value.code == "standin_unscripted"
    assert "hello" in caught.value.message


def test_strict_schema_breaking_the_rules_is_rejected(
    server: OpenAIStandInThread, client: OpenAI
) -> None:
    server.standin.script_chat(None, {"a": "b"})
    loose: ResponseFormatJSONSchema = {
        "type": "json_schema",
        "json_schema": {
            "name": "Loose",
            "strict": True,
            "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
        },
    }

    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "hi"}],
            response_format=loose,
        )

    assert "additionalProperties" in caught.value.message


def test_reset_forgets_scripts_and_requests(server: OpenAIStandInThread, client: OpenAI) -> None:
    server.standin.script_chat(None, {"action": "x", "names": []})
    _ask(client, "hello")

    server.standin.reset()

    assert server.standin.requests() == []
    with pytest.raises(openai.BadRequestError):
        _ask(client, "hello")


def test_limited_script_answers_exactly_that_often_under_concurrency(
    server: OpenAIStandInThread, client: OpenAI
) -> None:
    server.standin.script_chat(None, {"action": "once", "names": []}, times=5)

    def attempt(_: int) -> bool:
        try:
            _ask(client, "hello")
        except openai.BadRequestError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(16)))

    assert outcomes.count(True) == 5
    assert len(server.standin.requests(CHAT_PATH)) == 16


def test_unknown_endpoint_is_not_found(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.models.list()

    assert caught.value.body == {
        "message": "Invalid URL (GET /v1/models)",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }


def test_transcribes_a_tagged_voice_note(
    server: OpenAIStandInThread, client: OpenAI, spoken_note: bytes
) -> None:
    note = tag_transcript(spoken_note, "Hola, ya terminé de limpiar la cocina")

    result = client.audio.transcriptions.create(
        model="gpt-4o-mini-transcribe", file=("voice.ogg", note, "audio/ogg"), language="es"
    )

    assert result.text == "Hola, ya terminé de limpiar la cocina"
    [request] = server.standin.requests(TRANSCRIPTION_PATH)
    assert request.form["language"] == "es"
    assert request.file is not None and request.file.filename == "voice.ogg"


def test_verbose_transcription_reports_the_real_duration(
    client: OpenAI, spoken_note: bytes
) -> None:
    note = tag_transcript(spoken_note, "hola")

    result = client.audio.transcriptions.create(
        model="whisper-1",
        file=("voice.ogg", note),
        language="es",
        response_format="verbose_json",
    )

    assert result.text == "hola"
    assert result.language == "spanish"
    assert result.duration == pytest.approx(read_ogg(spoken_note).duration, abs=0.01)
    assert result.duration > 0.5


def test_transcription_needs_a_filename_extension(client: OpenAI, spoken_note: bytes) -> None:
    note = tag_transcript(spoken_note, "hola")

    with pytest.raises(openai.BadRequestError) as caught:
        client.audio.transcriptions.create(model="whisper-1", file=note)  # sent as "upload"

    assert caught.value.param == "file"


def test_untagged_audio_needs_a_script(
    server: OpenAIStandInThread, client: OpenAI, spoken_note: bytes
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.audio.transcriptions.create(model="whisper-1", file=("a.ogg", spoken_note))
    assert caught.value.code == "standin_untranscribable"

    server.standin.script_transcription(hashlib.sha256(spoken_note).hexdigest(), "scripted")
    result = client.audio.transcriptions.create(
        model="whisper-1", file=("a.ogg", spoken_note), response_format="text"
    )
    assert result == "scripted\n"


def test_transcription_faults_are_scriptable(
    server: OpenAIStandInThread, client: OpenAI, spoken_note: bytes
) -> None:
    server.standin.script_transcription(spoken_note, Fault.server_error())

    with pytest.raises(openai.InternalServerError):
        client.audio.transcriptions.create(model="whisper-1", file=("a.ogg", spoken_note))


def test_speech_is_real_ogg_opus(server: OpenAIStandInThread, client: OpenAI) -> None:
    audio = client.audio.speech.create(
        model="gpt-4o-mini-tts",
        voice="alloy",
        input="Tienes una tarea nueva",
        response_format="opus",
    ).content

    assert audio.startswith(b"OggS")
    first_page = next(iter_pages(audio))
    assert first_page.body.startswith(b"OpusHead")
    info = read_ogg(audio)
    assert info.codec == "opus" and info.duration > 0.5
    assert read_transcript(audio) == "Tienes una tarea nueva"
    assert server.standin.requests(SPEECH_PATH)[0].json == {
        "model": "gpt-4o-mini-tts",
        "voice": "alloy",
        "input": "Tienes una tarea nueva",
        "response_format": "opus",
    }


def test_speech_input_is_limited_to_4096_characters(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input="a" * 4097)

    assert caught.value.code == "string_above_max_length"


def test_speech_without_espeak_is_a_503_naming_the_tool(
    server: OpenAIStandInThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_which = shutil.which
    monkeypatch.setattr(
        "minkops.speech.shutil.which",
        lambda name: None if name == "espeak-ng" else real_which(name),
    )

    with (
        OpenAI(base_url=server.base_url, api_key=KEY, max_retries=2) as retrying,
        pytest.raises(openai.InternalServerError) as caught,
    ):
        retrying.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input="hola")

    assert caught.value.status_code == 503
    assert "espeak-ng" in caught.value.message
    assert len(server.standin.requests(SPEECH_PATH)) == 1  # told the SDK not to retry


def test_tag_transcript_repaginates_a_long_header(spoken_note: bytes) -> None:
    text = "larga " * 20_000  # 120 kB: the OpusTags packet spans two pages

    tagged = tag_transcript(tag_transcript(spoken_note, "short"), text)

    pages = list(iter_pages(tagged))  # checks every page's CRC
    assert [page.sequence for page in pages] == list(range(len(pages)))
    assert len(pages) == len(list(iter_pages(spoken_note))) + 1
    assert read_transcript(tagged) == text
    assert read_ogg(tagged).comments.values("MINKOPS_TRANSCRIPT") == [text]
    assert b"".join(p.body for p in pages[3:]) == b"".join(
        p.body for p in list(iter_pages(spoken_note))[2:]
    )


def test_tagged_note_still_decodes_with_ffmpeg(spoken_note: bytes, tmp_path: Path) -> None:
    path = tmp_path / "note.ogg"
    path.write_bytes(tag_transcript(spoken_note, "x" * 70_000))

    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        check=False,
    )

    assert decoded.returncode == 0, decoded.stderr
    assert decoded.stderr == b""


def test_make_voice_note_command(tmp_path: Path) -> None:
    output = tmp_path / "note.ogg"

    assert main(["make-voice-note", "Añade a Marta", "--language", "es", "-o", str(output)]) == 0

    assert read_transcript(output.read_bytes()) == "Añade a Marta"


async def test_async_client_against_a_stand_in_on_the_test_loop() -> None:
    standin = OpenAIStandIn(KEY)
    base_url = await standin.start()
    try:
        standin.script_chat("hola", {"action": "greet", "names": []})
        async with AsyncOpenAI(base_url=base_url, api_key=KEY, max_retries=0) as sdk:
            completion = await sdk.chat.completions.parse(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": "hola"}],
                response_format=Intent,
            )
        assert completion.choices[0].message.parsed == Intent(action="greet", names=[])
    finally:
        await standin.stop()
