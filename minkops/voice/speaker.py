"""A voice note for one outbound message: synthesized, stored, and its URL for Twilio."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from minkops.logs import get_logger
from minkops.voice._audio import AudioFormat
from minkops.voice.media_store import MediaStore
from minkops.voice.synthesis import SpeechSynthesizer, SynthesisUnavailable, speakable_text

log = get_logger(__name__)


def without_symbols(text: str) -> str:
    """Emoji and other symbols (⏰, 📋) read well and sound odd: they are not spoken."""
    return "".join(" " if unicodedata.category(c) in ("So", "Sk", "Cs") else c for c in text)


@dataclass(frozen=True)
class Note:
    token: str
    url: str


@dataclass(frozen=True)
class Speaker:
    """Blocking (synthesis runs a process or calls OpenAI): use it from an actor thread."""

    synthesizer: SpeechSynthesizer
    store: MediaStore
    public_url: str
    audio_format: AudioFormat
    lifetime: timedelta
    max_note_seconds: float

    def note(self, text: str, language: str) -> Note | None:
        """The note for `text` in `language`, or None: then the text goes alone."""
        try:
            spoken = speakable_text(without_symbols(text), self.max_note_seconds)
            audio = self.synthesizer.synthesize(spoken, language, audio_format=self.audio_format)
        except (SynthesisUnavailable, ValueError) as error:
            log.warning("voice.synthesis_unavailable", reason=type(error).__name__)
            return None
        token = self.store.put(audio.data, audio.content_type, self.lifetime)
        url = f"{self.public_url.rstrip('/')}/media/{token}"
        log.info("voice.note_ready", bytes=len(audio.data), content_type=audio.content_type)
        return Note(token, url)
