"""Speech synthesis for voice notes out: the protocol, its error, and how much text to speak.

Two implementations: `OpenAISynthesizer` (OpenAI TTS, falling back to the local one) and
`LocalSynthesizer` (espeak-ng through ffmpeg). `make_synthesizer` picks from the settings.

What a note weighs. Local notes are Opus at 24 kbit/s (VoIP mode, 48 kHz mono, in Ogg) or
MP3 at 48 kbit/s (24 kHz mono), the encodings in `minkops.speech`. Measured on espeak-ng
speech (Spanish and English alike): 10 s is ~31 KiB as Opus and ~59 KiB as MP3, 30 s ~92 /
~176 KiB, **60 s ~183 KiB as Opus and ~352 KiB as MP3**. WhatsApp shows a voice note's play
button only up to 512 KB (above that, a download arrow), so `max_note_seconds` (default 60)
keeps both formats under it; its ceiling, 290 s, would be ~890 KiB of Opus. OpenAI's audio
is passed on as OpenAI encodes it (checked, not re-encoded); the text cap bounds it, and a
note over 512 KB or well over `max_note_seconds` is logged (`voice.note_large`).
"""

from __future__ import annotations

from typing import Protocol

from minkops.voice._audio import Audio, AudioFormat

# Characters of text per second of speech, for the slowest voice we use: OpenAI's voices
# speak ~14-16 characters a second; espeak-ng 17-20 (measured in es, en, de, fr). Capping text
# at max_note_seconds x 14 keeps notes near or under that length in every engine.
CHARS_PER_SECOND = 14
# OpenAI's speech endpoint refuses longer input (400 string_above_max_length).
OPENAI_MAX_INPUT = 4096
# WhatsApp plays a voice note inline up to this size; above it, the note is a download.
WHATSAPP_INLINE_BYTES = 512 * 1024
_ELLIPSIS = "…"


class SynthesisUnavailable(Exception):
    """No voice note could be made (every engine failed); send the text instead."""


class SpeechSynthesizer(Protocol):
    """Text in the recipient's language → a voice note. Thread-safe; blocking (actor threads)."""

    def synthesize(self, text: str, language: str, *, audio_format: AudioFormat) -> Audio:
        """Speak `text` (already in `language`, a BCP 47 tag such as "es" or "pt-BR").

        Raises ValueError for empty text and SynthesisUnavailable when no engine can speak.
        """
        ...


def speakable_text(text: str, max_seconds: float) -> str:
    """`text` with whitespace collapsed, cut to about `max_seconds` of speech.

    The cut prefers the end of a sentence, then a word boundary, and is marked with "…";
    it never exceeds OpenAI's 4,096-character input limit. Raises ValueError when nothing
    is left to say.
    """
    collapsed = " ".join(text.split())
    if not collapsed:
        raise ValueError("nothing to say")
    limit = min(OPENAI_MAX_INPUT, max(1, int(max_seconds * CHARS_PER_SECOND)))
    if len(collapsed) <= limit:
        return collapsed
    room = collapsed[: limit - len(_ELLIPSIS)]
    # A whole last sentence reads better than a cut one, if it does not lose too much.
    sentence_end = max(room.rfind(mark) for mark in (". ", "! ", "? ", "。"))
    if sentence_end >= len(room) * 2 // 3:
        return room[: sentence_end + 1]
    word_end = room.rfind(" ")
    if word_end >= len(room) // 2:
        room = room[:word_end]
    return room.rstrip(" ,;:-") + _ELLIPSIS
