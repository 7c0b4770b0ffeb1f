"""The privacy policy in the database: the STOP gate, erasure, termination and retention.

Retention is checked against the catalogue, not a list of tables: every table with an
`org_id`, and every text column of every table, is searched.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from minkops import admin
from minkops.cli_privacy import announce_policy, reactivate_org, run_retention, terminate_org
from minkops.domain import effects as fx
from minkops.domain.inbound import InboundMessage
from minkops.domain.models import OutboundMessage
from minkops.store import outbox, privacy
from minkops.store.cluster import find_pg_bin
from minkops.store.database import org_transaction

OWNER, STAFF, OTHER = "+34600000001", "+34600000002", "+447700900001"
STAFF_NAME = "Juan Pérez"
GRACE = timedelta(days=30)


async def _org(pool: asyncpg.Pool, name: str, owner: str, staff: str | None) -> tuple[int, int]:
    org, _ = await admin.create_organization(
        pool,
        name=name,
        timezone="Europe/Madrid",
        owner=admin.NewMember("Ana García", owner, "admin", "es", "text"),
        country="ES",
    )
    staff_id = 0
    if staff:
        (member,) = await admin.add_members(
            pool, org.id, [admin.NewMember(STAFF_NAME, staff, "staff", "es", "text")]
        )
        staff_id = member.id
    return org.id, staff_id


async def _write(pool: asyncpg.Pool, org_id: int | None, *messages: OutboundMessage) -> int:
    async with org_transaction(pool, org_id) as connection:
        return len(await outbox.insert_outbox(connection, org_id, messages))


async def test_nothing_is_written_to_a_number_that_wrote_stop(pool: asyncpg.Pool) -> None:
    org_id, juan = await _org(pool, "Café", OWNER, STAFF)
    assert await _write(pool, org_id, OutboundMessage("before", STAFF, "pending one")) == 1
    async with org_transaction(pool, org_id) as connection:
        # The confirmation is written first, in the same transaction as the opt-out.
        await outbox.insert_outbox(connection, org_id, [OutboundMessage("c", STAFF, "bye")])
        await privacy._set_opt_outs(connection, org_id, [fx.SetOptOut(juan, STAFF, True)])
    assert await _write(pool, org_id, OutboundMessage("task", STAFF, "new task")) == 0
    # Any writer, any kind, any organization (here: as a stranger's reply): still nothing.
    assert await _write(pool, None, OutboundMessage("stranger", STAFF, "hi")) == 0
    async with org_transaction(pool, org_id) as connection:
        rows = await connection.fetch(
            "SELECT idempotency_key, status FROM outbox WHERE recipient = $1 ORDER BY id", STAFF
        )
    assert [(r["idempotency_key"], r["status"]) for r in rows] == [
        ("before", "failed"),  # written before STOP, not sent: never sent
        ("c", "pending"),  # the confirmation goes
    ]
    assert await _write(pool, org_id, OutboundMessage("owner", OWNER, "still fine")) == 1
    async with org_transaction(pool, org_id) as connection:
        await privacy._set_opt_outs(connection, org_id, [fx.SetOptOut(juan, STAFF, False)])
    assert await _write(pool, org_id, OutboundMessage("again", STAFF, "welcome back")) == 1


async def test_a_terminated_organization_writes_nothing_after_its_notices(
    pool: asyncpg.Pool,
) -> None:
    org_id, _ = await _org(pool, "Café", OWNER, STAFF)
    told = await terminate_org(pool, org_id, datetime.now(UTC))
    assert told == 2
    assert await terminate_org(pool, org_id, datetime.now(UTC)) == 0  # told once
    assert await _write(pool, org_id, OutboundMessage("late", OWNER, "reminder")) == 0
    # Within the grace, the account can be reactivated: messages flow again.
    assert await reactivate_org(pool, org_id)
    assert not await reactivate_org(pool, org_id)
    assert await _write(pool, org_id, OutboundMessage("back", OWNER, "welcome back")) == 1


def _pg_dump(database_url: str) -> str:
    done = subprocess.run(
        [str(find_pg_bin() / "pg_dump"), "--dbname", database_url, "--no-owner"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


async def test_erasure_leaves_no_trace_of_phone_or_name_in_a_dump(
    pool: asyncpg.Pool, database_url: str
) -> None:
    org_id, juan = await _org(pool, "Café", OWNER, STAFF)
    async with org_transaction(pool, org_id) as connection:
        for n, (sender, text) in enumerate(
            [
                (STAFF, "hola, soy Juan"),
                (OWNER, f"añade a {STAFF_NAME} +34 600 000 002"),
                (OWNER, "llama al 600-000-002 mañana"),
            ]
        ):
            await connection.fetchrow(
                "SELECT * FROM minkops_accept_inbound($1, $2, $3)",
                f"SM{n}",
                sender,
                InboundMessage(f"SM{n}", sender, text).to_json(),
            )
        await connection.execute("UPDATE inbox SET processed_at = now()")
        await connection.execute(
            "INSERT INTO tasks (org_id, number, title, assignee_id, created_by)"
            " VALUES ($1, 1, $2, $3, $3), ($1, 2, 'pedir leche', $3, NULL)",
            org_id,
            f"revisar con {STAFF_NAME} la caja",
            juan,
        )
        await connection.execute(
            "INSERT INTO conversations (org_id, member_id, turns, expires_at)"
            " SELECT $1, id, $2::jsonb, now() + interval '1 hour' FROM members WHERE org_id = $1",
            org_id,
            [{"role": "user", "text": f"dale la tarea a {STAFF_NAME}"}],
        )
        await connection.execute(
            "INSERT INTO reminders (org_id, number, text, recipient_ids, language, cron,"
            " next_fire_at, translations) VALUES"
            " ($1, 1, $2, ARRAY[$3]::bigint[], 'es', '0 9 * * 1', now(), $4::jsonb),"
            " ($1, 2, 'abrir la tienda', ARRAY[$3]::bigint[], 'es', '0 8 * * *', now(),"
            "  $5::jsonb)",
            org_id,
            f"pagar a {STAFF_NAME} la nómina",
            juan,
            {"en": f"pay {STAFF_NAME} the salary"},
            {"fr": f"ouvrir la boutique ({STAFF_NAME})"},
        )
        queued = await outbox.insert_outbox(
            connection,
            org_id,
            [
                OutboundMessage("r1", STAFF, "Tarea #1 para ti"),
                OutboundMessage("r2", OWNER, f"Tarea #1 para {STAFF_NAME}"),
            ],
        )
        await connection.execute(
            "UPDATE outbox SET status = 'delivered' WHERE id = ANY($1::bigint[])",
            [q.id for q in queued],
        )
        await connection.execute(
            "INSERT INTO export_links (token_hash, org_id, member_id, expires_at)"
            " VALUES ('h', $1, $2, now())",
            org_id,
            juan,
        )
    before = _pg_dump(database_url)
    assert STAFF in before and STAFF_NAME in before  # the test can see them when there

    async with org_transaction(pool, org_id) as connection:
        await privacy.erase_member(
            connection,
            org_id,
            fx.EraseMember(juan, phone=STAFF, name=STAFF_NAME, former="antiguo miembro"),
        )
    dump = _pg_dump(database_url)
    for trace in (STAFF, STAFF.lstrip("+"), "600000002", "600 000 002", "600-000-002", STAFF_NAME):
        assert trace not in dump, trace
    async with org_transaction(pool, org_id) as connection:
        tasks = await connection.fetch("SELECT title, assignee_id FROM tasks ORDER BY number")
        dedup = await connection.fetchval("SELECT count(*) FROM inbox WHERE message_sid = 'SM0'")
    assert [t["title"] for t in tasks] == ["revisar con antiguo miembro la caja", "pedir leche"]
    assert [t["assignee_id"] for t in tasks] == [None, None]
    assert dedup == 1  # the MessageSid stays: a Twilio retry is still recognized
    async with org_transaction(pool, org_id) as connection:
        reminders = await connection.fetch(
            "SELECT text, translations, recipient_ids, status FROM reminders ORDER BY number"
        )
    assert [(r["text"], r["translations"], r["recipient_ids"], r["status"]) for r in reminders] == [
        ("pagar a antiguo miembro la nómina", {}, [], "cancelled"),
        ("abrir la tienda", {}, [], "cancelled"),
    ]


async def _fill(pool: asyncpg.Pool, org_id: int, phones: tuple[str, ...]) -> None:
    async with org_transaction(pool, org_id) as connection:
        for n, phone in enumerate(phones):
            sid = f"SM{org_id}x{n}"
            await connection.fetchrow(
                "SELECT * FROM minkops_accept_inbound($1, $2, $3)",
                sid,
                phone,
                InboundMessage(sid, phone, f"tarea para {phone}").to_json(),
            )
        await connection.execute(
            "INSERT INTO tasks (org_id, number, title) VALUES ($1, 1, 'limpiar')", org_id
        )
        await connection.execute(
            "INSERT INTO conversations (org_id, member_id, turns, expires_at)"
            " SELECT $1, id, '[]'::jsonb, now() + interval '40 days' FROM members"
            " WHERE org_id = $1",
            org_id,
        )
    await announce_policy(pool, "We now keep context 24 hours.", None)


async def _org_rows(connection: asyncpg.Connection, org_id: int) -> dict[str, int]:
    """Rows of `org_id` in every table the catalogue says has an org_id column."""
    tables = await connection.fetch(
        "SELECT c.table_name FROM information_schema.columns c"
        " JOIN information_schema.tables t USING (table_schema, table_name)"
        " WHERE c.table_schema = 'public' AND c.column_name = 'org_id'"
        " AND t.table_type = 'BASE TABLE' ORDER BY 1"
    )
    counts = {"organizations": await connection.fetchval(
        "SELECT count(*) FROM organizations WHERE id = $1", org_id
    )}  # fmt: skip
    for (table,) in tables:
        counts[table] = await connection.fetchval(
            f'SELECT count(*) FROM "{table}" WHERE org_id = $1', org_id
        )
    return counts


async def _rows_mentioning(connection: asyncpg.Connection, needle: str) -> list[str]:
    """Every text-like column of every table whose value contains `needle`."""
    columns = await connection.fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'public'"
        " AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')"
    )
    found = []
    for table, column in columns:
        hits = await connection.fetchval(
            f'SELECT count(*) FROM "{table}" WHERE strpos("{column}"::text, $1) > 0', needle
        )
        if hits:
            found.append(f"{table}.{column}")
    return found


@pytest.mark.parametrize("days, purged", [(29, False), (31, True)])
async def test_a_terminated_organization_is_whole_at_29_days_and_gone_at_31(
    pool: asyncpg.Pool, database_url: str, days: int, purged: bool
) -> None:
    gone_id, _ = await _org(pool, "Closing", OWNER, STAFF)
    kept_id, _ = await _org(pool, "Staying", OTHER, None)
    await _fill(pool, gone_id, (OWNER, STAFF))
    await _fill(pool, kept_id, (OTHER,))
    terminated = datetime.now(UTC)
    await terminate_org(pool, gone_id, terminated)
    owner = await asyncpg.connect(database_url)  # sees every organization's rows
    try:
        before_gone, before_kept = (
            await _org_rows(owner, gone_id),
            await _org_rows(owner, kept_id),
        )
        assert {"members", "tasks", "inbox", "outbox", "conversations", "policy_notices"} <= {
            t for t, n in before_gone.items() if n
        }
        as_of = terminated + timedelta(days=days)
        dry = await run_retention(pool, as_of, GRACE, dry_run=True)
        assert dry["terminated_organizations"] == int(purged)
        assert await _org_rows(owner, gone_id) == before_gone  # a dry run removes nothing
        removed = await run_retention(pool, as_of, GRACE)
        assert removed["terminated_organizations"] == int(purged)
        after_gone = await _org_rows(owner, gone_id)
        if purged:
            assert all(n == 0 for n in after_gone.values()), after_gone
            for phone in (OWNER, STAFF, OWNER.lstrip("+"), STAFF.lstrip("+")):
                assert await _rows_mentioning(owner, phone) == [], phone
        else:
            assert after_gone["organizations"] == 1 and after_gone["members"] == 2
            assert after_gone["tasks"] == before_gone["tasks"]
        assert (await _org_rows(owner, kept_id))["members"] == before_kept["members"]
        assert await _rows_mentioning(owner, OTHER) != []
        again = await run_retention(pool, as_of, GRACE)
        assert again["terminated_organizations"] == 0  # idempotent
    finally:
        await owner.close()


async def test_retention_drops_context_and_bodies_after_24_hours(pool: asyncpg.Pool) -> None:
    org_id, _ = await _org(pool, "Café", OWNER, STAFF)
    async with org_transaction(pool, org_id) as connection:
        await connection.fetchrow(
            "SELECT * FROM minkops_accept_inbound('SMa', $1, $2)",
            STAFF,
            InboundMessage("SMa", STAFF, "secreto").to_json(),
        )
        await connection.execute("UPDATE inbox SET processed_at = now()")
        await connection.execute(
            "INSERT INTO conversations (org_id, member_id, turns, expires_at)"
            " SELECT $1, id, '[]'::jsonb, now() + interval '24 hours' FROM members"
            " WHERE org_id = $1",
            org_id,
        )
    now = datetime.now(UTC)
    early = await run_retention(pool, now + timedelta(hours=23), GRACE)
    assert (early["conversations"], early["inbound_bodies"]) == (0, 0)
    late = await run_retention(pool, now + timedelta(hours=25), GRACE)
    assert (late["conversations"], late["inbound_bodies"]) == (2, 1)
    async with org_transaction(pool, org_id) as connection:
        message = await connection.fetchval("SELECT message FROM inbox WHERE message_sid = 'SMa'")
    assert "secreto" not in str(message)


async def test_an_announcement_tells_each_admin_once(pool: asyncpg.Pool) -> None:
    a, _ = await _org(pool, "Café", OWNER, STAFF)
    b, _ = await _org(pool, "Pub", OTHER, None)
    first = await announce_policy(pool, "Context is kept 24 hours.", "https://x.test/p")
    assert first["admins_told"] == 2 and first["organizations"] >= 2
    second = await announce_policy(pool, "Context is kept 24 hours.", "https://x.test/p")
    assert second["admins_told"] == 0
    async with org_transaction(pool, a) as connection:
        rows = await connection.fetch("SELECT recipient, body, kind FROM outbox")
        notices = await connection.fetchval("SELECT count(*) FROM policy_notices")
    assert [(r["recipient"], r["kind"]) for r in rows] == [(OWNER, "announcement")]
    assert "privacidad" in rows[0]["body"] and "https://x.test/p" in rows[0]["body"]
    assert notices == 1
    # An admin who wrote STOP is not told, nor recorded as told: after START, they are.
    async with org_transaction(pool, b) as connection:
        await connection.execute("UPDATE members SET opted_out = true WHERE org_id = $1", b)
    third = await announce_policy(pool, "Exports last 15 minutes.", None)
    assert third["admins_told"] == 1
    async with org_transaction(pool, b) as connection:
        await connection.execute("UPDATE members SET opted_out = false WHERE org_id = $1", b)
        told = await connection.fetchval("SELECT count(*) FROM policy_notices")
    assert told == 1
    assert (await announce_policy(pool, "Exports last 15 minutes.", None))["admins_told"] == 1


async def test_an_export_link_works_once_within_its_lifetime(pool: asyncpg.Pool) -> None:
    org_id, juan = await _org(pool, "Café", OWNER, STAFF)
    now = datetime.now(UTC)
    async with org_transaction(pool, org_id) as connection:
        owner_id = await connection.fetchval("SELECT id FROM members WHERE phone = $1", OWNER)
        await privacy.new_export_link(connection, org_id, juan, "t" * 43, now + GRACE)
        await privacy.new_export_link(
            connection, org_id, owner_id, "o" * 43, now + timedelta(minutes=15)
        )
    async with org_transaction(pool, None) as connection:
        assert await privacy.claim_export(connection, "x" * 43, now) is None
        late = now + timedelta(minutes=15, seconds=1)
        assert await privacy.claim_export(connection, "o" * 43, late) is None  # expired
        claim = await privacy.claim_export(connection, "o" * 43, now)
        assert claim is not None and (claim.org_id, claim.member_id) == (org_id, owner_id)
        assert await privacy.claim_export(connection, "o" * 43, now) is None  # used
    async with org_transaction(pool, org_id) as connection:
        document = await privacy.export_document(connection, org_id, owner_id, now)
        staff = await privacy.export_document(connection, org_id, juan, now)
    assert document is not None and staff is not None
    assert document["schema"] == "minkops.export/1"
    assert {m["phone"] for m in document["organization"]["members"]} == {OWNER, STAFF}
    assert "organization" not in staff and staff["member"]["name"] == STAFF_NAME
