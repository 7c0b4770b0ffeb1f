"""Voice notes out: speech synthesis (OpenAI TTS or espeak-ng) and the files Twilio fetches.

Wiring, for the reminders feature (nothing here is wired yet):

- start-up: `synthesizer = make_synthesizer(settings.openai, settings.voice)` and
  `store = MediaStore.in_data_dir(settings.data_dir)`; `add_media_routes(app, store)`
  (`minkops.http.media`) in the app factory.
- sending, in an actor thread (both calls block): `audio = synthesizer.synthesize(text,
  member_language, audio_format=settings.voice.audio_format)`, then `token = store.put(
  audio.data, audio.content_type, timedelta(seconds=settings.voice.media_lifetime_seconds))`
  and send with `media_url=[media_url(settings.public_url, token)]`, keeping the token with
  the outbox row. `SynthesisUnavailable`: send the text instead.
- status callback: `delete_if_done(store, token, status)`.
- housekeeping: `store.purge_expired()`.
"""

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
