"""STOP/START, export, deletion and closing the account, decided without I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from minkops.domain import effects as fx
from minkops.domain import intents as i
from minkops.domain.acting import act
from minkops.domain.conversation import CONTEXT_TTL
from minkops.domain.inbound import InboundMessage
from minkops.domain.privacy import Links, token_hash
from tests.domain.rules_support import understand
from tests.domain.test_handlers import ANA, JUAN, NOW, SAM, bodies, of, run, state, task


def test_stop_confirms_once_then_records_the_opt_out() -> None:
    outcome = run(state(), JUAN, i.StopMessages())
    (confirmation,) = bodies(outcome, JUAN)
    assert "ALTA" in confirmation  # Spanish, and says how to come back
    kinds = [type(e) for e in outcome.effects]
    # The confirmation is written before the opt-out: the gate lets it through.
    assert kinds.index(fx.Send) < kinds.index(fx.SetOptOut)
    assert of(outcome, fx.SetOptOut) == [fx.SetOptOut(JUAN.id, JUAN.phone, True)]

    stopped = replace(JUAN, opted_out=True)
    again = run(state(members=(ANA, stopped, SAM)), stopped, i.StopMessages())
    assert again.sends() == () and of(again, fx.SetOptOut) == []


def test_an_opted_out_sender_is_acted_on_without_replies() -> None:
    stopped = replace(JUAN, opted_out=True)
    outcome = run(state(members=(ANA, stopped, SAM)), stopped, i.CreateTask(title="limpiar"))
    assert of(outcome, fx.CreateTask) and outcome.sends() == ()


def test_start_resumes_and_confirms() -> None:
    stopped = replace(JUAN, opted_out=True)
    outcome = run(state(members=(ANA, stopped, SAM)), stopped, i.StartMessages())
    assert of(outcome, fx.SetOptOut) == [fx.SetOptOut(JUAN.id, JUAN.phone, False)]
    (confirmation,) = bodies(outcome, JUAN)
    assert "BAJA" in confirmation


def test_an_admin_is_told_an_opted_out_assignee_will_not_hear() -> None:
    stopped = replace(JUAN, opted_out=True)
    outcome = run(
        state(members=(ANA, stopped, SAM)),
        ANA,
        i.CreateTask(title="limpiar la nevera", assignees=["Juan"]),
    )
    (reply,) = bodies(outcome, ANA)
    assert "Juan Pérez" in reply and "no recibirá" in reply
    assert bodies(outcome, stopped) == []


def test_a_privacy_question_is_answered_from_the_constants_that_keep_the_policy() -> None:
    links = Links(
        "https://minkops.example",
        timedelta(minutes=15),
        "https://policy.example",
        termination_grace=timedelta(days=45),
    )
    said = "what do you do with my data?"
    outcome = act(
        state(),
        SAM,
        None,
        InboundMessage("SM8", SAM.phone, said),
        said,
        i.Understood(language="en", intent=i.PrivacyInfo()),
        NOW,
        links,
    )
    (reply,) = bodies(outcome, SAM)
    hours = int(CONTEXT_TTL.total_seconds() // 3600)
    assert f"{hours} hours" in reply and "45 days" in reply  # as configured
    assert "https://policy.example" in reply and "Café Uno" in reply
    assert not of(outcome, fx.CreateExportLink)


def test_export_gives_a_single_use_link_whose_hash_is_stored() -> None:
    links = Links("https://minkops.example", timedelta(minutes=15))
    message = InboundMessage("SM9", SAM.phone, "export my data")
    outcome = act(
        state(),
        SAM,
        None,
        message,
        "export my data",
        i.Understood(language="en", intent=i.ExportData()),
        NOW,
        links,
    )
    (reply,) = bodies(outcome, SAM)
    url = next(w for w in reply.split() if w.startswith("https://"))
    token = url.rsplit("/", 1)[1]
    assert url == f"https://minkops.example/export/{token}" and len(token) >= 40
    (link,) = of(outcome, fx.CreateExportLink)
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    assert link.member_id == SAM.id and link.expires_at == NOW + timedelta(minutes=15)
    assert "15" in reply


def test_delete_asks_first_and_a_yes_erases() -> None:
    asked = run(state(), JUAN, i.DeleteData(), said="borra mis datos")
    assert of(asked, fx.EraseMember) == [] and asked.question is not None
    conversation = of(asked, fx.SaveConversation)[0].conversation
    done = run(state(), JUAN, i.Confirm(), said="sí", conversation=conversation)
    (erase,) = of(done, fx.EraseMember)
    assert (erase.member_id, erase.phone, erase.name) == (JUAN.id, JUAN.phone, JUAN.name)
    assert erase.former == "antiguo miembro"
    assert of(done, fx.SaveConversation) == []  # no context kept of someone forgotten
    assert bodies(done, JUAN)
    after = fx.apply(state(), done.effects)
    assert after.member_by_id(JUAN.id) is None


def test_a_no_keeps_everything() -> None:
    asked = run(state(), JUAN, i.DeleteData(), said="borra mis datos")
    conversation = of(asked, fx.SaveConversation)[0].conversation
    declined = run(state(), JUAN, i.Decline(), said="no", conversation=conversation)
    assert of(declined, fx.EraseMember) == []


def test_the_only_admin_cannot_leave_the_team_without_anyone() -> None:
    outcome = run(state(), ANA, i.DeleteData(confirmed=True))
    assert of(outcome, fx.EraseMember) == []


def test_closing_the_account_asks_then_tells_everyone_once_and_stops() -> None:
    refused = run(state(), JUAN, i.DeleteAccount(confirmed=True))
    assert of(refused, fx.TerminateOrg) == []
    asked = run(state(), ANA, i.DeleteAccount())
    assert of(asked, fx.TerminateOrg) == [] and asked.question is not None
    done = run(state(), ANA, i.DeleteAccount(confirmed=True))
    assert of(done, fx.TerminateOrg) == [fx.TerminateOrg(NOW)]
    assert len(bodies(done, JUAN)) == 1 and len(bodies(done, SAM)) == 1
    closed = fx.apply(state(), done.effects)
    assert closed.org.status == "closed"
    # A terminated organization acts on nothing, and answers nothing.
    after = run(closed, ANA, i.CreateTask(title="x"))
    assert after.effects == ()


@pytest.mark.parametrize(
    "intent, field, value, says",
    [
        (i.CorrectData(field="name", value="Juanito Pérez"), "name", "Juanito Pérez", "Juanito"),
        (i.CorrectData(field="language", value="pt"), "language", "pt", "português"),
        (i.CorrectData(field="delivery", value="voice"), "delivery", "voice", "voz"),
    ],
)
def test_a_correction_changes_the_own_record_and_says_the_new_value(
    intent: i.CorrectData, field: str, value: str, says: str
) -> None:
    outcome = run(state(), JUAN, intent)
    (change,) = of(outcome, fx.ChangeMember)
    assert getattr(change.member, field) == value and change.member.id == JUAN.id
    (reply,) = bodies(outcome, JUAN)
    assert says in reply


@pytest.mark.parametrize(
    "text, kind",
    [
        ("delete my account", "delete_account"),
        ("close our account", "delete_account"),
        ("borrar mi cuenta", "delete_account"),
        ("delete my data", "delete_data"),
        ("borra mis datos", "delete_data"),
        ("STOP", "stop_messages"),
        ("Baja.", "stop_messages"),
        ("ALTA", "start_messages"),
    ],
)
def test_the_rule_engine_tells_closing_the_account_from_deleting_ones_data(
    text: str, kind: str
) -> None:
    assert understand(text).intent.kind == kind


def test_an_admin_giving_an_existing_task_to_an_opted_out_member_is_told() -> None:
    stopped = replace(JUAN, opted_out=True)
    outcome = run(
        state(task(1, SAM), members=(ANA, stopped, SAM)),
        ANA,
        i.EditTask(number=1, assignee="Juan"),
    )
    assert any("no recibirá" in body for body in bodies(outcome, ANA))
    assert bodies(outcome, stopped) == []
