"""translate(): plural forms per language, numbers, and English when anything is missing."""

from __future__ import annotations

import pytest

from minkops.domain.replies import say
from minkops.i18n import UnknownMessage, pick_language, read_catalogue, translate

from .conftest import Edit


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        # Portuguese follows CLDR's 'pt' (Brazil) and French: 0 and 1 are singular.
        ("en", {0: "…and 0 more tasks.", 1: "…and 1 more task.", 2: "…and 2 more tasks."}),
        ("es", {0: "…y 0 tareas más.", 1: "…y 1 tarea más.", 2: "…y 2 tareas más."}),
        ("pt", {0: "…e mais 0 tarefa.", 1: "…e mais 1 tarefa.", 2: "…e mais 2 tarefas."}),
        ("fr", {0: "…et 0 autre tâche.", 1: "…et 1 autre tâche.", 21: "…et 21 autres tâches."}),
    ],
)
def test_plural_forms_follow_each_language(language: str, forms: dict[int, str]) -> None:
    assert {n: translate(language, "tasks_more", count=n) for n in forms} == forms


@pytest.mark.parametrize(("language", "plurals"), [("en", 2), ("es", 3), ("pt", 3), ("fr", 3)])
def test_each_catalogue_has_its_languages_plural_forms(language: str, plurals: int) -> None:
    assert read_catalogue(language).num_plurals == plurals


def test_quantities_are_written_the_readers_way_but_task_numbers_never_are() -> None:
    assert translate("en", "tasks_more", count=12345) == "…and 12,345 more tasks."
    assert translate("es", "tasks_more", count=12345) == "…y 12.345 tareas más."
    # CLDR's narrow no-break space in French thousands becomes an ordinary space.
    assert translate("fr", "tasks_more", count=12345) == "…et 12 345 autres tâches."
    done = translate("en", "task_done", number=12345, title="x")
    assert "#12345" in done


def test_a_plural_entry_needs_a_count() -> None:
    with pytest.raises(TypeError):
        translate("en", "tasks_more")


def test_an_unknown_language_reads_english() -> None:
    assert translate("de", "tasks_none") == translate("en", "tasks_none") == "No open tasks. 🎉"
    assert translate("", "tasks_none") == "No open tasks. 🎉"


def test_a_key_english_lacks_is_a_bug_not_a_raw_key() -> None:
    with pytest.raises(UnknownMessage):
        translate("es", "no_such_key")


def test_a_key_missing_from_a_language_reads_english(edit: Edit) -> None:
    edit("pt", "member_removed", delete=True)
    assert translate("pt", "member_removed", name="Ana") == "Ana is no longer on the team."
    assert translate("pt", "member_updated", name="Ana") == "Atualizei os dados de Ana."


def test_an_empty_or_fuzzy_translation_reads_english(edit: Edit) -> None:
    edit("fr", "tasks_none", "")
    edit("es", "tasks_more", fuzzy=True)
    assert translate("fr", "tasks_none") == "No open tasks. 🎉"
    assert translate("es", "tasks_more", count=3) == "…and 3 more tasks."


def test_a_broken_translation_reads_english_instead_of_failing(edit: Edit) -> None:
    edit("fr", "task_done", "👍 Tâche #{nombre} terminée : {title}.")
    edit("pt", "task_done", "👍 Tarefa #{number concluída: {title}.")
    assert translate("fr", "task_done", number=4, title="x") == "👍 Task #4 done: x."
    assert translate("pt", "task_done", number=4, title="x") == "👍 Task #4 done: x."


def test_english_that_does_not_fit_the_values_is_a_bug() -> None:
    with pytest.raises(KeyError):
        translate("fr", "task_done", number=4)


@pytest.mark.parametrize(
    ("candidates", "language"),
    [
        (("pt-BR",), "pt"),
        (("FR",), "fr"),
        (("de", "es"), "es"),
        ((None, "", "en"), "en"),
        (("de",), "en"),
        ((), "en"),
    ],
)
def test_pick_language(candidates: tuple[str | None, ...], language: str) -> None:
    assert pick_language(*candidates) == language


def test_say_is_translate() -> None:
    assert say("pt", "task_changed", number=3, title="x", whom="", due="") == "✏️ Tarefa #3: x."
    assert say("fr", "reminder", creator="Ana", text="x") == "⏰ Rappel de Ana : x"


@pytest.mark.parametrize("language", ["en", "es", "pt", "fr"])
def test_stop_start_reminder_and_task_changed_exist_in_every_language(language: str) -> None:
    texts = [
        translate(language, "stop_confirmed"),
        translate(language, "start_confirmed"),
        translate(language, "reminder", creator="Ana", text="lock up"),
        translate(language, "task_changed", number=3, title="lock up", whom="", due=""),
    ]
    assert "START" in texts[0] and "STOP" in texts[1]
    assert texts[2].startswith("⏰") and "Ana" in texts[2] and "lock up" in texts[2]
    assert "#3" in texts[3]
    if language != "en":
        assert texts[0] != translate("en", "stop_confirmed")
