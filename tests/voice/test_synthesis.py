"""Voice notes out: real espeak-ng/ffmpeg output checked with ffprobe, OpenAI TTS against the
stand-in, and the fall back from one to the other."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import openai
import pytest

from minkops import speech
from minkops.sandbox.openai_api import SPEECH_PATH, Fault, OpenAIStandInThread
from minkops.sandbox.openai_ogg import read_transcript
from minkops.settings import OpenAISettings, load_settings
from minkops.voice import (
    FALLBACK_VOICE,
    InvalidAudio,
    LocalSynthesizer,
    OpenAISynthesizer,
    SynthesisUnavailable,
    espeak_voice,
    inspect_audio,
    make_synthesizer,
    speakable_text,
)
from minkops.voice.espeak import parse_voices
from tests.voice.conftest import ffprobe

SPANISH = (
    "Recordatorio: limpiar la nevera y revisar el inventario del almacén antes de las diez "
    "de la mañana. Por favor, confirma cuando esté hecho. "
)
WHATSAPP_INLINE_LIMIT = 512 * 1024  # above this WhatsApp shows a download arrow, not play


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _stream(probe: dict[str, Any]) -> dict[str, Any]:
    streams = probe["streams"]
    assert len(streams) == 1
    stream: dict[str, Any] = streams[0]
    return stream


# Local: espeak-ng through ffmpeg ----------------------------------------------------------------


def test_local_opus_is_48khz_mono_opus_in_ogg(tmp_path: Path) -> None:
    audio = LocalSynthesizer(60).synthesize(SPANISH, "es", audio_format="opus")

    probe = ffprobe(audio.data, tmp_path)
    stream = _stream(probe)
    assert probe["format"]["format_name"] == "ogg"
    assert stream["codec_name"] == "opus"
    assert stream["channels"] == 1
    assert stream["sample_rate"] == "48000"
    assert audio.content_type == "audio/ogg"
    assert audio.duration_seconds == pytest.approx(float(probe["format"]["duration"]), abs=0.1)
    assert 4 < audio.duration_seconds < 15


def test_local_mp3_is_mono_mpeg_layer_3(tmp_path: Path) -> None:
    audio = LocalSynthesizer(60).synthesize(SPANISH, "es", audio_format="mp3")

    probe = ffprobe(audio.data, tmp_path)
    stream = _stream(probe)
    assert probe["format"]["format_name"] == "mp3"
    assert stream["codec_name"] == "mp3"
    assert stream["channels"] == 1
    assert audio.content_type == "audio/mpeg"
    assert audio.duration_seconds == pytest.approx(float(probe["format"]["duration"]), abs=0.1)


@pytest.mark.parametrize("audio_format", ["opus", "mp3"])
def test_a_minute_of_speech_stays_under_whatsapps_inline_limit(audio_format: Any) -> None:
    # max_note_seconds is raised so the text is long enough for a full minute.
    audio = LocalSynthesizer(120).synthesize(SPANISH * 20, "es", audio_format=audio_format)

    assert audio.duration_seconds > 60
    per_minute = audio.size / audio.duration_seconds * 60
    assert per_minute < WHATSAPP_INLINE_LIMIT * (0.4 if audio_format == "opus" else 0.75)


def test_long_text_is_cut_to_about_max_note_seconds() -> None:
    audio = LocalSynthesizer(10).synthesize(SPANISH * 20, "es", audio_format="opus")

    assert 3 < audio.duration_seconds <= 10


def test_text_that_speaks_longer_than_it_reads_is_sped_up() -> None:
    # Digits speak longer than their characters: "12" is "doce". This text takes ~14 s at
    # espeak-ng's normal speed, within what speeding up can fix.
    text = "Sala 12, mesa 3. " * 10

    audio = LocalSynthesizer(10).synthesize(text, "es", audio_format="opus")

    assert 7 < audio.duration_seconds < 9.95  # all of it said, faster; not cut at 10 s


def test_speech_still_too_long_when_sped_up_is_cut_at_max_note_seconds() -> None:
    # ~64 s at normal speed: "987654" is "novecientos ochenta y siete mil seiscientos ...".
    numbers = " ".join(str(n) for n in range(987_654, 987_700))

    audio = LocalSynthesizer(10).synthesize(numbers, "es", audio_format="opus")

    assert 9.9 <= audio.duration_seconds <= 10.05  # the last Opus frame may add ≤ 20 ms


def test_language_without_an_espeak_voice_falls_back_to_english(tmp_path: Path) -> None:
    synthesizer = LocalSynthesizer(60)

    audio = synthesizer.synthesize("Sawubona, umsebenzi wakho", "zu", audio_format="opus")

    assert synthesizer.voice_for("zu") == FALLBACK_VOICE == "en"
    assert _stream(ffprobe(audio.data, tmp_path))["codec_name"] == "opus"


@pytest.mark.parametrize(
    ("language", "voice"),
    [
        ("es", "es"),
        ("es-MX", "es-mx"),  # espeak-ng lists es-mx as another name of es-419
        ("pt_BR", "pt-br"),
        ("pt-PT", "pt"),  # no pt-pt voice: the primary language
        ("iw", "he"),  # the retired code for Hebrew
        ("zu", "en"),
        ("", "en"),
        ("../../etc/passwd", "en"),
    ],
)
def test_espeak_voice_resolution(language: str, voice: str) -> None:
    installed = parse_voices(
        "Pty Language       Age/Gender VoiceName          File                 Other Languages\n"
        " 5  en              --/M      English            gmw/en\n"
        " 5  es              --/M      Spanish_(Spain)    roa/es\n"
        " 5  es-419          --/M      Spanish_(Latin_America) roa/es-419  (es-mx 6)\n"
        " 5  he              --/M      Hebrew             sem/he\n"
        " 5  pt              --/F      Portuguese_(Portugal) roa/pt     (pt-pt 5)\n"
        " 5  pt-br           --/M      Portuguese_(Brazil) roa/pt-BR     (pt 6)\n"
    )
    if language == "pt-PT":
        installed -= {"pt-pt"}

    assert espeak_voice(language, installed) == voice


def test_installed_voices_come_from_espeak() -> None:
    voices = LocalSynthesizer(60).installed_voices()

    assert {"en", "es", "pt-br", "fr", "de"} <= voices
    assert "zu" not in voices


def test_missing_espeak_is_synthesis_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(
        "minkops.speech.shutil.which",
        lambda name: None if name == "espeak-ng" else real_which(name),
    )

    with pytest.raises(SynthesisUnavailable, match="espeak-ng"):
        LocalSynthesizer(60, voices=frozenset({"es"})).synthesize("hola", "es", audio_format="opus")


def test_empty_text_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="nothing to say"):
        LocalSynthesizer(60).synthesize(" \n\t ", "es", audio_format="opus")


# How much text --------------------------------------------------------------------------------


def test_speakable_text_collapses_whitespace_and_keeps_short_text() -> None:
    assert speakable_text("  hola\n\n  mundo ", 60) == "hola mundo"


def test_speakable_text_prefers_a_whole_sentence() -> None:
    text = "Primera frase completa aquí. " * 10

    spoken = speakable_text(text, 10)  # 140 characters

    assert spoken.endswith("aquí.")
    assert len(spoken) <= 140  # 10 s at 14 characters a second


def test_speakable_text_cuts_at_a_word_and_says_so() -> None:
    text = "palabra " * 100

    spoken = speakable_text(text, 10)

    assert spoken.endswith("palabra…")
    assert len(spoken) <= 140  # 10 s at 14 characters a second


def test_speakable_text_never_exceeds_openais_input_limit() -> None:
    assert len(speakable_text("a" * 10_000, 600)) <= 4096


# Checking audio -------------------------------------------------------------------------------


def test_inspect_audio_rejects_what_is_not_the_format_named() -> None:
    opus = speech.synthesize_ogg_opus("hola", "es")
    wav = speech.synthesize_wav("hola", "es")

    with pytest.raises(InvalidAudio):
        inspect_audio(b"<html>oops</html>", "opus")
    with pytest.raises(InvalidAudio):
        inspect_audio(opus, "mp3")
    with pytest.raises(InvalidAudio):
        inspect_audio(opus[: len(opus) // 2], "opus")  # a cut-off download
    with pytest.raises(InvalidAudio):
        inspect_audio(speech.encode_audio(wav, "mp3"), "opus")


def test_inspect_audio_rejects_stereo_opus() -> None:
    wav = speech.synthesize_wav("hola", "es")
    encode = ["-f", "wav", "-i", "pipe:0", "-ac", "2", "-c:a", "libopus", "-f", "ogg", "pipe:1"]
    stereo = subprocess.run(
        ["ffmpeg", "-v", "error", *encode],
        input=wav,
        capture_output=True,
        check=True,
    ).stdout

    with pytest.raises(InvalidAudio, match="mono"):
        inspect_audio(stereo, "opus")


# OpenAI TTS against the stand-in --------------------------------------------------------------


@pytest.mark.parametrize(("audio_format", "codec"), [("opus", "opus"), ("mp3", "mp3")])
def test_openai_speech_through_the_stand_in(
    openai_server: OpenAIStandInThread,
    client: openai.OpenAI,
    settings: OpenAISettings,
    tmp_path: Path,
    audio_format: Any,
    codec: str,
) -> None:
    synthesizer = OpenAISynthesizer(
        client, settings, voice="alloy", max_note_seconds=60, fallback=None
    )

    audio = synthesizer.synthesize("Tienes una tarea nueva", "es", audio_format=audio_format)

    assert _stream(ffprobe(audio.data, tmp_path))["codec_name"] == codec
    assert audio.duration_seconds > 0.5
    assert openai_server.standin.requests(SPEECH_PATH)[0].json == {
        "model": "gpt-4o-mini-tts",
        "voice": "alloy",
        "input": "Tienes una tarea nueva",
        "response_format": audio_format,
    }
    if audio_format == "opus":  # the stand-in's mark: this came from the API, not espeak here
        assert read_transcript(audio.data) == "Tienes una tarea nueva"


def test_openai_gets_text_cut_to_max_note_seconds(
    openai_server: OpenAIStandInThread, client: openai.OpenAI, settings: OpenAISettings
) -> None:
    synthesizer = OpenAISynthesizer(
        client, settings, voice="alloy", max_note_seconds=10, fallback=None
    )

    synthesizer.synthesize(SPANISH * 50, "es", audio_format="opus")

    sent = openai_server.standin.requests(SPEECH_PATH)[0].json
    assert sent is not None and len(sent["input"]) <= 140


def test_openai_failure_falls_back_to_espeak(
    openai_server: OpenAIStandInThread, client: openai.OpenAI, settings: OpenAISettings
) -> None:
    openai_server.standin.script_speech(None, Fault.server_error())
    synthesizer = OpenAISynthesizer(
        client, settings, voice="alloy", max_note_seconds=60, fallback=LocalSynthesizer(60)
    )

    audio = synthesizer.synthesize("Tienes una tarea nueva", "es", audio_format="opus")

    assert len(openai_server.standin.requests(SPEECH_PATH)) == 1
    assert read_transcript(audio.data) is None  # made here by espeak-ng, not by the stand-in
    assert audio.content_type == "audio/ogg" and audio.duration_seconds > 0.5
    assert synthesizer.circuit.state == "closed"  # one failure of two


def test_open_circuit_goes_straight_to_espeak(
    openai_server: OpenAIStandInThread, client: openai.OpenAI, settings: OpenAISettings
) -> None:
    openai_server.standin.script_speech(None, Fault.server_error())
    clock = FakeClock()
    synthesizer = OpenAISynthesizer(
        client,
        settings,
        voice="alloy",
        max_note_seconds=60,
        fallback=LocalSynthesizer(60),
        clock=clock,
    )
    for _ in range(2):  # circuit_failures = 2
        synthesizer.synthesize("uno", "es", audio_format="opus")
    assert synthesizer.circuit.state == "open"

    audio = synthesizer.synthesize("dos", "es", audio_format="mp3")

    assert len(openai_server.standin.requests(SPEECH_PATH)) == 2  # the third never went out
    assert audio.content_type == "audio/mpeg"

    openai_server.standin.reset()  # OpenAI recovers; after the reset period one probe goes out
    clock.now += settings.circuit_reset_seconds
    audio = synthesizer.synthesize("tres", "es", audio_format="opus")
    assert read_transcript(audio.data) == "tres"
    assert synthesizer.circuit.state == "closed"


def test_unusable_audio_from_openai_falls_back(settings: OpenAISettings) -> None:
    class Response:
        content = b"<html>gateway error</html>"

    class Speech:
        def create(self, **_: object) -> Response:
            return Response()

    class Audio:
        speech = Speech()

    class Client:
        audio = Audio()

    synthesizer = OpenAISynthesizer(
        Client(),  # type: ignore[arg-type]
        settings,
        voice="alloy",
        max_note_seconds=60,
        fallback=LocalSynthesizer(60),
    )

    audio = synthesizer.synthesize("hola", "es", audio_format="opus")

    assert audio.data.startswith(b"OggS")


def test_failure_without_fallback_is_synthesis_unavailable(
    openai_server: OpenAIStandInThread, client: openai.OpenAI, settings: OpenAISettings
) -> None:
    openai_server.standin.script_speech(None, Fault.server_error())
    synthesizer = OpenAISynthesizer(
        client, settings, voice="alloy", max_note_seconds=60, fallback=None
    )

    with pytest.raises(SynthesisUnavailable):
        synthesizer.synthesize("hola", "es", audio_format="opus")


# Settings and wiring --------------------------------------------------------------------------


def test_voice_settings_defaults() -> None:
    voice = load_settings({}).voice

    assert voice.audio_format == "opus"
    assert voice.media_lifetime_seconds == 3600
    assert voice.openai_voice == "alloy"
    assert voice.max_note_seconds == 60


def test_audio_format_is_opus_or_mp3(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text('[voice]\naudio_format = "wav"\n')

    with pytest.raises(Exception, match=r"voice\.audio_format"):
        load_settings({"MINKOPS_CONFIG": str(extra)})


def test_make_synthesizer_uses_openai_only_with_a_key(settings: OpenAISettings) -> None:
    voice = load_settings({}).voice

    assert isinstance(make_synthesizer(settings, voice), OpenAISynthesizer)
    assert isinstance(
        make_synthesizer(settings.model_copy(update={"api_key": ""}), voice), LocalSynthesizer
    )
