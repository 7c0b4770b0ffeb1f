"""Conversation context: the last turns between MinkOps and one person, and the question
MinkOps is waiting to have answered. Kept at most 24 hours.

The expiry slides with activity. Nothing here survives past `expires_at`: the org
actor drops expired conversations from memory and a purge job deletes their rows.
A pending question lives shorter still: an answer the next morning is a new message.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from minkops.domain.understanding import Turn

CONTEXT_TTL = timedelta(hours=24)
QUESTION_TTL = timedelta(hours=1)
MAX_TURNS = 20

Expects = Literal["text", "time", "phone", "name", "choice", "yes_no"]


@dataclass(frozen=True)
class Choice:
    """One answer to a which-one question: what the person reads, and what it fills in."""

    label: str
    value: str | int


@dataclass(frozen=True)
class PendingQuestion:
    """What MinkOps asked, about which request, and until when an answer completes it."""

    intent: dict[str, Any]
    """The partial intent, as its JSON (with "kind")."""
    field: str
    """The intent's field the answer fills in."""
    expects: Expects
    expires_at: datetime
    choices: tuple[Choice, ...] = ()

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at

    def to_json(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "field": self.field,
            "expects": self.expects,
            "expires_at": self.expires_at.isoformat(),
            "choices": [{"label": c.label, "value": c.value} for c in self.choices],
        }

    @classmethod
    def from_json(cls, data: Any) -> PendingQuestion | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                intent=dict(data["intent"]),
                field=str(data["field"]),
                expects=data["expects"],
                expires_at=datetime.fromisoformat(data["expires_at"]),
                choices=tuple(Choice(str(c["label"]), c["value"]) for c in data["choices"]),
            )
        except (KeyError, TypeError, ValueError):
            return None  # written by another version: forget the question, keep the turns


@dataclass(frozen=True)
class Conversation:
    member_id: int
    turns: tuple[Turn, ...]
    expires_at: datetime
    pending: PendingQuestion | None = None

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def live_turns(self, now: datetime) -> tuple[Turn, ...]:
        return () if self.is_expired(now) else self.turns

    def live_question(self, now: datetime) -> PendingQuestion | None:
        if self.is_expired(now) or self.pending is None or not self.pending.is_live(now):
            return None
        return self.pending


def new_conversation(member_id: int, now: datetime) -> Conversation:
    return Conversation(member_id, (), now + CONTEXT_TTL)


def add_exchange(
    conversation: Conversation,
    now: datetime,
    said: str,
    answered: str | None,
    pending: PendingQuestion | None = None,
) -> Conversation:
    """Append what the person said and our answer; the 24 hours start again from now.

    The pending question is replaced: the one just asked, or none. A question is never
    carried past the message after it, so nothing unrelated is ever joined onto it.
    """
    turns = (*conversation.live_turns(now), Turn("user", said))
    if answered:
        turns = (*turns, Turn("assistant", answered))
    return replace(
        conversation, turns=turns[-MAX_TURNS:], expires_at=now + CONTEXT_TTL, pending=pending
    )


def turns_to_json(turns: tuple[Turn, ...]) -> list[dict[str, str]]:
    return [{"role": turn.role, "text": turn.text} for turn in turns]


def turns_from_json(data: Any) -> tuple[Turn, ...]:
    turns: list[Turn] = []
    for item in data if isinstance(data, list) else []:
        role, text = item.get("role"), item.get("text")
        if role in ("user", "assistant") and isinstance(text, str):
            turns.append(Turn(role, text))
    return tuple(turns)
