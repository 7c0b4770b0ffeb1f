"""The same scenarios through the rule engine and through OpenAI (stand-in, scripted with
the expected answer): both engines must return the same typed intent."""

from __future__ import annotations

from typing import Any, Literal

import openai
import pytest

from minkops.ai.openai_understanding import OpenAIUnderstanding
from minkops.domain.intents import Understood
from minkops.domain.rules import RuleEngine
from minkops.domain.understanding import Turn, UnderstandingContext
from minkops.sandbox.openai_api import OpenAIStandInThread
from minkops.settings import OpenAISettings
from tests.ai.conftest import FakeClock, make_context

Role = Literal["admin", "staff"]
NO_HISTORY: tuple[Turn, ...] = ()
# (utterance, sender role, sender language, history, expected Understood as JSON)
SCENARIOS: list[tuple[str, Role, str, tuple[Turn, ...], dict[str, Any]]] = [
    ("help", "staff", "en", NO_HISTORY, {"language": "en", "intent": {"kind": "help"}}),
    (
        "add Marta +34 611 222 333 as staff",
        "admin",
        "en",
        NO_HISTORY,
        {
            "language": "en",
            "intent": {
                "kind": "add_member",
                "name": "Marta",
                "phone": "+34 611 222 333",
                "role": "staff",
                "language": None,
                "delivery": None,
            },
        },
    ),
    (
        "tarea para Luis: limpiar la nevera mañana a las 10",
        "admin",
        "es",
        NO_HISTORY,
        {
            "language": "es",
            "intent": {
                "kind": "create_task",
                "title": "limpiar la nevera",
                "assignees": ["Luis"],
                "due": "2025-03-28T10:00:00+01:00",
            },
        },
    ),
    (
        "tareas de Juan Pérez",
        "admin",
        "es",
        NO_HISTORY,
        {
            "language": "es",
            "intent": {"kind": "list_tasks", "scope": "person", "person": "Juan Pérez"},
        },
    ),
    ("done 3", "staff", "en", NO_HISTORY, {"language": "en", "intent": {"kind": "complete_task", "number": 3}}),
    (
        "remind me tomorrow at 9 to call the supplier",
        "staff",
        "en",
        NO_HISTORY,
        {
            "language": "en",
            "intent": {
                "kind": "create_reminder",
                "text": "call the supplier",
                "recipients": ["me"],
                "at": "2025-03-28T09:00:00+01:00",
                "cron": None,
            },
        },
    ),
    (
        "recuérdale a María todos los lunes a las 8 que haga el pedido",
        "admin",
        "es",
        NO_HISTORY,
        {
            "language": "es",
            "intent": {
                "kind": "create_reminder",
                "text": "hacer el pedido",
                "recipients": ["María"],
                "at": None,
                "cron": "0 8 * * 1",
            },
        },
    ),
    ("cancel reminder 2", "admin", "en", NO_HISTORY, {"language": "en", "intent": {"kind": "cancel_reminder", "number": 2}}),
    ("recordatorios", "staff", "es", NO_HISTORY, {"language": "es", "intent": {"kind": "list_reminders"}}),
    ("remove Tom Baker", "admin", "en", NO_HISTORY, {"language": "en", "intent": {"kind": "remove_member", "name": "Tom Baker"}}),
    ("how much have we used this month", "admin", "en", NO_HISTORY, {"language": "en", "intent": {"kind": "usage"}}),
    ("STOP", "staff", "es", NO_HISTORY, {"language": "es", "intent": {"kind": "stop_messages"}}),
    ("borra mis datos", "staff", "es", NO_HISTORY, {"language": "es", "intent": {"kind": "delete_data"}}),
]  # fmt: skip


class MustNotFallBack:
    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        raise AssertionError(f"the fallback engine was asked about {text!r}")


@pytest.mark.parametrize(
    ("text", "role", "language", "history", "expected"),
    SCENARIOS,
    ids=[scenario[0] for scenario in SCENARIOS],
)
def test_both_engines_agree(
    openai_server: OpenAIStandInThread,
    client: openai.OpenAI,
    settings: OpenAISettings,
    text: str,
    role: Role,
    language: str,
    history: tuple[Turn, ...],
    expected: dict[str, Any],
) -> None:
    context = make_context(role=role, language=language, history=history)
    openai_server.standin.script_chat(lambda request: request.last_user_text == text, expected)
    ai = OpenAIUnderstanding(client, settings, MustNotFallBack(), clock=FakeClock())

    by_rules = RuleEngine().understand(text, context)
    by_openai = ai.understand(text, context)

    assert by_rules == Understood.model_validate(expected)
    assert by_openai == by_rules
