"""Several orders in one message, each for its own people, read as one task each."""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.test_generalization import read


def orders(intent: dict[str, Any]) -> list[tuple[str, list[str]]]:
    first = (intent["title"], intent["assignees"])
    return [first, *((o["title"], o["assignees"]) for o in intent.get("also", []))]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Tom, sweep the yard. Luis, restock the napkins",
            "en",
            [("sweep the yard", ["Tom"]), ("restock the napkins", ["Luis"])],
        ),
        (
            "juan mora wipe the tables and maria empty the dishwasher",
            "en",
            [("wipe the tables", ["juan mora"]), ("empty the dishwasher", ["maria"])],
        ),
        (
            "Lucía riega las macetas, Pedro barre la entrada y Tom cierra la caja",
            "es",
            [
                ("regar las macetas", ["Lucía"]),
                ("barrer la entrada", ["Pedro"]),
                ("cerrar la caja", ["Tom"]),
            ],
        ),
    ],
)
def test_orders_for_different_people_are_one_task_each(
    text: str, language: str, expected: list[tuple[str, list[str]]]
) -> None:
    intent = read(text, language)
    assert intent["kind"] == "create_task"
    assert orders(intent) == expected


def test_each_order_keeps_its_own_time() -> None:
    intent = read("Tom defrost the freezer at 4, Luis call the bakery tomorrow at 9")
    assert intent["due"].startswith("2025-03-27T16:00")
    assert intent["also"][0]["due"].startswith("2025-03-28T09:00")


@pytest.mark.parametrize(
    "text",
    [
        "Tom, clean the oven and Luis will give you a hand",  # how, not a second order
        "Pedro no sorry, Lucía, bring the chairs in",  # the first name taken back
        "Maria, actually no, Juan Mora - fold the napkins for tonight",
        "Tom and Luis, bring the chairs in",  # one order for two
        "Tom, fold the towels, Tom, the bathrobes too",  # one person twice
    ],
)
def test_one_order_stays_one(text: str) -> None:
    assert not read(text).get("also")
