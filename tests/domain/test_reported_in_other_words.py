"""Work reported done in words no open task uses: asked about, not "I didn't understand"."""

from __future__ import annotations

import pytest

from minkops.domain import effects as fx
from minkops.domain import intents as i
from tests.domain.test_generalization import read
from tests.domain.test_handlers import ANA, JUAN, of, run, state, task


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("terminei a arrumação", "pt"),
        ("j'ai fini le rangement", "fr"),
        ("finished the hoovering", "en"),
    ],
)
def test_a_short_report_of_work_no_task_names_is_still_a_report(text: str, language: str) -> None:
    intent = read(text, language, "staff")
    assert intent["kind"] == "complete_task" and intent.get("description")


def test_of_the_few_tasks_open_the_sender_is_asked_which_one_was_done() -> None:
    s = state(task(1, JUAN), task(2, JUAN))
    asked = run(s, JUAN, i.CompleteTask(description="la arrumação"))
    assert of(asked, fx.CloseTask) == []
    assert asked.question is not None and asked.question.field == "number"
    body = asked.sends()[0].body
    assert "#1" in body and "#2" in body and "arrumação" in body


def test_with_many_tasks_open_a_report_no_task_fits_says_so() -> None:
    s = state(*(task(n, None) for n in range(1, 8)))
    body = run(s, ANA, i.CompleteTask(description="la arrumação")).sends()[0].body
    assert "arrumação" in body and "#1" not in body
