from __future__ import annotations

import json
from datetime import datetime

import pytest
from openai.lib._pydantic import to_strict_json_schema
from pydantic import TypeAdapter, ValidationError

from minkops.domain import intents as i
from tests.domain.rules_support import madrid


def test_schema_is_accepted_by_openai_strict_mode() -> None:
    schema = json.dumps(to_strict_json_schema(i.Understood))
    assert '"oneOf"' not in schema
    assert '"default"' not in schema
    assert '"discriminator"' not in schema
    assert "create_reminder" in schema


def test_understood_round_trips_through_json() -> None:
    understood = i.Understood(
        language="es",
        intent=i.CreateTask(title="pedir leche", assignees=["Juan"], due=madrid(2025, 3, 28, 17)),
    )
    again = i.Understood.model_validate_json(understood.model_dump_json())
    assert again == understood
    assert isinstance(again.intent, i.CreateTask)


def test_kind_selects_the_model() -> None:
    adapter: TypeAdapter[i.Intent] = TypeAdapter(i.Intent)
    assert adapter.validate_python({"kind": "complete_task", "number": 3}) == i.CompleteTask(
        number=3
    )
    # Without a number it names the task by description (or means "my only task").
    assert adapter.validate_python({"kind": "complete_task"}) == i.CompleteTask()
    with pytest.raises(ValidationError):
        adapter.validate_python({"kind": "complete_task", "number": "three"})
    with pytest.raises(ValidationError):
        adapter.validate_python({"kind": "launch_rocket"})


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValidationError):
        i.CreateTask(title="x", due=datetime(2025, 3, 28, 17))


def test_defaults() -> None:
    member = i.AddMember(name="Ana")
    assert (member.role, member.phone, member.language, member.delivery) == (
        "staff",
        None,
        None,
        None,
    )
    assert i.ListTasks().scope == "open"


@pytest.mark.parametrize(
    "intent",
    [
        i.CreateReminder(text="x", recipients=["me"], at=madrid(2025, 3, 28, 9), cron="0 9 * * *"),
        i.CreateReminder(text="x", recipients=["me"], cron="0 9 * *"),
        i.CreateReminder(text="x", recipients=["me"], cron="99 9 * * *"),
        i.ListTasks(scope="person"),
        i.ListTasks(scope="open", person="Juan"),
        i.CompleteTask(number=0),
        i.CancelReminder(number=-1),
        i.AddMember(name=""),
        i.CorrectData(field="name", value=""),
    ],
)
def test_validate_intent_rejects(intent: i.Intent) -> None:
    with pytest.raises(i.IntentError):
        i.validate_intent(intent)


@pytest.mark.parametrize(
    "intent",
    [
        i.CreateReminder(text="x", recipients=["me"], cron="30 7 * * 1-5"),
        i.CreateReminder(text="x", recipients=["Juan"], at=madrid(2025, 3, 28, 9)),
        i.ListTasks(scope="person", person="Juan"),
        i.CompleteTask(number=1),
        i.Help(),
        # Incomplete, not malformed: the handler asks for what is missing.
        i.CreateReminder(text="x", recipients=["me"]),
        i.CreateReminder(text=" ", recipients=["me"], cron="0 9 * * *"),
        i.CreateTask(title="  "),
        i.CompleteTask(description="the fridge"),
    ],
)
def test_validate_intent_accepts(intent: i.Intent) -> None:
    i.validate_intent(intent)
