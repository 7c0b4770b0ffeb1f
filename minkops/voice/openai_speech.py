"""Speech with OpenAI TTS, falling back to another synthesizer (espeak-ng) when it cannot.

Built like the transcription path (`minkops.ai.transcription`): the client's timeout and
retries bound each call, and a circuit breaker stops calling OpenAI after
`circuit_failures` consecutive failures until `circuit_reset_seconds` have passed. What
OpenAI returns is checked (container, codec, mono, duration) before anyone sends it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import openai

from minkops.ai.circuit import CircuitBreaker
from minkops.logs import get_logger
from minkops.settings import OpenAISettings
from minkops.voice._audio import Audio, AudioFormat, InvalidAudio, inspect_audio
from minkops.voice.synthesis import (
    WHATSAPP_INLINE_BYTES,
    SpeechSynthesizer,
    SynthesisUnavailable,
    speakable_text,
)

log = get_logger(__name__)


class OpenAISynthesizer:
    """Implements `SpeechSynthesizer`. Thread-safe if the client and fallback are.

    The speech endpoint has no language parameter: the model reads the language from the
    text, which is already in the recipient's language. `language` goes to the fallback.
    """

    def __init__(
        self,
        client: openai.OpenAI,
        settings: OpenAISettings,
        *,
        voice: str,
        max_note_seconds: float,
        fallback: SpeechSynthesizer | None,
        circuit: CircuitBreaker | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._settings = settings
        self._voice = voice
        self._max_seconds = max_note_seconds
        self._fallback = fallback
        self.circuit = circuit or CircuitBreaker(
            "openai-speech",
            settings.circuit_failures,
            settings.circuit_reset_seconds,
            clock=clock,
        )

    def synthesize(self, text: str, language: str, *, audio_format: AudioFormat) -> Audio:
        spoken = speakable_text(text, self._max_seconds)  # before the circuit: empty is ours
        if not self.circuit.allow():
            log.info("openai.skipped", model=self._settings.speech_model, reason="circuit_open")
            return self._fall_back(spoken, language, audio_format)
        started = time.perf_counter()
        try:
            response = self._client.audio.speech.create(
                model=self._settings.speech_model,
                voice=self._voice,
                input=spoken,
                response_format=audio_format,
            )
            audio = inspect_audio(response.content, audio_format)
        except openai.APIError as error:
            # Raised after the SDK's own retries: OpenAI is failing, not this text.
            self.circuit.record_failure()
            status = error.status_code if isinstance(error, openai.APIStatusError) else None
            self._log(started, "error", spoken, error=type(error).__name__, status=status)
            return self._fall_back(spoken, language, audio_format)
        except InvalidAudio as error:
            # A 200 with audio we cannot send is a failure of the service all the same.
            self.circuit.record_failure()
            self._log(started, "invalid_audio", spoken, error=str(error))
            return self._fall_back(spoken, language, audio_format)
        except BaseException:
            self.circuit.record_failure()  # frees a half-open probe; the error is a bug
            raise
        self.circuit.record_success()
        self._log(
            started,
            "ok",
            spoken,
            seconds=round(audio.duration_seconds, 2),
            bytes=audio.size,
            format=audio_format,
        )
        if audio.size > WHATSAPP_INLINE_BYTES or audio.duration_seconds > self._max_seconds * 1.25:
            # Still sendable (WhatsApp takes up to 16 MB), but shown as a download, not a note.
            log.warning(
                "voice.note_large", seconds=round(audio.duration_seconds, 1), bytes=audio.size
            )
        return audio

    def _fall_back(self, spoken: str, language: str, audio_format: AudioFormat) -> Audio:
        if self._fallback is None:
            raise SynthesisUnavailable("OpenAI speech failed and there is no fallback")
        return self._fallback.synthesize(spoken, language, audio_format=audio_format)

    def _log(self, started: float, outcome: str, spoken: str, **fields: object) -> None:
        log.info(
            "openai.call",
            api="audio.speech",
            model=self._settings.speech_model,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            outcome=outcome,
            characters=len(spoken),  # never the text itself
            **fields,
        )
