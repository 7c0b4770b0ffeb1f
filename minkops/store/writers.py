"""One writer per effect type: how each effect reaches PostgreSQL.

`write_effects` runs inside the org actor's one transaction (row-level security scoped to
its organization), in the order the handler produced the effects; a run of effects of one
type goes to its writer together, so a writer can batch them into one statement. A test
checks that every effect type has exactly one writer here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from itertools import groupby
from typing import Any, TypeVar

import asyncpg

from minkops.domain import effects as fx
from minkops.domain.conversation import turns_to_json
from minkops.store import outbox
from minkops.store.outbox import Queued

E = TypeVar("E", bound=fx.Effect)
Writer = Callable[[asyncpg.Connection, int, Sequence[Any]], Awaitable[list[Queued] | None]]

_WRITERS: dict[type[fx.Effect], Writer] = {}


class PhoneTaken(Exception):
    """A phone that already belongs to a member (of this or another organization)."""


def writes(effect_type: type[E]) -> Callable[[Writer], Writer]:
    def register(writer: Writer) -> Writer:
        if effect_type in _WRITERS:
            raise ValueError(f"two writers for {effect_type.__name__}")
        _WRITERS[effect_type] = writer
        return writer

    return register


def writer_for(effect_type: type[fx.Effect]) -> Writer:
    return _WRITERS[effect_type]


def written_types() -> frozenset[type[fx.Effect]]:
    return frozenset(_WRITERS)


async def write_effects(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.Effect]
) -> list[Queued]:
    """Write every effect; returns the outbox rows written now (skipping a replay's)."""
    queued: list[Queued] = []
    for effect_type, run in groupby(effects, key=type):
        written = await _WRITERS[effect_type](connection, org_id, list(run))
        queued.extend(written or ())
    return queued


@writes(fx.Send)
async def _send(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.Send]
) -> list[Queued]:
    return await outbox.insert_outbox(connection, org_id, effects)


@writes(fx.CreateTask)
async def _create_tasks(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.CreateTask]
) -> None:
    await connection.executemany(
        "INSERT INTO tasks (org_id, number, title, assignee_id, created_by, due_at)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        [
            (
                org_id,
                e.task.number,
                e.task.title,
                e.task.assignee_id,
                e.task.created_by,
                e.task.due_at,
            )
            for e in effects
        ],
    )


@writes(fx.CloseTask)
async def _close_tasks(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.CloseTask]
) -> None:
    await connection.executemany(
        "UPDATE tasks SET status = $3, completed_by = $4, completed_at = $5"
        " WHERE org_id = $1 AND number = $2 AND status = 'open'",
        [(org_id, e.number, e.status, e.by, e.at) for e in effects],
    )


@writes(fx.ChangeTask)
async def _change_tasks(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.ChangeTask]
) -> None:
    await connection.executemany(
        "UPDATE tasks SET title = $3, due_at = $4, assignee_id = $5"
        " WHERE org_id = $1 AND number = $2 AND status = 'open'",
        [(org_id, e.task.number, e.task.title, e.task.due_at, e.task.assignee_id) for e in effects],
    )


@writes(fx.AddMember)
async def _add_members(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.AddMember]
) -> None:
    async with _phone_unique():
        await connection.executemany(
            "INSERT INTO members (org_id, name, phone, role, language, delivery)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            [(org_id, e.name, e.phone, e.role, e.language, e.delivery) for e in effects],
        )


@writes(fx.ChangeMember)
async def _change_members(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.ChangeMember]
) -> None:
    async with _phone_unique():
        await connection.executemany(
            "UPDATE members SET name = $3, phone = $4, role = $5, language = $6, delivery = $7"
            " WHERE org_id = $1 AND id = $2",
            [
                (org_id, m.id, m.name, m.phone, m.role, m.language, m.delivery)
                for m in (e.member for e in effects)
            ],
        )


@writes(fx.RemoveMember)
async def _remove_members(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.RemoveMember]
) -> None:
    # Their tasks stay, unassigned: tasks.assignee_id is ON DELETE SET NULL.
    for effect in effects:
        await drop_recipient(connection, org_id, effect.member_id)
    await connection.execute(
        "DELETE FROM members WHERE org_id = $1 AND id = ANY($2::bigint[])",
        org_id,
        [e.member_id for e in effects],
    )


async def drop_recipient(connection: asyncpg.Connection, org_id: int, member_id: int) -> None:
    """A member who leaves is taken off every reminder's list (recipient_ids is an array, so
    no foreign key does it), and a reminder left with nobody to remind is cancelled rather
    than kept firing at no one (domain.reminders.without_recipient)."""
    await connection.execute(
        "UPDATE reminders SET recipient_ids = array_remove(recipient_ids, $2),"
        " status = CASE WHEN NOT everyone AND recipient_ids = ARRAY[$2]::bigint[]"
        "               THEN 'cancelled' ELSE status END,"
        " next_fire_at = CASE WHEN NOT everyone AND recipient_ids = ARRAY[$2]::bigint[]"
        "                     THEN NULL ELSE next_fire_at END"
        " WHERE org_id = $1 AND $2 = ANY(recipient_ids)",
        org_id,
        member_id,
    )


@writes(fx.SaveConversation)
async def _save_conversations(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[fx.SaveConversation]
) -> None:
    await connection.executemany(
        "INSERT INTO conversations (org_id, member_id, turns, expires_at, pending)"
        " VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (org_id, member_id) DO UPDATE SET"
        " turns = EXCLUDED.turns, expires_at = EXCLUDED.expires_at, pending = EXCLUDED.pending",
        [
            (
                org_id,
                c.member_id,
                turns_to_json(c.turns),
                c.expires_at,
                None if c.pending is None else c.pending.to_json(),
            )
            for c in (e.conversation for e in effects)
        ],
    )


class _phone_unique:
    """Turn the members' unique-phone violation into PhoneTaken."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, kind: Any, error: Any, traceback: Any) -> bool:
        unique = isinstance(error, asyncpg.UniqueViolationError)
        if unique and error.constraint_name == "members_phone_key":
            raise PhoneTaken from None
        return False


# The privacy policy's writers register themselves (SetOptOut, EraseMember, TerminateOrg,
# CreateExportLink): imported last, once `writes` exists.
# Writers of features' own effects, registered by importing their modules.
from minkops.store import billing as _billing  # noqa: E402, F401
from minkops.store import digests as _digests  # noqa: E402,F401
from minkops.store import privacy as _privacy  # noqa: E402, F401

# Writers of feature modules register themselves on import.
from minkops.store import reminders as _reminders  # noqa: E402,F401
