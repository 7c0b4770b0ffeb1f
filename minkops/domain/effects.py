"""Effects: what one outcome changes or sends, as typed records.

A handler returns effects; the org actor commits them in one transaction, each by the
one writer the store layer has for its type (`minkops.store.writers`), and then adopts
`apply(state, effects)`. An effect whose result only the database knows (a new
member's id) asks for a reload instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import ClassVar, Literal

from minkops.domain.conversation import Conversation
from minkops.domain.models import Delivery, Member, Role, Task
from minkops.domain.reminders import Occurrence, Reminder, without_recipient
from minkops.domain.state import OrgState


@dataclass(frozen=True)
class Effect:
    reloads_state: ClassVar[bool] = False
    """True when the state after this effect must be read back from the database."""

    def apply(self, state: OrgState) -> OrgState:
        return state


@dataclass(frozen=True)
class Send(Effect):
    """A WhatsApp message to one person. `key` makes it idempotent across replays."""

    key: str
    to: str  # E.164
    body: str
    member_id: int | None = None
    kind: Literal["reply", "notice", "reminder"] = "reply"
    """reply: an answer to the person who wrote; notice: news for someone else; reminder: a
    reminder firing. Outside the 24-hour window each kind goes as its own template."""
    speak: bool = False
    """Also as a voice note (the recipient's delivery is voice): the body is spoken."""


@dataclass(frozen=True)
class CreateTask(Effect):
    task: Task

    def apply(self, state: OrgState) -> OrgState:
        return replace(
            state,
            open_tasks=(*state.open_tasks, self.task),
            next_task_number=max(state.next_task_number, self.task.number + 1),
        )


@dataclass(frozen=True)
class CloseTask(Effect):
    """Done or cancelled: either way it leaves the open list."""

    number: int
    status: Literal["done", "cancelled"]
    by: int
    at: datetime

    def apply(self, state: OrgState) -> OrgState:
        return replace(
            state, open_tasks=tuple(t for t in state.open_tasks if t.number != self.number)
        )


@dataclass(frozen=True)
class ChangeTask(Effect):
    """A task's new title, due time or assignee."""

    task: Task

    def apply(self, state: OrgState) -> OrgState:
        return replace(
            state,
            open_tasks=tuple(
                self.task if t.number == self.task.number else t for t in state.open_tasks
            ),
        )


@dataclass(frozen=True)
class AddMember(Effect):
    reloads_state: ClassVar[bool] = True  # the database gives the id

    org_id: int
    name: str
    phone: str
    role: Role
    language: str
    delivery: Delivery


@dataclass(frozen=True)
class ChangeMember(Effect):
    member: Member

    def apply(self, state: OrgState) -> OrgState:
        return replace(
            state,
            members=tuple(self.member if m.id == self.member.id else m for m in state.members),
        )


@dataclass(frozen=True)
class RemoveMember(Effect):
    """The member goes; their open tasks become unassigned, they are off every reminder's
    list, and a reminder for them alone is cancelled (the database does the same)."""

    member_id: int

    def apply(self, state: OrgState) -> OrgState:
        return replace(
            state,
            members=tuple(m for m in state.members if m.id != self.member_id),
            open_tasks=tuple(
                replace(t, assignee_id=None) if t.assignee_id == self.member_id else t
                for t in state.open_tasks
            ),
            reminders=without_recipient(state.reminders, self.member_id),
        )


@dataclass(frozen=True)
class SaveConversation(Effect):
    """The member's 24-hour context after this message, pending question included."""

    conversation: Conversation


# --- privacy -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SetOptOut(Effect):
    """STOP (True) or START (False). Written after the STOP confirmation: the outbox gate
    lets nothing else through to the number once it is recorded."""

    member_id: int
    phone: str
    opted_out: bool

    def apply(self, state: OrgState) -> OrgState:
        return replace(
            state,
            members=tuple(
                replace(m, opted_out=self.opted_out) if m.id == self.member_id else m
                for m in state.members
            ),
        )


@dataclass(frozen=True)
class EraseMember(RemoveMember):
    """A person's own deletion: the member goes, and their phone and name with them, from
    every row of the organization (tasks keep an anonymous "former member")."""

    phone: str = ""
    name: str = ""
    former: str = "former member"
    """What stands where their name was written, in the organization's language."""


@dataclass(frozen=True)
class TerminateOrg(Effect):
    """The account ends now: nothing in or out; purged after the grace period."""

    at: datetime

    def apply(self, state: OrgState) -> OrgState:
        return replace(state, org=replace(state.org, status="closed"))


@dataclass(frozen=True)
class CreateExportLink(Effect):
    """A single-use link to a person's data; only the token's hash is stored."""

    token_hash: str
    member_id: int
    expires_at: datetime


# --- reminders ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateReminder(Effect):
    reminder: Reminder

    def apply(self, state: OrgState) -> OrgState:
        return replace(
            state,
            reminders=(*state.reminders, self.reminder),
            next_reminder_number=max(state.next_reminder_number, self.reminder.number + 1),
        )


@dataclass(frozen=True)
class ChangeReminder(Effect):
    """Paused, resumed, cancelled or moved: its new status, schedule and next firing."""

    reminder: Reminder

    def apply(self, state: OrgState) -> OrgState:
        kept = self.reminder.status in ("active", "paused")
        return replace(
            state,
            reminders=tuple(
                r
                for r in (
                    self.reminder if r.number == self.reminder.number else r
                    for r in state.reminders
                )
                if r.number != self.reminder.number or kept
            ),
        )


@dataclass(frozen=True)
class FireReminder(Effect):
    """An occurrence delivered: recorded once per wall-clock minute, with the reminder's
    next firing (or its end), in the transaction that writes its outbox rows."""

    reminder: Reminder
    """As it is after this firing."""
    occurrence: Occurrence
    fired_at: datetime

    def apply(self, state: OrgState) -> OrgState:
        return ChangeReminder(self.reminder).apply(state)


@dataclass(frozen=True)
class FollowTemplates(Effect):
    """The person tapped "Listen" on a template: what reached them as templates in the
    last 24 hours follows free-form, now that they opened the window."""

    member_id: int
    phone: str
    key: str


# --- the daily digest and overdue escalation (minkops.domain.digest) ------------------------


@dataclass(frozen=True)
class SetDigest(Effect):
    """An admin's daily digest at an org-local hour, first at `next_fire_at`; None: off."""

    member_id: int
    hour: int | None
    next_fire_at: datetime | None


@dataclass(frozen=True)
class SetEscalation(Effect):
    """Overdue escalation on or off for the organization (its open tasks follow at once)."""

    enabled: bool


@dataclass(frozen=True)
class FireDigest(Effect):
    """A day's digest delivered (or skipped, being empty): recorded with its outbox row."""

    member_id: int
    day: date
    next_fire_at: datetime


@dataclass(frozen=True)
class EscalateTask(Effect):
    """An escalation step taken, recorded on the task with the message it sends."""

    number: int
    nudged_at: datetime | None
    escalated_at: datetime | None
    escalate_at: datetime | None
    """The next step's time; None: nothing more."""


def apply(state: OrgState, effects: Iterable[Effect]) -> OrgState:
    for effect in effects:
        state = effect.apply(state)
    return state


def needs_reload(effects: Iterable[Effect]) -> bool:
    return any(effect.reloads_state for effect in effects)
