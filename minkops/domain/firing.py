"""A due reminder becomes messages: pure, so the org actor only reads, calls this, and writes.

Each recipient gets the reminder in their own language: the catalogue's sentence
(`reminder_fired`) around the words, translated when it was set or else as written; spoken
too when their delivery (or the reminder's) is voice. The outbox keys name the reminder, the wall-clock minute and the recipient, so a
firing written twice sends once.
"""

from __future__ import annotations

from datetime import datetime

from minkops.domain import effects as fx
from minkops.domain.models import Member
from minkops.domain.reminders import Reminder, after_firing, due_occurrence
from minkops.domain.replies import format_when, pick_language, say
from minkops.domain.state import OrgState


def recipients(state: OrgState, reminder: Reminder) -> list[Member]:
    if reminder.everyone:
        return list(state.members)
    return [m for m in (state.member_by_id(i) for i in reminder.recipient_ids) if m is not None]


def fire_due(state: OrgState, due: list[Reminder], now: datetime) -> list[fx.Effect]:
    """Effects for every reminder in `due` that is due at `now` (others are left alone)."""
    effects: list[fx.Effect] = []
    org = state.org
    for reminder in due:
        occurrence = due_occurrence(reminder, org.timezone, now)
        if occurrence is None:
            continue
        creator = state.member_by_id(reminder.created_by)
        for member in recipients(state, reminder):
            if member.opted_out:
                continue
            language = pick_language(member.language)
            who = creator.name.split()[0] if creator and creator.id != member.id else ""
            body = say(
                language,
                "reminder_fired_from" if who else "reminder_fired",
                text=reminder.text_in(language),
                name=who,
            )
            if occurrence.late:
                when = format_when(
                    language, occurrence.scheduled_for, now, org.timezone, country=org.country
                )
                body = f"{body}\n{say(language, 'reminder_fired_late', when=when)}"
            effects.append(
                fx.Send(
                    key=f"reminder:{org.id}:{reminder.number}:{occurrence.key}:{member.id}",
                    to=member.phone,
                    body=body,
                    member_id=member.id,
                    kind="reminder",
                    speak=(reminder.delivery or member.delivery) == "voice",
                )
            )
        effects.append(fx.FireReminder(after_firing(reminder, occurrence, now), occurrence, now))
    return effects
