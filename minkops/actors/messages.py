"""Messages between actors: plain frozen records, told, never asked across the loop."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pykka

from minkops.domain.intents import Understood
from minkops.domain.translation import Translations
from minkops.domain.understanding import UnderstandingContext
from minkops.store.inbox import InboxRow


@dataclass(frozen=True)
class Deliver:
    """An accepted inbound message for the directory, then for its org actor."""

    row: InboxRow
    quarantined: bool = False
    """Every attempt at this row failed: answer with an apology rather than act on it."""


@dataclass(frozen=True)
class OrgChanged:
    """An organization's roster or settings changed outside its actor (CLI, another process)."""

    org_id: int


@dataclass(frozen=True)
class SendOutbox:
    """Send these outbox rows (and, in order, any older unsettled rows to their recipients).
    Rows already sent are skipped, so telling this twice never sends twice."""

    org_id: int | None
    outbox_ids: tuple[int, ...]
    recipients: tuple[str, ...] = ()
    """Their recipients, when the sender knows them (it saves a query); else looked up."""


@dataclass(frozen=True)
class SweepOutbox:
    """Periodic, from the Scheduler to the outbound pool: send or reconcile every due row
    of every organization (retries whose timer was lost, ambiguous sends after a crash)."""


# --- org actor <-> its helpers ----------------------------------------------------------------


@dataclass(frozen=True)
class Understand:
    """Read `text` for the org actor `reply_to`; the answer comes back as an Interpretation."""

    reply_to: pykka.ActorRef[Any]
    message_sid: str
    text: str
    context: UnderstandingContext


@dataclass(frozen=True)
class Interpretation:
    message_sid: str
    understood: Understood
    tokens: int = 0
    """OpenAI tokens spent reading it: counted in usage_daily with the turn."""
    translations: Translations = field(default_factory=dict)
    """The words it passes on, translated for recipients of other languages."""


@dataclass(frozen=True)
class Transcribe:
    """Fetch a voice note and transcribe it; the answer comes back as a Transcript."""

    reply_to: pykka.ActorRef[Any]
    message_sid: str
    media_url: str
    content_type: str
    language: str | None


@dataclass(frozen=True)
class Transcript:
    message_sid: str
    text: str | None
    """None: transcription is unavailable, the person is asked to write instead."""
    seconds: int = 0
    """The note's length, counted in usage_daily (transcription_seconds) with the turn."""
    tokens: int = 0
    """OpenAI tokens the transcription cost."""


@dataclass(frozen=True)
class ReplyDeadline:
    """Sent by a timer: if `message_sid` is still waiting, give up on it politely."""

    message_sid: str


# --- directory <-> org actors ----------------------------------------------------------------


@dataclass(frozen=True)
class PassivateIfIdle:
    """From the directory: stop if idle and every one of `delivered` messages was taken."""

    delivered: int


@dataclass(frozen=True)
class Passivated:
    org_id: int
    ref: pykka.ActorRef[Any]


@dataclass(frozen=True)
class StillBusy:
    org_id: int


@dataclass(frozen=True)
class OrgActorDied:
    org_id: int
    ref: pykka.ActorRef[Any]


@dataclass(frozen=True)
class Housekeeping:
    """Periodic: passivate idle org actors, drop expired context."""


@dataclass(frozen=True)
class CountBusy:
    """Ask: how many live org actors still have work in flight (for draining at shutdown)."""


@dataclass(frozen=True)
class IsBusy:
    """Ask an org actor: has it messages in flight or waiting?"""


@dataclass(frozen=True)
class ReloadLive:
    """To the directory: every live org actor reloads its state (changes may have been missed,
    e.g. while the LISTEN connection was down)."""


# --- reminders ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FireReminders:
    """From the reminder scheduler, through the directory: this org has reminders due."""

    org_id: int


@dataclass(frozen=True)
class RemindersChanged:
    """To the reminder scheduler: a reminder was set or resumed; look at the next due time."""
