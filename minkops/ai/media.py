"""Fetch an inbound attachment (a voice note) from Twilio into memory.

Twilio serves media behind basic auth and answers with a redirect to a short-lived CDN URL.
Redirects are followed by hand so the credentials only ever go to the origin they were
meant for, and the size limit holds while the body streams in. Nothing touches the disk.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3

from minkops.ai.media_policy import MediaUrlRefused, check_media_url
from minkops.logs import get_logger

log = get_logger(__name__)

MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
# One pool for the process: connections to Twilio and its CDN are reused across fetches.
_POOL = urllib3.PoolManager(retries=False)


class MediaUnavailable(Exception):
    """The media could not be fetched (network, HTTP error, too many redirects, timeout)."""


class MediaTooLarge(MediaUnavailable):
    """The media is larger than the configured limit; the rest was not downloaded."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"media is larger than the {max_bytes}-byte limit")
        self.max_bytes = max_bytes


@dataclass(frozen=True)
class Media:
    data: bytes = field(repr=False)
    content_type: str

    @property
    def size(self) -> int:
        return len(self.data)


def fetch_media(
    url: str,
    account_sid: str,
    auth_token: str,
    *,
    max_bytes: int,
    timeout: float,
    api_base: str | None = None,
    redirect_hosts: Sequence[str] = (),
) -> Media:
    """GET `url` with Twilio basic auth, following redirects; at most `max_bytes` bytes.

    `timeout` bounds the whole fetch, redirects included. Raises MediaTooLarge or
    MediaUnavailable; error messages carry no URL (CDN URLs are bearer tokens).
    With `api_base` (the service always gives it), every request is checked first by
    `media_policy.check_media_url`: the first only to the Twilio API origin, redirects
    only to `redirect_hosts`, never to a private or local address.
    """
    deadline = time.monotonic() + timeout
    origin = _origin(url)
    auth = urllib3.make_headers(basic_auth=f"{account_sid}:{auth_token}")
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        if api_base is not None:
            try:
                check_media_url(current, api_base, redirect_hosts, first=hop == 0)
            except MediaUrlRefused as refused:
                log.warning("media.refused", reason=str(refused))
                raise MediaUnavailable(str(refused)) from None
        if _origin(current)[0] not in ("http", "https"):
            raise MediaUnavailable("media redirect to a non-HTTP URL")
        headers = {"Accept-Encoding": "identity"}
        if _origin(current) == origin:
            headers.update(auth)
        response = _get(current, headers, deadline)
        done = False
        try:
            if response.status in _REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise MediaUnavailable(f"media redirect ({response.status}) without Location")
                current = urljoin(current, location)
                continue
            if not 200 <= response.status < 300:
                raise MediaUnavailable(f"media fetch failed: HTTP {response.status}")
            data = _read_limited(response, max_bytes, deadline)
            content_type = response.headers.get("Content-Type") or "application/octet-stream"
            done = True
        finally:
            if not done:
                response.close()  # an unread body: do not hand the connection back mid-stream
            response.release_conn()
        log.info("media.fetched", bytes=len(data), content_type=content_type)
        return Media(data, content_type)
    raise MediaUnavailable(f"media fetch followed more than {MAX_REDIRECTS} redirects")


def _get(url: str, headers: dict[str, str], deadline: float) -> urllib3.BaseHTTPResponse:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise MediaUnavailable("media fetch timed out")
    try:
        return _POOL.request(
            "GET",
            url,
            headers=headers,
            redirect=False,
            preload_content=False,
            timeout=urllib3.Timeout(connect=remaining, read=remaining),
        )
    except urllib3.exceptions.HTTPError as error:
        raise MediaUnavailable(f"media fetch failed: {type(error).__name__}") from None


def _read_limited(response: urllib3.BaseHTTPResponse, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise MediaTooLarge(max_bytes)
    body = bytearray()
    try:
        for chunk in response.stream(_CHUNK):
            body += chunk
            if len(body) > max_bytes:
                raise MediaTooLarge(max_bytes)
            if time.monotonic() > deadline:
                raise MediaUnavailable("media fetch timed out")
    except urllib3.exceptions.HTTPError as error:
        raise MediaUnavailable(f"media fetch failed: {type(error).__name__}") from None
    return bytes(body)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        raise MediaUnavailable("media URL has an invalid port") from None
    return scheme, (parts.hostname or "").lower(), port
