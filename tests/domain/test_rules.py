from __future__ import annotations

from typing import Any

import pytest

from minkops.domain import intents as i
from minkops.domain.understanding import Turn
from tests.domain.rules_support import madrid, understand


def fields(intent: i.Intent) -> dict[str, Any]:
    return intent.model_dump(exclude={"kind"})


CASES: list[tuple[str, str, type[i.Intent], dict[str, Any]]] = [
    # help
    ("help", "en", i.Help, {}),
    ("ayuda", "es", i.Help, {}),
    ("?", "en", i.Help, {}),
    ("Hola 👋", "es", i.Help, {}),
    # members
    (
        "add Juan Pérez +34 600 123 456 as staff",
        "en",
        i.AddMember,
        {"name": "Juan Pérez", "phone": "+34 600 123 456", "role": "staff"},
    ),
    (
        "añade a María +34611222333 (voz, inglés)",
        "es",
        i.AddMember,
        {"name": "María", "phone": "+34611222333", "language": "en", "delivery": "voice"},
    ),
    ("add new admin Laura", "en", i.AddMember, {"name": "Laura", "role": "admin", "phone": None}),
    ("Juan's language is English", "en", i.UpdateMember, {"name": "Juan", "language": "en"}),
    ("cambia el idioma de Ana a inglés", "es", i.UpdateMember, {"name": "Ana", "language": "en"}),
    ("make Luis admin", "en", i.UpdateMember, {"name": "Luis", "role": "admin"}),
    ("el teléfono de Tom es +44 7700 900456", "es", i.UpdateMember, {"phone": "+44 7700 900456"}),
    ("rename Luis to Luis Fernando", "en", i.UpdateMember, {"new_name": "Luis Fernando"}),
    ("remove Juan", "en", i.RemoveMember, {"name": "Juan"}),
    ("elimina a Juan", "es", i.RemoveMember, {"name": "Juan"}),
    # tasks
    ("task: clean the fridge", "en", i.CreateTask, {"title": "clean the fridge", "assignees": []}),
    (
        "task for Juan: order milk by 5pm",
        "en",
        i.CreateTask,
        {"title": "order milk", "assignees": ["Juan"], "due": madrid(2025, 3, 27, 17)},
    ),
    (
        "tarea para Juan: limpiar la nevera mañana",
        "es",
        i.CreateTask,
        {"title": "limpiar la nevera", "assignees": ["Juan"], "due": madrid(2025, 3, 28, 23, 59)},
    ),
    (
        "new task for Ana and Luis: mop the floor tomorrow at 9",
        "en",
        i.CreateTask,
        {"title": "mop the floor", "assignees": ["Ana", "Luis"], "due": madrid(2025, 3, 28, 9)},
    ),
    ("tasks", "en", i.ListTasks, {"scope": "open", "person": None}),
    ("tareas", "es", i.ListTasks, {"scope": "open", "person": None}),
    ("my tasks", "en", i.ListTasks, {"scope": "mine"}),
    ("mis tareas", "es", i.ListTasks, {"scope": "mine"}),
    ("overdue tasks", "en", i.ListTasks, {"scope": "overdue"}),
    ("tareas atrasadas", "es", i.ListTasks, {"scope": "overdue"}),
    ("tasks for Juan", "en", i.ListTasks, {"scope": "person", "person": "Juan"}),
    ("tareas de Luis", "es", i.ListTasks, {"scope": "person", "person": "Luis"}),
    ("done 3", "en", i.CompleteTask, {"number": 3}),
    ("hecho 3", "es", i.CompleteTask, {"number": 3}),
    ("#3 done", "en", i.CompleteTask, {"number": 3}),
    ("terminé la 3", "es", i.CompleteTask, {"number": 3}),
    ("3 listo", "es", i.CompleteTask, {"number": 3}),
    ("done three", "en", i.CompleteTask, {"number": 3}),
    ("hecho tres", "es", i.CompleteTask, {"number": 3}),
    # reminders
    (
        "remind me tomorrow at 8 to call the supplier",
        "en",
        i.CreateReminder,
        {"text": "call the supplier", "recipients": ["me"], "at": madrid(2025, 3, 28, 8)},
    ),
    (
        "remind Juan every Monday at 9 to check the stock",
        "en",
        i.CreateReminder,
        {"text": "check the stock", "recipients": ["Juan"], "cron": "0 9 * * 1", "at": None},
    ),
    (
        "recuérdame cada día a las 8 revisar la caja",
        "es",
        i.CreateReminder,
        {"text": "revisar la caja", "recipients": ["me"], "cron": "0 8 * * *"},
    ),
    (
        "recordar a Ana el viernes a las 10: pedir pan",
        "es",
        i.CreateReminder,
        {"text": "pedir pan", "recipients": ["Ana"], "at": madrid(2025, 3, 28, 10)},
    ),
    (
        "Every Monday, remind Ana and Luis to order bread",
        "en",
        i.CreateReminder,
        {"text": "order bread", "recipients": ["Ana", "Luis"], "cron": "0 9 * * 1"},
    ),
    ("reminders", "en", i.ListReminders, {}),
    ("recordatorios", "es", i.ListReminders, {}),
    ("cancel reminder 2", "en", i.CancelReminder, {"number": 2}),
    ("cancela el recordatorio número dos", "es", i.CancelReminder, {"number": 2}),
    # plan, opt-out, privacy
    ("usage", "en", i.Usage, {}),
    ("uso", "es", i.Usage, {}),
    ("plan", "en", i.Usage, {}),
    ("STOP", "en", i.StopMessages, {}),
    ("BAJA", "es", i.StopMessages, {}),
    ("START", "en", i.StartMessages, {}),
    ("ALTA", "es", i.StartMessages, {}),
    ("my data", "en", i.ExportData, {}),
    ("export my data", "en", i.ExportData, {}),
    ("mis datos", "es", i.ExportData, {}),
    ("my name is Ana María", "en", i.CorrectData, {"field": "name", "value": "Ana María"}),
    ("correct my name to Ana Mari", "en", i.CorrectData, {"field": "name", "value": "Ana Mari"}),
    ("me llamo Luis Fernando", "es", i.CorrectData, {"field": "name", "value": "Luis Fernando"}),
    ("cambia mi idioma a inglés", "es", i.CorrectData, {"field": "language", "value": "en"}),
    ("delete my data", "en", i.DeleteData, {}),
    ("borra mis datos", "es", i.DeleteData, {}),
    # nothing to do
    ("the fridge is broken", "en", i.Unknown, {}),
    ("jajaja", "es", i.Unknown, {}),
]


@pytest.mark.parametrize(("text", "language", "kind", "expected"), CASES)
def test_must_have_phrasings(
    text: str, language: str, kind: type[i.Intent], expected: dict[str, Any]
) -> None:
    understood = understand(text, language=language)
    assert isinstance(understood.intent, kind), understood
    actual = fields(understood.intent)
    assert {key: actual[key] for key in expected} == expected
    assert understood.language == language
    i.validate_intent(understood.intent)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Done 3!!! 🎉", 3),
        ("uh done number two", 2),
        ("hceho 3", 3),  # typo
        ("ya está la 5", 5),
        ("please mark 7 as done, thanks", 7),
    ],
)
def test_tolerates_noise_politeness_and_typos(text: str, number: int) -> None:
    assert understand(text).intent == i.CompleteTask(number=number)


def test_typos_in_commands_and_times() -> None:
    understood = understand("remidn me tomorow at 8 to order eggs")
    assert understood.intent == i.CreateReminder(
        text="order eggs", recipients=["me"], at=madrid(2025, 3, 28, 8)
    )


def test_language_detection_falls_back_to_the_member() -> None:
    assert understand("STOP", language="es").language == "es"
    assert understand("remind me at 5 to call Juan", language="es").language == "en"
    assert understand("recuérdame a las 5 llamar a Juan", language="en").language == "es"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("recuérdame llamar a Ana", i.CreateReminder(text="llamar a Ana", recipients=["me"])),
        ("remind me to buy milk", i.CreateReminder(text="buy milk", recipients=["me"])),
        (
            "remind me tomorrow at 9",
            i.CreateReminder(text="", recipients=["me"], at=madrid(2025, 3, 28, 9)),
        ),
        ("task for Juan", i.CreateTask(title="", assignees=["Juan"])),
    ],
)
def test_missing_parts_are_left_empty_for_the_handler_to_ask(text: str, expected: i.Intent) -> None:
    # The question, and completing the request from the answer, are the domain's
    # (domain/flows.py): an engine never guesses, and never asks on its own.
    assert understand(text).intent == expected


def test_missing_name_still_asks_back_in_the_same_language() -> None:
    assert understand("añade a", language="es").intent == i.Clarify(question="¿Cómo se llama?")


def test_no_follow_up_is_ever_glued_onto_the_previous_turn() -> None:
    history = (
        Turn("user", "task for Sam: call the plumber at 10"),
        Turn("assistant", "✅ Task #1: call the plumber for Sam Taylor, due today 10:00."),
    )
    for text in ("make it 6pm instead", "vale perfecto", "upgrade to pro", "tomorrow at 8"):
        intent = understand(text, history=history).intent
        assert not isinstance(intent, i.CreateTask), text


def test_reminder_in_the_past_leaves_the_time_to_ask_for() -> None:
    # Today's default 09:00 is already gone at 10:00.
    intent = understand("remind me today to call Ana").intent
    assert isinstance(intent, i.CreateReminder) and intent.at is None and intent.cron is None


def test_the_engine_does_not_decide_permissions() -> None:
    assert isinstance(understand("remove Juan", role="staff").intent, i.RemoveMember)


def test_names_keep_their_spelling_and_longest_roster_match() -> None:
    intent = understand("remind juan pérez tomorrow at 9 to sign").intent
    assert isinstance(intent, i.CreateReminder)
    assert intent.recipients == ["juan pérez"]
    intent = understand("task for Tom Baker and me: count the till").intent
    assert isinstance(intent, i.CreateTask)
    assert intent.assignees == ["Tom Baker", "me"]


# The chat words the contract promises (../shared/CONTRACT.md, "In chat"), as written there.
CONTRACT_WORDS = [
    ("STOP", i.StopMessages),
    ("BAJA", i.StopMessages),
    ("UNSUBSCRIBE", i.StopMessages),
    ("START", i.StartMessages),
    ("ALTA", i.StartMessages),
    ("export my data", i.ExportData),
    ("quiero mis datos", i.ExportData),
    ("delete my data", i.DeleteData),
    ("borra mis datos", i.DeleteData),
    ("usage", i.Usage),
    ("uso", i.Usage),
    ("upgrade", i.Upgrade),
    ("mejorar plan", i.Upgrade),
    ("billing", i.Billing),
    ("factura", i.Billing),
]


@pytest.mark.parametrize(("text", "kind"), CONTRACT_WORDS)
def test_the_contracts_chat_words(text: str, kind: type[i.Intent]) -> None:
    assert isinstance(understand(text).intent, kind), text
