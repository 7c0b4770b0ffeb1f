"""Fetching inbound media: from the Twilio stand-in, and from a server that misbehaves."""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Iterator

import pytest
from aiohttp import web

from minkops.ai.media import MAX_REDIRECTS, Media, MediaTooLarge, MediaUnavailable, fetch_media
from minkops.sandbox.twilio_api import TwilioStandIn, TwilioStandInThread
from minkops.sandbox.twilio_media_upload import MediaUploadError, upload_media

SID = "AC" + "2" * 32
TOKEN = "media-token-0123456789abcdef"
AUDIO = b"OggS" + bytes(range(256)) * 40


@pytest.fixture
def twilio() -> Iterator[TwilioStandInThread]:
    with TwilioStandInThread(TwilioStandIn(SID, TOKEN)) as running:
        yield running


def test_fetches_twilio_media_through_the_cdn_redirect(twilio: TwilioStandInThread) -> None:
    url = twilio.stand_in.add_media(AUDIO, "audio/ogg")

    media = fetch_media(url, SID, TOKEN, max_bytes=len(AUDIO), timeout=5)

    assert media == Media(AUDIO, "audio/ogg")
    assert "bytes" not in repr(media) and str(AUDIO[:8]) not in repr(media)


def test_wrong_credentials_are_unavailable(twilio: TwilioStandInThread) -> None:
    url = twilio.stand_in.add_media(AUDIO, "audio/ogg")

    with pytest.raises(MediaUnavailable, match="HTTP 401"):
        fetch_media(url, SID, "wrong-token", max_bytes=10**6, timeout=5)


def test_media_over_the_limit_is_refused(twilio: TwilioStandInThread) -> None:
    url = twilio.stand_in.add_media(AUDIO, "audio/ogg")

    with pytest.raises(MediaTooLarge) as caught:
        fetch_media(url, SID, TOKEN, max_bytes=len(AUDIO) - 1, timeout=5)

    assert caught.value.max_bytes == len(AUDIO) - 1


def test_missing_media_is_unavailable(twilio: TwilioStandInThread) -> None:
    url = twilio.stand_in.add_media(AUDIO, "audio/ogg")

    with pytest.raises(MediaUnavailable, match="HTTP 404"):
        fetch_media(
            url.replace("/Media/ME", "/Media/MEnope"), SID, TOKEN, max_bytes=10**6, timeout=5
        )


def test_a_sandbox_upload_comes_back_as_twilio_media(twilio: TwilioStandInThread) -> None:
    big = AUDIO * 250  # ~2.5 MB: more than aiohttp's default 1 MiB request limit

    url = upload_media(twilio.base_url, SID, TOKEN, big, "audio/ogg")

    assert url.startswith(f"{twilio.base_url}/2010-04-01/Accounts/{SID}/Messages/MM")
    assert fetch_media(url, SID, TOKEN, max_bytes=len(big), timeout=5) == Media(big, "audio/ogg")


def test_a_sandbox_upload_needs_the_credentials(twilio: TwilioStandInThread) -> None:
    with pytest.raises(MediaUploadError, match="401"):
        upload_media(twilio.base_url, SID, "wrong", AUDIO, "audio/ogg")


def test_a_sandbox_upload_to_nowhere_says_so() -> None:
    with pytest.raises(MediaUploadError, match="cannot reach"):
        upload_media("http://127.0.0.1:9", SID, TOKEN, AUDIO, "audio/ogg")


# A Twilio look-alike whose CDN lives on another host name ----------------------------------


class CdnServer:
    """/media needs basic auth and redirects to http://localhost:PORT/cdn (another host
    than 127.0.0.1 as far as URLs go); /cdn streams its body without a Content-Length."""

    def __init__(self) -> None:
        self.seen: dict[str, list[str | None]] = {"media": [], "cdn": []}
        self.body = AUDIO
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)
        self.port = 0

    async def _media(self, request: web.Request) -> web.StreamResponse:
        self.seen["media"].append(request.headers.get("Authorization"))
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return web.Response(status=401)
        raise web.HTTPTemporaryRedirect(f"http://localhost:{self.port}/cdn")

    async def _cdn(self, request: web.Request) -> web.StreamResponse:
        self.seen["cdn"].append(request.headers.get("Authorization"))
        response = web.StreamResponse(headers={"Content-Type": "audio/ogg"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(self.body), 1000):
            await response.write(self.body[start : start + 1000])
        await response.write_eof()
        return response

    async def _loop_redirect(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/loop")

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        app = web.Application()
        app.router.add_get("/media", self._media)
        app.router.add_get("/cdn", self._cdn)
        app.router.add_get("/loop", self._loop_redirect)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        # "localhost" reaches this too: the client tries each address the name resolves to.
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.port = runner.addresses[0][1]
        self._ready.set()
        await self._stop.wait()
        await runner.cleanup()

    def __enter__(self) -> CdnServer:
        self._thread.start()
        assert self._ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(5)


@pytest.fixture
def cdn() -> Iterator[CdnServer]:
    with CdnServer() as server:
        yield server


def test_credentials_are_not_sent_to_the_cdn_host(cdn: CdnServer) -> None:
    media = fetch_media(
        f"http://127.0.0.1:{cdn.port}/media", SID, TOKEN, max_bytes=len(AUDIO), timeout=5
    )

    assert media.data == AUDIO
    assert cdn.seen["media"] == ["Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()]
    assert cdn.seen["cdn"] == [None]


def test_the_limit_holds_without_a_content_length(cdn: CdnServer) -> None:
    with pytest.raises(MediaTooLarge):
        fetch_media(
            f"http://127.0.0.1:{cdn.port}/media", SID, TOKEN, max_bytes=len(AUDIO) - 1, timeout=5
        )


def test_endless_redirects_give_up(cdn: CdnServer) -> None:
    with pytest.raises(MediaUnavailable, match=f"more than {MAX_REDIRECTS} redirects"):
        fetch_media(f"http://127.0.0.1:{cdn.port}/loop", SID, TOKEN, max_bytes=100, timeout=5)


def test_nothing_listening_is_unavailable() -> None:
    with pytest.raises(MediaUnavailable, match="media fetch failed"):
        fetch_media("http://127.0.0.1:9/media", SID, TOKEN, max_bytes=100, timeout=5)


def test_only_http_urls_are_fetched() -> None:
    with pytest.raises(MediaUnavailable, match="non-HTTP"):
        fetch_media("file:///etc/passwd", SID, TOKEN, max_bytes=100, timeout=5)
