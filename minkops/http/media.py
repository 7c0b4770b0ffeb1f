"""`GET` and `HEAD /media/{token}`: outbound voice notes, for Twilio to fetch.

Twilio sends a message with `MediaUrl = media_url(public_url, token)`, then fetches that URL
(HEAD and GET) and compares its `Content-Type` with the file: the header is exactly the type
the note was stored with (`audio/ogg` for Opus, `audio/mpeg` for MP3, see
`minkops.voice.CONTENT_TYPES`). Anything not servable (unknown, malformed, expired or deleted
token) is the same bare 404, so a response reveals neither whether a token ever existed nor
where the files live. The wiring is the integrator's: `add_media_routes(app, store)`.
"""

from __future__ import annotations

import asyncio
import mimetypes

from aiohttp import web

from minkops.logs import get_logger
from minkops.voice.media_store import MediaStore

log = get_logger(__name__)

MEDIA_STORE = web.AppKey("media_store", MediaStore)
MEDIA_ROUTE = "/media/{token}"

_EXTENSIONS = {"audio/ogg": ".ogg", "audio/mpeg": ".mp3"}
_NO_CACHE = "no-store"  # a note is a bearer secret with a short life: nobody keeps a copy


def add_media_routes(app: web.Application, store: MediaStore) -> None:
    """Serve `store` at `GET` and `HEAD /media/{token}` (aiohttp adds HEAD to a GET route)."""
    app[MEDIA_STORE] = store
    app.router.add_get(MEDIA_ROUTE, serve_media, allow_head=True)


def media_url(public_url: str, token: str) -> str:
    """The URL Twilio fetches a note from (`Settings.public_url` is MINKOPS_PUBLIC_URL)."""
    return f"{public_url.rstrip('/')}/media/{token}"


async def serve_media(request: web.Request) -> web.StreamResponse:
    store = request.app[MEDIA_STORE]
    token = request.match_info["token"]
    try:
        # File access off the event loop: a slow disk must not stall webhooks.
        found = await asyncio.to_thread(store.get, token)
        if found is None:
            return _not_found()
        data = None if request.method == "HEAD" else await asyncio.to_thread(found.read_bytes)
    except FileNotFoundError:
        return _not_found()  # deleted between the lookup and the read
    except OSError as error:
        # The disk, not the caller: say so without a path; Twilio gets a clear failure.
        log.error("media.unavailable", error=type(error).__name__)
        raise web.HTTPServiceUnavailable(text="media unavailable\n") from None
    headers = {
        "Content-Type": found.content_type,
        "Content-Length": str(found.size),
        "Cache-Control": _NO_CACHE,
        "X-Content-Type-Options": "nosniff",
        # Twilio's media guidance: a short file name without spaces, so WhatsApp shows one.
        "Content-Disposition": f'inline; filename="voice{_extension(found.content_type)}"',
    }
    if data is None:
        return web.Response(headers=headers)
    return web.Response(body=data, headers=headers)


def _not_found() -> web.Response:
    return web.Response(status=404, text="not found\n", headers={"Cache-Control": _NO_CACHE})


def _extension(content_type: str) -> str:
    bare = content_type.split(";", 1)[0].strip().lower()
    return _EXTENSIONS.get(bare) or mimetypes.guess_extension(bare) or ""
