"""The contract every understanding engine (rules, OpenAI) fulfils."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from minkops.domain.intents import Understood
from minkops.domain.translation import Translations

if TYPE_CHECKING:
    from minkops.domain.conversation import PendingQuestion


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
class TaskRef:
    """An open task, as an engine may need it to resolve "finished the fridge" to #3."""

    number: int
    title: str
    assignee: str | None
    due: datetime | None
    assigned_to_sender: bool
    given_by_sender: bool


@dataclass(frozen=True)
class ReminderRef:
    """A reminder, so that "cancel the monday temperature reminder" can find it."""

    number: int
    text: str
    recipients: tuple[str, ...]
    schedule: str
    """Cron, or the one-off time in ISO 8601."""
    paused: bool = False


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
    tasks: tuple[TaskRef, ...] = ()
    """The organization's open tasks (an engine resolves descriptions against them)."""
    reminders: tuple[ReminderRef, ...] = ()
    question: PendingQuestion | None = None
    """What MinkOps last asked the sender and still waits for, if anything."""

    def __post_init__(self) -> None:
        if self.now.tzinfo is None or self.now.utcoffset() is None:
            raise ValueError("UnderstandingContext.now must be timezone-aware")


class Understanding(Protocol):
    def understand(self, text: str, context: UnderstandingContext) -> Understood: ...


@dataclass(frozen=True)
class Read:
    """An understood message and what reading it cost: the usage the org actor counts."""

    understood: Understood
    tokens: int = 0
    """OpenAI tokens spent on it (prompt and completion); 0 for the rule engine."""
    translations: Translations = field(default_factory=dict)
    """The words it passes on (a task title, a reminder's text) in the recipients' other
    languages, where they could be translated (`minkops.ai.translating`)."""


@runtime_checkable
class Metered(Protocol):
    """An engine that knows what each reading cost (OpenAI); the others cost nothing."""

    def read(self, text: str, context: UnderstandingContext) -> Read: ...


def read(engine: Understanding, text: str, context: UnderstandingContext) -> Read:
    """Read `text` with `engine`, with its cost when the engine knows it."""
    if isinstance(engine, Metered):
        return engine.read(text, context)
    return Read(engine.understand(text, context))
