"""A cap on concurrent client connections (issue 8, finding 8).

Past the cap a new connection is aborted at once: to Twilio that is a failed connection,
which it retries by default (connection overrides ``rp=ct``), unlike a 5xx. Slow or idle
clients therefore cannot hold every descriptor the process has.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from minkops.logs import get_logger

log = get_logger(__name__)


def cap_connections(server: web.Server, maximum: int) -> None:
    original = server.connection_made

    def connection_made(handler: Any, transport: asyncio.Transport) -> None:
        original(handler, transport)
        if len(server.connections) > maximum:
            log.warning("http.connection_refused", open=len(server.connections), cap=maximum)
            transport.abort()

    server.connection_made = connection_made  # type: ignore[method-assign]
