"""The catalogues hold what people need: every key where it must be, placeholders intact,
and every key the code uses."""

from __future__ import annotations

import textwrap
import typing
from pathlib import Path

import pytest

import minkops
from minkops.domain import intents
from minkops.domain.models import Role
from minkops.i18n import SUPPORTED_LANGUAGES, read_catalogue
from minkops.i18n.tools import (
    COMPLETE_LANGUAGES,
    KeyUse,
    entries,
    keys_in_code,
    missing_keys,
    placeholder_mismatches,
    shape_problems,
    staff_keys,
    stale_keys,
    update,
)

from .conftest import Edit

PACKAGE = Path(minkops.__file__).parent
OTHERS = [language for language in SUPPORTED_LANGUAGES if language not in COMPLETE_LANGUAGES]
# What staff receive, which the brief names, so that dropping the flag is noticed too.
STAFF_MUST_HAVE = {
    "help_staff",
    "task_assigned",
    "task_due",
    "task_created",
    "tasks_header_mine",
    "tasks_line",
    "tasks_none",
    "tasks_more",
    "task_done",
    "task_done_notify",
    "today",
    "tomorrow",
    "stop_confirmed",
    "start_confirmed",
    "reminder",
    "task_changed",
}


@pytest.mark.parametrize("language", COMPLETE_LANGUAGES)
def test_english_and_spanish_have_every_key(language: str) -> None:
    assert missing_keys(language) == []


@pytest.mark.parametrize("language", OTHERS)
def test_portuguese_and_french_have_every_key_staff_receive(language: str) -> None:
    assert missing_keys(language) == []


def test_the_staff_keys_include_what_staff_are_sent() -> None:
    assert staff_keys() >= STAFF_MUST_HAVE
    # And admin-only texts are not forced on translators.
    assert "help_admin" not in staff_keys() and "member_added" not in staff_keys()


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_translations_use_the_placeholders_english_does(language: str) -> None:
    assert placeholder_mismatches(language) == []


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_entries_are_flagged_commented_and_plural_where_english_is(language: str) -> None:
    assert shape_problems(language) == []
    assert stale_keys(language) == []


def test_a_missing_or_fuzzy_entry_is_reported(edit: Edit) -> None:
    edit("pt", "task_assigned", delete=True)
    edit("fr", "stop_confirmed", fuzzy=True)
    edit("es", "help_admin", "")
    assert missing_keys("pt") == ["task_assigned"]
    assert missing_keys("fr") == ["stop_confirmed"]
    assert missing_keys("es") == ["help_admin"]


def test_a_placeholder_typo_is_reported(edit: Edit) -> None:
    edit("fr", "task_done", "👍 Tâche #{nombre} terminée : {title}.")
    edit("es", "tasks_more", ("…y una más.", "…y {count} más.", "…y {count} más."))
    edit("pt", "tasks_more", ("…e mais {count} tarefa.", "…e mais tarefas.", "…e mais tarefas."))
    problems = [p.split(":")[0] for p in placeholder_mismatches("fr")]
    assert problems == ["fr task_done"]
    assert placeholder_mismatches("es") == []  # 'one' may leave {count} out
    # 'other', the last form, may not (the 'many' form before it may, like 'one').
    assert placeholder_mismatches("pt") == [
        "pt tasks_more: placeholders [] but English has ['{count}']"
    ]


def test_every_key_the_code_uses_is_in_english() -> None:
    english = set(entries(read_catalogue("en")))
    uses = keys_in_code(PACKAGE)
    literal = {use.key for use in uses if not use.dynamic}
    assert len(literal) >= 45, "the scan found too little to be trusted"
    assert {"help_staff", "ask_task_title", "try_again", "media_unsupported", "today"} <= literal
    unknown = [use for use in uses if not use.dynamic and use.key not in english]
    assert unknown == []
    # Keys built at run time: each prefix has its own test below.
    assert {use.key for use in uses if use.dynamic} == {"role_", "intent_"}


def test_every_role_has_a_name() -> None:
    english = set(entries(read_catalogue("en")))
    assert {f"role_{role}" for role in typing.get_args(Role)} <= english


def test_intent_descriptions_name_real_intents() -> None:
    kinds = set(typing.get_args(intents.IntentKind))
    described = {
        k.removeprefix("intent_") for k in entries(read_catalogue("en")) if k.startswith("intent_")
    }
    assert described <= kinds
    # Everything act() answers with "not yet" today.
    assert {"create_reminder", "usage", "stop_messages", "export_data", "delete_data"} <= described


def test_the_scan_follows_helpers_variables_and_dicts(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "code.py").write_text(
        textwrap.dedent(
            """
            DAYS = {0: "today", 1: "tomorrow"}

            def _ask(language, key):
                return say(language, key)

            class Actor:
                def _reply_only(self, flight, key):
                    self.send(_ask(flight.language, key))

                def handle(self, flight, admin, days):
                    self._reply_only(flight, "media_unsupported")
                    key = "help_admin" if admin else "help_staff"
                    say(flight.language, key)
                    translate("en", DAYS.get(days), time="9")
                    say("en", f"role_{flight.role}")
            """
        )
    )
    found = {(use.key, use.dynamic) for use in keys_in_code(package)}
    assert found == {
        ("media_unsupported", False),
        ("help_admin", False),
        ("help_staff", False),
        ("today", False),
        ("tomorrow", False),
        ("role_", True),
    }
    assert all(isinstance(use, KeyUse) for use in keys_in_code(package))


def test_update_gives_every_catalogue_the_english_keys_and_drops_the_rest(
    catalogues: Path, edit: Edit
) -> None:
    edit("en", "stranger", delete=True)
    edit("pt", "task_changed", delete=True)
    report = update(SUPPORTED_LANGUAGES)
    assert "pt: added ['task_changed'], dropped ['stranger']" in report
    portuguese = entries(read_catalogue("pt"))
    assert "stranger" not in portuguese and portuguese["task_changed"].string == ""
    assert missing_keys("pt") == ["task_changed"]  # a staff key: added, still to translate
    assert "staff" in portuguese["task_changed"].flags  # flags follow English
