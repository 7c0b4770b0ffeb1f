"""The privacy policy's writes and reads: opt-outs, erasure, termination, export links,
the export document, retention and policy announcements.

Writers run in the org actor's one transaction (row-level security scoped to the
organization). Retention and the announcement's list of organizations cross
organizations through narrow SECURITY DEFINER functions (migration 0030).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import phonenumbers

from minkops.domain import effects as fx
from minkops.domain.models import Member, OutboundMessage
from minkops.domain.onboarding import NewOrganization, SignUp
from minkops.domain.privacy import EXPORT_SCHEMA, token_hash
from minkops.store import outbox, queries
from minkops.store.outbox import Queued
from minkops.store.writers import drop_recipient, writes

SETTLED = "o.status NOT IN ('pending', 'sending')"


@writes(fx.SetOptOut)
async def _set_opt_outs(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.SetOptOut]
) -> None:
    for effect in effects:
        await connection.execute(
            "UPDATE members SET opted_out = $3 WHERE org_id = $1 AND id = $2",
            org_id,
            effect.member_id,
            effect.opted_out,
        )
        if effect.opted_out:
            # Written before they said STOP and not sent yet: never sent. (This
            # transaction's own rows, the confirmation among them, are younger than now().)
            await connection.execute(
                "UPDATE outbox SET status = 'failed', error_message = 'opted out',"
                " next_attempt_at = NULL"
                " WHERE recipient = $1 AND status = 'pending' AND created_at < now()",
                effect.phone,
            )


@writes(fx.TerminateOrg)
async def _terminate(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.TerminateOrg]
) -> None:
    await terminate(connection, org_id, effects[0].at)


async def terminate(connection: asyncpg.Connection, org_id: int, at: datetime) -> bool:
    """Close the account now (idempotent: the first termination's time stands)."""
    status = await connection.execute(
        "UPDATE organizations SET status = 'closed', terminated_at = coalesce(terminated_at, $2)"
        " WHERE id = $1",
        org_id,
        at,
    )
    return bool(status == "UPDATE 1")


@writes(fx.CreateExportLink)
async def _export_links(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.CreateExportLink]
) -> None:
    await connection.executemany(
        "INSERT INTO export_links (token_hash, org_id, member_id, expires_at)"
        " VALUES ($1, $2, $3, $4)",
        [(e.token_hash, org_id, e.member_id, e.expires_at) for e in effects],
    )


# --- erasure -------------------------------------------------------------------------------


def _national_digits(phone: str) -> str:
    """'+34600000002' -> '600000002': how the number is written without its country code."""
    try:
        return str(phonenumbers.parse(phone).national_number)
    except phonenumbers.NumberParseException:
        return phone.lstrip("+")


@writes(fx.EraseMember)
async def _erase_members(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.EraseMember]
) -> None:
    for effect in effects:
        await erase_member(connection, org_id, effect)


async def erase_member(connection: asyncpg.Connection, org_id: int, effect: fx.EraseMember) -> None:
    """Everything the organization's rows hold of one person's phone and name goes.

    Their inbound rows keep only the MessageSid (dedup); their tasks stay, unassigned (the
    foreign keys' SET NULL), and titles and reminder texts that name them say "former
    member" (a reminder for them alone is cancelled). What is kept
    only for a while anyway (processed inbound bodies, sent texts, conversation context:
    24 hours) is cleared for the whole organization now, since a person may have been
    written about under an earlier name or a number written any way: only clearing all of
    it leaves no trace.
    """
    await connection.execute(
        "UPDATE inbox SET sender = '', message = jsonb_build_object('sid', message_sid)"
        " WHERE org_id = $1 AND sender = $2",
        org_id,
        effect.phone,
    )
    await connection.execute(
        "UPDATE inbox SET message = jsonb_build_object('sid', message_sid, 'sender', sender)"
        " WHERE org_id = $1 AND processed_at IS NOT NULL"
        " AND message ?| ARRAY['text', 'attachments', 'profile_name']",
        org_id,
    )
    await connection.execute(
        "UPDATE inbox SET message = jsonb_build_object('sid', message_sid, 'sender', sender)"
        " WHERE org_id = $1 AND (strpos(lower(message::text), lower($2)) > 0"
        " OR strpos(regexp_replace(message::text, '[^0-9]', '', 'g'), $3) > 0)",
        org_id,
        effect.name.strip(),
        _national_digits(effect.phone),
    )
    await connection.execute("DELETE FROM conversations WHERE org_id = $1", org_id)
    await connection.execute(
        "UPDATE tasks SET title = replace(title, $2, $3) WHERE org_id = $1"
        " AND strpos(title, $2) > 0",
        org_id,
        effect.name.strip(),
        effect.former,
    )
    # Reminders too: their words may name the person (and so may their stored
    # translations, which are dropped: firing then says the scrubbed words as written), and
    # a reminder left with nobody to remind is cancelled rather than kept firing at no one.
    await connection.execute(
        "UPDATE reminders SET text = replace(text, $2, $3), translations = '{}'"
        " WHERE org_id = $1 AND strpos(text, $2) > 0",
        org_id,
        effect.name.strip(),
        effect.former,
    )
    await connection.execute(
        "UPDATE reminders SET translations = '{}'"
        " WHERE org_id = $1 AND strpos(translations::text, $2) > 0",
        org_id,
        effect.name.strip(),
    )
    await drop_recipient(connection, org_id, effect.member_id)
    await connection.execute(
        f"DELETE FROM outbox o WHERE o.org_id = $1 AND o.recipient = $2 AND {SETTLED}",
        org_id,
        effect.phone,
    )
    await connection.execute(
        f"UPDATE outbox o SET body = '' WHERE o.org_id = $1 AND {SETTLED} AND o.body <> ''",
        org_id,
    )
    await connection.execute(
        "DELETE FROM members WHERE org_id = $1 AND id = $2", org_id, effect.member_id
    )


# --- export --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportClaim:
    org_id: int
    member_id: int


async def claim_export(
    connection: asyncpg.Connection, token: str, now: datetime
) -> ExportClaim | None:
    """The link's owner, once: None for an unknown, spent or expired token."""
    record = await connection.fetchrow(
        "SELECT org_id, member_id FROM minkops_claim_export($1, $2)", token_hash(token), now
    )
    return None if record is None else ExportClaim(record["org_id"], record["member_id"])


def _plain(record: asyncpg.Record, *drop: str) -> dict[str, Any]:
    return {
        key: (value.isoformat() if isinstance(value, datetime) else value)
        for key, value in dict(record).items()
        if key not in drop
    }


async def _rows_about(
    connection: asyncpg.Connection, table: str, org_id: int, member_id: int
) -> list[dict[str, Any]]:
    """Rows of a table another feature owns (reminders), if this database has it: those of
    the organization with any member column (`…_id`, `…_ids`) naming the member."""
    columns = await connection.fetch(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = $1",
        table,
    )
    names = {c["column_name"]: c["data_type"] for c in columns}
    if "org_id" not in names:
        return []
    tests = [
        f'"{name}" = $2' if kind == "bigint" else f'$2 = ANY("{name}")'
        for name, kind in names.items()
        if name not in ("id", "org_id")
        and (
            (name.endswith("_id") and kind == "bigint")
            or (name.endswith("_ids") and kind == "ARRAY")
        )
    ]
    if not tests:
        return []
    sql = f'SELECT * FROM "{table}" WHERE org_id = $1 AND ({" OR ".join(tests)}) ORDER BY 1'
    return [_plain(r) for r in await connection.fetch(sql, org_id, member_id)]


async def export_document(
    connection: asyncpg.Connection, org_id: int, member_id: int, now: datetime
) -> dict[str, Any] | None:
    """Everything MinkOps holds about one member (schema EXPORT_SCHEMA, docs/export.md);
    for an organization's admin, the organization's data as well."""
    member = await connection.fetchrow(
        "SELECT * FROM members WHERE org_id = $1 AND id = $2", org_id, member_id
    )
    if member is None:
        return None
    tasks = await connection.fetch(
        "SELECT number, title, status, due_at, created_at, completed_at,"
        " assignee_id = $2 AS given_to_me, created_by = $2 AS created_by_me"
        " FROM tasks WHERE org_id = $1 AND (assignee_id = $2 OR created_by = $2)"
        " ORDER BY number",
        org_id,
        member_id,
    )
    conversation = await connection.fetchrow(
        "SELECT turns, expires_at, pending FROM conversations"
        " WHERE org_id = $1 AND member_id = $2 AND expires_at > $3",
        org_id,
        member_id,
        now,
    )
    inbound = await connection.fetchval(
        "SELECT count(*) FROM inbox WHERE org_id = $1 AND sender = $2", org_id, member["phone"]
    )
    outbound = await connection.fetchval(
        "SELECT count(*) FROM outbox WHERE org_id = $1 AND recipient = $2",
        org_id,
        member["phone"],
    )
    document: dict[str, Any] = {
        "schema": EXPORT_SCHEMA,
        "generated_at": now.isoformat(),
        "member": _plain(member, "org_id"),
        "messages": {"stopped": member["opted_out"]},
        "tasks": [_plain(t) for t in tasks],
        "reminders": await _rows_about(connection, "reminders", org_id, member_id),
        "conversation": None if conversation is None else _plain(conversation),
        "usage": {"messages_received": inbound, "messages_sent": outbound},
    }
    if member["role"] == "admin":
        org = await connection.fetchrow("SELECT * FROM organizations WHERE id = $1", org_id)
        members = await connection.fetch(
            "SELECT id, name, phone, role, language, delivery, opted_out, created_at"
            " FROM members WHERE org_id = $1 ORDER BY id",
            org_id,
        )
        all_tasks = await connection.fetch(
            "SELECT number, title, status, assignee_id, created_by, due_at, created_at,"
            " completed_at, completed_by FROM tasks WHERE org_id = $1 ORDER BY number",
            org_id,
        )
        document["organization"] = {
            **_plain(org),
            "members": [_plain(m) for m in members],
            "tasks": [_plain(t) for t in all_tasks],
        }
    return document


async def new_export_link(
    connection: asyncpg.Connection, org_id: int, member_id: int, token: str, expires_at: datetime
) -> None:
    await connection.execute(
        "INSERT INTO export_links (token_hash, org_id, member_id, expires_at)"
        " VALUES ($1, $2, $3, $4)",
        token_hash(token),
        org_id,
        member_id,
        expires_at,
    )


# --- retention -----------------------------------------------------------------------------


async def retention(
    connection: asyncpg.Connection, as_of: datetime, grace: timedelta
) -> dict[str, int]:
    """Every retention job as of `as_of`: {job: rows removed}."""
    records = await connection.fetch("SELECT * FROM minkops_retention($1, $2)", as_of, grace)
    return {r["job"]: int(r["removed"]) for r in records}


# --- policy announcements ------------------------------------------------------------------


def announcement_id(summary: str, url: str | None) -> str:
    """The same announcement, run twice, is the same announcement."""
    return hashlib.sha256(f"{summary}\n{url or ''}".encode()).hexdigest()[:16]


async def active_org_ids(connection: asyncpg.Connection) -> list[int]:
    return [int(r[0]) for r in await connection.fetch("SELECT * FROM minkops_active_org_ids()")]


@dataclass(frozen=True)
class Admin:
    id: int
    name: str
    phone: str
    language: str


async def admins_not_told(
    connection: asyncpg.Connection, org_id: int, announcement: str
) -> list[Admin]:
    records = await connection.fetch(
        "SELECT m.id, m.name, m.phone, m.language FROM members m"
        " WHERE m.org_id = $1 AND m.role = 'admin' AND NOT EXISTS ("
        "   SELECT 1 FROM policy_notices p"
        "   WHERE p.org_id = m.org_id AND p.member_id = m.id AND p.announcement = $2)"
        " ORDER BY m.id",
        org_id,
        announcement,
    )
    return [Admin(r["id"], r["name"], r["phone"], r["language"]) for r in records]


async def announce(
    connection: asyncpg.Connection,
    org_id: int,
    announcement: str,
    notices: Sequence[tuple[Admin, str]],
) -> list[Queued]:
    """One outbox row of kind 'announcement' per admin (through `insert_outbox`, where the
    STOP gate is), and the record of who was told."""
    messages = [
        OutboundMessage(f"announce:{announcement}:{admin.id}", admin.phone, body)
        for admin, body in notices
    ]
    queued = await outbox.insert_outbox(connection, org_id, messages)
    await connection.execute(
        "UPDATE outbox SET kind = 'announcement' WHERE id = ANY($1::bigint[])",
        [q.id for q in queued],
    )
    # Who was told: an admin who wrote STOP got no row (the gate), and is not recorded, so a
    # later run tells them once they have written START.
    written = {q.recipient for q in queued}
    await connection.executemany(
        "INSERT INTO policy_notices (org_id, announcement, member_id) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        [(org_id, announcement, admin.id) for admin, _ in notices if admin.phone in written],
    )
    return queued


# --- sign-ups (no organization yet: transactions for no organization) ----------------------


async def load_sign_up(connection: asyncpg.Connection, phone: str) -> SignUp | None:
    record = await connection.fetchrow(
        "SELECT state, expires_at FROM sign_ups WHERE phone = $1", phone
    )
    if record is None:
        return None
    state = record["state"]
    try:
        return SignUp(
            phone, str(state["language"]), state["step"], record["expires_at"], state["answers"]
        )
    except (KeyError, TypeError):
        return None  # written by another version: start again


async def save_sign_up(connection: asyncpg.Connection, phone: str, sign_up: SignUp | None) -> None:
    if sign_up is None:
        await connection.execute("DELETE FROM sign_ups WHERE phone = $1", phone)
        return
    await connection.execute(
        "INSERT INTO sign_ups (phone, state, expires_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (phone) DO UPDATE SET state = EXCLUDED.state,"
        " expires_at = EXCLUDED.expires_at",
        phone,
        sign_up.to_json(),
        sign_up.expires_at,
    )


async def forget_stranger(connection: asyncpg.Connection, phone: str) -> None:
    """Someone under 18: their inbound rows keep only the MessageSid (dedup), and what was
    said to them goes once sent (the reply in hand is sent, then purged by retention)."""
    await connection.execute(
        "UPDATE inbox SET sender = '', message = jsonb_build_object('sid', message_sid)"
        " WHERE org_id IS NULL AND sender = $1",
        phone,
    )
    await connection.execute(
        f"DELETE FROM outbox o WHERE o.org_id IS NULL AND o.recipient = $1 AND {SETTLED}",
        phone,
    )
    await connection.execute("DELETE FROM sign_ups WHERE phone = $1", phone)


async def create_signed_up(
    connection: asyncpg.Connection, org_id: int, new: NewOrganization
) -> Member:
    """The organization, on the free plan, with the person who signed up as its owner."""
    await queries.insert_organization(
        connection,
        org_id,
        name=new.name,
        city=new.city,
        country=new.country,
        timezone=new.timezone,
        language=new.language,
        email=new.email,
        plan="free",
    )
    return await queries.insert_member(
        connection,
        org_id,
        name=new.owner_name,
        phone=new.phone,
        role="admin",
        language=new.language,
        delivery="text",
    )
