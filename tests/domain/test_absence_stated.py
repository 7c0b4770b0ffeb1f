"""Where someone is, said after their name, is no order for them."""

from __future__ import annotations

import pytest

from tests.domain.test_generalization import read


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Luis called in sick this morning", "en"),
        ("heads up, Tom is running late", "en"),
        ("Lucía está mala hoy", "es"),
        ("Juan Mora no puede venir mañana", "es"),
    ],
)
def test_someones_absence_is_not_a_task_for_them(text: str, language: str) -> None:
    assert read(text, language)["kind"] != "create_task"


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("pause the veg market reminder, Luis is on holiday", "en", "pause_reminder"),
        ("Tom is going to restock the napkins", "en", "create_task"),
    ],
)
def test_an_absence_given_as_a_reason_or_an_order_about_the_future_still_acts(
    text: str, language: str, kind: str
) -> None:
    assert read(text, language)["kind"] == kind
