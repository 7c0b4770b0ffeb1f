"""General rules added so the rule engine reads messages nobody tuned it on (issue 9).

One test per rule; each goes red when its rule is taken out.
"""

from __future__ import annotations

from typing import Any

import pytest

from minkops.domain.rules import RuleEngine
from minkops.domain.rules_text import Text, fix_typos
from minkops.eval import Case, eval_context


def read(text: str, language: str = "en", role: str = "admin") -> dict[str, Any]:
    understood = RuleEngine().understand(text, eval_context(Case(text, language, role, "")))
    assert understood.language == language
    return understood.intent.model_dump(mode="json", exclude_none=True)


@pytest.mark.parametrize(
    ("written", "meant"),
    [("tomorow", "tomorrow"), ("remidn", "remind"), ("tadk", "task"), ("hceho", "hecho")],
)
def test_a_slip_of_the_finger_is_repaired(written: str, meant: str) -> None:
    assert fix_typos(Text.of(written)).folded == meant


@pytest.mark.parametrize(
    "word", ["talk", "tarta", "dona", "eliminar", "reminded", "domingos", "minutos"]
)
def test_another_word_or_an_inflection_is_not_a_typo(word: str) -> None:
    assert fix_typos(Text.of(word)).folded == word


def test_content_words_survive_typo_repair() -> None:
    intent = read("dentro de 10 minutos recuérdame sacar la tarta", "es")
    assert intent["text"] == "sacar la tarta"


def test_a_weekday_after_del_or_of_names_a_thing_not_a_time() -> None:
    intent = read("Pedro tiene que preparar el pedido del lunes el viernes a las 10", "es")
    assert intent["title"] == "preparar el pedido del lunes"
    assert intent["due"] == "2025-03-28T10:00:00+01:00"
