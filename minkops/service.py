"""`minkops serve`: the database, the HTTP front and the actors, started and stopped together."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from minkops.db.migrate import apply_migrations
from minkops.domain.rules import RuleEngine
from minkops.domain.understanding import Understanding
from minkops.http.app import make_app
from minkops.logs import get_logger
from minkops.settings import Settings

log = get_logger(__name__)


@contextmanager
def database_dsn(settings: Settings) -> Iterator[str]:
    """DATABASE_URL, or the private cluster under DATA_DIR/pg (stopped again if we started it)."""
    if settings.database.url:
        yield settings.database.url
        return
    from minkops.sandbox.postgres import EmbeddedPostgres

    cluster = EmbeddedPostgres(settings.data_dir / "pg")
    already_running = cluster.is_running()
    dsn = cluster.start()
    log.info("db.embedded", data_dir=str(cluster.data_dir), reused=already_running)
    try:
        yield dsn
    finally:
        if not already_running:
            cluster.stop()
            log.info("db.embedded_stopped")


def choose_understanding(settings: Settings) -> Understanding:
    return RuleEngine()


def serve(settings: Settings) -> int:
    with database_dsn(settings) as dsn:
        asyncio.run(run_service(settings, dsn))
    return 0


async def run_service(settings: Settings, dsn: str, stop: asyncio.Event | None = None) -> None:
    """Serve until SIGTERM/SIGINT (or `stop` is set)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    applied = await apply_migrations(dsn)
    app = make_app(settings, dsn, choose_understanding(settings))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.http.host, settings.http.port)
    await site.start()
    log.info("service.started", url=settings.public_url, migrations_applied=len(applied))
    try:
        await stop.wait()
        log.info("service.stopping")
    finally:
        await runner.cleanup()
        log.info("service.stopped")
