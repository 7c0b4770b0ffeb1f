"""Finding 6: voice-note media were fetched from any URL with the Twilio credentials, and
redirects to internal URLs were followed. Now only from the configured Twilio API host."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from minkops.ai.media import Media, MediaUnavailable, fetch_media
from minkops.ai.media_policy import MediaUrlRefused, check_media_url
from minkops.sandbox.twilio_api import TwilioStandIn, TwilioStandInThread

SID = "AC" + "3" * 32
TOKEN = "media-token-policy-0123456789"
AUDIO = b"OggS" + bytes(range(256)) * 8
API = "https://api.twilio.com"
CDN = ("mms.twiliocdn.com", ".media.twiliocdn.com")


def public(_: str) -> list[str]:
    return ["52.1.2.3"]


def internal(_: str) -> list[str]:
    return ["10.0.0.5"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5432/x",
        "http://localhost/2010-04-01/Accounts/AC/Messages/MM/Media/ME",
        "https://user:pw@api.twilio.com/x",
        "https://api.twilio.com.evil.example/x",
        "https://api.twilio.com:8443/x",
        "http://api.twilio.com/x",  # another scheme is another origin
        "https://mms.twiliocdn.com/x",  # the CDN only by redirect
        "file:///etc/passwd",
    ],
)
def test_the_first_request_goes_only_to_the_twilio_api(url: str) -> None:
    with pytest.raises(MediaUrlRefused):
        check_media_url(url, API, CDN, first=True, resolve=public)


def test_the_twilio_api_itself_is_fetched() -> None:
    check_media_url(API + "/2010-04-01/Accounts/AC/Media/ME", API, CDN, first=True)


@pytest.mark.parametrize(
    ("url", "resolve"),
    [
        ("https://169.254.169.254/latest/meta-data", public),
        ("https://127.0.0.1/x", public),
        ("https://[::1]/x", public),
        ("https://mms.twiliocdn.com/x", internal),  # a CDN name that resolves inward
        ("http://mms.twiliocdn.com/x", public),
        ("https://example.com/x", public),
        ("https://u:p@mms.twiliocdn.com/x", public),
    ],
)
def test_redirects_go_only_to_twilio_media_hosts_on_public_addresses(url: str, resolve) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MediaUrlRefused):
        check_media_url(url, API, CDN, first=False, resolve=resolve)


def test_a_redirect_to_the_cdn_is_followed() -> None:
    check_media_url("https://mms.twiliocdn.com/a/b", API, CDN, first=False, resolve=public)
    check_media_url("https://s1.media.twiliocdn.com/a", API, CDN, first=False, resolve=public)


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        _Recorder.seen.append(self.headers.get("Authorization"))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def other_local_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def twilio() -> Iterator[TwilioStandInThread]:
    with TwilioStandInThread(TwilioStandIn(SID, TOKEN)) as running:
        yield running


def test_another_local_port_never_sees_the_credentials(
    twilio: TwilioStandInThread, other_local_server: str
) -> None:
    _Recorder.seen.clear()
    base = twilio.stand_in.base_url or ""
    with pytest.raises(MediaUnavailable):
        fetch_media(
            other_local_server + "/Media/ME1",
            SID,
            TOKEN,
            max_bytes=100,
            timeout=5,
            api_base=base,
            redirect_hosts=CDN,
        )
    assert _Recorder.seen == []
    # The stand-in's own media (and its redirect, on the configured origin) still come in.
    url = twilio.stand_in.add_media(AUDIO, "audio/ogg")
    media = fetch_media(
        url, SID, TOKEN, max_bytes=len(AUDIO), timeout=5, api_base=base, redirect_hosts=CDN
    )
    assert media == Media(AUDIO, "audio/ogg")
