"""An org actor's turn committed in one round trip (`minkops_commit_turn`), when its
effects are all of the kinds that function writes; any other turn goes through the
writers (`minkops.store.writers`) in a transaction of its own.

Run it alone (`Persistence.run_alone`): the function sets its organization itself, marks
the inbox row processed first (nothing is written for a row processed before), checks the
caps under the usage row's lock, and writes the rest; one statement, so one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

import asyncpg

from minkops.domain import billing as b
from minkops.domain import effects as fx
from minkops.domain.conversation import turns_to_json
from minkops.store.database import ProcessedBefore
from minkops.store.outbox import Outgoing, Queued, parts_of

# What the function writes; a turn with any other effect is not its to commit.
ONE_STATEMENT_TYPES: frozenset[type[fx.Effect]] = frozenset(
    {b.CountUsage, b.CountCost, fx.CreateTask, fx.SaveConversation, fx.Send}
)
_OVER_CAP = "minkops over cap"
_INDEX: dict[b.What, int] = {"messages": 1, "tasks": 2, "voice_notes": 3}


def fits(effects: Sequence[fx.Effect]) -> bool:
    """Whether `minkops_commit_turn` can write all of these (at most one usage count)."""
    counts = sum(isinstance(e, b.CountUsage) for e in effects)
    return counts <= 1 and all(type(e) in ONE_STATEMENT_TYPES for e in effects)


async def commit_turn(
    connection: asyncpg.Connection, org_id: int, inbox_id: int, effects: Sequence[fx.Effect]
) -> list[Queued]:
    """The outbox rows written, in id order. ProcessedBefore (nothing written) for a replay;
    OverCap (nothing written, the inbox row not marked) for a count past a cap."""
    try:
        records = await connection.fetch(
            "SELECT * FROM minkops_commit_turn($1, $2, $3)", org_id, inbox_id, turn(effects)
        )
    except asyncpg.RaiseError as error:
        if error.message == _OVER_CAP:
            # DETAIL names the counter (messages, tasks or voice_notes), as the writer's did.
            raise b.OverCap(cast(b.CapKind, error.detail)) from None
        raise
    if records and records[0]["outcome"] == "processed_before":
        raise ProcessedBefore(inbox_id)
    return [Queued(r["outbox_id"], r["recipient"]) for r in records if r["outbox_id"] is not None]


def turn(effects: Sequence[fx.Effect]) -> dict[str, Any]:
    """The effects as the function's JSON argument."""
    usage = next((e for e in effects if isinstance(e, b.CountUsage)), None)
    return {
        "usage": None if usage is None else _usage(usage),
        "tasks": [
            {
                "number": e.task.number,
                "title": e.task.title,
                "assignee_id": e.task.assignee_id,
                "created_by": e.task.created_by,
                "due_at": _moment(e.task.due_at),
            }
            for e in effects
            if isinstance(e, fx.CreateTask)
        ],
        "costs": [
            {
                "day": e.day.isoformat(),
                "seconds": e.transcription_seconds,
                "tokens": e.openai_tokens,
            }
            for e in effects
            if isinstance(e, b.CountCost)
        ],
        "conversations": [
            {
                "member_id": c.member_id,
                "turns": turns_to_json(c.turns),
                "expires_at": _moment(c.expires_at),
                "pending": None if c.pending is None else c.pending.to_json(),
            }
            for c in (e.conversation for e in effects if isinstance(e, fx.SaveConversation))
        ],
        "sends": _sends([e for e in effects if isinstance(e, fx.Send)]),
    }


def _usage(effect: b.CountUsage) -> dict[str, Any]:
    return {
        "day": effect.day.isoformat(),
        "month": effect.month.isoformat(),
        "plan": effect.plan,
        "adds": [effect.messages, effect.tasks, effect.voice_notes_in],
        "caps": list(effect.caps),
        "messages_out": effect.messages_out,
        "at": _moment(effect.at),
        "meters": [
            {"what": what, "i": _INDEX[what], "event_name": name} for what, name in effect.meters
        ],
        "warnings": [
            {
                "what": w.what,
                "i": _INDEX[w.what],
                "percent": w.percent,
                "at": w.at,
                "sends": _sends(w.sends),
            }
            for w in effect.warnings
        ],
    }


def _sends(messages: Sequence[Outgoing]) -> list[dict[str, Any]]:
    return [
        {"key": p.key, "to_": p.to, "body": p.body, "kind": p.kind, "speech": p.speech}
        for p in parts_of(messages)
    ]


def _moment(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()
