"""Reminders: set (one-off or recurring, for oneself, others or everyone), list, pause,
resume and cancel them. Firing them is `minkops.domain.firing`, driven by the scheduler."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from minkops.domain import effects as fx
from minkops.domain import intents as i
from minkops.domain import schedule
from minkops.domain.conversation import Choice
from minkops.domain.handlers.base import Act, Outcome, Turn
from minkops.domain.handlers.registry import handles
from minkops.domain.matching import best_matches
from minkops.domain.models import Member
from minkops.domain.policy import Action, Subject, allowed
from minkops.domain.reminders import Reminder, first_fire, rescheduled

MAX_TEXT = 500  # as the database's CHECK constraint allows
MAX_LISTED = 20
EVERYONE_WORDS = frozenset(
    {"everyone", "everybody", "all", "team", "todos", "todas", "todo el mundo", "equipo",
     "tout le monde", "tous", "toutes", "équipe", "todo mundo", "equipa", "everyone else"}
)  # fmt: skip


@handles(i.CreateReminder)
def create_reminder(turn: Turn, intent: i.CreateReminder) -> Outcome:
    act, sender, state, now = Act(turn), turn.sender, turn.state, turn.now
    text = " ".join(intent.text.split())
    if not text:
        return act.ask("ask_reminder_text", intent, "text", "text")
    if len(text) > MAX_TEXT:
        return act.reply("reminder_too_long", limit=MAX_TEXT)
    if intent.at is None and intent.cron is None:
        return act.ask("ask_reminder_when", intent, "at", "time")
    everyone = any(n.strip().lower() in EVERYONE_WORDS for n in intent.recipients)
    people: list[Member] = []
    if not everyone:
        for index, name in enumerate(intent.recipients or ["me"]):
            resolved = act.person(name, intent, f"recipients.{index}")
            if isinstance(resolved, Outcome):
                return resolved
            if resolved.id not in {p.id for p in people}:
                people.append(resolved)
    others = everyone or any(p.id != sender.id for p in people)
    if others and not allowed(Action.REMIND_OTHERS, sender):
        return act.reply("remind_not_allowed")
    timezone = state.org.timezone
    if (refused := _unschedulable(act, intent.cron, intent.at)) is not None:
        return refused
    reminder = Reminder(
        org_id=state.org.id,
        number=state.next_reminder_number,
        text=text,
        recipient_ids=tuple(p.id for p in people),
        everyone=everyone,
        created_by=sender.id,
        language=turn.language,
        cron=intent.cron,
        once_at=intent.at if intent.cron is None else None,
        delivery=intent.delivery,
        created_at=now,
        # Translated while the message was read; stored, so firing calls no one.
        translations=dict(turn.translations.get(text, {})),
    )
    reminder = replace(reminder, next_fire_at=first_fire(reminder, timezone, now))
    act.add(fx.CreateReminder(reminder))
    return act.reply_text(_describe(act, reminder, "reminder_created"))


@handles(i.ListReminders)
def list_reminders(turn: Turn, intent: i.ListReminders) -> Outcome:
    act, sender = Act(turn), turn.sender
    reminders = _visible(turn)
    header, none = act.say("reminders_header"), act.say("reminders_none")
    if intent.person:
        resolved = act.person(intent.person, intent, "person")
        if isinstance(resolved, Outcome):
            return resolved
        reminders = [r for r in reminders if r.everyone or resolved.id in r.recipient_ids]
        if resolved.id != sender.id:
            header = act.say("reminders_header_for", name=resolved.name)
            none = act.say("reminders_none_for", name=resolved.name)
    if not reminders:
        return act.reply_text(none)
    lines = [header]
    for reminder in reminders[:MAX_LISTED]:
        lines.append(_describe(act, reminder, "reminders_line"))
    if len(reminders) > MAX_LISTED:
        lines.append(f"… +{len(reminders) - MAX_LISTED}")
    return act.reply_text("\n".join(lines))


@handles(i.CancelReminder)
def cancel_reminder(turn: Turn, intent: i.CancelReminder) -> Outcome:
    return _change(turn, intent, "cancelled", "reminder_cancelled")


@handles(i.PauseReminder)
def pause_reminder(turn: Turn, intent: i.PauseReminder) -> Outcome:
    return _change(turn, intent, "paused", "reminder_paused")


@handles(i.ResumeReminder)
def resume_reminder(turn: Turn, intent: i.ResumeReminder) -> Outcome:
    return _change(turn, intent, "active", "reminder_resumed")


@handles(i.EditReminder)
def edit_reminder(turn: Turn, intent: i.EditReminder) -> Outcome:
    """ "move the bank reminder to 5pm", "cambia el recordatorio 2 a los martes a las 8"."""
    act, sender, state, now = Act(turn), turn.sender, turn.state, turn.now
    found = _which(act, intent)
    if isinstance(found, Outcome):
        return found
    if not allowed(Action.CHANGE_REMINDER, sender, Subject(owner_id=found.created_by)):
        return act.reply("reminder_not_yours", number=found.number)
    if intent.at is None and intent.cron is None:
        return act.ask("ask_reminder_when", intent.model_copy(update={"number": found.number}),
                       "at", "time")  # fmt: skip
    # A recurring reminder takes only the time of day from `at`: a past one is fine.
    at = intent.at if found.cron is None else None
    if (refused := _unschedulable(act, intent.cron, at)) is not None:
        return refused
    timezone = state.org.timezone
    changed = rescheduled(found, at=intent.at, cron=intent.cron, timezone=timezone, now=now)
    act.add(fx.ChangeReminder(changed))
    return act.reply_text(_describe(act, changed, "reminder_changed"))


# --- shared --------------------------------------------------------------------------------


def _unschedulable(act: Act, cron: str | None, at: datetime | None) -> Outcome | None:
    """The reply refusing a schedule that cannot be one, or a moment already past."""
    if cron is not None:
        try:
            schedule.validate(cron, act.turn.state.org.timezone)
        except schedule.ScheduleError:
            return act.reply("reminder_bad_schedule")
    elif at is not None and at <= act.turn.now:
        return act.reply("reminder_in_past")
    return None


def _change(
    turn: Turn,
    intent: i.CancelReminder | i.PauseReminder | i.ResumeReminder,
    status: str,
    key: str,
) -> Outcome:
    act, sender, state = Act(turn), turn.sender, turn.state
    found = _which(act, intent)
    if isinstance(found, Outcome):
        return found
    reminder = found
    if not allowed(Action.CHANGE_REMINDER, sender, Subject(owner_id=reminder.created_by)):
        return act.reply("reminder_not_yours", number=reminder.number)
    if status == "cancelled":
        changed = replace(reminder, status="cancelled", next_fire_at=None)
    elif status == "paused":
        if reminder.status == "paused":
            return act.reply("reminder_already_paused", number=reminder.number)
        changed = replace(reminder, status="paused", next_fire_at=None)
    else:
        if reminder.status == "active":
            return act.reply("reminder_already_active", number=reminder.number)
        if reminder.once_at is not None and reminder.once_at <= turn.now:
            return act.reply("reminder_in_past")
        changed = replace(reminder, status="active")
        changed = replace(changed, next_fire_at=first_fire(changed, state.org.timezone, turn.now))
    act.add(fx.ChangeReminder(changed))
    if status == "active":
        return act.reply_text(_describe(act, changed, key))
    return act.reply(key, number=reminder.number, text=reminder.text)


def _describe(act: Act, reminder: Reminder, key: str) -> str:
    """'⏰ #3 do the inventory — everyone, next: Mon 8:00' in the sender's language."""
    state = act.turn.state
    if reminder.everyone:
        whom = act.say("reminder_everyone")
    else:
        names = [
            act.say("reminder_you") if m.id == act.turn.sender.id else m.name
            for m in (state.member_by_id(i) for i in reminder.recipient_ids)
            if m is not None
        ]
        whom = ", ".join(names) or "?"
    if reminder.status == "paused" or reminder.next_fire_at is None:
        when = act.say("reminder_paused_mark")
    else:
        when = act.when(reminder.next_fire_at)
    repeat = act.say("reminder_repeats") if reminder.recurring else ""
    return act.say(
        key, number=reminder.number, text=reminder.text, whom=whom, when=when, repeat=repeat
    )


def _visible(turn: Turn) -> list[Reminder]:
    """Admins see every reminder; staff theirs: made by them, or for them."""
    reminders = sorted(turn.state.reminders, key=lambda r: r.number)
    if allowed(Action.SEE_OTHERS_TASKS, turn.sender):
        return reminders
    me = turn.sender.id
    return [r for r in reminders if r.created_by == me or r.everyone or me in r.recipient_ids]


def _which(
    act: Act, intent: i.CancelReminder | i.PauseReminder | i.ResumeReminder | i.EditReminder
) -> Reminder | Outcome:
    state = act.turn.state
    if intent.number is not None:
        reminder = state.reminder(intent.number)
        if reminder is None:
            return act.reply("reminder_not_found", number=intent.number)
        return reminder
    visible = _visible(act.turn)
    if intent.description and intent.description.strip():
        candidates = best_matches(intent.description, visible, lambda r: r.text)
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            return act.reply("reminder_no_match", description=intent.description.strip())
        visible = candidates
    if len(visible) == 1:
        return visible[0]
    if not visible:
        return act.reply("reminders_none")
    choices = tuple(Choice(f"#{r.number} {r.text}", r.number) for r in visible[:MAX_LISTED])
    listed = "\n".join(c.label for c in choices)
    return act.ask("ask_which_reminder", intent, "number", "choice", choices, candidates=listed)
