"""The domain decides what a message does, and who may do it, without any I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest

from minkops.domain import effects as fx
from minkops.domain import intents as i
from minkops.domain.acting import act
from minkops.domain.conversation import Conversation
from minkops.domain.flows import Answered, resolve
from minkops.domain.handlers import Outcome
from minkops.domain.inbound import InboundMessage
from minkops.domain.models import Member, Organization, Task
from minkops.domain.reminders import Reminder
from minkops.domain.state import OrgState

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 11:00 in Madrid
ORG = Organization(
    id=7, name="Café Uno", timezone="Europe/Madrid", language="es", plan="free", status="active"
)
ANA = Member(1, 7, "Ana García", "+34600000001", "admin", "es", "text")
JUAN = Member(2, 7, "Juan Pérez", "+34600000002", "staff", "es", "text")
JUAN_MORA = Member(3, 7, "Juan Mora", "+34600000003", "staff", "en", "text")
SAM = Member(4, 7, "Sam Taylor", "+447700900004", "staff", "en", "text")
E = TypeVar("E", bound=fx.Effect)


def state(*tasks: Task, members: tuple[Member, ...] = (ANA, JUAN, SAM)) -> OrgState:
    return OrgState(ORG, members, tasks, next_task_number=max([0, *(t.number for t in tasks)]) + 1)


def run(
    s: OrgState,
    sender: Member,
    intent: i.Intent,
    *,
    language: str = "es",
    sid: str = "SM1",
    said: str = "",
    conversation: Conversation | None = None,
    now: datetime = NOW,
) -> Outcome:
    message = InboundMessage(sid, sender.phone, said)
    understood = i.Understood(language=language, intent=intent)
    return act(s, sender, conversation, message, said, understood, now)


def of(outcome: Outcome, kind: type[E]) -> list[E]:
    return [e for e in outcome.effects if isinstance(e, kind)]


def bodies(outcome: Outcome, member: Member) -> list[str]:
    return [s.body for s in outcome.sends() if s.to == member.phone]


def task(
    number: int, assignee: Member | None, creator: Member = ANA, due: datetime | None = None
) -> Task:
    return Task(7, number, f"task {number}", assignee.id if assignee else None, creator.id, due)


def test_admin_creates_a_task_for_staff_who_is_told_in_their_language() -> None:
    due = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 17:00 Madrid
    outcome = run(state(), ANA, i.CreateTask(title="pedir leche", assignees=["Sam"], due=due))
    (new,) = of(outcome, fx.CreateTask)
    assert (new.task.number, new.task.assignee_id, new.task.created_by) == (1, SAM.id, ANA.id)
    to_ana, to_sam = outcome.sends()
    assert to_ana.to == ANA.phone and "#1" in to_ana.body and "Sam Taylor" in to_ana.body
    assert "hoy 17:00" in to_ana.body
    assert to_sam.to == SAM.phone and to_sam.body.startswith("📋 New task #1 from Ana")
    assert "today 17:00" in to_sam.body and 'Reply "done 1"' in to_sam.body


def test_keys_are_stable_so_a_replay_produces_the_same_messages() -> None:
    intent = i.CreateTask(title="x", assignees=["Juan"])
    first = run(state(), ANA, intent, sid="SMabc")
    again = run(state(), ANA, intent, sid="SMabc")
    keys = [m.key for m in first.sends()]
    assert keys == ["SMabc:0", "SMabc:1"] == [m.key for m in again.sends()]


def test_two_assignees_get_a_task_each() -> None:
    outcome = run(state(), ANA, i.CreateTask(title="fregar", assignees=["Juan", "Sam"]))
    assert [(e.task.number, e.task.assignee_id) for e in of(outcome, fx.CreateTask)] == [
        (1, JUAN.id),
        (2, SAM.id),
    ]
    assert {m.to for m in outcome.sends()} == {ANA.phone, JUAN.phone, SAM.phone}


def test_staff_cannot_give_tasks_to_others_but_can_note_their_own() -> None:
    refused = run(state(), JUAN, i.CreateTask(title="limpiar", assignees=["Sam"]))
    assert of(refused, fx.CreateTask) == [] and "Solo los admins" in refused.sends()[0].body
    own = run(state(), JUAN, i.CreateTask(title="reponer servilletas"))
    assert [(e.task.assignee_id, e.task.created_by) for e in of(own, fx.CreateTask)] == [
        (JUAN.id, JUAN.id)
    ]
    assert len(own.sends()) == 1  # nobody else to tell


def test_several_orders_in_one_message_are_each_their_own_task() -> None:
    two = i.CreateTask(
        title="sacar la basura",
        assignees=["Juan"],
        also=[
            i.TaskOrder(title="fregar el suelo", assignees=["Sam"], due=NOW + timedelta(hours=2))
        ],
    )
    outcome = run(state(), ANA, two)
    made = [
        (e.task.number, e.task.title, e.task.assignee_id, e.task.due_at)
        for e in of(outcome, fx.CreateTask)
    ]
    assert made == [
        (1, "sacar la basura", JUAN.id, None),
        (2, "fregar el suelo", SAM.id, NOW + timedelta(hours=2)),
    ]
    told = outcome.sends()[0].body.splitlines()
    assert len(told) == 2 and "#1" in told[0] and "#2" in told[1] and "Sam Taylor" in told[1]
    assert bodies(outcome, JUAN) and bodies(outcome, SAM)


def test_a_question_about_a_later_order_is_asked_before_any_task_and_its_answer_makes_all() -> None:
    two_juans = state(members=(ANA, JUAN, JUAN_MORA, SAM))
    two = i.CreateTask(
        title="mop the floor",
        assignees=["Sam"],
        also=[i.TaskOrder(title="take the bins out", assignees=["Juan"])],
    )
    asked = run(two_juans, ANA, two)
    assert of(asked, fx.CreateTask) == []
    question = asked.question
    assert question is not None and question.field == "assignees.0"
    answered = resolve(question, "Juan Mora", i.Unknown(), state=two_juans, now=NOW)
    assert isinstance(answered, Answered)
    done = run(two_juans, ANA, answered.intent)
    made = {(e.task.title, e.task.assignee_id) for e in of(done, fx.CreateTask)}
    assert made == {("mop the floor", SAM.id), ("take the bins out", JUAN_MORA.id)}


def test_staff_asking_to_close_the_account_are_told_it_is_an_admins_and_how_to_erase_their_own() -> (
    None
):
    body = run(state(), JUAN, i.DeleteAccount()).sends()[0].body
    assert "Café Uno" in body
    assert "borra mis datos" in body


def test_unknown_and_ambiguous_names_ask_back_instead_of_guessing() -> None:
    unknown = run(state(), ANA, i.CreateTask(title="x", assignees=["Pedro"]))
    assert of(unknown, fx.CreateTask) == [] and "Pedro" in unknown.sends()[0].body
    two_juans = state(members=(ANA, JUAN, JUAN_MORA))
    ambiguous = run(two_juans, ANA, i.CreateTask(title="x", assignees=["Juan"]))
    assert of(ambiguous, fx.CreateTask) == []
    assert "Juan Pérez" in ambiguous.sends()[0].body and "Juan Mora" in ambiguous.sends()[0].body
    assert ambiguous.question is not None and ambiguous.question.field == "assignees.0"


def test_listing_respects_roles() -> None:
    s = state(task(1, JUAN), task(2, SAM), task(3, None))
    everything = run(s, ANA, i.ListTasks()).sends()[0].body
    assert all(f"#{n}" in everything for n in (1, 2, 3)) and "Juan Pérez" in everything
    juans = run(s, JUAN, i.ListTasks()).sends()[0].body
    assert "#1" in juans and "#3" in juans and "#2" not in juans
    refused = run(s, JUAN, i.ListTasks(scope="person", person="Sam")).sends()[0].body
    assert "Solo los admins" in refused
    mine = run(s, JUAN, i.ListTasks(scope="mine")).sends()[0].body
    assert "#1" in mine and "#3" not in mine


def test_overdue_lists_only_tasks_past_due() -> None:
    past = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    future = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    s = state(task(1, JUAN, due=past), task(2, JUAN, due=future), task(3, JUAN))
    body = run(s, ANA, i.ListTasks(scope="overdue")).sends()[0].body
    assert "#1" in body and "atrasada" in body and "#2" not in body and "#3" not in body


def test_no_open_tasks_says_so() -> None:
    assert "No hay tareas" in run(state(), ANA, i.ListTasks()).sends()[0].body


def test_an_empty_overdue_or_personal_list_says_what_is_empty_not_that_nothing_is_open() -> None:
    future = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    s = state(task(2, JUAN, due=future))
    overdue = run(s, ANA, i.ListTasks(scope="overdue")).sends()[0].body
    assert overdue == "No hay nada atrasado. 🎉"
    sams = run(s, ANA, i.ListTasks(scope="person", person="Sam")).sends()[0].body
    assert sams == "Sam Taylor no tiene tareas abiertas."
    mine = run(s, SAM, i.ListTasks(scope="person", person="Sam"), language="en").sends()[0].body
    assert mine == "No open tasks. 🎉"


def test_a_list_narrowed_to_a_person_or_to_overdue_says_so_in_its_first_line() -> None:
    past = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    s = state(task(1, JUAN, due=past), task(2, SAM), task(3, None))
    sams = run(s, ANA, i.ListTasks(scope="person", person="Sam")).sends()[0].body
    assert sams.splitlines()[0] == "Tareas abiertas de Sam Taylor:" and "#2" in sams
    overdue = run(s, ANA, i.ListTasks(scope="overdue")).sends()[0].body
    assert overdue.splitlines()[0] == "Tareas atrasadas:" and "#1" in overdue
    own = run(s, SAM, i.ListTasks(scope="person", person="Sam"), language="en").sends()[0].body
    assert own.splitlines()[0] == "Your open tasks:"
    everything = run(s, ANA, i.ListTasks()).sends()[0].body
    assert everything.splitlines()[0] == "Tareas abiertas:"


def test_assignee_completes_and_creator_is_told() -> None:
    s = state(task(4, JUAN))
    outcome = run(s, JUAN, i.CompleteTask(number=4))
    (done,) = of(outcome, fx.CloseTask)
    assert (done.number, done.status, done.by, done.at) == (4, "done", JUAN.id, NOW)
    to_juan, to_ana = outcome.sends()
    assert "#4" in to_juan.body and to_ana.to == ANA.phone and "Juan" in to_ana.body
    assert fx.apply(s, outcome.effects).open_tasks == ()


def test_an_admin_closing_someone_elses_task_tells_the_assignee() -> None:
    s = state(task(4, SAM, creator=JUAN))
    outcome = run(s, ANA, i.CompleteTask(number=4))
    assert of(outcome, fx.CloseTask)
    (to_sam,) = bodies(outcome, SAM)
    assert "marked your task #4 done" in to_sam and "Ana" in to_sam
    assert bodies(outcome, JUAN)  # whoever gave it hears too


def test_only_assignee_creator_or_admin_may_complete() -> None:
    s = state(task(4, JUAN))
    refused = run(s, SAM, i.CompleteTask(number=4), language="en")
    assert of(refused, fx.CloseTask) == [] and "Juan Pérez" in refused.sends()[0].body
    missing = run(s, ANA, i.CompleteTask(number=9))
    assert of(missing, fx.CloseTask) == [] and "#9" in missing.sends()[0].body


def test_completing_by_description_finds_the_one_task_or_asks_which() -> None:
    fridge = replace(task(3, JUAN), title="limpiar la nevera")
    freezer = replace(task(5, JUAN), title="limpiar el congelador")
    s = state(fridge, freezer)
    outcome = run(s, JUAN, i.CompleteTask(description="la nevera"))
    assert [e.number for e in of(outcome, fx.CloseTask)] == [3]
    both = run(s, JUAN, i.CompleteTask(description="limpiar"))
    assert of(both, fx.CloseTask) == [] and both.question is not None
    assert "#3" in both.sends()[0].body and "#5" in both.sends()[0].body
    none = run(s, JUAN, i.CompleteTask(description="el horno"))
    assert of(none, fx.CloseTask) == [] and "horno" in none.sends()[0].body


def test_a_bare_done_closes_the_senders_only_task() -> None:
    s = state(task(3, JUAN), task(4, SAM))
    assert [e.number for e in of(run(s, JUAN, i.CompleteTask()), fx.CloseTask)] == [3]


def test_editing_the_last_task_moves_it_and_tells_the_assignee_once() -> None:
    ten = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00 Madrid
    six = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 18:00 Madrid
    s = state(replace(task(1, SAM), title="call the plumber", due_at=ten))
    outcome = run(s, ANA, i.EditTask(due=six))
    (changed,) = of(outcome, fx.ChangeTask)
    assert (changed.task.number, changed.task.due_at, changed.task.title) == (
        1,
        six,
        "call the plumber",
    )
    assert of(outcome, fx.CreateTask) == []
    (to_sam,) = bodies(outcome, SAM)
    assert "changed task #1" in to_sam and "18:00" in to_sam


def test_reassigning_tells_the_new_and_the_old_assignee() -> None:
    s = state(task(3, JUAN))
    outcome = run(s, ANA, i.EditTask(number=3, assignee="Sam"))
    (changed,) = of(outcome, fx.ChangeTask)
    assert changed.task.assignee_id == SAM.id
    assert "New task #3" in bodies(outcome, SAM)[0]
    assert "Sam Taylor" in bodies(outcome, JUAN)[0]


def test_only_admins_or_whoever_gave_it_change_or_cancel_a_task() -> None:
    s = state(task(3, JUAN))  # given by Ana
    for intent in (i.EditTask(number=3, due=NOW + timedelta(days=1)), i.CancelTask(number=3)):
        refused = run(s, JUAN, intent)
        assert not of(refused, fx.ChangeTask) and not of(refused, fx.CloseTask), intent
        assert "#3" in refused.sends()[0].body


def test_cancelling_a_task_tells_the_assignee() -> None:
    s = state(task(3, JUAN))
    outcome = run(s, ANA, i.CancelTask(number=3))
    (closed,) = of(outcome, fx.CloseTask)
    assert (closed.number, closed.status) == (3, "cancelled")
    assert "canceló la tarea #3" in bodies(outcome, JUAN)[0]


def test_removing_a_member_tells_the_admin_which_tasks_are_now_unassigned() -> None:
    s = state(task(1, SAM), task(2, JUAN), task(5, SAM))
    outcome = run(s, ANA, i.RemoveMember(name="Sam"))
    assert [e.member_id for e in of(outcome, fx.RemoveMember)] == [SAM.id]
    removed, unassigned = bodies(outcome, ANA)
    assert "Sam Taylor" in removed and "#1" in unassigned and "#5" in unassigned
    assert "#2" not in unassigned
    after = fx.apply(s, outcome.effects)
    assert [t.assignee_id for t in after.open_tasks] == [None, JUAN.id, None]


def test_removing_a_member_cancels_the_reminders_for_them_alone_and_tells_the_admin() -> None:
    def reminder(number: int, *recipients: Member, everyone: bool = False) -> Reminder:
        ids = tuple(m.id for m in recipients)
        return Reminder(7, number, f"r{number}", ids, everyone, ANA.id, "es", "0 8 * * 1", None)

    s = replace(
        state(),
        reminders=(
            reminder(1, SAM),
            reminder(2, SAM, JUAN),
            reminder(3, JUAN),
            reminder(4, everyone=True),
        ),
    )
    outcome = run(s, ANA, i.RemoveMember(name="Sam"))
    removed, cancelled = bodies(outcome, ANA)
    assert "Sam Taylor" in removed
    assert "#1" in cancelled and "Sam Taylor" in cancelled
    assert "#2" not in cancelled and "#3" not in cancelled
    after = fx.apply(s, outcome.effects)
    assert [(r.number, r.recipient_ids) for r in after.reminders] == [
        (2, (JUAN.id,)),
        (3, (JUAN.id,)),
        (4, ()),
    ]


def test_apply_advances_numbers_past_new_tasks() -> None:
    s = state(task(1, JUAN))
    outcome = run(s, ANA, i.CreateTask(title="a", assignees=["Juan", "Sam"]))
    after = fx.apply(s, outcome.effects)
    assert after.next_task_number == 4 and [t.number for t in after.open_tasks] == [1, 2, 3]


@pytest.mark.parametrize(
    ("intent", "expected"),
    [
        (i.Help(), "Soy MinkOps"),
        (i.Unknown(), "no te he entendido"),
        (i.Clarify(question="¿Qué Juan?"), "¿Qué Juan?"),
        (i.Acknowledge(), "👍"),
    ],
)
def test_every_intent_gets_an_answer(intent: i.Intent, expected: str) -> None:
    (reply,) = run(state(), ANA, intent).sends()
    assert expected in reply.body


@pytest.mark.parametrize("intent", [i.Acknowledge(), i.Confirm(), i.Decline()])
def test_acknowledgements_change_nothing_and_notify_no_one(intent: i.Intent) -> None:
    outcome = run(state(task(1, JUAN)), ANA, intent)
    changes = [e for e in outcome.effects if not isinstance(e, fx.Send | fx.SaveConversation)]
    assert changes == [] and [s.to for s in outcome.sends()] == [ANA.phone]


def test_invalid_intent_from_an_engine_becomes_a_reply_not_an_action() -> None:
    outcome = run(state(), ANA, i.ListTasks(scope="person"))  # person missing
    assert len(outcome.sends()) == 1 and not of(outcome, fx.CreateTask)


def test_an_empty_title_is_asked_for() -> None:
    outcome = run(state(), ANA, i.CreateTask(title="   ", assignees=["Juan"]))
    assert of(outcome, fx.CreateTask) == [] and outcome.question is not None
    assert outcome.question.field == "title" and outcome.question.expects == "text"


def test_staff_help_does_not_offer_assigning() -> None:
    (reply,) = run(state(), SAM, i.Help(), language="en").sends()
    assert "task for Juan" not in reply.body and "done 3" in reply.body


def test_staff_cannot_add_remove_or_promote_whatever_the_engine_says() -> None:
    for intent in (
        i.AddMember(name="Eve", phone="+34699000000", role="admin"),
        i.RemoveMember(name="Ana"),
        i.UpdateMember(name="Juan", role="admin"),
        i.UpdateMember(name="Sam", language="en"),
    ):
        outcome = run(state(), JUAN, intent)
        roster = [e for e in outcome.effects if isinstance(e, fx.AddMember | fx.ChangeMember)]
        assert roster == [] and not of(outcome, fx.RemoveMember), intent
        assert "Solo los admins" in outcome.sends()[0].body


def test_anyone_may_change_their_own_language_but_not_their_role() -> None:
    own = run(state(), JUAN, i.UpdateMember(name="Juan", language="en", delivery="voice"))
    (changed,) = of(own, fx.ChangeMember)
    assert (changed.member.id, changed.member.language, changed.member.delivery) == (
        JUAN.id,
        "en",
        "voice",
    )
    assert changed.member.role == "staff"


def test_correcting_ones_own_data() -> None:
    named = run(state(), JUAN, i.CorrectData(field="name", value="Juan Pérez Ruiz"))
    assert of(named, fx.ChangeMember)[0].member.name == "Juan Pérez Ruiz"
    voice = run(state(), JUAN, i.CorrectData(field="delivery", value="voice"))
    assert of(voice, fx.ChangeMember)[0].member.delivery == "voice"
    phone = run(state(), JUAN, i.CorrectData(field="phone", value="+34611000000"))
    assert not of(phone, fx.ChangeMember) and "admin" in phone.sends()[0].body


def test_admin_adds_a_member_with_a_local_number() -> None:
    country_state = OrgState(replace(ORG, country="ES"), (ANA, JUAN), (), 1)
    outcome = run(
        country_state, ANA, i.AddMember(name="María  López", phone="611 222 333", delivery="voice")
    )
    (new,) = of(outcome, fx.AddMember)
    assert (new.name, new.phone, new.role, new.language, new.delivery) == (
        "María López", "+34611222333", "staff", "es", "voice",
    )  # fmt: skip
    assert "María López" in outcome.sends()[0].body


def test_adding_without_a_phone_or_an_existing_phone_asks_back() -> None:
    no_phone = run(state(), ANA, i.AddMember(name="Eve"))
    assert "teléfono" in no_phone.sends()[0].body and no_phone.question is not None
    again = run(state(), ANA, i.AddMember(name="Juanito", phone=JUAN.phone))
    assert not of(again, fx.AddMember) and "Juan Pérez" in again.sends()[0].body
    bad = run(state(), ANA, i.AddMember(name="Eve", phone="12"))
    assert not of(bad, fx.AddMember) and "12" in bad.sends()[0].body


def test_admin_removes_someone_but_not_themselves() -> None:
    (removed,) = of(run(state(), ANA, i.RemoveMember(name="Sam")), fx.RemoveMember)
    assert removed.member_id == SAM.id
    assert not of(run(state(), ANA, i.RemoveMember(name="Ana")), fx.RemoveMember)


def test_overlong_titles_and_names_get_a_reply_not_a_database_error() -> None:
    long_task = run(state(), ANA, i.CreateTask(title="x" * 501))
    assert not of(long_task, fx.CreateTask) and "500" in long_task.sends()[0].body
    long_name = run(state(), ANA, i.AddMember(name="y" * 201, phone="+34699000001"))
    assert not of(long_name, fx.AddMember) and "200" in long_name.sends()[0].body


def test_opted_out_members_are_not_notified() -> None:
    quiet = replace(SAM, opted_out=True)
    outcome = run(
        state(members=(ANA, JUAN, quiet)), ANA, i.CreateTask(title="x", assignees=["Sam"])
    )
    assert of(outcome, fx.CreateTask) and bodies(outcome, quiet) == []


def test_every_outcome_ends_with_the_senders_conversation() -> None:
    outcome = run(state(), JUAN, i.ListTasks(), said="tareas")
    (saved,) = of(outcome, fx.SaveConversation)
    assert outcome.effects[-1] is saved
    assert saved.conversation.member_id == JUAN.id
    assert saved.conversation.turns[0].text == "tareas"


def test_the_engines_are_told_the_reminders_that_exist() -> None:
    """So "cancel the monday temperature reminder" can be resolved to a number."""
    from minkops.domain.acting import understanding_context
    from minkops.domain.reminders import Reminder

    org = state()
    owner = ANA
    reminders = (
        Reminder(org.org.id, 1, "check the walk-in", (), True, owner.id, "en", "0 8 * * 1", None),
        Reminder(
            org.org.id, 2, "pay the rent", (owner.id,), False, owner.id, "en", "0 9 1 * *", None,
            status="paused",
        ),
    )  # fmt: skip
    context = understanding_context(replace(org, reminders=reminders), owner, None, NOW, 0)
    assert [(r.number, r.recipients, r.schedule, r.paused) for r in context.reminders] == [
        (1, ("everyone",), "0 8 * * 1", False),
        (2, (owner.name,), "0 9 1 * *", True),
    ]
