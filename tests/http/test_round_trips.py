"""Round trips to PostgreSQL per message, counted by the server (pg_stat_statements):
every statement the service sends, the transaction statements and the connection resets
included, from the webhook to the status callbacks of the reply.

The budget is the figure measured on the code as it is; the README keeps it. A change that
adds round trips to the hot path turns this red, and the figure printed says by how much.
"""

from __future__ import annotations

import asyncpg

from tests.http.conftest import OWNER, Service, inbound

MESSAGES = 40
TEXTS = ("ayuda", "tareas", "tarea: pedir servilletas", "mis tareas")
# Measured on this code (see the README, "Round trips per message"); lower it when you can.
STATEMENTS_PER_MESSAGE_BUDGET = 30.0
TRANSACTIONS_PER_MESSAGE_BUDGET = 5.0


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


async def test_round_trips_per_message_stay_within_the_budget(service: Service) -> None:
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
        for n in range(100, 100 + MESSAGES):
            response = await service.post(inbound(f"SM{n:032x}", OWNER, TEXTS[n % len(TEXTS)]))
            assert response.status == 200
        await service.settled()
        statements, commits = await _counts(observer)
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
    print(f"\nround trips per message: {per_message:.1f} statements, ~{transactions:.1f} commits")
    for row in top:
        print(f"  {row['calls'] / MESSAGES:5.2f}  {row['query']}")
    assert 0 < per_message <= STATEMENTS_PER_MESSAGE_BUDGET
    assert transactions <= TRANSACTIONS_PER_MESSAGE_BUDGET
