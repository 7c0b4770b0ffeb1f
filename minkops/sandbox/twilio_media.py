"""Outbound media as Twilio fetches it before a WhatsApp message goes out.

Twilio GETs every MediaUrl (a HEAD is not enough: it needs the bytes to hand to WhatsApp) and
the message fails when the answer is not a 200, its Content-Type is missing or not a type
WhatsApp takes, an ``audio/ogg`` body is not Opus, or the file is over WhatsApp's size limit.
WhatsApp deliveries report all of these as 63019 ("Media failed to download"). The stand-in
never leaves the machine: a URL off loopback cannot be fetched, so it fails the same way.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from aiohttp import ClientError, ClientSession, ClientTimeout

from minkops.sandbox.twilio_errors import Failure

MB = 1024 * 1024
# Meta's limits per kind of media (Twilio passes WhatsApp's own on).
_WHATSAPP_LIMITS = {
    "image/jpeg": 5 * MB,
    "image/png": 5 * MB,
    "audio/ogg": 16 * MB,
    "audio/mpeg": 16 * MB,
    "audio/amr": 16 * MB,
    "audio/mp4": 16 * MB,
    "audio/aac": 16 * MB,
    "video/mp4": 16 * MB,
    "application/pdf": 16 * MB,
}
WHATSAPP_MEDIA_TYPES = frozenset(_WHATSAPP_LIMITS)
MAX_MEDIA_BYTES = max(_WHATSAPP_LIMITS.values())
FETCH_TIMEOUT_SECONDS = 15.0
_MAX_REDIRECTS = 5
MEDIA_FAILED_TO_DOWNLOAD = 63019


@dataclass(frozen=True)
class FetchedMedia:
    """What the stand-in got from one MediaUrl; ``data`` is kept so tests can inspect it."""

    url: str
    http_status: int
    content_type: str
    size: int  # bytes received; past the size limit, reading stopped at limit + 1
    data: bytes = field(default=b"", repr=False)


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_ogg_opus(data: bytes) -> bool:
    """Whether the first Ogg page carries an Opus identification header.

    Page layout (RFC 3533): "OggS", version, flags, granule (8), serial (4), sequence (4),
    CRC (4), segment count; then that many lacing bytes; then the first packet, which for
    Opus (RFC 7845) starts with "OpusHead".
    """
    if len(data) < 27 or not data.startswith(b"OggS"):
        return False
    payload = 27 + data[26]
    return data[payload : payload + 8] == b"OpusHead"


def media_problem(content_type: str, data: bytes, size: int) -> str | None:
    """Why WhatsApp would not take this media, if it would not."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in WHATSAPP_MEDIA_TYPES:
        return f"Invalid Content-Type: {content_type or '(none)'}"
    if size > _WHATSAPP_LIMITS[media_type]:
        return f"Media exceeds WhatsApp's {_WHATSAPP_LIMITS[media_type] // MB} MB limit for {media_type}"
    if media_type == "audio/ogg" and not is_ogg_opus(data):
        return "OGG audio must use the Opus codec"
    return None


def _failure(whatsapp: bool, url: str, problem: str | None = None) -> Failure:
    if whatsapp:
        return Failure(400, MEDIA_FAILED_TO_DOWNLOAD, "Media failed to download")
    # SMS/MMS keep Twilio's older codes: retrieval failure, or content Twilio cannot send.
    if problem is None:
        return Failure(400, 11200, f"HTTP retrieval failure: {url}")
    return Failure(400, 12300, problem)


async def fetch_media(
    session: ClientSession, url: str, *, whatsapp: bool
) -> tuple[FetchedMedia | None, Failure | None]:
    """GET ``url`` (following loopback redirects) and say why delivery fails, if it does."""
    timeout = ClientTimeout(total=FETCH_TIMEOUT_SECONDS)
    current = url
    for _ in range(_MAX_REDIRECTS + 1):
        if not is_loopback(current):
            return None, _failure(whatsapp, url)
        try:
            async with session.get(current, allow_redirects=False, timeout=timeout) as response:
                location = response.headers.get("Location")
                if response.status in (301, 302, 303, 307, 308) and location:
                    current = urljoin(current, location)
                    continue
                content_type = response.headers.get("Content-Type", "")
                limit = _WHATSAPP_LIMITS.get(
                    content_type.split(";")[0].strip().lower(), MAX_MEDIA_BYTES
                )
                data = bytearray()
                async for chunk in response.content.iter_chunked(64 * 1024):
                    data += chunk
                    if len(data) > limit:
                        del data[limit + 1 :]
                        break
                fetched = FetchedMedia(url, response.status, content_type, len(data), bytes(data))
        except (ClientError, TimeoutError):
            return None, _failure(whatsapp, url)
        if fetched.http_status != 200 or not fetched.size:
            return fetched, _failure(whatsapp, url)
        # Only WhatsApp is picky about types, codecs and sizes; MMS transcodes.
        problem = media_problem(content_type, fetched.data, fetched.size) if whatsapp else None
        return fetched, None if problem is None else _failure(whatsapp, url, problem)
    return None, _failure(whatsapp, url)
