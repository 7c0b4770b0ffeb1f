"""`minkops serve`: the database, the HTTP front and the actors, started and stopped together."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import pykka.debug
from aiohttp import web

from minkops.actors.system import Engines
from minkops.domain.rules import RuleEngine
from minkops.http.app import make_app
from minkops.http.keys import ACTORS, Lifecycle
from minkops.http.limits import cap_connections
from minkops.logs import get_logger
from minkops.settings import Settings
from minkops.store.migrate import apply_migrations

log = get_logger(__name__)

# How long a SIGTERM waits for messages in flight before stopping the actors anyway.
DRAIN_SECONDS = 20.0


@contextmanager
def database_dsn(settings: Settings) -> Iterator[str]:
    """DATABASE_URL, or the private cluster under DATA_DIR/pg (stopped again if we started it)."""
    if settings.database.url:
        yield settings.database.url
        return
    from minkops.store.cluster import EmbeddedPostgres

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


def choose_engines(settings: Settings) -> Engines:
    """The rule engine alone without an OpenAI key; OpenAI (rule engine behind it) with one."""
    rules = RuleEngine()
    if not settings.openai.api_key:
        return Engines(understanding=rules, read_in_org_actor=True)
    from minkops.ai import (
        CircuitBreaker,
        OpenAIUnderstanding,
        Transcriber,
        TranslatingReader,
        Translator,
        fetch_media,
        make_openai_client,
    )

    openai = settings.openai
    client = make_openai_client(openai)
    # One circuit: when OpenAI is down, it is down for reading and for listening alike.
    circuit = CircuitBreaker("openai", openai.circuit_failures, openai.circuit_reset_seconds)
    twilio, voice = settings.twilio, settings.voice
    return Engines(
        # Reading, then the words a task or reminder passes on in its recipients' languages.
        understanding=TranslatingReader(
            OpenAIUnderstanding(client, openai, rules, circuit=circuit),
            Translator(client, openai, circuit=circuit),
        ),
        fetch_media=partial(
            fetch_media,
            account_sid=twilio.account_sid,
            auth_token=twilio.auth_token,
            max_bytes=voice.max_media_bytes,
            timeout=voice.fetch_timeout_seconds,
            api_base=twilio.api_base,
            redirect_hosts=tuple(settings.faults.media_redirect_hosts),
        ),
        transcribe=Transcriber(client, openai, circuit=circuit).transcribe_counted,
    )


def serve(settings: Settings) -> int:
    with database_dsn(settings) as dsn:
        lifecycle = asyncio.run(run_service(settings, dsn))
    if lifecycle.escalated:
        log.critical("service.exit", status=1, reason="supervision gave up")
        return 1
    return 0


async def run_service(
    settings: Settings, dsn: str, lifecycle: Lifecycle | None = None
) -> Lifecycle:
    """Serve until SIGTERM/SIGINT, `lifecycle.stop`, or the supervision tree gives up."""
    lifecycle = lifecycle or Lifecycle()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lifecycle.stop.set)
    # Stuck actor? `kill -USR1 PID` logs every thread's stack.
    signal.signal(signal.SIGUSR1, pykka.debug.log_thread_tracebacks)
    applied = await apply_migrations(dsn)
    app = make_app(settings, dsn, choose_engines(settings), lifecycle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    assert runner.server is not None
    cap_connections(runner.server, settings.faults.max_connections)
    site = web.TCPSite(runner, settings.http.host, settings.http.port)
    await site.start()
    log.info("service.started", url=settings.public_url, migrations_applied=len(applied))
    try:
        await lifecycle.stop.wait()
        log.info("service.stopping")
        lifecycle.accepting = False  # webhooks now get 503 + Retry-After
        if not lifecycle.escalated:
            drained = await loop.run_in_executor(
                None, app[ACTORS].drain, time.monotonic() + DRAIN_SECONDS
            )
            log.info("service.drained" if drained else "service.drain_timeout")
    finally:
        await runner.cleanup()
        log.info("service.stopped")
    return lifecycle
