"""`GET`/`HEAD /media/{token}` on a real aiohttp server, as Twilio fetches a voice note."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from yarl import URL

from minkops.http.media import add_media_routes, media_url
from minkops.voice.media_store import MediaStore, StoredMedia

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
OGG = b"OggS" + bytes(range(256)) * 64


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> MediaStore:
    return MediaStore.in_data_dir(tmp_path / "data", clock=clock)


async def _serve(store: MediaStore) -> TestServer:
    app = web.Application()
    add_media_routes(app, store)
    server = TestServer(app)
    await server.start_server()
    return server


@pytest.fixture
async def server(store: MediaStore) -> AsyncIterator[TestServer]:
    running = await _serve(store)
    yield running
    await running.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(auto_decompress=False) as session:
        yield session


def _url(server: TestServer, token: str) -> str:
    return str(server.make_url(f"/media/{token}"))


async def test_get_serves_the_bytes_with_the_exact_content_type(
    server: TestServer, store: MediaStore, http: aiohttp.ClientSession
) -> None:
    token = store.put(OGG, "audio/ogg", HOUR)

    async with http.get(_url(server, token)) as response:
        body = await response.read()

    assert response.status == 200
    assert body == OGG
    assert response.headers["Content-Type"] == "audio/ogg"  # no charset, nothing added
    assert response.headers["Content-Length"] == str(len(OGG))
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == 'inline; filename="voice.ogg"'
    assert "Content-Encoding" not in response.headers


async def test_head_gives_the_same_headers_and_no_body(
    server: TestServer, store: MediaStore, http: aiohttp.ClientSession
) -> None:
    token = store.put(OGG, "audio/mpeg", HOUR)

    async with http.head(_url(server, token)) as response:
        body = await response.read()

    assert response.status == 200
    assert body == b""
    assert response.headers["Content-Type"] == "audio/mpeg"
    assert response.headers["Content-Length"] == str(len(OGG))
    assert response.headers["Content-Disposition"] == 'inline; filename="voice.mp3"'


async def test_a_content_type_with_parameters_is_served_verbatim(
    server: TestServer, store: MediaStore, http: aiohttp.ClientSession
) -> None:
    token = store.put(OGG, "audio/ogg; codecs=opus", HOUR)

    async with http.get(_url(server, token)) as response:
        assert response.headers["Content-Type"] == "audio/ogg; codecs=opus"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
async def test_404_after_delete(
    server: TestServer, store: MediaStore, http: aiohttp.ClientSession, method: str
) -> None:
    token = store.put(OGG, "audio/ogg", HOUR)
    store.delete(token)

    async with http.request(method, _url(server, token)) as response:
        assert response.status == 404
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
async def test_404_after_expiry(
    server: TestServer,
    store: MediaStore,
    clock: Clock,
    http: aiohttp.ClientSession,
    method: str,
) -> None:
    token = store.put(OGG, "audio/ogg", HOUR)
    clock.now = START + HOUR

    async with http.request(method, _url(server, token)) as response:
        assert response.status == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/" + "A" * 43,  # the right shape, never issued
        "/media/nope",
        "/media/" + "a" * 500,
        "/media/..%2F..%2Fetc%2Fpasswd",
        "/media/%2e%2e",
        "/media/" + "a" * 42 + "%00",
        "/media/" + "a" * 42 + "%2F",
        "/media/%F0%9F%94%8A",
        "/media/",
        "/media",
    ],
)
async def test_404_for_a_bad_token_never_500_and_no_path_revealed(
    server: TestServer, store: MediaStore, http: aiohttp.ClientSession, path: str
) -> None:
    store.put(OGG, "audio/ogg", HOUR)

    raw = URL(f"http://{server.host}:{server.port}{path}", encoded=True)  # sent as written
    async with http.get(raw) as response:
        body = await response.text()

    assert response.status == 404
    assert str(store.root) not in body and "data" not in body


async def test_a_restarted_process_still_serves(
    tmp_path: Path, clock: Clock, http: aiohttp.ClientSession
) -> None:
    token = MediaStore.in_data_dir(tmp_path, clock=clock).put(OGG, "audio/ogg", HOUR)

    restarted = await _serve(MediaStore.in_data_dir(tmp_path, clock=clock))
    try:
        async with http.get(_url(restarted, token)) as response:
            assert response.status == 200
            assert await response.read() == OGG
    finally:
        await restarted.close()


async def test_deleted_between_lookup_and_read_is_404(
    server: TestServer,
    store: MediaStore,
    http: aiohttp.ClientSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = store.put(OGG, "audio/ogg", HOUR)
    real_read = StoredMedia.read_bytes

    def delete_first(found: StoredMedia) -> bytes:
        store.delete(token)  # the status callback wins the race
        return real_read(found)

    monkeypatch.setattr(StoredMedia, "read_bytes", delete_first)

    async with http.get(_url(server, token)) as response:
        assert response.status == 404


async def test_a_disk_failure_is_503_without_the_path(
    server: TestServer,
    store: MediaStore,
    http: aiohttp.ClientSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = store.put(OGG, "audio/ogg", HOUR)

    def broken(_: StoredMedia) -> bytes:
        raise PermissionError(13, "Permission denied", str(store.root))

    monkeypatch.setattr(StoredMedia, "read_bytes", broken)

    async with http.get(_url(server, token)) as response:
        body = await response.text()

    assert response.status == 503
    assert str(store.root) not in body


def test_media_url_is_built_on_the_public_url() -> None:
    assert media_url("https://ops.example.com/", "t0k") == "https://ops.example.com/media/t0k"
