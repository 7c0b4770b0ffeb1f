"""Staff read their own language whatever the owner speaks: the domain end to end."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest

from minkops.domain import intents as i
from minkops.domain.acting import act as act_on
from minkops.domain.handlers import Outcome
from minkops.domain.inbound import InboundMessage
from minkops.domain.models import Member, Organization, Task
from minkops.domain.phones import language_for_phone
from minkops.domain.rules import RuleEngine
from minkops.domain.state import OrgState
from minkops.domain.strangers import answer_stranger
from minkops.domain.understanding import RosterEntry, UnderstandingContext

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 11:00 in Madrid
TOMORROW_17 = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
ORG = Organization(7, "Café Uno", "Europe/Madrid", "es", "free", "active", country="ES")
ANA = Member(1, 7, "Ana García", "+34600000001", "admin", "es", "text")
JOANA = Member(2, 7, "Joana Silva", "+351912000002", "staff", "pt", "text")
CLAIRE = Member(3, 7, "Claire Martin", "+33612000003", "staff", "fr", "text")
TOM = Member(4, 7, "Tom Baker", "+14155550004", "staff", "en", "text")


def state(*tasks: Task, org: Organization = ORG) -> OrgState:
    return OrgState(org, (ANA, JOANA, CLAIRE, TOM), tasks, next_task_number=len(tasks) + 1)


@dataclass(frozen=True)
class Message:
    sender: Member
    understood: i.Understood


@dataclass(frozen=True)
class Replies:
    messages: tuple[Any, ...]


def message(sender: Member, intent: i.Intent, language: str | None = None) -> Message:
    return Message(sender, i.Understood(language=language or sender.language, intent=intent))


def act(s: OrgState, m: Message) -> Replies:
    outcome: Outcome = act_on(
        s, m.sender, None, InboundMessage("SM1", m.sender.phone), "", m.understood, NOW
    )
    return Replies(outcome.sends())


def test_a_spanish_owner_gives_tasks_that_arrive_in_portuguese_and_french() -> None:
    intent = i.CreateTask(title="limpiar la nevera", assignees=["Joana", "Claire"], due=TOMORROW_17)
    to_ana, to_joana, to_claire = act(state(), message(ANA, intent)).messages
    assert "mañana 17:00" in to_ana.body
    assert to_joana.body == (
        "📋 Nova tarefa #1 de Ana: limpiar la nevera, para amanhã 17:00.\n"
        'Quando terminar, responda "done 1".'
    )
    assert to_claire.body == (
        "📋 Nouvelle tâche #2 de Ana : limpiar la nevera, pour demain 17:00.\n"
        'Quand c\'est fait, répondez "done 2".'
    )


def test_the_organizations_country_decides_how_times_are_written() -> None:
    intent = i.CreateTask(title="count the till", assignees=["Tom"], due=TOMORROW_17)
    in_spain = act(state(), message(ANA, intent)).messages[1].body
    in_the_us = (
        act(
            state(org=replace(ORG, country="US", timezone="America/New_York")), message(ANA, intent)
        )
        .messages[1]
        .body
    )
    assert ", due tomorrow 17:00." in in_spain
    assert ", due tomorrow 11:00 AM." in in_the_us


def test_staff_close_tasks_and_list_them_in_their_language() -> None:
    tasks = (Task(7, 1, "pedir leche", JOANA.id, ANA.id, TOMORROW_17),)
    done = act(state(*tasks), message(JOANA, i.CompleteTask(number=1)))
    to_joana, to_ana = done.messages
    assert to_joana.body == "👍 Tarefa #1 concluída: pedir leche."
    assert to_ana.body == "✅ Joana terminó la tarea #1: pedir leche."
    listed = act(state(*tasks), message(JOANA, i.ListTasks())).messages[0].body
    assert listed == "Suas tarefas abertas:\n#1 pedir leche (para amanhã 17:00)"
    help_text = act(state(), message(CLAIRE, i.Help())).messages[0].body
    assert help_text.startswith("Bonjour Claire ! Je suis MinkOps, l'assistant de Café Uno.")


def test_a_long_list_ends_with_a_plural_in_the_readers_language() -> None:
    tasks = tuple(Task(7, n, f"t{n}", CLAIRE.id, ANA.id, None) for n in range(1, 23))
    listed = act(state(*tasks), message(CLAIRE, i.ListTasks())).messages[0].body
    assert listed.splitlines()[-1] == "…et 2 autres tâches."


def test_not_yet_names_what_was_asked_in_the_readers_language() -> None:
    intent = i.SetPreference(setting="digest", enabled=True)
    body = act(state(), message(CLAIRE, intent)).messages[0].body
    assert "activer ou désactiver le résumé quotidien" in body


@pytest.mark.parametrize(
    ("phone", "language", "start"),
    [
        ("+351912345678", "pt", "Olá! Aqui é o MinkOps"),
        ("+5511987654321", "pt", "Olá! Aqui é o MinkOps"),
        ("+33612345678", "fr", "Bonjour ! Ici MinkOps"),
        ("+262692123456", "fr", "Bonjour ! Ici MinkOps"),  # La Réunion
        ("+221771234567", "fr", "Bonjour ! Ici MinkOps"),  # Senegal
        ("+34600123456", "es", "¡Hola! Esto es MinkOps"),
        ("+447700900123", None, "Hi! This is MinkOps"),
        ("+32470123456", None, "Hi! This is MinkOps"),  # Belgium: Dutch or French, so English
    ],
)
def test_a_stranger_is_answered_in_the_language_of_their_country_code(
    phone: str, language: str | None, start: str
) -> None:
    assert language_for_phone(phone) == language
    message = InboundMessage("SM" + "1" * 32, phone, "hi")
    assert answer_stranger(message, None, NOW)[0].body.startswith(start)


@pytest.mark.parametrize(
    ("member_language", "question"),
    [
        ("pt", "Qual é a tarefa?"),
        ("fr", "Quelle est la tâche ?"),
        ("es", "¿Cuál es la tarea?"),
        ("en", "What is the task?"),
    ],
)
def test_questions_come_from_the_catalogues_in_the_readers_language(
    member_language: str, question: str
) -> None:
    sender = replace(JOANA, language=member_language)
    s = OrgState(ORG, (ANA, sender), (), 1)
    asked = act(s, message(sender, i.CreateTask(title="")))
    assert asked.messages[0].body.startswith(question)


def test_portuguese_and_french_staff_read_their_language_after_an_english_command() -> None:
    """The help text shows them "done 3": writing it must not switch them to English."""
    roster = tuple(RosterEntry(m.name, m.role, m.language) for m in (ANA, JOANA, CLAIRE, TOM))
    tasks = (Task(7, 1, "pedir leche", CLAIRE.id, ANA.id, None),)
    context = UnderstandingContext("staff", "fr", "Europe/Madrid", NOW, roster)
    understood = RuleEngine().understand("done 1", context)
    assert understood.language == "fr"
    done = act(state(*tasks), Message(CLAIRE, understood))
    assert done.messages[0].body == "👍 Tâche #1 terminée : pedir leche."
