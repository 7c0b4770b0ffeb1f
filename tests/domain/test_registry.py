"""Every intent kind has a handler or is explicitly unbuilt; the policy table decides."""

from __future__ import annotations

import typing
from datetime import UTC, datetime

import pytest

from minkops.domain import intents as i
from minkops.domain.handlers import built_kinds, handler_for, unbuilt_kinds
from minkops.domain.inbound import InboundMessage
from minkops.domain.models import Member, Task
from minkops.domain.policy import POLICY, Action, Subject, allowed
from minkops.domain.strangers import EXPLAIN_EVERY, answer_stranger

ADMIN = Member(1, 7, "Ana", "+34600000001", "admin", "es", "text")
STAFF = Member(2, 7, "Juan", "+34600000002", "staff", "es", "text")
OTHER = Member(3, 7, "Sam", "+34600000003", "staff", "en", "text")


def test_every_intent_kind_has_a_handler_or_is_explicitly_unbuilt() -> None:
    kinds = set(typing.get_args(i.IntentKind))
    assert kinds == set(i.INTENT_TYPES)
    assert built_kinds() | unbuilt_kinds() == kinds
    assert not built_kinds() & unbuilt_kinds()
    for kind in kinds:
        assert callable(handler_for(kind))


def test_the_unbuilt_list_is_what_the_open_issues_still_have_to_build() -> None:
    # Shrinks as features land: reminders, privacy, plans and billing, onboarding.
    assert unbuilt_kinds() <= {
        "create_reminder", "list_reminders", "cancel_reminder", "pause_reminder",
        "resume_reminder", "set_preference", "usage", "upgrade", "billing", "stop_messages",
        "start_messages", "export_data", "delete_data", "delete_account", "sign_up",
    }  # fmt: skip


def test_every_action_has_a_rule() -> None:
    assert set(POLICY) == set(Action)


@pytest.mark.parametrize(
    ("action", "who", "subject", "expected"),
    [
        (Action.GIVE_TASKS_TO_OTHERS, ADMIN, None, True),
        (Action.GIVE_TASKS_TO_OTHERS, STAFF, None, False),
        (Action.MANAGE_TEAM, STAFF, None, False),
        (Action.CHANGE_OWN_DETAILS, STAFF, None, True),
        (Action.CLOSE_TASK, STAFF, Subject(task=Task(7, 1, "t", STAFF.id, ADMIN.id, None)), True),
        (Action.CLOSE_TASK, STAFF, Subject(task=Task(7, 1, "t", None, ADMIN.id, None)), True),
        (Action.CLOSE_TASK, STAFF, Subject(task=Task(7, 1, "t", OTHER.id, ADMIN.id, None)), False),
        (Action.CLOSE_TASK, STAFF, Subject(task=Task(7, 1, "t", OTHER.id, STAFF.id, None)), True),
        (Action.CHANGE_TASK, STAFF, Subject(task=Task(7, 1, "t", STAFF.id, ADMIN.id, None)), False),
        (Action.CHANGE_TASK, STAFF, Subject(task=Task(7, 1, "t", OTHER.id, STAFF.id, None)), True),
        (Action.CHANGE_TASK, ADMIN, Subject(task=Task(7, 1, "t", OTHER.id, STAFF.id, None)), True),
    ],
)
def test_policy(action: Action, who: Member, subject: Subject | None, expected: bool) -> None:
    assert allowed(action, who, subject) is expected


def test_a_stranger_is_told_once_a_day() -> None:
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    message = InboundMessage("SM" + "1" * 32, "+34699999999", "hola")
    (first,) = answer_stranger(message, None, now)
    assert "Esto es MinkOps" in first.body and first.to == "+34699999999"
    assert answer_stranger(message, now, now + EXPLAIN_EVERY / 2) == ()
    assert len(answer_stranger(message, now, now + EXPLAIN_EVERY)) == 1
    english = InboundMessage("SM" + "2" * 32, "+447700900999", "hi")
    assert "This is MinkOps" in answer_stranger(english, None, now)[0].body
