"""Local speech synthesis with espeak-ng and ffmpeg.

Used when no OpenAI key is configured, and by the OpenAI stand-in, so that voice notes are
real, playable audio even offline. The voice is robotic; the format is what WhatsApp wants.
"""

from __future__ import annotations

import re
import shutil
import subprocess

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")
_DEFAULT_WORDS_PER_MINUTE = 175  # espeak-ng's own default
_TIMEOUT_SECONDS = 60.0

# ffmpeg output options per OpenAI speech `response_format`. Opus follows what WhatsApp
# plays (48 kHz mono Opus in Ogg); the others follow OpenAI's 24 kHz output.
_ENCODINGS: dict[str, tuple[str, ...]] = {
    "opus": ("-c:a", "libopus", "-b:a", "24k", "-application", "voip", "-ar", "48000", "-f", "ogg"),
    "mp3": ("-c:a", "libmp3lame", "-b:a", "48k", "-ar", "24000", "-f", "mp3"),
    "aac": ("-c:a", "aac", "-b:a", "48k", "-ar", "24000", "-f", "adts"),
    "flac": ("-c:a", "flac", "-ar", "24000", "-f", "flac"),
    "wav": ("-c:a", "pcm_s16le", "-ar", "24000", "-f", "wav"),
    "pcm": ("-c:a", "pcm_s16le", "-ar", "24000", "-f", "s16le"),
}
AUDIO_FORMATS = frozenset(_ENCODINGS)


class SpeechToolMissing(RuntimeError):
    """A program speech synthesis needs is not installed."""

    def __init__(self, tool: str) -> None:
        super().__init__(f"{tool} is not installed (Debian package: {tool})")
        self.tool = tool


class SpeechError(RuntimeError):
    """Synthesis or encoding failed, e.g. for a language espeak-ng has no voice for."""


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SpeechToolMissing(name)
    return path


def _run(command: list[str], stdin: bytes) -> bytes:
    try:
        done = subprocess.run(
            command, input=stdin, capture_output=True, timeout=_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise SpeechError(f"{command[0]} took longer than {_TIMEOUT_SECONDS} s") from error
    if done.returncode != 0 or not done.stdout:
        detail = done.stderr.decode(errors="replace").strip()
        raise SpeechError(f"{command[0]} failed ({done.returncode}): {detail}")
    return done.stdout


def synthesize_wav(text: str, language: str, *, speed: float = 1.0) -> bytes:
    """Speak `text` with the espeak-ng voice for `language` (a BCP 47 tag such as "es-MX")."""
    voice = language.strip().lower().replace("_", "-")
    if not _LANGUAGE.match(voice):
        raise SpeechError(f"not a language tag: {language!r}")
    if not text.strip():
        raise SpeechError("nothing to say")
    words_per_minute = min(450, max(80, round(_DEFAULT_WORDS_PER_MINUTE * speed)))
    # Text goes through stdin so that nothing in it can be read as an option.
    command = [_program("espeak-ng"), "-v", voice, "-s", str(words_per_minute), "-b", "1"]
    return _run([*command, "--stdin", "--stdout"], text.encode())


def encode_audio(wav: bytes, audio_format: str) -> bytes:
    """Encode WAV bytes as one of `AUDIO_FORMATS`; bit-exact, so equal input gives equal bytes."""
    if audio_format not in _ENCODINGS:
        raise SpeechError(f"unsupported audio format: {audio_format!r}")
    command = [_program("ffmpeg"), "-hide_banner", "-loglevel", "error", "-f", "wav"]
    command += ["-i", "pipe:0", "-map_metadata", "-1", "-fflags", "+bitexact", "-ac", "1"]
    return _run([*command, *_ENCODINGS[audio_format], "pipe:1"], wav)


def synthesize_ogg_opus(text: str, language: str) -> bytes:
    """A voice note: `text` spoken in `language`, as 48 kHz mono Opus in Ogg."""
    return encode_audio(synthesize_wav(text, language), "opus")
