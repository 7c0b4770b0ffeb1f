"""The 24-hour rule, and that every outbox row kind has a template to go out as."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from minkops.domain import window
from minkops.i18n import SUPPORTED_LANGUAGES
from minkops.templates import VARIABLE, load_templates

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", ["reply", "notice", "reminder", "announcement", "future_kind"])
def test_outside_the_window_every_kind_goes_as_a_template(kind: str) -> None:
    for last in (None, NOW - timedelta(hours=24), NOW - timedelta(days=7)):
        plan = window.plan(kind=kind, as_template=False, speech="hi", last_inbound=last, now=NOW)
        assert plan == window.AsTemplate(kind)


def test_inside_the_window_free_form_with_speech_and_a_63016_retry_is_a_template() -> None:
    recent = NOW - timedelta(hours=23, minutes=59)
    plan = window.plan(
        kind="reminder", as_template=False, speech="hi", last_inbound=recent, now=NOW
    )
    assert plan == window.FreeForm("hi")
    retry = window.plan(kind="reply", as_template=True, speech=None, last_inbound=recent, now=NOW)
    assert retry == window.AsTemplate("reply")


def test_each_kind_maps_to_its_template_and_unknown_kinds_to_the_default() -> None:
    book = load_templates()
    assert book.for_kind("reminder").name == "minkops_reminder"
    assert book.for_kind("notice").name == "minkops_notice"
    assert book.for_kind("announcement").name == "minkops_announcement"
    assert book.for_kind("reply").name == book.for_kind("anything else").name == book.default


def test_templates_carry_one_variable_and_buttons_in_every_language() -> None:
    book = load_templates()
    for spec in book.specs.values():
        for language in SUPPORTED_LANGUAGES:
            content = spec.content(language)
            body = content["types"]["twilio/text"]["body"]
            assert body.count(VARIABLE) == 1 and len(body) > len(VARIABLE) + 5
            assert content["friendly_name"] == f"{spec.name}_{language}"
            if spec.buttons:
                actions = content["types"]["twilio/quick-reply"]["actions"]
                assert {a["id"] for a in actions} == {p for p, _ in spec.buttons}
                assert all(0 < len(a["title"]) <= 20 for a in actions)
    spanish = book.specs["minkops_notice"].content("es")["types"]["twilio/quick-reply"]
    assert [a["title"] for a in spanish["actions"]] == ["Escuchar", "Hecho"]
