"""The aiohttp application: routes, and the resources it opens and closes in cleanup_ctx."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from functools import partial
from typing import TypeVar

from aiohttp import web

from minkops import loop_probe, recovery
from minkops.actors.messages import Deliver, SweepOutbox
from minkops.actors.persistence import Persistence
from minkops.actors.supervisor import RestartIntensityExceeded
from minkops.actors.system import Engines, start_actor_system
from minkops.http import batches, export, ops, stripe_routes, twilio_webhooks
from minkops.http.keys import (
    ACTORS,
    INBOX_ACCEPTS,
    LIFECYCLE,
    METRICS,
    POOL,
    SETTINGS,
    STATUS_RECORDS,
    Lifecycle,
)
from minkops.http.media import add_media_routes
from minkops.logs import get_logger
from minkops.metrics import Metrics
from minkops.settings import Settings
from minkops.store import inbox
from minkops.store.database import create_pool, org_transaction
from minkops.voice.speaker import Speaker

log = get_logger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def voice_notes_out(settings: Settings) -> Speaker:
    """Speech synthesis (OpenAI with a key, else espeak-ng) and the store Twilio fetches from."""
    from minkops.voice import MediaStore, make_synthesizer

    voice = settings.voice
    return Speaker(
        synthesizer=make_synthesizer(settings.openai, voice),
        store=MediaStore.in_data_dir(settings.data_dir),
        public_url=settings.public_url,
        audio_format=voice.audio_format,
        lifetime=timedelta(seconds=voice.media_lifetime_seconds),
        max_note_seconds=voice.max_note_seconds,
    )


def make_app(
    settings: Settings, dsn: str, engines: Engines, lifecycle: Lifecycle | None = None
) -> web.Application:
    app = web.Application(client_max_size=settings.http.max_body_bytes)
    app[SETTINGS] = settings
    app[METRICS] = Metrics()
    app[LIFECYCLE] = lifecycle or Lifecycle()
    app.router.add_post("/twilio/whatsapp", twilio_webhooks.inbound_whatsapp)
    app.router.add_post("/twilio/status", twilio_webhooks.message_status)
    app.router.add_get("/export/{token}", export.serve_export, allow_head=False)
    app.router.add_get("/healthz", ops.healthz)
    app.router.add_get("/readyz", ops.readyz)
    app.router.add_get("/metrics", ops.metrics)
    speaker = voice_notes_out(settings)
    add_media_routes(app, speaker.store)  # GET/HEAD /media/{token}: notes Twilio fetches
    stripe_routes.add_routes(app, stripe_routes.edge_from(settings))

    async def database(app: web.Application) -> AsyncIterator[None]:
        pool = await create_pool(dsn, settings.database.pool_min, settings.database.pool_max)
        # Webhooks commit on connections of their own (a bulkhead): on the shared pool a
        # batch queued behind a burst of actor work (10,000 activations) for longer than
        # db_request_timeout_seconds, and from that one timeout on every webhook went
        # through the fsync'ed spool until it drained (a 59-77 s warm pass, not ~10 s).
        # Each of the two batchers has at most commits_in_flight statements running.
        in_flight = settings.database.commits_in_flight
        webhooks = await create_pool(dsn, 1, 2 * in_flight)
        app[POOL] = pool
        app[INBOX_ACCEPTS] = accepts = batches.inbox_accepts(settings, webhooks)
        app[STATUS_RECORDS] = statuses = batches.status_records(settings, webhooks)
        yield
        await accepts.close()
        await statuses.close()
        await webhooks.close()
        await pool.close()

    async def actors(app: web.Application) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        persistence = Persistence(loop, app[POOL])
        lifecycle = app[LIFECYCLE]

        def escalated(reason: RestartIntensityExceeded) -> None:
            # Runs on the root supervisor's thread: never half-dead, stop the whole service.
            log.critical("service.escalated", reason=str(reason))
            lifecycle.escalated = True
            loop.call_soon_threadsafe(lifecycle.stop.set)

        # Starting the tree blocks until every child is up, and children reach the loop.
        system = await loop.run_in_executor(
            None,
            partial(
                start_actor_system,
                settings,
                persistence,
                engines,
                app[METRICS],
                escalated,
                speaker=speaker,
            ),
        )
        app[ACTORS] = system
        await _resume_unfinished_work(app)
        yield
        # Stopping waits for actors, which may be waiting on this loop: do it off the loop.
        await loop.run_in_executor(None, system.stop)

    app.cleanup_ctx.extend(
        [
            database,
            actors,
            recovery.spool_ctx,
            recovery.sweeper_ctx,
            recovery.org_changes_ctx,
            loop_probe.probe_ctx,
        ]
    )
    return app


async def _resume_unfinished_work(app: web.Application) -> None:
    """Hand over what a previous process accepted but did not finish: nothing is lost in a crash."""
    async with org_transaction(app[POOL], None) as connection:
        rows = await inbox.unprocessed(connection)
    system = app[ACTORS]
    for row in rows:
        system.directory.tell(Deliver(row))
    # Unsent rows (pending, or left 'sending' by a crash and reconciled first) are swept now
    # rather than at the first periodic sweep.
    system.outbound.tell(SweepOutbox())
    if rows:
        log.info("service.resumed", inbound=len(rows))
