"""SQL, and the mapping between rows and domain records. Each function takes a connection
already inside `org_transaction`, so row-level security decides what it can see."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from minkops.domain.actions import OrgState, Outcome
from minkops.domain.context import Conversation, turns_from_json, turns_to_json
from minkops.domain.models import Member, Organization, Task


@dataclass(frozen=True)
class InboxRow:
    inbox_id: int
    message_sid: str
    org_id: int | None
    sender: str  # E.164
    form: Mapping[str, str]
    received_at: datetime


def _organization(row: asyncpg.Record) -> Organization:
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


def _member(row: asyncpg.Record) -> Member:
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


def _task(row: asyncpg.Record) -> Task:
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


# --- inbound -------------------------------------------------------------------------------


async def accept_inbound(
    connection: asyncpg.Connection, message_sid: str, sender: str, form: Mapping[str, str]
) -> InboxRow | None:
    """The new inbox row, or None when this MessageSid was accepted before."""
    row = await connection.fetchrow(
        "SELECT inbox_id, org_id FROM minkops_accept_inbound($1, $2, $3)",
        message_sid,
        sender,
        dict(form),
    )
    if row is None:
        return None
    return InboxRow(
        row["inbox_id"], message_sid, row["org_id"], sender, dict(form), datetime.now(UTC)
    )


async def unprocessed_inbound(connection: asyncpg.Connection) -> list[InboxRow]:
    rows = await connection.fetch("SELECT * FROM minkops_unprocessed_inbound()")
    return [_inbox_row(r) for r in rows]


def _inbox_row(r: asyncpg.Record) -> InboxRow:
    return InboxRow(
        r["inbox_id"], r["message_sid"], r["org_id"], r["sender"], r["form"], r["received_at"]
    )


async def mark_processed(connection: asyncpg.Connection, inbox_id: int) -> bool:
    """False when the row was already processed: the caller must then undo its transaction."""
    status = await connection.execute(
        "UPDATE inbox SET processed_at = now() WHERE id = $1 AND processed_at IS NULL", inbox_id
    )
    return bool(status == "UPDATE 1")


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
    return OrgState(
        org=_organization(org_row),
        members=tuple(_member(r) for r in members),
        open_tasks=tuple(_task(r) for r in tasks),
        next_task_number=int(last) + 1,
    )


async def insert_tasks(connection: asyncpg.Connection, tasks: Iterable[Task]) -> None:
    await connection.executemany(
        "INSERT INTO tasks (org_id, number, title, assignee_id, created_by, due_at)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        [(t.org_id, t.number, t.title, t.assignee_id, t.created_by, t.due_at) for t in tasks],
    )


async def complete_tasks(connection: asyncpg.Connection, tasks: Iterable[Task]) -> None:
    await connection.executemany(
        "UPDATE tasks SET status = $3, completed_by = $4, completed_at = $5"
        " WHERE org_id = $1 AND number = $2 AND status = 'open'",
        [(t.org_id, t.number, t.status, t.completed_by, t.completed_at) for t in tasks],
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
    return _organization(row)


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
    return _member(row)


async def organization(connection: asyncpg.Connection, org_id: int) -> Organization | None:
    row = await connection.fetchrow("SELECT * FROM organizations WHERE id = $1", org_id)
    return _organization(row) if row else None


async def notify_org_changed(connection: asyncpg.Connection, org_id: int) -> None:
    """Tell a running service (LISTEN minkops_org_changed) to reload this organization."""
    await connection.execute("SELECT pg_notify('minkops_org_changed', $1)", str(org_id))


# --- conversation context -------------------------------------------------------------------


async def load_conversations(
    connection: asyncpg.Connection, org_id: int
) -> dict[int, Conversation]:
    rows = await connection.fetch(
        "SELECT member_id, turns, expires_at FROM conversations"
        " WHERE org_id = $1 AND expires_at > now()",
        org_id,
    )
    return {
        r["member_id"]: Conversation(r["member_id"], turns_from_json(r["turns"]), r["expires_at"])
        for r in rows
    }


async def save_conversation(
    connection: asyncpg.Connection, org_id: int, conversation: Conversation
) -> None:
    await connection.execute(
        "INSERT INTO conversations (org_id, member_id, turns, expires_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (org_id, member_id)"
        " DO UPDATE SET turns = EXCLUDED.turns, expires_at = EXCLUDED.expires_at",
        org_id,
        conversation.member_id,
        turns_to_json(conversation.turns),
        conversation.expires_at,
    )


async def purge_expired(connection: asyncpg.Connection) -> tuple[int, int]:
    row = await connection.fetchrow("SELECT * FROM minkops_purge_expired()")
    return int(row["conversations"]), int(row["inbound"])


async def unprocessed_inbound_of(connection: asyncpg.Connection, org_id: int) -> list[InboxRow]:
    """This organization's accepted messages not yet acted on, oldest first."""
    rows = await connection.fetch(
        "SELECT id AS inbox_id, message_sid, org_id, sender, form, received_at FROM inbox"
        " WHERE org_id = $1 AND processed_at IS NULL ORDER BY id",
        org_id,
    )
    return [_inbox_row(r) for r in rows]


class PhoneTaken(Exception):
    """A phone that already belongs to a member (of this or another organization)."""


async def apply_roster_changes(connection: asyncpg.Connection, outcome: Outcome) -> None:
    try:
        for new in outcome.new_members:
            await insert_member(
                connection,
                new.org_id,
                name=new.name,
                phone=new.phone,
                role=new.role,
                language=new.language,
                delivery=new.delivery,
            )
        for member in outcome.changed_members:
            await connection.execute(
                "UPDATE members SET name = $3, phone = $4, role = $5, language = $6, delivery = $7"
                " WHERE org_id = $1 AND id = $2",
                member.org_id,
                member.id,
                member.name,
                member.phone,
                member.role,
                member.language,
                member.delivery,
            )
    except asyncpg.UniqueViolationError as error:
        if error.constraint_name == "members_phone_key":
            raise PhoneTaken from None
        raise
    for member in outcome.removed_members:
        await connection.execute(
            "DELETE FROM members WHERE org_id = $1 AND id = $2", member.org_id, member.id
        )
