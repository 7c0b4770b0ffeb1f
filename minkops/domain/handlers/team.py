"""People: admins add, change and remove members; anyone changes their own details."""

from __future__ import annotations

from dataclasses import replace

from babel import Locale

from minkops.domain import effects as fx
from minkops.domain import intents as i
from minkops.domain.handlers.base import ME_WORDS, Act, Outcome, Turn
from minkops.domain.handlers.registry import handles
from minkops.domain.models import Member
from minkops.domain.phones import InvalidPhone, normalize_phone
from minkops.domain.policy import Action, allowed
from minkops.domain.reminders import reminding_only
from minkops.domain.replies import pick_language, say
from minkops.domain.roster import Resolved, resolve_name

MAX_NAME = 200  # as the database's CHECK constraint allows


@handles(i.AddMember)
def add_member(turn: Turn, intent: i.AddMember) -> Outcome:
    act, state = Act(turn), turn.state
    if not allowed(Action.MANAGE_TEAM, turn.sender):
        return act.reply("admin_only")
    name = " ".join(intent.name.split())
    if len(name) > MAX_NAME:
        return act.reply("name_too_long", limit=MAX_NAME)
    if not intent.phone:
        return act.ask("member_needs_phone", intent, "phone", "phone", name=name)
    try:
        phone = normalize_phone(intent.phone, state.org.country)
    except InvalidPhone:
        return act.ask("member_bad_phone", intent, "phone", "phone", phone=intent.phone)
    existing = state.member_by_phone(phone)
    if existing is not None:
        return act.reply("member_exists", name=existing.name)
    act.add(
        fx.AddMember(
            org_id=state.org.id,
            name=name,
            phone=phone,
            role=intent.role,
            language=(intent.language or state.org.language).lower()[:2],
            delivery=intent.delivery or "text",
        )
    )
    role = act.say(f"role_{intent.role}")
    return act.reply("member_added", name=name, role=role)


@handles(i.UpdateMember)
def update_member(turn: Turn, intent: i.UpdateMember) -> Outcome:
    act, sender = Act(turn), turn.sender
    if not allowed(Action.MANAGE_TEAM, sender):
        own_details = intent.role is None and intent.phone is None
        if (
            own_details
            and _means(turn, intent.name, sender)
            and allowed(Action.CHANGE_OWN_DETAILS, sender)
        ):
            return _change(act, intent, sender)
        return act.reply("admin_only")
    target = act.person(intent.name, intent, "name")
    if isinstance(target, Outcome):
        return target
    return _change(act, intent, target)


@handles(i.RemoveMember)
def remove_member(turn: Turn, intent: i.RemoveMember) -> Outcome:
    act, sender, state = Act(turn), turn.sender, turn.state
    if not allowed(Action.MANAGE_TEAM, sender):
        return act.reply("admin_only")
    target = act.person(intent.name, intent, "name")
    if isinstance(target, Outcome):
        return target
    if target.id == sender.id:
        return act.reply("cannot_remove_self")
    act.send(sender, act.say("member_removed", name=target.name))
    act.add(fx.RemoveMember(target.id))
    theirs = sorted(t.number for t in state.open_tasks if t.assignee_id == target.id)
    if theirs:
        numbers = ", ".join(f"#{n}" for n in theirs)
        act.send(
            sender,
            act.say("tasks_unassigned", name=target.name, count=len(theirs), numbers=numbers),
        )
    alone = sorted(r.number for r in reminding_only(state.reminders, target.id))
    if alone:
        numbers = ", ".join(f"#{n}" for n in alone)
        act.send(
            sender,
            act.say("reminders_cancelled", name=target.name, count=len(alone), numbers=numbers),
        )
    return act.done()


@handles(i.CorrectData)
def correct_data(turn: Turn, intent: i.CorrectData) -> Outcome:
    """The sender corrects their own record ("my name is …", "send me voice notes")."""
    act = Act(turn)
    value = intent.value.strip()
    match intent.field:
        case "name":
            change = i.UpdateMember(name="me", new_name=value)
        case "language":
            change = i.UpdateMember(name="me", language=value)
        case "delivery":
            if value not in ("text", "voice"):
                return act.reply("unknown")
            change = i.UpdateMember(name="me", delivery=value)
        case _:
            # The phone is how MinkOps knows who writes: a new one is added by an admin.
            return act.reply("phone_change_by_admin")
    outcome = _change(act, change, turn.sender)
    return _confirm_correction(turn, outcome, intent.field)


def language_name(language: str) -> str:
    """'português': a language as it names itself."""
    return str(Locale.parse(language).languages.get(language, language))


def _confirm_correction(turn: Turn, outcome: Outcome, field: str) -> Outcome:
    """A correction's reply says the new value, in the language the person now reads."""
    changes = [e for e in outcome.effects if isinstance(e, fx.ChangeMember)]
    if not changes:
        return outcome  # unchanged, or refused: that reply stands
    member = changes[0].member
    language = pick_language(member.language)
    if field == "name":
        body = say(language, "corrected_name", name=member.name)
    elif field == "language":
        body = say(language, "corrected_language", spoken=language_name(language))
    else:
        voice = member.delivery == "voice"
        body = say(language, "corrected_delivery_voice" if voice else "corrected_delivery_text")
    act = Act(turn)
    act.add(*(e for e in outcome.effects if not isinstance(e, fx.Send)))
    act.send(member, body)
    return act.done()


def _means(turn: Turn, name: str, member: Member) -> bool:
    """Whether `name` is how one would write `member` (or "me", said by them)."""
    if name.strip().lower() in ME_WORDS:
        return member.id == turn.sender.id
    match resolve_name(name, turn.state.roster()):
        case Resolved(entry=entry):
            return entry.name == member.name
    return False


def _change(act: Act, intent: i.UpdateMember, target: Member) -> Outcome:
    state = act.turn.state
    changed = target
    if intent.new_name:
        new_name = " ".join(intent.new_name.split())
        if len(new_name) > MAX_NAME:
            return act.reply("name_too_long", limit=MAX_NAME)
        changed = replace(changed, name=new_name)
    if intent.language:
        changed = replace(changed, language=intent.language.lower()[:2])
    if intent.delivery:
        changed = replace(changed, delivery=intent.delivery)
    if intent.role:
        changed = replace(changed, role=intent.role)
    if intent.phone:
        try:
            phone = normalize_phone(intent.phone, state.org.country)
        except InvalidPhone:
            return act.reply("member_bad_phone", phone=intent.phone)
        changed = replace(changed, phone=phone)
    if changed == target:
        return act.reply("member_unchanged", name=target.name)
    act.add(fx.ChangeMember(changed))
    return act.reply("member_updated", name=changed.name)
