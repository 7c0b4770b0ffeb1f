"""SQL, and the mapping between rows and domain records. Each function takes a connection
already inside `org_transaction`, so row-level security decides what it can see."""

from __future__ import annotations

from typing import Any

import asyncpg

from minkops.domain.conversation import Conversation, PendingQuestion, turns_from_json
from minkops.domain.models import Member, Organization, Task
from minkops.domain.state import OrgState


def organization_from_row(row: asyncpg.Record) -> Organization:
    return Organization(
        id=row["id"],
        name=row["name"],
        timezone=row["timezone"],
        language=row["language"],
        plan=row["plan"],
        status=row["status"],
        city=row["city"],
        country=row["country"],
    )


def member_from_row(row: asyncpg.Record) -> Member:
    return Member(
        id=row["id"],
        org_id=row["org_id"],
        name=row["name"],
        phone=row["phone"],
        role=row["role"],
        language=row["language"],
        delivery=row["delivery"],
        opted_out=row["opted_out"],
    )


def task_from_row(row: asyncpg.Record) -> Task:
    """A `tasks` row as the domain's Task (the store's one reading of it)."""
    return Task(
        org_id=row["org_id"],
        number=row["number"],
        title=row["title"],
        assignee_id=row["assignee_id"],
        created_by=row["created_by"],
        due_at=row["due_at"],
        status=row["status"],
        completed_by=row["completed_by"],
        completed_at=row["completed_at"],
    )


# --- organization state --------------------------------------------------------------------


async def load_org_state(connection: asyncpg.Connection, org_id: int) -> OrgState | None:
    org_row = await connection.fetchrow("SELECT * FROM organizations WHERE id = $1", org_id)
    if org_row is None:
        return None
    members = await connection.fetch("SELECT * FROM members WHERE org_id = $1 ORDER BY id", org_id)
    tasks = await connection.fetch(
        "SELECT * FROM tasks WHERE org_id = $1 AND status = 'open' ORDER BY number", org_id
    )
    last = await connection.fetchval(
        "SELECT coalesce(max(number), 0) FROM tasks WHERE org_id = $1", org_id
    )
    from minkops.store.reminders import load_reminders

    reminders, next_reminder = await load_reminders(connection, org_id)
    return OrgState(
        org=organization_from_row(org_row),
        members=tuple(member_from_row(r) for r in members),
        open_tasks=tuple(task_from_row(r) for r in tasks),
        next_task_number=int(last) + 1,
        reminders=reminders,
        next_reminder_number=next_reminder,
    )


# --- administration ------------------------------------------------------------------------


async def new_org_id(connection: asyncpg.Connection) -> int:
    value: Any = await connection.fetchval("SELECT nextval('organizations_id_seq')")
    return int(value)


async def insert_organization(
    connection: asyncpg.Connection, org_id: int, **fields: Any
) -> Organization:
    row = await connection.fetchrow(
        "INSERT INTO organizations (id, name, city, country, timezone, language, email, plan)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
        org_id,
        fields["name"],
        fields.get("city"),
        fields.get("country"),
        fields["timezone"],
        fields.get("language", "en"),
        fields.get("email"),
        fields.get("plan", "free"),
    )
    return organization_from_row(row)


async def insert_member(
    connection: asyncpg.Connection,
    org_id: int,
    *,
    name: str,
    phone: str,
    role: str,
    language: str,
    delivery: str,
) -> Member:
    row = await connection.fetchrow(
        "INSERT INTO members (org_id, name, phone, role, language, delivery)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
        org_id,
        name,
        phone,
        role,
        language,
        delivery,
    )
    return member_from_row(row)


async def organization(connection: asyncpg.Connection, org_id: int) -> Organization | None:
    row = await connection.fetchrow("SELECT * FROM organizations WHERE id = $1", org_id)
    return organization_from_row(row) if row else None


async def notify_org_changed(connection: asyncpg.Connection, org_id: int) -> None:
    """Tell a running service (LISTEN minkops_org_changed) to reload this organization."""
    await connection.execute("SELECT pg_notify('minkops_org_changed', $1)", str(org_id))


# --- conversation context -------------------------------------------------------------------


async def load_conversations(
    connection: asyncpg.Connection, org_id: int
) -> dict[int, Conversation]:
    rows = await connection.fetch(
        "SELECT member_id, turns, expires_at, pending FROM conversations"
        " WHERE org_id = $1 AND expires_at > now()",
        org_id,
    )
    return {r["member_id"]: conversation_from_row(r) for r in rows}


def conversation_from_row(row: asyncpg.Record) -> Conversation:
    return Conversation(
        row["member_id"],
        turns_from_json(row["turns"]),
        row["expires_at"],
        PendingQuestion.from_json(row["pending"]),
    )


async def purge_expired(connection: asyncpg.Connection) -> tuple[int, int]:
    row = await connection.fetchrow("SELECT * FROM minkops_purge_expired()")
    return int(row["conversations"]), int(row["inbound"])
