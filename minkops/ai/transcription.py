"""Voice note → text with OpenAI's transcription API; the audio lives only in memory."""

from __future__ import annotations

import math
import re
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openai

from minkops.ai.circuit import CircuitBreaker
from minkops.logs import get_logger
from minkops.settings import OpenAISettings
from minkops.voice._audio import InvalidAudio, mp3_duration, ogg_opus_duration

log = get_logger(__name__)

# The API decides the format from the file name's extension, so it must be right.
_EXTENSIONS: dict[str, str] = {
    "audio/ogg": "ogg",
    "audio/opus": "ogg",
    "application/ogg": "ogg",
    "audio/webm": "webm",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mpeg3": "mp3",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/m4a": "m4a",
    "video/mp4": "mp4",
    "audio/aac": "aac",
    "audio/x-aac": "aac",
    "audio/amr": "amr",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
}
# What OpenAI's transcription endpoint accepts; AAC (ADTS) and AMR are not among them.
ACCEPTED_EXTENSIONS = frozenset(
    {"flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"}
)
_LANGUAGE = re.compile(r"^([a-z]{2})(?:[-_].*)?$")


class TranscriptionUnavailable(Exception):
    """No transcript: OpenAI failed, its circuit is open, or the audio is unusable.

    The caller answers the voice note asking for text (`minkops.ai.voice_unavailable_reply`).
    """


@dataclass(frozen=True)
class Transcription:
    """A transcript and what it cost: the usage the org actor counts for the voice note."""

    text: str
    seconds: int
    """Audio length, whole seconds rounded up (as OpenAI bills whisper-1)."""
    tokens: int = 0
    """Tokens billed by the token-priced models (gpt-4o-*-transcribe); 0 for whisper-1."""


def audio_extension(content_type: str) -> str | None:
    """'audio/ogg; codecs=opus' → 'ogg'; None for a type we do not know."""
    return _EXTENSIONS.get(content_type.split(";", 1)[0].strip().lower())


class Transcriber:
    def __init__(
        self,
        client: openai.OpenAI,
        settings: OpenAISettings,
        *,
        circuit: CircuitBreaker | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._settings = settings
        self.circuit = circuit or CircuitBreaker(
            "openai-transcription",
            settings.circuit_failures,
            settings.circuit_reset_seconds,
            clock=clock,
        )

    def transcribe(self, audio: bytes, content_type: str, language: str | None) -> str:
        """The transcript of `audio`; `language` (ISO 639-1) is a hint. Raises
        TranscriptionUnavailable."""
        return self.transcribe_counted(audio, content_type, language).text

    def transcribe_counted(
        self, audio: bytes, content_type: str, language: str | None
    ) -> Transcription:
        """`transcribe`, with the audio's seconds and the tokens OpenAI billed."""
        extension = audio_extension(content_type)
        if extension not in ACCEPTED_EXTENSIONS:
            raise TranscriptionUnavailable(f"cannot transcribe {content_type!r} audio")
        if not audio:
            raise TranscriptionUnavailable("empty audio")
        if not self.circuit.allow():
            log.info(
                "openai.skipped", model=self._settings.transcription_model, reason="circuit_open"
            )
            raise TranscriptionUnavailable("transcription is unavailable (circuit open)")
        hint = _language_hint(language)
        started = time.perf_counter()
        try:
            result = self._client.audio.transcriptions.create(
                model=self._settings.transcription_model,
                file=(f"voice.{extension}", audio, content_type),
                language=hint if hint else openai.omit,
            )
        except openai.APIError as error:
            self.circuit.record_failure()
            status = error.status_code if isinstance(error, openai.APIStatusError) else None
            self._log(started, "error", error=type(error).__name__, status=status)
            raise TranscriptionUnavailable(
                f"transcription failed: {type(error).__name__}"
            ) from error
        except BaseException:
            self.circuit.record_failure()  # frees a half-open probe; the error is a bug
            raise
        self.circuit.record_success()
        text = result.text.strip()
        usage = result.usage
        seconds = _seconds(usage, audio, extension)
        tokens = int(getattr(usage, "total_tokens", None) or 0)
        self._log(
            started,
            "ok" if text else "empty",
            bytes=len(audio),
            total_tokens=tokens,
            seconds=seconds,
        )
        if not text:
            raise TranscriptionUnavailable("the transcript is empty")
        return Transcription(text, seconds, tokens)

    def _log(self, started: float, outcome: str, **fields: object) -> None:
        log.info(
            "openai.call",
            api="audio.transcriptions",
            model=self._settings.transcription_model,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            outcome=outcome,
            **fields,
        )


def _language_hint(language: str | None) -> str | None:
    match = _LANGUAGE.match((language or "").strip().lower())
    return match.group(1) if match else None


def _seconds(usage: Any, audio: bytes, extension: str) -> int:
    """The note's length: whisper-1 reports it (usage type "duration"); for the token-priced
    models it is read from the audio itself (Ogg Opus, what WhatsApp sends, or MP3)."""
    reported = getattr(usage, "seconds", None)
    if isinstance(reported, int | float) and reported > 0:
        return math.ceil(reported)
    try:
        if extension in ("ogg", "oga"):
            return math.ceil(ogg_opus_duration(audio))
        if extension == "mp3":
            return math.ceil(mp3_duration(audio))
    except (InvalidAudio, struct.error):
        pass
    log.info("voice.duration_unknown", extension=extension)
    return 0
