"""What keeps acknowledged messages moving without a restart (issue 8).

Three loops on the service loop, each opened and closed in the app's cleanup_ctx:

- the spool drainer moves webhooks acknowledged during an outage into the inbox;
- the inbox sweeper hands over again rows left unprocessed past a deadline (backoff per
  row; after N attempts the row is quarantined and the person gets an apology);
- the LISTEN connection for org changes, re-established after it is lost, with a reload
  of every live org actor's state (changes made meanwhile were not heard).

None of them waits on an actor: they only tell.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
from aiohttp import web

from minkops.actors.messages import Deliver, OrgChanged, ReloadLive
from minkops.http import delivery_status, twilio_form
from minkops.http.keys import ACTORS, METRICS, POOL, SETTINGS, SPOOL
from minkops.http.twilio_webhooks import DATABASE_UNAVAILABLE, SPOOL_KEY_FIELD
from minkops.logs import get_logger
from minkops.store import inbox, outbox
from minkops.store.database import org_transaction
from minkops.store.spool import Spool, Spooled

log = get_logger(__name__)


async def _every(interval: float, step: Any) -> None:
    while True:
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except DATABASE_UNAVAILABLE:
            pass  # the next round tries again
        except Exception:
            log.exception("recovery.step_failed", step=getattr(step, "__name__", "?"))
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def _running(coroutine: Any) -> AsyncIterator[None]:
    task = asyncio.create_task(coroutine)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


# --- the spool ---------------------------------------------------------------------------


async def spool_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    spool = Spool(settings.data_dir / "spool")
    await asyncio.to_thread(spool.load)
    app[SPOOL] = spool
    if spool.depth:
        log.warning("spool.found", depth=spool.depth)

    async def drain() -> None:
        metrics = app[METRICS]
        metrics.spool_depth.set(spool.depth)
        metrics.spool_oldest_seconds.set(spool.oldest_age())
        if spool.depth:
            stored = await spool.drain(lambda entry: _store_spooled(app, entry))
            if stored:
                log.info("spool.drained", stored=stored, left=spool.depth)
            metrics.spool_depth.set(spool.depth)
            metrics.spool_oldest_seconds.set(spool.oldest_age())

    async with _running(_every(settings.faults.spool_drain_interval_seconds, drain)):
        yield


async def _store_spooled(app: web.Application, entry: Spooled) -> None:
    timeout = app[SETTINGS].faults.db_request_timeout_seconds
    if entry.kind == "inbound":
        message = twilio_form.inbound_message(entry.form)
        async with asyncio.timeout(timeout), org_transaction(app[POOL], None) as connection:
            row = await inbox.accept(connection, message)
            if row is None:
                row = await inbox.unfinished(connection, message.sid)
        if row is not None:
            app[ACTORS].directory.tell(Deliver(row))
        return
    form = dict(entry.form)
    key = form.pop(SPOOL_KEY_FIELD, None)
    update = twilio_form.status_update(form)
    async with asyncio.timeout(timeout), app[POOL].acquire() as connection:
        (recorded,) = await outbox.record_deliveries(
            connection, [delivery_status.report(update, key)]
        )
    # What the callback sets off (63016: the template; a note to delete) happens for a
    # spooled callback too: Twilio will not send it again.
    delivery_status.follow_up(app, update, recorded)


# --- the inbox sweeper -------------------------------------------------------------------


async def sweeper_ctx(app: web.Application) -> AsyncIterator[None]:
    faults = app[SETTINGS].faults

    async def sweep() -> None:
        await sweep_inbox(app)

    async with _running(_every(faults.sweep_interval_seconds, sweep)):
        yield


async def sweep_inbox(app: web.Application) -> int:
    """Hand over every overdue row once; quarantine those past their last attempt."""
    faults = app[SETTINGS].faults
    metrics = app[METRICS]
    directory = app[ACTORS].directory
    async with asyncio.timeout(faults.db_request_timeout_seconds * 2):
        async with org_transaction(app[POOL], None) as connection:
            due = await inbox.overdue(
                connection,
                timedelta(seconds=faults.redeliver_after_seconds),
                timedelta(seconds=faults.redeliver_backoff_base_seconds),
                timedelta(seconds=faults.redeliver_backoff_max_seconds),
                500,
            )
            newly = [
                d
                for d in due
                if not d.quarantined
                and d.attempts > faults.max_delivery_attempts
                and await inbox.quarantine(connection, d.row.inbox_id)
            ]
        async with org_transaction(app[POOL], None) as connection:
            backlog = await inbox.backlog(connection)
    metrics.inbox_waiting.set(backlog.waiting)
    metrics.inbox_oldest_seconds.set(backlog.oldest_seconds)
    for overdue in due:
        row = overdue.row
        if overdue in newly:
            metrics.inbox_quarantined.inc()
            log.error(
                "inbound.quarantined",
                message_sid=row.message_sid,
                org_id=row.org_id,
                attempts=overdue.attempts,
            )
        give_up = overdue.quarantined or overdue in newly
        if not give_up:
            metrics.inbox_redelivered.labels(why="sweeper").inc()
            log.info("inbound.redelivered", message_sid=row.message_sid, attempts=overdue.attempts)
        directory.tell(Deliver(row, quarantined=give_up))
    return len(due)


# --- LISTEN minkops_org_changed ----------------------------------------------------------


async def org_changes_ctx(app: web.Application) -> AsyncIterator[None]:
    async with _running(_listen_forever(app)):
        yield


async def _listen_forever(app: web.Application) -> None:
    faults = app[SETTINGS].faults
    delay, first = 0.1, True

    def changed(_: object, __: int, ___: str, payload: str) -> None:
        with contextlib.suppress(ValueError):
            app[ACTORS].directory.tell(OrgChanged(int(payload)))

    while True:
        lost = asyncio.Event()
        connection: asyncpg.Connection | None = None
        try:
            async with asyncio.timeout(faults.db_request_timeout_seconds * 2):
                connection = await app[POOL].acquire()
                connection.add_termination_listener(lambda _, event=lost: event.set())
                await connection.add_listener("minkops_org_changed", changed)
            if not first:
                # Changes made while we were not listening were not heard: reload.
                app[METRICS].listen_reconnects.inc()
                app[ACTORS].directory.tell(ReloadLive())
                log.info("db.listen_reconnected")
            first, delay = False, 0.1
            while not lost.is_set():
                # A dead server does not always close the socket: look now and then.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(5):
                        await lost.wait()
                if not lost.is_set():
                    async with asyncio.timeout(faults.db_request_timeout_seconds * 2):
                        await connection.execute("SELECT 1")
            log.warning("db.listen_lost")
        except asyncio.CancelledError:
            await _let_go(app, connection, changed)
            raise
        except Exception as error:
            log.warning("db.listen_lost", error=type(error).__name__)
        await _let_go(app, connection, changed, terminate=True)
        await asyncio.sleep(delay)
        delay = min(delay * 2, faults.listen_reconnect_max_seconds)


async def _let_go(
    app: web.Application,
    connection: asyncpg.Connection | None,
    changed: Any,
    *,
    terminate: bool = False,
) -> None:
    if connection is None:
        return
    with contextlib.suppress(Exception):
        if terminate or connection.is_closed():
            connection.terminate()
        else:
            async with asyncio.timeout(2):
                await connection.remove_listener("minkops_org_changed", changed)
    with contextlib.suppress(Exception):
        async with asyncio.timeout(2):
            await app[POOL].release(connection)
