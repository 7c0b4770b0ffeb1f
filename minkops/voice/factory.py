"""The one place a speech synthesizer is built from settings."""

from __future__ import annotations

import openai

from minkops.ai.client import make_openai_client
from minkops.settings import OpenAISettings, VoiceSettings
from minkops.voice.espeak import LocalSynthesizer
from minkops.voice.openai_speech import OpenAISynthesizer
from minkops.voice.synthesis import SpeechSynthesizer


def make_synthesizer(
    openai_settings: OpenAISettings,
    voice_settings: VoiceSettings,
    *,
    client: openai.OpenAI | None = None,
) -> SpeechSynthesizer:
    """OpenAI TTS falling back to espeak-ng with an OpenAI key, else espeak-ng alone."""
    local = LocalSynthesizer(voice_settings.max_note_seconds)
    if not openai_settings.api_key:
        return local
    return OpenAISynthesizer(
        client or make_openai_client(openai_settings),
        openai_settings,
        voice=voice_settings.openai_voice,
        max_note_seconds=voice_settings.max_note_seconds,
        fallback=local,
    )
