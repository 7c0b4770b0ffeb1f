"""Local speech synthesis: espeak-ng in the recipient's language, encoded by ffmpeg.

The robotic voice used without an OpenAI key and whenever OpenAI cannot speak. The encoding
itself (bitrates, 48 kHz mono Opus in Ogg) lives in `minkops.speech`, which the OpenAI
stand-in shares, so the stand-in and this path produce the same kind of file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading

from minkops import speech
from minkops.logs import get_logger
from minkops.voice._audio import Audio, AudioFormat, InvalidAudio, inspect_audio, read_wav
from minkops.voice.synthesis import SynthesisUnavailable, speakable_text

log = get_logger(__name__)

# For a language espeak-ng has no voice for (Zulu, Tagalog, ...), English: the reply texts fall
# back to English for languages MinkOps does not speak (minkops.domain.replies), so such text
# is most likely English already, and English rules read other Latin-script text passably.
FALLBACK_VOICE = "en"
# Retired ISO 639 codes that still turn up in phone and browser locales.
_RETIRED_CODES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
# Too-long speech is re-spoken at most this much faster before it is cut.
MAX_SPEED_UP = 1.6
_OTHER_LANGUAGE = re.compile(r"\(([a-z0-9-]+) \d+\)")
_VOICES_TIMEOUT_SECONDS = 10.0


def espeak_voice(language: str, installed: frozenset[str]) -> str:
    """The espeak-ng voice for a BCP 47 tag: the tag itself, then ever shorter prefixes
    ("es-MX" → "es"), else `FALLBACK_VOICE`."""
    return _installed_voice(language, installed) or FALLBACK_VOICE


def _installed_voice(language: str, installed: frozenset[str]) -> str | None:
    parts = language.strip().lower().replace("_", "-").split("-")
    parts[0] = _RETIRED_CODES.get(parts[0], parts[0])
    for length in range(len(parts), 0, -1):
        candidate = "-".join(parts[:length])
        if candidate in installed:
            return candidate
    return None


def parse_voices(listing: str) -> frozenset[str]:
    """Language names from `espeak-ng --voices`, including each voice's "other languages"."""
    names: set[str] = set()
    for line in listing.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 2:
            continue
        names.add(fields[1].lower())
        names.update(match.lower() for match in _OTHER_LANGUAGE.findall(line))
    return frozenset(names)


class LocalSynthesizer:
    """Implements `SpeechSynthesizer` with espeak-ng and ffmpeg. Thread-safe."""

    def __init__(self, max_note_seconds: float, *, voices: frozenset[str] | None = None) -> None:
        self._max_seconds = max_note_seconds
        self._voices = voices
        self._lock = threading.Lock()

    def synthesize(self, text: str, language: str, *, audio_format: AudioFormat) -> Audio:
        spoken = speakable_text(text, self._max_seconds)
        try:
            voice = self.voice_for(language)
            wav = read_wav(speech.synthesize_wav(spoken, voice))
            if wav.duration_seconds > self._max_seconds:
                # Numbers and abbreviations speak longer than their characters suggest.
                speed = min(MAX_SPEED_UP, wav.duration_seconds / self._max_seconds * 1.02)
                wav = read_wav(speech.synthesize_wav(spoken, voice, speed=speed))
            if wav.duration_seconds > self._max_seconds:
                wav = wav.cut(self._max_seconds)
            audio = inspect_audio(speech.encode_audio(wav.to_bytes(), audio_format), audio_format)
        except (speech.SpeechError, speech.SpeechToolMissing, InvalidAudio) as error:
            log.warning("voice.synthesis_failed", engine="espeak-ng", error=str(error))
            raise SynthesisUnavailable(f"local speech synthesis failed: {error}") from error
        log.info(
            "voice.synthesized",
            engine="espeak-ng",
            voice=voice,
            characters=len(spoken),
            seconds=round(audio.duration_seconds, 2),
            bytes=audio.size,
            format=audio_format,
        )
        return audio

    def voice_for(self, language: str) -> str:
        """The espeak-ng voice `language` is spoken with (see `espeak_voice`)."""
        voice = _installed_voice(language, self.installed_voices())
        if voice is None:
            log.info("voice.language_fallback", language=language[:35], voice=FALLBACK_VOICE)
            return FALLBACK_VOICE
        return voice

    def installed_voices(self) -> frozenset[str]:
        """What this machine's espeak-ng can speak; asked once per synthesizer."""
        with self._lock:
            if self._voices is None:
                self._voices = _list_voices()
            return self._voices


def _list_voices() -> frozenset[str]:
    program = shutil.which("espeak-ng")
    if program is None:
        raise speech.SpeechToolMissing("espeak-ng")
    try:
        done = subprocess.run(
            [program, "--voices"],
            capture_output=True,
            timeout=_VOICES_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise speech.SpeechError("espeak-ng --voices timed out") from error
    if done.returncode != 0:
        raise speech.SpeechError(f"espeak-ng --voices failed ({done.returncode})")
    return parse_voices(done.stdout.decode(errors="replace"))
