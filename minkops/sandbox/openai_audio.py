"""Audio endpoints for the stand-in: transcription by lookup, speech by espeak-ng."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from minkops import speech
from minkops.sandbox.openai_ogg import OggError, read_ogg, tag_transcript
from minkops.sandbox.openai_script import StandInRequest, UploadedFile
from minkops.sandbox.openai_wire import ApiError, estimate_tokens, missing_parameter

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_SPEECH_INPUT = 4096
AUDIO_EXTENSIONS = ("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm")
_TRANSCRIPTION_FORMATS = ("json", "text", "srt", "verbose_json", "vtt", "diarized_json")
_SPEECH_CONTENT_TYPES = {
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
}
# Retrying cannot install a tool or change espeak-ng's mind: tell the SDK not to.
_NO_RETRY = {"x-should-retry": "false"}
# verbose_json names the language in English words, not ISO codes.
_LANGUAGE_NAMES = {
    "ar": "arabic",
    "ca": "catalan",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "hi": "hindi",
    "it": "italian",
    "ja": "japanese",
    "nl": "dutch",
    "pl": "polish",
    "pt": "portuguese",
    "ru": "russian",
    "tr": "turkish",
    "uk": "ukrainian",
    "zh": "chinese",
}


def check_transcription_request(form: Mapping[str, str], file: UploadedFile | None) -> str:
    """Validate the multipart fields; return the response_format asked for."""
    if file is None:
        raise missing_parameter("file")
    model = form.get("model", "")
    if not model:
        raise ApiError(400, "you must provide a model parameter")
    extension = (
        (file.filename or "").rpartition(".")[2].lower() if "." in (file.filename or "") else ""
    )
    if extension not in AUDIO_EXTENSIONS:
        raise ApiError(
            400,
            f"Invalid file format. Supported formats: {list(AUDIO_EXTENSIONS)}",
            param="file",
            code="invalid_value",
        )
    if len(file.data) > MAX_UPLOAD_BYTES:
        raise ApiError(
            413,
            f"Maximum content size limit ({MAX_UPLOAD_BYTES}) exceeded "
            f"({len(file.data)} bytes read)",
            param="file",
        )
    response_format = form.get("response_format", "json")
    if response_format not in _TRANSCRIPTION_FORMATS:
        raise ApiError(
            400,
            f"Invalid value: '{response_format}'. Supported values are: "
            + ", ".join(f"'{f}'" for f in _TRANSCRIPTION_FORMATS)
            + ".",
            param="response_format",
            code="invalid_value",
        )
    if response_format == "diarized_json":
        raise ApiError(400, "The OpenAI stand-in cannot diarize; ask for 'json' or 'text'.")
    if not model.startswith("whisper") and response_format not in ("json", "text"):
        raise ApiError(
            400,
            f"response_format '{response_format}' is not compatible with model '{model}'. "
            "Use 'json' or 'text' instead.",
            param="response_format",
            code="unsupported_value",
        )
    return response_format


def ogg_transcript(file: UploadedFile) -> tuple[str | None, float]:
    """The transcript tag and duration of an Ogg upload; (None, 0.0) for other containers."""
    if not file.data.startswith(b"OggS"):
        return None, 0.0
    try:
        info = read_ogg(file.data)
    except OggError as error:
        raise ApiError(
            400,
            f"Audio file might be corrupted or unsupported: {error}",
            param="file",
            code="invalid_value",
        ) from error
    values = info.comments.values("MINKOPS_TRANSCRIPT")
    return (values[0] if values else None), info.duration


def transcription_response(
    request: StandInRequest, text: str, duration: float, response_format: str
) -> web.Response:
    model = request.form.get("model", "")
    language = request.form.get("language", "")
    if response_format == "text":
        return web.Response(text=text + "\n", content_type="text/plain")
    if response_format in ("srt", "vtt"):
        return web.Response(
            text=_subtitles(text, duration, response_format), content_type="text/plain"
        )
    if response_format == "verbose_json":
        return web.json_response(_verbose(request, text, duration, language))
    usage: dict[str, Any]
    if model.startswith("whisper"):
        usage = {"type": "duration", "seconds": math.ceil(duration)}
    else:
        audio_tokens = max(1, round(duration * 10))
        output_tokens = estimate_tokens(text)
        usage = {
            "type": "tokens",
            "input_tokens": audio_tokens,
            "input_token_details": {"text_tokens": 0, "audio_tokens": audio_tokens},
            "output_tokens": output_tokens,
            "total_tokens": audio_tokens + output_tokens,
        }
    return web.json_response({"text": text, "usage": usage})


def _verbose(request: StandInRequest, text: str, duration: float, language: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "task": "transcribe",
        "language": _LANGUAGE_NAMES.get(language.split("-")[0].lower(), language or "english"),
        "duration": round(duration, 2),
        "text": text,
        "segments": [
            {
                "id": 0,
                "seek": 0,
                "start": 0.0,
                "end": round(duration, 2),
                "text": " " + text,
                "tokens": [],
                "temperature": 0.0,
                "avg_logprob": -0.2,
                "compression_ratio": 1.0,
                "no_speech_prob": 0.0,
            }
        ],
        "usage": {"type": "duration", "seconds": math.ceil(duration)},
    }
    if "word" in request.form.get("timestamp_granularities[]", "").split(","):
        words = text.split()
        step = duration / len(words) if words else 0.0
        body["words"] = [
            {"word": word, "start": round(i * step, 2), "end": round((i + 1) * step, 2)}
            for i, word in enumerate(words)
        ]
    return body


def _subtitles(text: str, duration: float, kind: str) -> str:
    def stamp(seconds: float) -> str:
        millis = round(seconds * 1000)
        hours, millis = divmod(millis, 3_600_000)
        minutes, millis = divmod(millis, 60_000)
        secs, millis = divmod(millis, 1000)
        separator = "," if kind == "srt" else "."
        return f"{hours:02}:{minutes:02}:{secs:02}{separator}{millis:03}"

    cue = f"{stamp(0)} --> {stamp(duration)}\n{text}\n"
    return f"1\n{cue}\n" if kind == "srt" else f"WEBVTT\n\n{cue}\n"


def check_speech_request(body: Mapping[str, Any]) -> str:
    """Validate a speech request; return the response_format asked for."""
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise ApiError(400, "you must provide a model parameter")
    text = body.get("input")
    if not isinstance(text, str):
        raise missing_parameter("input")
    if len(text) > MAX_SPEECH_INPUT:
        raise ApiError(
            400,
            f"Invalid 'input': string too long. Expected a string with maximum length "
            f"{MAX_SPEECH_INPUT}, but got a string with length {len(text)} instead.",
            param="input",
            code="string_above_max_length",
        )
    if not text.strip():
        raise ApiError(400, "Invalid 'input': empty string.", param="input", code="empty_string")
    if body.get("voice") in (None, ""):
        raise missing_parameter("voice")
    response_format = body.get("response_format", "mp3")
    if response_format not in _SPEECH_CONTENT_TYPES:
        raise ApiError(
            400,
            f"Invalid value: '{response_format}'. Supported values are: "
            + ", ".join(f"'{f}'" for f in _SPEECH_CONTENT_TYPES)
            + ".",
            param="response_format",
            code="invalid_value",
        )
    speed = body.get("speed", 1.0)
    if not isinstance(speed, int | float) or not 0.25 <= speed <= 4.0:
        raise ApiError(
            400,
            f"Invalid 'speed': expected a number between 0.25 and 4.0, got {speed!r}.",
            param="speed",
            code="invalid_value",
        )
    return str(response_format)


async def speech_response(
    body: Mapping[str, Any], response_format: str, language: str
) -> web.Response:
    """Real audio from espeak-ng; Opus output carries its input as the transcript tag."""
    text = str(body["input"])
    speed = float(body.get("speed", 1.0))
    try:
        audio = await asyncio.to_thread(_speak, text, language, speed, response_format)
    except speech.SpeechToolMissing as error:
        raise ApiError(
            503,
            f"The OpenAI stand-in cannot synthesize speech: {error.tool} is not installed "
            f"(apt-get install {error.tool}).",
            type="server_error",
            code="standin_tool_missing",
            headers=_NO_RETRY,
        ) from error
    except speech.SpeechError as error:
        raise ApiError(
            500,
            f"The OpenAI stand-in failed to synthesize speech: {error}",
            type="server_error",
            headers=_NO_RETRY,
        ) from error
    return web.Response(body=audio, content_type=_SPEECH_CONTENT_TYPES[response_format])


def _speak(text: str, language: str, speed: float, response_format: str) -> bytes:
    audio = speech.encode_audio(speech.synthesize_wav(text, language, speed=speed), response_format)
    return tag_transcript(audio, text) if response_format == "opus" else audio
