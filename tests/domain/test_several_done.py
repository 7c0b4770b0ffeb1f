"""Several task numbers said done in one message."""

from __future__ import annotations

import pytest

from minkops.domain import effects as fx
from minkops.domain import intents as i
from tests.domain.test_generalization import read
from tests.domain.test_handlers import ANA, JUAN, SAM, of, run, state, task


@pytest.mark.parametrize(
    ("text", "language", "numbers"),
    [
        ("finished 2 and 6", "en", [2, 6]),
        ("1, 4 & 8 done", "en", [1, 4, 8]),
        ("terminé la 5 y la 7", "es", [5, 7]),
        ("terminei a 3 e a 4", "pt", [3, 4]),
    ],
)
def test_every_number_listed_as_done_is_closed(
    text: str, language: str, numbers: list[int]
) -> None:
    intent = read(text, language, "staff" if language == "pt" else "admin")
    assert intent["kind"] == "complete_task"
    assert [intent["number"], *intent.get("also", [])] == numbers


def test_a_clock_time_after_the_number_is_not_another_task() -> None:
    assert not read("task 3 done, 4:30 I leave").get("also")


def test_each_number_is_closed_or_said_why_not_in_one_reply() -> None:
    s = state(task(1, JUAN), task(2, SAM), task(3, JUAN))
    outcome = run(s, JUAN, i.CompleteTask(number=1, also=[2, 3, 9]))
    assert sorted(e.number for e in of(outcome, fx.CloseTask)) == [1, 3]
    reply = outcome.sends()[0]
    assert reply.to == JUAN.phone
    assert all(f"#{n}" in reply.body for n in (1, 2, 3, 9))
    assert len([s for s in outcome.sends() if s.to == ANA.phone]) == 2  # the giver, per task
