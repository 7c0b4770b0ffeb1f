"""Signing up over WhatsApp, step by step, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from minkops.domain.onboarding import Onboarded, SignUp, onboard, timezones_for, wants_sign_up

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
PHONE = "+34611000222"
POLICY = "https://minkops.example/privacy"


def _say(text: str, sign_up: SignUp | None, *, explained: bool = False) -> Onboarded:
    return onboard(PHONE, text, sign_up, explained_today=explained, policy_url=POLICY, now=NOW)


def _walk(*answers: str) -> tuple[Onboarded, list[str]]:
    step = _say("quiero registrarme", None)
    replies = [step.reply or ""]
    for answer in answers:
        assert step.sign_up is not None, replies
        step = _say(answer, step.sign_up)
        replies.append(step.reply or "")
    return step, replies


def test_only_a_stranger_who_asks_signs_up_and_the_rest_get_one_explanation_a_day() -> None:
    hello = _say("hola", None)
    assert hello.sign_up is None and hello.reply and "REGISTRARME" in hello.reply
    assert _say("hola", None, explained=True).reply is None
    assert _say("STOP", None).reply is None  # a stranger's STOP is never answered
    assert wants_sign_up("Sign up") and wants_sign_up("quiero registrarme")
    assert not wants_sign_up("hola") and not wants_sign_up("STOP")


def test_a_whole_sign_up_in_spanish_proposes_country_and_timezone() -> None:
    done, replies = _walk("Pat Ruiz", "Café Sol", "Madrid", "sí", "sí", "pat@sol.es", "sí")
    assert "España" in replies[3] and "1. Europe/Madrid" in replies[4]
    assert POLICY in replies[6] and "18" in replies[6]
    assert done.sign_up is None and done.create is not None
    new = done.create
    assert (new.name, new.owner_name, new.city, new.country, new.timezone, new.email) == (
        "Café Sol", "Pat Ruiz", "Madrid", "ES", "Europe/Madrid", "pat@sol.es",
    )  # fmt: skip
    assert new.language == "es" and new.phone == PHONE
    assert "Pat" in (done.reply or "") and "Café Sol" in (done.reply or "")


def test_answers_are_checked_and_asked_again() -> None:
    step, _ = _walk("Pat", "Café", "Lisboa", "Narnia")
    assert step.sign_up is not None and step.sign_up.step == "country"
    step = _say("Portugal", step.sign_up)
    assert step.sign_up is not None and step.sign_up.answers["country"] == "PT"
    assert step.sign_up.step == "timezone"  # a Spanish number: nothing to propose for PT
    step = _say("Mars/Base", step.sign_up)
    assert step.sign_up is not None and step.sign_up.step == "timezone"
    step = _say("europe/lisbon", step.sign_up)
    assert step.sign_up is not None and step.sign_up.answers["timezone"] == "Europe/Lisbon"
    step = _say("not an email", step.sign_up)
    assert step.sign_up is not None and step.sign_up.step == "email"


def test_under_18_is_told_kindly_and_nothing_is_kept() -> None:
    refused, replies = _walk("Pat", "Café", "Madrid", "sí", "sí", "pat@sol.es", "no")
    assert refused.sign_up is None and refused.create is None and refused.forget
    assert "18" in replies[-1]


def test_a_sign_up_left_for_a_day_is_forgotten() -> None:
    step = _say("sign up", None)
    assert step.sign_up is not None
    later = onboard(
        PHONE,
        "Pat",
        step.sign_up,
        explained_today=True,
        policy_url=POLICY,
        now=NOW + timedelta(hours=25),
    )
    assert later.sign_up is None and later.create is None


def test_the_city_picks_the_zone_among_the_numbers() -> None:
    assert timezones_for(PHONE, "ES", "Madrid")[0] == "Europe/Madrid"
    assert timezones_for(PHONE, "FR", "Paris") == []
