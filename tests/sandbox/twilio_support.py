"""Helpers for the Twilio stand-in's tests: constants, a hand-moved clock, and a webhook
receiver that checks Twilio's signature on everything it is sent."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from twilio.request_validator import RequestValidator

SID = "AC" + "1" * 32
TOKEN = "secret-token-0123456789abcdef"
MINKOPS = "+14155238886"
WA_FROM = f"whatsapp:{MINKOPS}"
USER = "+34600111222"
WA_TO = f"whatsapp:{USER}"


class FakeClock:
    """The stand-in's clock, moved by hand. Thread-safe enough: a datetime swap."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Request:
    path: str
    method: str
    form: dict[str, str]
    headers: dict[str, str]
    valid: bool


@dataclass
class Receiver:
    """A webhook endpoint on its own thread and loop (so sync tests can use it while the
    stand-in posts to it). Every POST is checked with twilio's RequestValidator against the
    URL without fragment; ``answers`` (per path) are popped for each request, else 200."""

    url: str = ""
    requests: list[Request] = field(default_factory=list)
    answers: dict[str, list[int]] = field(default_factory=dict)
    media: dict[str, tuple[int, str | None, bytes]] = field(default_factory=dict)
    on_request: Any = None
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def posts(self, path: str) -> list[Request]:
        with self._cond:
            return [r for r in self.requests if r.path == path and r.method == "POST"]

    def wait_for(self, path: str, count: int, timeout: float = 5.0) -> list[Request]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.posts(path)) >= count, timeout):
                raise TimeoutError(f"fewer than {count} requests to {path}: {self.requests}")
            return self.posts(path)

    def serve_media(
        self,
        path: str,
        status: int,
        content_type: str | None,
        body: bytes,
        *,
        head: tuple[int, str] | None = None,
    ) -> str:
        """Answer GETs of ``path`` with this (``content_type`` None: no Content-Type at all);
        HEADs with ``head`` (status, type) when given, else the same."""
        self.media[path] = (status, content_type, body)
        if head is not None:
            self.media["HEAD " + path] = (head[0], head[1], b"")
        return self.url + path

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.method in ("GET", "HEAD"):
            with self._cond:
                self.requests.append(Request(request.path, request.method, {}, {}, True))
                self._cond.notify_all()
            missing = (404, "text/plain", b"")
            status, content_type, body = self.media.get(
                f"{request.method} {request.path}", self.media.get(request.path, missing)
            )
            # A StreamResponse, unlike web.Response, adds no Content-Type of its own.
            response = web.StreamResponse(status=status)
            if content_type is not None:
                response.headers["Content-Type"] = content_type
            response.content_length = len(body)
            await response.prepare(request)
            if request.method == "GET":
                await response.write(body)
            await response.write_eof()
            return response
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        signature = request.headers.get("X-Twilio-Signature", "")
        valid = RequestValidator(TOKEN).validate(self.url + request.path, form, signature)
        with self._cond:
            self.requests.append(Request(request.path, "POST", form, dict(request.headers), valid))
            queued = self.answers.get(request.path) or []
            status = queued.pop(0) if queued else 200
            self._cond.notify_all()
        if self.on_request is not None:
            await asyncio.to_thread(self.on_request, form)
        return web.Response(status=status, text="<Response/>", content_type="text/xml")


class ReceiverThread:
    def __init__(self) -> None:
        self.receiver = Receiver()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> Receiver:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self.receiver

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.receiver.handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.receiver.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
