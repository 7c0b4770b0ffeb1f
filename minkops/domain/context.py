"""Conversation context: the last turns between MinkOps and one person, kept at most 24 hours.

The expiry slides with activity. Nothing here survives past `expires_at`: the org
actor drops expired conversations from memory and a purge job deletes their rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from minkops.domain.understanding import Turn

CONTEXT_TTL = timedelta(hours=24)
MAX_TURNS = 20


@dataclass(frozen=True)
class Conversation:
    member_id: int
    turns: tuple[Turn, ...]
    expires_at: datetime

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def live_turns(self, now: datetime) -> tuple[Turn, ...]:
        return () if self.is_expired(now) else self.turns


def new_conversation(member_id: int, now: datetime) -> Conversation:
    return Conversation(member_id, (), now + CONTEXT_TTL)


def add_exchange(
    conversation: Conversation, now: datetime, said: str, answered: str | None
) -> Conversation:
    """Append what the person said and our answer; the 24 hours start again from now."""
    turns = (*conversation.live_turns(now), Turn("user", said))
    if answered:
        turns = (*turns, Turn("assistant", answered))
    return replace(conversation, turns=turns[-MAX_TURNS:], expires_at=now + CONTEXT_TTL)


def turns_to_json(turns: tuple[Turn, ...]) -> list[dict[str, str]]:
    return [{"role": turn.role, "text": turn.text} for turn in turns]


def turns_from_json(data: Any) -> tuple[Turn, ...]:
    turns: list[Turn] = []
    for item in data if isinstance(data, list) else []:
        role, text = item.get("role"), item.get("text")
        if role in ("user", "assistant") and isinstance(text, str):
            turns.append(Turn(role, text))
    return tuple(turns)
