"""The domain decides what a message does, and who may do it, without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from minkops.domain import intents as i
from minkops.domain.actions import Inbound, OrgState, act, apply, stranger_reply
from minkops.domain.models import Member, Organization, Task

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 11:00 in Madrid
ORG = Organization(
    id=7, name="Café Uno", timezone="Europe/Madrid", language="es", plan="free", status="active"
)
ANA = Member(1, 7, "Ana García", "+34600000001", "admin", "es", "text")
JUAN = Member(2, 7, "Juan Pérez", "+34600000002", "staff", "es", "text")
JUAN_MORA = Member(3, 7, "Juan Mora", "+34600000003", "staff", "en", "text")
SAM = Member(4, 7, "Sam Taylor", "+447700900004", "staff", "en", "text")


def state(*tasks: Task, members: tuple[Member, ...] = (ANA, JUAN, SAM)) -> OrgState:
    return OrgState(ORG, members, tasks, next_task_number=max([0, *(t.number for t in tasks)]) + 1)


def message(sender: Member, intent: i.Intent, language: str = "es", key: str = "SM1") -> Inbound:
    return Inbound(
        key=key, sender=sender, understood=i.Understood(language=language, intent=intent), now=NOW
    )


def task(
    number: int, assignee: Member | None, creator: Member = ANA, due: datetime | None = None
) -> Task:
    return Task(7, number, f"task {number}", assignee.id if assignee else None, creator.id, due)


def test_admin_creates_a_task_for_staff_who_is_told_in_their_language() -> None:
    due = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 17:00 Madrid
    outcome = act(
        state(), message(ANA, i.CreateTask(title="pedir leche", assignees=["Sam"], due=due))
    )
    (new,) = outcome.new_tasks
    assert (new.number, new.assignee_id, new.created_by, new.due_at) == (1, SAM.id, ANA.id, due)
    to_ana, to_sam = outcome.messages
    assert to_ana.to == ANA.phone and "#1" in to_ana.body and "Sam Taylor" in to_ana.body
    assert "hoy 17:00" in to_ana.body
    assert to_sam.to == SAM.phone and to_sam.body.startswith("📋 New task #1 from Ana")
    assert "today 17:00" in to_sam.body and 'Reply "done 1"' in to_sam.body


def test_keys_are_stable_so_a_replay_produces_the_same_messages() -> None:
    intent = i.CreateTask(title="x", assignees=["Juan"])
    first = act(state(), message(ANA, intent, key="SMabc"))
    again = act(state(), message(ANA, intent, key="SMabc"))
    assert (
        [m.key for m in first.messages] == ["SMabc:0", "SMabc:1"] == [m.key for m in again.messages]
    )


def test_two_assignees_get_a_task_each() -> None:
    outcome = act(state(), message(ANA, i.CreateTask(title="fregar", assignees=["Juan", "Sam"])))
    assert [(t.number, t.assignee_id) for t in outcome.new_tasks] == [(1, JUAN.id), (2, SAM.id)]
    assert {m.to for m in outcome.messages} == {ANA.phone, JUAN.phone, SAM.phone}


def test_staff_cannot_give_tasks_to_others_but_can_note_their_own() -> None:
    refused = act(state(), message(JUAN, i.CreateTask(title="limpiar", assignees=["Sam"])))
    assert refused.new_tasks == () and "Solo los admins" in refused.messages[0].body
    own = act(state(), message(JUAN, i.CreateTask(title="reponer servilletas")))
    assert [(t.assignee_id, t.created_by) for t in own.new_tasks] == [(JUAN.id, JUAN.id)]
    assert len(own.messages) == 1  # nobody else to tell


def test_unknown_and_ambiguous_names_ask_back_instead_of_guessing() -> None:
    unknown = act(state(), message(ANA, i.CreateTask(title="x", assignees=["Pedro"])))
    assert unknown.new_tasks == () and "Pedro" in unknown.messages[0].body
    two_juans = state(members=(ANA, JUAN, JUAN_MORA))
    ambiguous = act(two_juans, message(ANA, i.CreateTask(title="x", assignees=["Juan"])))
    assert ambiguous.new_tasks == ()
    assert "Juan Pérez" in ambiguous.messages[0].body and "Juan Mora" in ambiguous.messages[0].body


def test_listing_respects_roles() -> None:
    s = state(task(1, JUAN), task(2, SAM), task(3, None))
    everything = act(s, message(ANA, i.ListTasks())).messages[0].body
    assert all(f"#{n}" in everything for n in (1, 2, 3)) and "Juan Pérez" in everything
    juans = act(s, message(JUAN, i.ListTasks())).messages[0].body
    assert "#1" in juans and "#3" in juans and "#2" not in juans
    refused = act(s, message(JUAN, i.ListTasks(scope="person", person="Sam"))).messages[0].body
    assert "Solo los admins" in refused
    mine = act(s, message(JUAN, i.ListTasks(scope="mine"))).messages[0].body
    assert "#1" in mine and "#3" not in mine


def test_overdue_lists_only_tasks_past_due() -> None:
    past = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    future = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    s = state(task(1, JUAN, due=past), task(2, JUAN, due=future), task(3, JUAN))
    body = act(s, message(ANA, i.ListTasks(scope="overdue"))).messages[0].body
    assert "#1" in body and "atrasada" in body and "#2" not in body and "#3" not in body


def test_no_open_tasks_says_so() -> None:
    assert "No hay tareas" in act(state(), message(ANA, i.ListTasks())).messages[0].body


def test_assignee_completes_and_creator_is_told() -> None:
    s = state(task(4, JUAN))
    outcome = act(s, message(JUAN, i.CompleteTask(number=4)))
    (done,) = outcome.completed_tasks
    assert (done.status, done.completed_by, done.completed_at) == ("done", JUAN.id, NOW)
    to_juan, to_ana = outcome.messages
    assert "#4" in to_juan.body and to_ana.to == ANA.phone and "Juan" in to_ana.body
    assert apply(s, outcome).open_tasks == ()


def test_only_assignee_creator_or_admin_may_complete() -> None:
    s = state(task(4, JUAN))
    refused = act(s, message(SAM, i.CompleteTask(number=4), language="en"))
    assert refused.completed_tasks == () and "Juan Pérez" in refused.messages[0].body
    missing = act(s, message(ANA, i.CompleteTask(number=9)))
    assert missing.completed_tasks == () and "#9" in missing.messages[0].body


def test_apply_advances_numbers_past_new_tasks() -> None:
    s = state(task(1, JUAN))
    outcome = act(s, message(ANA, i.CreateTask(title="a", assignees=["Juan", "Sam"])))
    after = apply(s, outcome)
    assert after.next_task_number == 4 and [t.number for t in after.open_tasks] == [1, 2, 3]


@pytest.mark.parametrize(
    ("intent", "expected"),
    [
        (i.Help(), "Soy MinkOps"),
        (i.Unknown(), "no te he entendido"),
        (i.Clarify(question="¿Qué Juan?"), "¿Qué Juan?"),
        (i.Usage(), "todavía no sé hacerlo"),
    ],
)
def test_every_intent_gets_an_answer(intent: i.Intent, expected: str) -> None:
    (reply,) = act(state(), message(ANA, intent)).messages
    assert expected in reply.body


def test_invalid_intent_from_an_engine_becomes_a_reply_not_an_action() -> None:
    outcome = act(state(), message(ANA, i.CreateTask(title="   ", assignees=["Juan"])))
    assert outcome.new_tasks == () and len(outcome.messages) == 1


def test_staff_help_does_not_offer_assigning() -> None:
    (reply,) = act(state(), message(SAM, i.Help(), language="en")).messages
    assert "task for Juan" not in reply.body and "done 3" in reply.body


def test_stranger_reply_guesses_language_from_hint() -> None:
    assert "Esto es MinkOps" in stranger_reply("SM9", "+34699999999", "es").body
    assert "This is MinkOps" in stranger_reply("SM9", "+447700900999").body


def test_staff_cannot_add_remove_or_promote_whatever_the_engine_says() -> None:
    for intent in (
        i.AddMember(name="Eve", phone="+34699000000", role="admin"),
        i.RemoveMember(name="Ana"),
        i.UpdateMember(name="Juan", role="admin"),
        i.UpdateMember(name="Sam", language="en"),
    ):
        outcome = act(state(), message(JUAN, intent))
        assert not outcome.changes_roster, intent
        assert "Solo los admins" in outcome.messages[0].body


def test_anyone_may_change_their_own_language_but_not_their_role() -> None:
    own = act(state(), message(JUAN, i.UpdateMember(name="Juan", language="en", delivery="voice")))
    (changed,) = own.changed_members
    assert (changed.id, changed.language, changed.delivery, changed.role) == (
        JUAN.id,
        "en",
        "voice",
        "staff",
    )


def test_admin_adds_a_member_with_a_local_number() -> None:
    country_state = OrgState(replace_org(country="ES"), (ANA, JUAN), (), 1)
    outcome = act(
        country_state,
        message(ANA, i.AddMember(name="María  López", phone="611 222 333", delivery="voice")),
    )
    (new,) = outcome.new_members
    assert (new.name, new.phone, new.role, new.language, new.delivery) == (
        "María López", "+34611222333", "staff", "es", "voice",
    )  # fmt: skip
    assert "María López" in outcome.messages[0].body


def test_adding_without_a_phone_or_an_existing_phone_asks_back() -> None:
    assert "teléfono" in act(state(), message(ANA, i.AddMember(name="Eve"))).messages[0].body
    again = act(state(), message(ANA, i.AddMember(name="Juanito", phone=JUAN.phone)))
    assert not again.changes_roster and "Juan Pérez" in again.messages[0].body
    bad = act(state(), message(ANA, i.AddMember(name="Eve", phone="12")))
    assert not bad.changes_roster and "12" in bad.messages[0].body


def test_admin_removes_someone_but_not_themselves() -> None:
    (removed,) = act(state(), message(ANA, i.RemoveMember(name="Sam"))).removed_members
    assert removed.id == SAM.id
    refused = act(state(), message(ANA, i.RemoveMember(name="Ana")))
    assert not refused.changes_roster


def replace_org(**changes: object) -> Organization:
    from dataclasses import replace

    return replace(ORG, **changes)  # type: ignore[arg-type]


def test_overlong_titles_and_names_get_a_reply_not_a_database_error() -> None:
    long_task = act(state(), message(ANA, i.CreateTask(title="x" * 501)))
    assert long_task.new_tasks == () and "500" in long_task.messages[0].body
    long_name = act(state(), message(ANA, i.AddMember(name="y" * 201, phone="+34699000001")))
    assert not long_name.changes_roster and "200" in long_name.messages[0].body
