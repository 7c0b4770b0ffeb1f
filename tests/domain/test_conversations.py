"""Conversations as explicit state: follow-ups complete only what MinkOps asked, and the
context (pending question included) is gone after its time."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from minkops.domain import effects as fx
from minkops.domain import intents as i
from minkops.domain.acting import act, understanding_context
from minkops.domain.conversation import (
    CONTEXT_TTL,
    QUESTION_TTL,
    Conversation,
    add_exchange,
    new_conversation,
)
from minkops.domain.handlers import Outcome
from minkops.domain.inbound import InboundMessage
from minkops.domain.models import Member, Organization
from minkops.domain.rules import RuleEngine
from minkops.domain.state import OrgState
from minkops.domain.understanding import Turn

MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 09:00 in Madrid, a Tuesday
ORG = Organization(7, "Café Uno", "Europe/Madrid", "es", "free", "active", country="ES")
ANA = Member(1, 7, "Ana García", "+34600000001", "admin", "en", "text")
SAM = Member(2, 7, "Sam Taylor", "+447700900002", "staff", "en", "text")
JUAN = Member(3, 7, "Juan Pérez", "+34600000003", "staff", "es", "text")
JUAN_MORA = Member(4, 7, "Juan Mora", "+34600000004", "staff", "es", "text")


@dataclass
class Chat:
    """The org actor's loop without the actor: read with the rule engine, act, adopt."""

    state: OrgState = field(
        default_factory=lambda: OrgState(ORG, (ANA, SAM, JUAN, JUAN_MORA), (), 1)
    )
    conversations: dict[int, Conversation] = field(default_factory=dict)
    now: datetime = NOW
    sent: int = 0

    def say(self, sender: Member, text: str) -> Outcome:
        self.sent += 1
        conversation = self.conversations.get(sender.id)
        context = understanding_context(self.state, sender, conversation, self.now, 6)
        understood = RuleEngine().understand(text, context)
        message = InboundMessage(f"SM{self.sent:032x}", sender.phone, text)
        outcome = act(self.state, sender, conversation, message, text, understood, self.now)
        self.state = fx.apply(self.state, outcome.effects)
        for effect in outcome.effects:
            if isinstance(effect, fx.SaveConversation):
                self.conversations[sender.id] = effect.conversation
        return outcome

    def to(self, outcome: Outcome, member: Member) -> list[str]:
        return [s.body for s in outcome.sends() if s.to == member.phone]


def changes(outcome: Outcome) -> list[fx.Effect]:
    return [e for e in outcome.effects if not isinstance(e, fx.Send | fx.SaveConversation)]


def test_make_it_6pm_instead_moves_the_task_just_given() -> None:
    chat = Chat()
    created = chat.say(ANA, "task for Sam: call the plumber at 10")
    assert len([e for e in created.effects if isinstance(e, fx.CreateTask)]) == 1
    moved = chat.say(ANA, "make it 6pm instead")
    (task,) = chat.state.open_tasks
    assert task.number == 1 and task.title == "call the plumber"
    assert task.due_at is not None and task.due_at.astimezone(MADRID).hour == 18
    assert task.due_at.astimezone(MADRID).date() == NOW.astimezone(MADRID).date()
    (told,) = chat.to(moved, SAM)
    assert "changed task #1" in told and ("6:00" in told or "18:00" in told)
    assert [e for e in moved.effects if isinstance(e, fx.CreateTask)] == []


def test_thanks_and_vale_perfecto_change_nothing_and_notify_no_one() -> None:
    chat = Chat()
    chat.say(ANA, "task for Sam: call the plumber at 10")
    for text in ("vale perfecto", "thanks!", "👍", "ok"):
        outcome = chat.say(ANA, text)
        assert changes(outcome) == [], text
        assert [s.to for s in outcome.sends()] == [ANA.phone], text
    assert len(chat.state.open_tasks) == 1


def test_an_unrelated_message_is_never_glued_onto_the_last_request() -> None:
    chat = Chat()
    chat.say(ANA, "task for Sam: call the plumber at 10")
    for text in ("upgrade to pro", "hmm", "what's the weather like"):
        outcome = chat.say(ANA, text)
        assert [e for e in outcome.effects if isinstance(e, fx.CreateTask)] == [], text
        assert chat.to(outcome, SAM) == [], text
    assert len(chat.state.open_tasks) == 1


def test_a_missing_phone_is_asked_for_and_the_answer_completes_the_request() -> None:
    chat = Chat()
    asked = chat.say(ANA, "add Eve as staff")
    assert asked.question is not None and asked.question.expects == "phone"
    done = chat.say(ANA, "+34 611 222 333")
    (added,) = [e for e in done.effects if isinstance(e, fx.AddMember)]
    assert (added.name, added.phone) == ("Eve", "+34611222333")
    assert done.question is None and chat.conversations[ANA.id].pending is None


def test_anything_else_drops_the_question_and_is_read_on_its_own() -> None:
    chat = Chat()
    chat.say(ANA, "add Eve as staff")
    listed = chat.say(ANA, "tasks")
    assert chat.conversations[ANA.id].pending is None
    assert "No open tasks" in chat.to(listed, ANA)[0]
    late = chat.say(ANA, "+34 611 222 333")  # no longer an answer to anything
    assert [e for e in late.effects if isinstance(e, fx.AddMember)] == []


def test_which_juan_is_answered_by_number_or_by_name() -> None:
    for answer in ("2", "Juan Mora", "mora"):
        chat = Chat()
        asked = chat.say(ANA, "task for Juan: mop the terrace")
        assert asked.question is not None and asked.question.expects == "choice"
        done = chat.say(ANA, answer)
        (created,) = [e for e in done.effects if isinstance(e, fx.CreateTask)]
        assert created.task.assignee_id == JUAN_MORA.id, answer


def test_which_task_is_answered_by_the_words_that_tell_it_from_the_others() -> None:
    for answer, number in (("the big one", 1), ("la pequeña", 2), ("big fridge", 1)):
        chat = Chat()
        chat.say(ANA, "task for Sam: clean the big fridge")
        chat.say(ANA, "task for Sam: clean the pequeña fridge")
        chat.say(ANA, "task for Juan Mora: fix the big door")
        asked = chat.say(ANA, "the fridge is done")
        assert asked.question is not None and asked.question.expects == "choice", answer
        done = chat.say(ANA, answer)
        closed = [e.number for e in done.effects if isinstance(e, fx.CloseTask)]
        assert closed == [number], answer


def test_an_answer_that_fits_several_choices_equally_is_no_answer() -> None:
    chat = Chat()
    chat.say(ANA, "task for Sam: clean the big fridge")
    chat.say(ANA, "task for Sam: clean the small fridge")
    chat.say(ANA, "the fridge is done")
    tied = chat.say(ANA, "the fridge one")
    assert [e for e in tied.effects if isinstance(e, fx.CloseTask)] == []


def test_a_question_left_too_long_is_not_answered_by_the_next_message() -> None:
    chat = Chat()
    chat.say(ANA, "add Eve as staff")
    chat.now += QUESTION_TTL + timedelta(seconds=1)
    late = chat.say(ANA, "+34 611 222 333")
    assert [e for e in late.effects if isinstance(e, fx.AddMember)] == []


def test_a_title_is_asked_for_and_the_answer_becomes_it() -> None:
    chat = Chat()
    asked = chat.say(ANA, "task for Sam")
    assert asked.question is not None and asked.question.field == "title"
    done = chat.say(ANA, "restock the napkins")
    (created,) = [e for e in done.effects if isinstance(e, fx.CreateTask)]
    assert (created.task.title, created.task.assignee_id) == ("restock the napkins", SAM.id)


def test_context_expires_after_24_hours_of_silence() -> None:
    conversation = add_exchange(new_conversation(ANA.id, NOW), NOW, "hola", "¡Hola!")
    just_before = NOW + CONTEXT_TTL - timedelta(seconds=1)
    assert conversation.live_turns(just_before) == (
        Turn("user", "hola"),
        Turn("assistant", "¡Hola!"),
    )
    assert conversation.live_turns(NOW + CONTEXT_TTL) == ()
    state = OrgState(ORG, (ANA,), (), 1)
    assert understanding_context(state, ANA, conversation, NOW + CONTEXT_TTL, 6).history == ()
    later = add_exchange(conversation, NOW + CONTEXT_TTL, "tareas", None)
    assert later.turns == (Turn("user", "tareas"),)  # nothing carried over
    assert later.expires_at == NOW + 2 * CONTEXT_TTL  # the 24 hours slide with activity


def test_a_pending_question_dies_with_its_context() -> None:
    asked = replace(
        new_conversation(ANA.id, NOW),
        pending=replace(
            Chat().say(ANA, "add Eve as staff").question,  # type: ignore[arg-type]
            expires_at=NOW + CONTEXT_TTL * 2,
        ),
    )
    assert asked.live_question(NOW) is not None
    assert asked.live_question(NOW + CONTEXT_TTL) is None


def test_a_no_to_a_yes_or_no_question_does_nothing() -> None:
    from minkops.domain.conversation import PendingQuestion

    question = PendingQuestion(
        intent=i.RemoveMember(name="Sam").model_dump(mode="json"),
        field="confirmed",
        expects="yes_no",
        expires_at=NOW + QUESTION_TTL,
    )
    conversation = replace(new_conversation(ANA.id, NOW), pending=question)
    state = OrgState(ORG, (ANA, SAM), (), 1)
    outcome = act(
        state,
        ANA,
        conversation,
        InboundMessage("SM" + "0" * 32, ANA.phone, "no"),
        "no",
        i.Understood(language="en", intent=i.Decline()),
        NOW,
    )
    assert changes(outcome) == [] and "won't" in outcome.sends()[0].body
