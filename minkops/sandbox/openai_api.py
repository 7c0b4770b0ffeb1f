"""Local stand-in for the OpenAI API, for tests and the no-credentials dev mode.

The real `openai` SDK talks to it unchanged through `OpenAI(base_url=..., api_key=...)`.
Chat answers and transcriptions are scripted by the test; nothing is ever invented: an
unscripted request gets an OpenAI-style 400, except a translation request, which gets the
deterministic answer of `openai_translate` (a small table, else the text marked `[xx] …`). Speech is real audio from espeak-ng.

    python -m minkops.sandbox.openai_api make-voice-note "Hola" --language es -o note.ogg
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import hashlib
import hmac
import json
import logging
import re
import sys
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web
from multidict import CIMultiDict

from minkops.sandbox.openai_audio import (
    MAX_UPLOAD_BYTES,
    check_speech_request,
    check_transcription_request,
    ogg_transcript,
    speech_response,
    transcription_response,
)
from minkops.sandbox.openai_chat import ChatAnswer, chat_completion, check_chat_request
from minkops.sandbox.openai_ogg import tag_transcript
from minkops.sandbox.openai_script import (
    Fault,
    Matcher,
    Refusal,
    RequestLog,
    ScriptBook,
    StandInRequest,
    UploadedFile,
)
from minkops.sandbox.openai_translate import is_translation, translate
from minkops.sandbox.openai_wire import ApiError, common_headers, fault_response
from minkops.speech import SpeechError, SpeechToolMissing, synthesize_ogg_opus

__all__ = [
    "CHAT_PATH",
    "SPEECH_PATH",
    "TRANSCRIPTION_PATH",
    "Fault",
    "OpenAIStandIn",
    "OpenAIStandInThread",
    "Refusal",
    "StandInRequest",
    "UploadedFile",
    "is_translation",
    "tag_transcript",
]

CHAT_PATH = "/v1/chat/completions"
TRANSCRIPTION_PATH = "/v1/audio/transcriptions"
SPEECH_PATH = "/v1/audio/speech"

log = logging.getLogger(__name__)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NO_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization "
    "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field "
    "(with blank username) if you're accessing the API from your browser and are prompted for "
    "a username and password. You can obtain an API key from "
    "https://platform.openai.com/account/api-keys."
)
_BAD_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
    "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
    "sent was not valid JSON. If you have trouble figuring out how to fix this, please contact "
    "us through our help center at help.openai.com.)"
)
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _text_matcher(matcher: str | Matcher | None) -> Matcher:
    """None matches everything; a string matches when it occurs in the last user message."""
    if matcher is None:
        return lambda _request: True
    if isinstance(matcher, str):
        needle = matcher
        return lambda request: needle in request.last_user_text
    return matcher


def _audio_matcher(audio: bytes | str | Matcher | None) -> Matcher:
    """bytes: exactly this audio; str: its SHA-256 in hex; callable: any test on the request."""
    if audio is None:
        return lambda _request: True
    if isinstance(audio, bytes):
        audio = hashlib.sha256(audio).hexdigest()
    if isinstance(audio, str):
        digest = audio.lower()
        if not _SHA256.match(digest):
            raise ValueError("a string audio matcher must be a SHA-256 hex digest")
        return lambda request: (
            request.file is not None and hashlib.sha256(request.file.data).hexdigest() == digest
        )
    return audio


def _speech_matcher(matcher: str | Matcher | None) -> Matcher:
    """A string matches when it occurs in the text to speak."""
    if isinstance(matcher, str):
        needle = matcher
        return lambda request: needle in str((request.json or {}).get("input", ""))
    return _text_matcher(matcher)


def _mask(key: str) -> str:
    return key[:3] + "*" * max(0, len(key) - 7) + key[-4:] if len(key) > 7 else "*" * len(key)


class OpenAIStandIn:
    """An OpenAI API server on 127.0.0.1 answering from scripts; thread-safe to script."""

    def __init__(
        self,
        api_key: str,
        *,
        speech_language: str = "en",
        answer_unscripted: Callable[[StandInRequest], ChatAnswer] | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("the stand-in needs an API key to check requests against")
        self._api_key = api_key
        # The speech API has no language parameter; espeak-ng needs one. Assignable.
        self.speech_language = speech_language
        # Opt-in (e.g. `minkops dev`): answers chat requests no script matches, from a worker
        # thread. Tests leave it None so that an unscripted request stays a 400.
        self.answer_unscripted = answer_unscripted
        self._chat: ScriptBook[ChatAnswer] = ScriptBook()
        self._transcriptions: ScriptBook[str] = ScriptBook()
        self._speech: ScriptBook[None] = ScriptBook()
        self._log = RequestLog()
        # The `usage` of every answer given, as OpenAI would bill it: a test's own figure to
        # compare what the service counted with (appended on the stand-in's loop only).
        self._billed: list[tuple[str, Mapping[str, Any]]] = []
        self._runner: web.AppRunner | None = None
        self.base_url: str | None = None

    # Scripting -----------------------------------------------------------------------------

    def script_chat(
        self,
        matcher: str | Matcher | None,
        response: ChatAnswer | Fault,
        *,
        times: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer matching chat requests with `response`.

        `response`: a dict (sent as JSON content), a string (raw content), a `Refusal`, or a
        `Fault`. Scripts are tried in the order added; `times` limits how often one answers.
        `delay` (seconds) holds the answer back, e.g. longer than the client's timeout.
        """
        self._chat.add(_text_matcher(matcher), response, times=times, delay=delay)

    def script_transcription(
        self,
        audio: bytes | str | Matcher | None,
        text: str | Fault,
        *,
        times: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """Transcribe matching uploads as `text` (or answer with a `Fault`).

        `audio`: the exact bytes, their SHA-256 hex digest, a predicate on the request, or
        None for any upload. Scripts win over a MINKOPS_TRANSCRIPT tag in the file.
        """
        self._transcriptions.add(_audio_matcher(audio), text, times=times, delay=delay)

    def script_speech(
        self,
        matcher: str | Matcher | None,
        fault: Fault | None,
        *,
        times: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """Make matching speech requests fail with `fault`, or (None) only slow by `delay`."""
        self._speech.add(_speech_matcher(matcher), fault, times=times, delay=delay)

    def requests(self, path: str | None = None) -> list[StandInRequest]:
        """Snapshot of the authenticated requests received, oldest first (optionally one path)."""
        return self._log.snapshot(path)

    def wait_for_requests(
        self, count: int, path: str | None = None, *, timeout: float = 5.0
    ) -> list[StandInRequest]:
        """Block (not on the stand-in's loop) until `count` requests arrived; TimeoutError."""
        return self._log.wait_for(count, path, timeout)

    def billed(self, path: str | None = None) -> list[Mapping[str, Any]]:
        """The `usage` object of each answer given, oldest first (optionally one path)."""
        return [usage for where, usage in list(self._billed) if path is None or where == path]

    def billed_tokens(self, path: str | None = None) -> int:
        """Total tokens billed (chat: prompt + completion; transcription: token-priced models)."""
        return sum(int(usage.get("total_tokens", 0)) for usage in self.billed(path))

    def reset(self) -> None:
        """Forget all scripts and recorded requests."""
        self._billed.clear()
        self._chat.clear()
        self._transcriptions.clear()
        self._speech.clear()
        self._log.clear()

    # Serving -------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(
            middlewares=[self._errors, self._authenticate],
            client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024,
        )
        app.router.add_post(CHAT_PATH, self._handle_chat)
        app.router.add_post(TRANSCRIPTION_PATH, self._handle_transcription)
        app.router.add_post(SPEECH_PATH, self._handle_speech)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on host:port (0: any free port); return the base URL, ending in /v1."""
        if self._runner is not None:
            raise RuntimeError("the stand-in is already running")
        # A short shutdown timeout cancels handlers still sleeping through a scripted delay.
        runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        self.base_url = f"http://{bound_host}:{bound_port}/v1"
        return self.base_url

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        self.base_url = None
        if runner is not None:
            await runner.cleanup()

    @web.middleware
    async def _errors(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as error:
            return fault_response(error.fault)
        except web.HTTPNotFound:
            where = f"({request.method} {request.path})"
            return fault_response(Fault(404, f"Invalid URL {where}", "invalid_request_error"))
        except web.HTTPMethodNotAllowed:
            where = f"({request.method} {request.path})"
            return fault_response(
                Fault(405, f"Invalid method for URL {where}", "invalid_request_error")
            )
        except web.HTTPRequestEntityTooLarge as error:
            return fault_response(
                Fault(413, error.text or "Request too large", "invalid_request_error")
            )
        except Exception:
            # A test's matcher raised, or the stand-in has a bug: say so, and stop retries.
            log.exception("OpenAI stand-in failed on %s %s", request.method, request.path)
            return fault_response(
                Fault(
                    500,
                    "The OpenAI stand-in failed on this request; see the server log.",
                    headers={"x-should-retry": "false"},
                )
            )

    @web.middleware
    async def _authenticate(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        if request.match_info.http_exception is not None:
            raise request.match_info.http_exception  # unknown URL: 404 before any key check
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise ApiError(401, _NO_KEY)
        if not hmac.compare_digest(key.strip().encode(), self._api_key.encode()):
            raise ApiError(
                401,
                f"Incorrect API key provided: {_mask(key.strip())}. You can find your API key "
                "at https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )
        return await handler(request)

    async def _handle_chat(self, request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        recorded = self._record(request, json=body)
        check_chat_request(body)
        scripted = self._chat.take(recorded)
        translated = translate(recorded) if scripted is None else None
        if translated is not None:  # built in: deterministic (see openai_translate)
            return self._bill(request, chat_completion(body, translated))
        if scripted is None and self.answer_unscripted is not None:
            answer = await asyncio.to_thread(self.answer_unscripted, recorded)
            return self._bill(request, chat_completion(body, answer))
        if scripted is None:
            raise ApiError(
                400,
                "OpenAI stand-in: no scripted chat answer matches this request "
                f"(last user message: {recorded.last_user_text[:200]!r}).",
                code="standin_unscripted",
            )
        await asyncio.sleep(scripted.delay)
        if isinstance(scripted.answer, Fault):
            return fault_response(scripted.answer)
        return self._bill(request, chat_completion(body, scripted.answer))

    def _bill(self, request: web.Request, completion: dict[str, Any]) -> web.Response:
        self._billed.append((request.path, completion["usage"]))
        return web.json_response(completion, headers=common_headers())

    async def _handle_transcription(self, request: web.Request) -> web.StreamResponse:
        form, file = await _multipart(request)
        recorded = self._record(request, form=form, file=file)
        response_format = check_transcription_request(form, file)
        assert file is not None  # checked above
        scripted = self._transcriptions.take(recorded)
        if scripted is not None:
            await asyncio.sleep(scripted.delay)
            if isinstance(scripted.answer, Fault):
                return fault_response(scripted.answer)
            try:
                duration = ogg_transcript(file)[1]
            except ApiError:
                duration = 0.0  # scripted audio need not be valid audio
            text = scripted.answer
        else:
            tagged, duration = ogg_transcript(file)
            if tagged is None:
                raise ApiError(
                    400,
                    "The OpenAI stand-in cannot transcribe this audio: no script matches it "
                    f"(sha256 {hashlib.sha256(file.data).hexdigest()}) and it is not an Ogg "
                    "file with a MINKOPS_TRANSCRIPT comment.",
                    param="file",
                    code="standin_untranscribable",
                )
            text = tagged
        response = transcription_response(recorded, text, duration, response_format)
        if response.content_type == "application/json" and response.text:
            usage = json.loads(response.text).get("usage")
            if usage is not None:
                self._billed.append((request.path, usage))
        response.headers.update(common_headers())
        return response

    async def _handle_speech(self, request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        recorded = self._record(request, json=body)
        response_format = check_speech_request(body)
        scripted = self._speech.take(recorded)
        if scripted is not None:
            await asyncio.sleep(scripted.delay)
            if scripted.answer is not None:
                return fault_response(scripted.answer)
        response = await speech_response(body, response_format, self.speech_language)
        response.headers.update(common_headers())
        return response

    def _record(
        self,
        request: web.Request,
        *,
        json: dict[str, Any] | None = None,
        form: dict[str, str] | None = None,
        file: UploadedFile | None = None,
    ) -> StandInRequest:
        recorded = StandInRequest(
            request.method, request.path, CIMultiDict(request.headers), json, form or {}, file
        )
        self._log.append(recorded)
        return recorded


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, _BAD_JSON) from error
    if not isinstance(body, dict):
        raise ApiError(400, _BAD_JSON)
    return body


async def _multipart(request: web.Request) -> tuple[dict[str, str], UploadedFile | None]:
    """Form fields (repeated names joined by commas) and the `file` part."""
    if request.content_type != "multipart/form-data":
        raise ApiError(
            400,
            f"Invalid Content-Type header ({request.content_type}), expected "
            "multipart/form-data. (HINT: If you're using curl, you can pass "
            "-H 'Content-Type: multipart/form-data')",
        )
    fields: dict[str, list[str]] = {}
    file: UploadedFile | None = None
    total = 0
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            raise ApiError(400, "Malformed multipart body: nested or unnamed part.")
        data = bytearray()
        while chunk := await part.read_chunk():
            total += len(chunk)
            if total > MAX_UPLOAD_BYTES:
                raise ApiError(
                    413, f"Maximum content size limit ({MAX_UPLOAD_BYTES}) exceeded", param="file"
                )
            data += chunk
        if part.name == "file":
            content_type = part.headers.get("Content-Type")
            file = UploadedFile(part.filename, content_type, bytes(data))
        else:
            fields.setdefault(part.name, []).append(data.decode(errors="replace"))
    return {name: ",".join(values) for name, values in fields.items()}, file


class OpenAIStandInThread:
    """Runs an `OpenAIStandIn` on its own event loop in a daemon thread.

    with OpenAIStandInThread("sk-test") as server:
        client = OpenAI(base_url=server.base_url, api_key="sk-test")
        server.standin.script_chat("hola", {"intent": "greet"})
    """

    def __init__(
        self,
        api_key: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        speech_language: str = "en",
    ) -> None:
        self.api_key = api_key
        self.standin = OpenAIStandIn(api_key, speech_language=speech_language)
        self._host = host
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def start(self, timeout: float = 10.0) -> str:
        if self._thread is not None:
            raise RuntimeError("already started")
        ready: concurrent.futures.Future[str] = concurrent.futures.Future()
        loop = asyncio.new_event_loop()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                ready.set_result(
                    loop.run_until_complete(self.standin.start(self._host, self._port))
                )
            except BaseException as error:
                ready.set_exception(error)
                loop.close()
                return
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self.standin.stop())
                loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=serve, name="openai-standin", daemon=True)
        self._thread.start()
        self.base_url = ready.result(timeout)
        return self.base_url

    def stop(self, timeout: float = 10.0) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is None or thread is None:
            return
        if not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        if thread.is_alive():
            raise RuntimeError("the OpenAI stand-in thread did not stop")

    def __enter__(self) -> OpenAIStandInThread:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def make_voice_note(text: str, language: str) -> bytes:
    """A real spoken voice note that the stand-in transcribes back to `text`."""
    return tag_transcript(synthesize_ogg_opus(text, language), text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minkops.sandbox.openai_api")
    commands = parser.add_subparsers(dest="command", required=True)
    note = commands.add_parser(
        "make-voice-note", help="write an Ogg/Opus voice note the stand-in can transcribe"
    )
    note.add_argument("text")
    note.add_argument("--language", default="en", help="BCP 47 tag, e.g. es or pt-BR")
    note.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        note_bytes = make_voice_note(args.text, args.language)
    except (SpeechError, SpeechToolMissing) as error:
        print(f"cannot make a voice note: {error}", file=sys.stderr)
        return 1
    args.output.write_bytes(note_bytes)
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
