"""The words the help shows are words MinkOps reads: each command after a bullet, and the
word in quotes of "I didn't understand", in every language, read by the rule engine as
what the line says it does."""

from __future__ import annotations

import re

import pytest

from minkops.domain.replies import say
from minkops.domain.rules import RuleEngine
from minkops.eval import Case, eval_context
from minkops.i18n import SUPPORTED_LANGUAGES

STAFF_LINES = ("list_tasks", "complete_task", "create_task", "help")
"""What each bullet of help_staff does, in the order every catalogue gives them."""


def _read(text: str, language: str) -> str:
    context = eval_context(Case(text, language, "staff", ""))
    return RuleEngine().understand(text, context).intent.kind


def _commands(help_text: str) -> list[str]:
    return [line[2:].partition(" — ")[0] for line in help_text.splitlines() if line[:2] == "• "]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_each_command_in_the_staff_help_is_read_as_what_it_says(language: str) -> None:
    commands = _commands(say(language, "help_staff", name="Tom", org="Café"))
    assert [_read(command, language) for command in commands] == list(STAFF_LINES)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_word_offered_when_nothing_was_understood_gets_the_help(language: str) -> None:
    (word,) = re.findall(r"[\"«“]\s*([^\"»”]+?)\s*[\"»”]", say(language, "unknown"))
    assert _read(word, language) == "help"


PRIVACY_WORDS = {"export_data", "correct_data", "delete_data"}


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_rights_the_privacy_answer_names_are_in_words_that_exercise_them(
    language: str,
) -> None:
    said = say(language, "privacy_info", org="Café", hours=24, days=30, url="https://x")
    quoted = re.findall(r"\"([^\"]+)\"", said)
    readable = [words for words in quoted if "…" not in words]
    assert readable, said
    assert {_read(words, language) for words in readable} <= PRIVACY_WORDS
    assert {"export_data", "delete_data"} <= {_read(words, language) for words in readable}


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_staff_told_the_account_is_an_admins_are_given_words_that_erase_their_own_data(
    language: str,
) -> None:
    (words,) = re.findall(r"\"([^\"]+)\"", say(language, "account_close_admin_only", org="Café"))
    assert _read(words, language) == "delete_data"
