"""Reminders as plain records, and when each fires next. No I/O, no clock.

A reminder is one-off (`once_at`) or recurring (`cron`, 5 fields on the organization's wall
clock, see `minkops.domain.schedule`). `next_fire_at` is in UTC, as it is stored and indexed;
it is None once the reminder is paused, cancelled or done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from minkops.domain import schedule
from minkops.domain.models import Delivery

ReminderStatus = Literal["active", "paused", "cancelled", "done"]

LATE_AFTER = timedelta(minutes=2)
"""A firing this long after its time (the service was down) says that it comes late."""

ONCE = "once"
"""The occurrence key of a one-off reminder's only firing."""


@dataclass(frozen=True)
class Reminder:
    org_id: int
    number: int
    text: str
    recipient_ids: tuple[int, ...]
    everyone: bool
    created_by: int | None
    language: str
    """The language it was written in: the words are quoted as written."""
    cron: str | None
    once_at: datetime | None
    delivery: Delivery | None = None
    """'voice' when a voice note was asked for; None: each recipient's own delivery."""
    status: ReminderStatus = "active"
    next_fire_at: datetime | None = None
    last_fired_at: datetime | None = None
    created_at: datetime | None = None
    id: int | None = None
    translations: Mapping[str, str] = field(default_factory=dict)
    """The text in the recipients' other languages (ISO 639-1 → words), translated once
    when it was set, so firing it needs no OpenAI call and every firing says the same."""

    def text_in(self, language: str) -> str:
        """The words as a reader of `language` gets them: translated, or as written."""
        if language == self.language:
            return self.text
        return self.translations.get(language, self.text)

    @property
    def recurring(self) -> bool:
        return self.cron is not None


@dataclass(frozen=True)
class Occurrence:
    """One firing: which wall-clock minute, when it was due, and whether it comes late."""

    key: str
    scheduled_for: datetime
    late: bool
    next_fire_at: datetime | None
    """When the reminder fires after this one; None: it is done."""


def first_fire(reminder: Reminder, timezone: str, now: datetime) -> datetime:
    if reminder.once_at is not None:
        return reminder.once_at
    assert reminder.cron is not None
    return schedule.next_fire(reminder.cron, timezone, now)


def due_occurrence(reminder: Reminder, timezone: str, now: datetime) -> Occurrence | None:
    """The firing due at `now`, or None when none is.

    After downtime a one-off fires late, once; a recurring reminder fires at most once, for
    the latest occurrence it missed, and then continues from `now`.
    """
    due = reminder.next_fire_at
    if reminder.status != "active" or due is None or due > now:
        return None
    if reminder.cron is None:
        return Occurrence(ONCE, due, now - due > LATE_AFTER, None)
    cron = reminder.cron
    latest = schedule.missed(cron, timezone, due - timedelta(microseconds=1), now) or due
    return Occurrence(
        schedule.occurrence_key(cron, timezone, latest),
        latest,
        now - latest > LATE_AFTER,
        schedule.next_fire(cron, timezone, now),
    )


def after_firing(reminder: Reminder, occurrence: Occurrence, now: datetime) -> Reminder:
    if occurrence.next_fire_at is None:
        return replace(reminder, status="done", next_fire_at=None, last_fired_at=now)
    return replace(reminder, next_fire_at=occurrence.next_fire_at, last_fired_at=now)


def reminding_only(reminders: Sequence[Reminder], member_id: int) -> list[Reminder]:
    """The reminders that remind this member and no one else: they go with the member."""
    return [r for r in reminders if not r.everyone and r.recipient_ids == (member_id,)]


def without_recipient(reminders: Sequence[Reminder], member_id: int) -> tuple[Reminder, ...]:
    """The reminders once a member has left: the member is off every list, and a reminder
    left with nobody to remind is cancelled (dropped) rather than kept firing at no one."""
    alone = {r.number for r in reminding_only(reminders, member_id)}
    return tuple(
        replace(r, recipient_ids=tuple(i for i in r.recipient_ids if i != member_id))
        for r in reminders
        if r.number not in alone
    )


def rescheduled(
    reminder: Reminder, *, at: datetime | None, cron: str | None, timezone: str, now: datetime
) -> Reminder:
    """The reminder on its new schedule: a new cron replaces the old schedule; a new time
    moves a one-off, or gives a recurring reminder its new time of day (and a weekly one
    its new weekday, when the time named a day past tomorrow: "move the Monday check to
    Tuesday at 9"). Paused stays paused; otherwise the next firing follows from `now`."""
    if cron is not None:
        changed = replace(reminder, cron=cron, once_at=None)
    elif at is not None and reminder.cron is None:
        changed = replace(reminder, once_at=at)
    elif at is not None and reminder.cron is not None:
        changed = replace(reminder, cron=_at_time(reminder.cron, at, timezone, now))
    else:
        return reminder
    if changed.status == "paused":
        return replace(changed, next_fire_at=None)
    return replace(changed, next_fire_at=first_fire(changed, timezone, now))


def _at_time(cron: str, at: datetime, timezone: str, now: datetime) -> str:
    _, _, day, month, weekday = cron.split()
    local = at.astimezone(ZoneInfo(timezone))
    named_a_day = (local.date() - now.astimezone(ZoneInfo(timezone)).date()).days > 1
    # A weekly reminder moves to the day named; a daily or monthly one keeps its days.
    if named_a_day and day == "*" and month == "*" and weekday.isdigit():
        weekday = str((local.weekday() + 1) % 7)  # cron counts from Sunday = 0
    return f"{local.minute} {local.hour} {day} {month} {weekday}"
