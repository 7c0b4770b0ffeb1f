"""Someone named taking over an open task: a change of assignee, not new work."""

from __future__ import annotations

from dataclasses import replace

import pytest

from minkops.domain.rules import RuleEngine
from minkops.domain.understanding import TaskRef
from minkops.eval import Case, eval_context
from tests.domain.test_generalization import read


@pytest.mark.parametrize(
    ("text", "language", "number", "assignee"),
    [
        ("Tom could you take over checking the freezer from Luis", "en", 3, "Tom"),
        ("Luis, take over the plumber call please", "en", 5, "Luis"),
        ("juan mora is taking over the inventory", "en", 4, "juan mora"),
        ("que Lucía se haga cargo de lo de la campana", "es", 7, "Lucía"),
        ("Pedro se queda con lo del vino en vez de Lucía", "es", 8, "Pedro"),
    ],
)
def test_someone_taking_over_an_open_task_is_given_it(
    text: str, language: str, number: int, assignee: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["number"], intent["assignee"]) == (
        "edit_task",
        number,
        assignee,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Tom, take over the front desk at 3",  # no open task is the front desk
        "María, hazte cargo de la caja esta tarde",
    ],
)
def test_taking_over_work_no_open_task_fits_is_new_work(text: str) -> None:
    assert read(text, "es" if "hazte" in text else "en")["kind"] == "create_task"


def test_asking_whether_someone_takes_a_task_over_changes_nothing() -> None:
    assert read("is Maria taking over the fridge?")["kind"] != "edit_task"


def test_of_several_tasks_the_words_fit_the_one_held_by_whom_it_is_taken_from() -> None:
    case = Case("", "en", "admin", "")
    context = eval_context(case)
    tom_s = TaskRef(9, "defrost the freezer", "Tom Baker", None, False, False)
    context = replace(context, tasks=(*context.tasks, tom_s))
    text = "Maria, take over the freezer from Tom"
    intent = RuleEngine().understand(text, context).intent
    assert (intent.kind, getattr(intent, "number", None)) == ("edit_task", 9)
