"""What one message does: the pending question first, then the handler for its intent.

Pure: the org actor loads the state and the sender's conversation, calls `act`, commits
the outcome's effects in one transaction, and only then adopts the new state.
"""

from __future__ import annotations

from datetime import datetime

from minkops.domain import effects as fx
from minkops.domain import flows
from minkops.domain import handlers as _handlers  # noqa: F401  (registers every handler)
from minkops.domain import intents as i
from minkops.domain.conversation import Conversation, add_exchange, new_conversation
from minkops.domain.handlers.base import Act, Outcome, Turn
from minkops.domain.handlers.registry import handler_for
from minkops.domain.inbound import InboundMessage
from minkops.domain.models import Member
from minkops.domain.privacy import DEFAULT_LINKS, Links
from minkops.domain.replies import pick_language
from minkops.domain.state import OrgState
from minkops.domain.translation import NONE, Translations
from minkops.domain.understanding import ReminderRef, TaskRef, UnderstandingContext


def act(
    state: OrgState,
    sender: Member,
    conversation: Conversation | None,
    message: InboundMessage,
    said: str,
    understood: i.Understood,
    now: datetime,
    links: Links = DEFAULT_LINKS,
    translations: Translations = NONE,
) -> Outcome:
    """The outcome of `message` (whose text, or transcript, is `said`) read as `understood`.

    The outcome always ends with the sender's conversation as it stands after this turn.
    A terminated organization acts on nothing and keeps nothing new.
    """
    if state.org.status == "closed":
        return Outcome()
    conversation = conversation or new_conversation(sender.id, now)
    language = pick_language(understood.language, sender.language)
    turn = Turn(state, sender, message, now, language, links, translations)
    intent = understood.intent
    outcome: Outcome | None = None
    question = conversation.live_question(now)
    if question is not None:
        match flows.resolve(question, said, intent, state=state, now=now):
            case flows.Answered(intent=completed):
                intent = completed
            case flows.Declined():
                outcome = Act(turn).reply("declined")
            case None:
                pass  # not an answer: the question is dropped, the message read on its own
    if outcome is None and message.button_payload == LISTEN:
        outcome = _listen(turn)
    if outcome is None:
        outcome = _handle(turn, intent)
    if any(isinstance(e, fx.EraseMember) and e.member_id == sender.id for e in outcome.effects):
        return outcome  # they asked to be forgotten: no context is kept of it either
    after = add_exchange(
        conversation, now, said, outcome.answer_to(sender.phone), pending=outcome.question
    )
    return Outcome((*outcome.effects, fx.SaveConversation(after)), outcome.question)


LISTEN = "listen"
"""The payload of a template's "Listen" button (config/templates.toml)."""


def _listen(turn: Turn) -> Outcome:
    """What came as templates follows as itself; the tap needs no other answer."""
    sender = turn.sender
    return Outcome((fx.FollowTemplates(sender.id, sender.phone, turn.message.sid),))


def _handle(turn: Turn, intent: i.Intent) -> Outcome:
    try:
        i.validate_intent(intent)
    except i.IntentError:
        return Act(turn).reply("unknown")
    return handler_for(intent.kind)(turn, intent)


def say_only(
    state: OrgState,
    sender: Member,
    conversation: Conversation | None,
    message: InboundMessage,
    said: str,
    key: str,
    now: datetime,
) -> Outcome:
    """One catalogue text back, for a message that could not be read (no text, an
    unreadable voice note, no reading in time). An open question stays open."""
    if state.org.status == "closed":
        return Outcome()
    conversation = conversation or new_conversation(sender.id, now)
    turn = Turn(state, sender, message, now, pick_language(sender.language))
    outcome = Act(turn).reply(key)
    after = add_exchange(
        conversation,
        now,
        said,
        outcome.answer_to(sender.phone),
        pending=conversation.live_question(now),
    )
    return Outcome((*outcome.effects, fx.SaveConversation(after)))


def understanding_context(
    state: OrgState,
    sender: Member,
    conversation: Conversation | None,
    now: datetime,
    history_turns: int,
) -> UnderstandingContext:
    """What an engine is told besides the message: who writes, when, and what exists."""
    history = conversation.live_turns(now) if conversation else ()
    return UnderstandingContext(
        role=sender.role,
        language=sender.language,
        timezone=state.org.timezone,
        now=now,
        roster=state.roster(),
        history=history[-history_turns:] if history_turns else (),
        tasks=tuple(
            TaskRef(
                number=t.number,
                title=t.title,
                assignee=_name(state, t.assignee_id),
                due=t.due_at,
                assigned_to_sender=t.assignee_id == sender.id,
                given_by_sender=t.created_by == sender.id,
            )
            for t in sorted(state.open_tasks, key=lambda t: t.number)
        ),
        reminders=tuple(
            ReminderRef(
                number=r.number,
                text=r.text,
                recipients=("everyone",)
                if r.everyone
                else tuple(_name(state, m) or "" for m in r.recipient_ids),
                schedule=r.cron or (r.once_at.isoformat() if r.once_at else ""),
                paused=r.status == "paused",
            )
            for r in sorted(state.reminders, key=lambda r: r.number)
        ),
        question=conversation.live_question(now) if conversation else None,
    )


def _name(state: OrgState, member_id: int | None) -> str | None:
    member = state.member_by_id(member_id)
    return member.name if member else None
