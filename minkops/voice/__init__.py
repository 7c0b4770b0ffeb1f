"""Voice notes out: speech synthesis (OpenAI TTS or espeak-ng) and the media they are served from."""

from minkops.voice._audio import CONTENT_TYPES, Audio, AudioFormat, InvalidAudio, inspect_audio
from minkops.voice.espeak import FALLBACK_VOICE, LocalSynthesizer, espeak_voice
from minkops.voice.factory import make_synthesizer
from minkops.voice.media_store import DONE_STATUSES, MediaStore, StoredMedia, delete_if_done
from minkops.voice.openai_speech import OpenAISynthesizer
from minkops.voice.synthesis import (
    CHARS_PER_SECOND,
    SpeechSynthesizer,
    SynthesisUnavailable,
    speakable_text,
)

__all__ = [
    "CHARS_PER_SECOND",
    "CONTENT_TYPES",
    "DONE_STATUSES",
    "FALLBACK_VOICE",
    "Audio",
    "AudioFormat",
    "InvalidAudio",
    "LocalSynthesizer",
    "MediaStore",
    "OpenAISynthesizer",
    "SpeechSynthesizer",
    "StoredMedia",
    "SynthesisUnavailable",
    "delete_if_done",
    "espeak_voice",
    "inspect_audio",
    "make_synthesizer",
    "speakable_text",
]
