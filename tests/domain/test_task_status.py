"""Questions about where one open task stands."""

from __future__ import annotations

import pytest

from minkops.domain import intents as i
from tests.domain.test_generalization import read
from tests.domain.test_handlers import ANA, JUAN, SAM, run, state, task


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("has anyone done the monthly inventory yet?", "en", 4),
        ("who's on the freezer temperature?", "en", 3),
        ("is the sink plumber sorted?", "en", 5),
        ("¿quién lleva lo de la campana extractora?", "es", 7),
        ("¿ya está revisado el stock de vino?", "es", 8),
    ],
)
def test_a_question_about_one_open_task_asks_where_it_stands(
    text: str, language: str, number: int
) -> None:
    assert read(text, language) == {"kind": "task_status", "number": number}


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("ya está revisado el stock de vino", "es", "complete_task"),  # a report, not asked
        ("who's got my reading glasses?", "en", "unknown"),  # fits no task
        ("who has the phone for the van?", "en", "unknown"),  # one synonym ("call") is not enough
    ],
)
def test_a_report_or_a_question_about_no_task_is_not_a_status_question(
    text: str, language: str, kind: str
) -> None:
    assert read(text, language)["kind"] == kind


def test_the_status_says_the_task_is_open_with_whom_and_when_or_that_nothing_open_fits() -> None:
    s = state(task(1, JUAN), task(2, SAM))
    open_one = run(s, ANA, i.TaskStatus(number=1)).sends()[0].body
    assert "#1" in open_one and "Juan Pérez" in open_one and "sigue abierta" in open_one
    gone = run(s, ANA, i.TaskStatus(description="el pedido de harina")).sends()[0].body
    assert "el pedido de harina" in gone and "ya se hizo o se canceló" in gone
    missing = run(s, ANA, i.TaskStatus(number=9)).sends()[0].body
    assert "#9" in missing


def test_a_status_question_naming_the_task_word_asks_about_that_task_not_for_the_list() -> None:
    assert read("is the plumber task sorted yet?") == {"kind": "task_status", "number": 5}
    assert read("how are we getting on with the inventory?") == {"kind": "task_status", "number": 4}
