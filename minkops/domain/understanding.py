"""The contract every understanding engine (rules, OpenAI) fulfils."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from minkops.domain.intents import Understood


@dataclass(frozen=True)
class RosterEntry:
    name: str
    role: Literal["admin", "staff"]
    language: str


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    text: str


@dataclass(frozen=True)
class UnderstandingContext:
    role: Literal["admin", "staff"]
    language: str
    """The member's language (ISO 639-1); the fallback when a message gives no clue."""
    timezone: str
    """IANA name of the organization's timezone."""
    now: datetime
    """Aware; relative times ("tomorrow", "in 2 hours") count from here."""
    roster: tuple[RosterEntry, ...]
    history: tuple[Turn, ...] = ()

    def __post_init__(self) -> None:
        if self.now.tzinfo is None or self.now.utcoffset() is None:
            raise ValueError("UnderstandingContext.now must be timezone-aware")


class Understanding(Protocol):
    def understand(self, text: str, context: UnderstandingContext) -> Understood: ...
