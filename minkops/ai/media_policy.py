"""Where an inbound media fetch may go (issue 8, finding 6): pure checks, no fetching.

The first request goes only to the configured Twilio API origin (the only place that gets
the credentials); redirects only to Twilio's media CDN hosts (configurable) or back to
that origin; never to a loopback, private, link-local or otherwise special address unless
it is the configured API origin itself (a local stand-in), and never with ``user:pw@``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

Resolve = Callable[[str], list[str]]


class MediaUrlRefused(ValueError):
    """The URL is not one MinkOps fetches media from (the message names no URL)."""


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        raise MediaUrlRefused("media URL has an invalid port") from None
    return scheme, (parts.hostname or "").lower(), port


def resolve_host(host: str) -> list[str]:
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})
    except (OSError, UnicodeError):
        return []


def _special(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def check_media_url(
    url: str,
    api_base: str,
    redirect_hosts: Sequence[str],
    *,
    first: bool,
    resolve: Resolve = resolve_host,
) -> None:
    """Raise MediaUrlRefused unless `url` may be fetched (`first`: the webhook's MediaUrl)."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise MediaUrlRefused("media URL carries credentials")
    scheme, host, _ = origin(url)
    if scheme not in ("http", "https") or not host:
        raise MediaUrlRefused("media URL is not an HTTP URL")
    if origin(url) == origin(api_base):
        return  # the configured Twilio API (or its stand-in): trusted as configured
    if first:
        raise MediaUrlRefused("media URL is not on the configured Twilio API host")
    allowed = any(
        host == entry.lower() or (entry.startswith(".") and host.endswith(entry.lower()))
        for entry in redirect_hosts
    )
    if not allowed or scheme != "https":
        raise MediaUrlRefused("media redirect to a host that is not Twilio's media CDN")
    addresses = [host] if _is_ip(host) else resolve(host)
    if not addresses or any(_special(address) for address in addresses):
        raise MediaUrlRefused("media redirect to a private or local address")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
