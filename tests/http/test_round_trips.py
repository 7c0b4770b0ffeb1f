"""Round trips to PostgreSQL per message, from the webhook to the status callbacks of the
reply (posted as Twilio posts them: ``sent`` then ``delivered``, signed, to the URL the
send named): counted on the client (every call of asyncpg's query methods is one exchange with
the server), and the statements they carried counted by the server (pg_stat_statements;
one round trip may carry several, as `BEGIN; SELECT set_config(…)` does).

The budget is the figure measured on the code as it is; the README keeps it. A change that
adds round trips to the hot path turns this red, and the figure printed says by how much.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest

from minkops.sandbox.twilio_api import StoredMessage
from minkops.settings import Settings
from tests.http.conftest import ACCOUNT_SID, MINKOPS_NUMBER, OWNER, Service, inbound

MESSAGES = 40
# Webhooks arrive this many at a time, as under load (what group commit shares).
CONCURRENT = 8
TEXTS = ("ayuda", "tareas", "tarea: pedir servilletas", "mis tareas")
# Measured on this code (see the README, "Round trips per message"); lower it when you can.
STATEMENTS_PER_MESSAGE_BUDGET = 4.7
ROUND_TRIPS_PER_MESSAGE_BUDGET = 4.3
QUERY_METHODS = ("execute", "executemany", "fetch", "fetchrow", "fetchval")


QUIET = 3600.0  # seconds: no background sweep falls inside the measured window


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The service with its background sweeps (inbox redelivery, outbound retries,
    housekeeping, metering, reminders) far apart: what is counted is the messages' own
    round trips, not how many sweeps a slow machine fits into the window."""
    return settings.model_copy(
        update={
            "faults": settings.faults.model_copy(update={"sweep_interval_seconds": QUIET}),
            "outbound": settings.outbound.model_copy(update={"sweep_interval_seconds": QUIET}),
            "actors": settings.actors.model_copy(update={"housekeeping_interval_seconds": QUIET}),
            "billing": settings.billing.model_copy(update={"metering_interval_seconds": QUIET}),
        }
    )


def count_round_trips(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """Count every query call on any asyncpg connection in this process from now on."""
    calls = 0

    def counting(method: Any) -> Any:
        async def call(self: asyncpg.Connection, *args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return await method(self, *args, **kwargs)

        return call

    for name in QUERY_METHODS:
        monkeypatch.setattr(asyncpg.Connection, name, counting(getattr(asyncpg.Connection, name)))
    return lambda: calls


TRANSACTIONS_PER_MESSAGE_BUDGET = 8.0  # server-wide commits: background sweeps too


async def _counts(connection: asyncpg.Connection) -> tuple[int, int]:
    """Statements the service ran (not this test's), and transactions committed, so far."""
    statements = await connection.fetchval(
        "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s"
        " JOIN pg_database d ON d.oid = s.dbid AND d.datname = current_database()"
        " WHERE s.userid <> (SELECT oid FROM pg_roles WHERE rolname = session_user)"
    )
    commits = await connection.fetchval(
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
    )
    return int(statements), int(commits)


async def _status_callbacks(service: Service, message: StoredMessage) -> None:
    """What Twilio posts for a reply: ``sent``, then ``delivered`` (the test's public URL is
    not reachable, so the stand-in's own callbacks never arrive: post them here)."""
    assert message.status_callback is not None
    target = urlsplit(message.status_callback)
    path = f"{target.path}?{target.query}"
    for status in ("sent", "delivered"):
        form = {
            "AccountSid": ACCOUNT_SID,
            "ApiVersion": "2010-04-01",
            "From": f"whatsapp:{MINKOPS_NUMBER}",
            "MessageSid": message.sid,
            "MessageStatus": status,
            "SmsSid": message.sid,
            "SmsStatus": status,
            "To": message.to,
        }
        response = await service.post(form, path=path)
        assert response.status == 204


async def test_round_trips_per_message_stay_within_the_budget(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    observer = await asyncpg.connect(service.database_url)  # the superuser: not counted
    try:
        await observer.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        # Warm up: the org actor loaded, the statements prepared, the pool filled.
        for n in range(4):
            await service.post(inbound(f"SM{n:032x}", OWNER, TEXTS[n % len(TEXTS)]))
        await service.settled()
        await observer.execute("SELECT pg_stat_statements_reset()")
        await observer.execute("SELECT pg_stat_reset()")
        statements_before, commits_before = await _counts(observer)
        replies_before = len(service.sent_to(OWNER))
        round_trips = count_round_trips(monkeypatch)
        for wave in range(100, 100 + MESSAGES, CONCURRENT):
            responses = await asyncio.gather(
                *(
                    service.post(inbound(f"SM{n:032x}", OWNER, TEXTS[n % len(TEXTS)]))
                    for n in range(wave, wave + CONCURRENT)
                )
            )
            assert [r.status for r in responses] == [200] * CONCURRENT
        # Wait without touching the database ourselves: every reply out, then the callbacks.
        replies = await service.replies_to(OWNER, replies_before + MESSAGES)
        for wave in range(replies_before, len(replies), CONCURRENT):
            await asyncio.gather(
                *(_status_callbacks(service, m) for m in replies[wave:][:CONCURRENT])
            )
        await asyncio.sleep(1.0)
        trips = round_trips()
        monkeypatch.undo()
        statements, commits = await _counts(observer)
        await service.settled()
        top = await observer.fetch(
            "SELECT calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS query"
            " FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
            " AND d.datname = current_database()"
            " WHERE s.userid <> (SELECT oid FROM pg_roles WHERE rolname = session_user)"
            " ORDER BY calls DESC LIMIT 12"
        )
    finally:
        await observer.close()
    per_message = (statements - statements_before) / MESSAGES
    transactions = (commits - commits_before) / MESSAGES
    trips_per_message = trips / MESSAGES
    print(
        f"\nper message: {trips_per_message:.1f} round trips carrying {per_message:.1f}"
        f" statements, ~{transactions:.1f} commits"
    )
    for row in top:
        print(f"  {row['calls'] / MESSAGES:5.2f}  {row['query']}")
    assert 0 < trips_per_message <= ROUND_TRIPS_PER_MESSAGE_BUDGET
    assert 0 < per_message <= STATEMENTS_PER_MESSAGE_BUDGET
    assert transactions <= TRANSACTIONS_PER_MESSAGE_BUDGET
