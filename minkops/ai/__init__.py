"""Understanding with OpenAI: structured intents, voice-note transcription, resilience."""

from minkops.ai.circuit import CircuitBreaker
from minkops.ai.client import make_openai_client
from minkops.ai.media import Media, MediaTooLarge, MediaUnavailable, fetch_media
from minkops.ai.messages import voice_unavailable_reply
from minkops.ai.openai_understanding import OpenAIUnderstanding
from minkops.ai.prompt import PROMPT_DIR, PromptError, SystemPrompt
from minkops.ai.transcription import (
    Transcriber,
    Transcription,
    TranscriptionUnavailable,
    audio_extension,
)
from minkops.ai.translating import TranslatingReader
from minkops.ai.translation import Translated, Translator

__all__ = [
    "PROMPT_DIR",
    "CircuitBreaker",
    "Media",
    "MediaTooLarge",
    "MediaUnavailable",
    "OpenAIUnderstanding",
    "PromptError",
    "SystemPrompt",
    "Transcriber",
    "Transcription",
    "TranscriptionUnavailable",
    "Translated",
    "TranslatingReader",
    "Translator",
    "audio_extension",
    "fetch_media",
    "make_openai_client",
    "voice_unavailable_reply",
]
