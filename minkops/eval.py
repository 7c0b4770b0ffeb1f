"""Score an understanding engine against the evaluation tables in eval/.

Twenty-three tables, each printed per intent: `utterances.csv` (written next to the rules),
`tuning.csv` (natural messages by someone who never read the rules; tune on it),
`probes.csv` (messages in the issue's styles, written before the rules2 changes; tune
on it), `fresh.csv` (natural messages written without reading the rules; tune on it),
`fresh2.csv` (natural messages with every field the message determines, written without
reading the rules; tune on it), `fresh3.csv` (natural messages by a third author, every
kind in English and Spanish, written without reading the rules; tune on it),
`fresh4.csv` (natural messages by a fourth author, weighted towards tasks, reminders,
edits and questions, written without reading the rules; tune on it), `fresh5.csv` and
`fresh6.csv` (a fifth and a sixth author, the sixth writing like voice-note transcripts in
Mexican and Rioplatense Spanish and Irish English; tune on them), `fresh7.csv` to
`fresh19.csv` (a seventh to a nineteenth author, each scored before any rule was tuned on
it; tune on them) and `heldout.csv` (the frozen natural set: scored, never tuned on, so
its failures are never listed).

A row passes when the kind, the detected language and every expected field match.
Strings compare case-, accent- and space-insensitively (names are kept "as written",
and speech transcripts differ only in casing); datetimes compare as instants.

    scripts/evaluate [--engine rules|module:factory] [--min-accuracy 0.9] [--cases FILE]
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from minkops.domain.intents import Understood
from minkops.domain.understanding import (
    ReminderRef,
    RosterEntry,
    TaskRef,
    Understanding,
    UnderstandingContext,
)

EngineFactory = Callable[[], Understanding]

ENGINES: dict[str, str] = {
    "rules": "minkops.domain.rules:RuleEngine",
    "openai": "minkops.ai.eval_engine:openai_engine",
}
"""Engine name → "module:factory"."""

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval"
DEFAULT_CASES = EVAL_DIR / "utterances.csv"
TABLES: tuple[tuple[str, Path, bool], ...] = (
    ("utterances (written next to the rules)", EVAL_DIR / "utterances.csv", True),
    ("tuning (natural, may be tuned on)", EVAL_DIR / "tuning.csv", True),
    (
        "probes (written before the rule changes of rules2, may be tuned on)",
        EVAL_DIR / "probes.csv",
        True,
    ),
    (
        "fresh (natural, written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh.csv",
        True,
    ),
    (
        "fresh2 (natural, fields in full, written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh2.csv",
        True,
    ),
    (
        "fresh3 (natural, third author, written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh3.csv",
        True,
    ),
    (
        "fresh4 (natural, fourth author, written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh4.csv",
        True,
    ),
    (
        "fresh5 (natural, fifth author, written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh5.csv",
        True,
    ),
    (
        "fresh6 (natural, sixth author, voice-note transcripts and regional Spanish and"
        " English, written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh6.csv",
        True,
    ),
    (
        "fresh7 (natural, seventh author, written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh7.csv",
        True,
    ),
    (
        "fresh8 (natural, eighth author, weighted towards tasks, reminders and account"
        " requests, written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh8.csv",
        True,
    ),
    (
        "fresh9 (natural, ninth author, weighted towards new tasks and reminders, written"
        " without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh9.csv",
        True,
    ),
    (
        "fresh10 (natural, tenth author, weighted towards new tasks and the account requests,"
        " written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh10.csv",
        True,
    ),
    (
        "fresh11 (natural, eleventh author, weighted towards new tasks, billing and sign-up,"
        " written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh11.csv",
        True,
    ),
    (
        "fresh12 (natural, twelfth author, voice-note transcripts, weighted towards new tasks,"
        " billing and sign-up, written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh12.csv",
        True,
    ),
    (
        "fresh13 (natural, thirteenth author, weighted towards new tasks, written without"
        " reading the rules; may be tuned on)",
        EVAL_DIR / "fresh13.csv",
        True,
    ),
    (
        "fresh14 (natural, fourteenth author, typed in a hurry with typos and fillers, new"
        " tasks and billing weighted up, written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh14.csv",
        True,
    ),
    (
        "fresh15 (natural, fifteenth author, new tasks handed out every way, written without"
        " reading the rules; may be tuned on)",
        EVAL_DIR / "fresh15.csv",
        True,
    ),
    (
        "fresh16 (natural, sixteenth author, billing, reminders and task questions weighted"
        " up, written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh16.csv",
        True,
    ),
    (
        "fresh17 (natural, seventeenth author, voice-note transcripts and rushed typing,"
        " written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh17.csv",
        True,
    ),
    (
        "fresh18 (natural, eighteenth author, new tasks handed out every way with times, and"
        " tasks done, cancelled and changed by description, written without reading the"
        " rules; may be tuned on)",
        EVAL_DIR / "fresh18.csv",
        True,
    ),
    (
        "fresh19 (natural, nineteenth author, billing, plan, reminders and task questions,"
        " written without reading the rules; may be tuned on)",
        EVAL_DIR / "fresh19.csv",
        True,
    ),
    ("heldout (natural, frozen: failures never shown)", EVAL_DIR / "heldout.csv", False),
)
"""Title, file, whether failures may be listed."""

EVAL_TIMEZONE = "Europe/Madrid"
# A Thursday three days before the spring DST change, so "Sunday at 11" crosses it.
EVAL_NOW = datetime(2025, 3, 27, 10, 0, tzinfo=ZoneInfo(EVAL_TIMEZONE))
EVAL_ROSTER: tuple[RosterEntry, ...] = (
    RosterEntry("Ana García", "admin", "es"),
    RosterEntry("Juan Pérez", "staff", "es"),
    RosterEntry("Juan Mora", "staff", "es"),
    RosterEntry("Luis Fernández", "staff", "es"),
    RosterEntry("María López", "staff", "es"),
    RosterEntry("Tom Baker", "staff", "en"),
    RosterEntry("Pedro Sánchez", "staff", "es"),
    RosterEntry("Lucía Gómez", "staff", "es"),
    RosterEntry("João Silva", "staff", "pt"),
    RosterEntry("Claire Martin", "staff", "fr"),
)
EVAL_ADMIN = "Ana García"
EVAL_STAFF_BY_LANGUAGE: dict[str, str] = {
    "en": "Tom Baker",
    "es": "María López",
    "pt": "João Silva",
    "fr": "Claire Martin",
}
"""The tables name a role, not a sender: an admin row is Ana, a staff row a member who
speaks the row's language."""

EVAL_TASKS: tuple[tuple[int, str, str | None], ...] = (
    (1, "clean the fridge", "Juan Pérez"),
    (2, "order milk and coffee beans", "María López"),
    (3, "check the freezer temperature", "Luis Fernández"),
    (4, "do the monthly inventory", "Tom Baker"),
    (5, "call the plumber about the sink", None),
    (6, "mop the terrace", "Juan Mora"),
    (7, "limpiar la campana extractora", "Pedro Sánchez"),
    (8, "revisar el stock de vino", "Lucía Gómez"),
)
"""Open tasks: number, title, assignee. All given by the admin."""

EVAL_REMINDERS: tuple[ReminderRef, ...] = (
    ReminderRef(1, "check the walk-in temperature", ("everyone",), "0 8 * * 1"),
    ReminderRef(2, "preparar las verduras", ("Pedro Sánchez",), "30 7 * * *"),
    ReminderRef(3, "pagar el alquiler", ("Ana García",), "0 9 1 * *"),
    ReminderRef(4, "order vegetables from the market", ("Luis Fernández",), "0 11 * * 5"),
    ReminderRef(5, "call the gas supplier", ("Ana García",), "2025-03-28T12:00:00+01:00"),
)


@dataclass(frozen=True)
class Case:
    text: str
    language: str
    role: str
    expected_kind: str
    expected: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    case: Case
    actual: Understood | None
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Report:
    outcomes: tuple[Outcome, ...]

    @property
    def accuracy(self) -> float:
        if not self.outcomes:
            return 0.0
        return sum(o.passed for o in self.outcomes) / len(self.outcomes)

    def by_kind(self) -> dict[str, tuple[int, int]]:
        """Expected kind → (passed, total)."""
        table: dict[str, tuple[int, int]] = {}
        for outcome in self.outcomes:
            passed, total = table.get(outcome.case.expected_kind, (0, 0))
            table[outcome.case.expected_kind] = (passed + outcome.passed, total + 1)
        return dict(sorted(table.items()))

    @property
    def failures(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.passed)


def load_cases(path: Path = DEFAULT_CASES) -> list[Case]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Case(
                text=row["text"],
                language=row["language"],
                role=row["role"],
                expected_kind=row["expected_kind"],
                expected=json.loads(row["expected"]) if row.get("expected") else {},
            )
            for row in csv.DictReader(handle)
        ]


def eval_sender(case: Case) -> str:
    if case.role == "admin":
        return EVAL_ADMIN
    return EVAL_STAFF_BY_LANGUAGE.get(case.language, EVAL_STAFF_BY_LANGUAGE["en"])


def eval_context(case: Case) -> UnderstandingContext:
    sender = eval_sender(case)
    return UnderstandingContext(
        role="admin" if case.role == "admin" else "staff",
        language=case.language,
        timezone=EVAL_TIMEZONE,
        now=EVAL_NOW,
        roster=EVAL_ROSTER,
        tasks=tuple(
            TaskRef(
                number=number,
                title=title,
                assignee=assignee,
                due=None,
                assigned_to_sender=assignee == sender,
                given_by_sender=sender == EVAL_ADMIN,
            )
            for number, title, assignee in EVAL_TASKS
        ),
        reminders=EVAL_REMINDERS,
    )


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(_same, expected, actual))
    if isinstance(expected, str) and isinstance(actual, str):
        if _is_datetime(expected) and _is_datetime(actual):
            return datetime.fromisoformat(expected) == datetime.fromisoformat(actual)
        return _loose(expected) == _loose(actual)
    return bool(expected == actual)


def _loose(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _is_datetime(value: str) -> bool:
    if len(value) < 16 or value[4:5] != "-" or "T" not in value:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def check(case: Case, actual: Understood) -> tuple[str, ...]:
    problems: list[str] = []
    if actual.intent.kind != case.expected_kind:
        problems.append(f"kind {actual.intent.kind!r} != {case.expected_kind!r}")
    if actual.language != case.language:
        problems.append(f"language {actual.language!r} != {case.language!r}")
    fields = actual.intent.model_dump(mode="json")
    for name, expected in case.expected.items():
        if name not in fields:
            if actual.intent.kind == case.expected_kind:
                problems.append(f"no field {name!r}")
            continue
        if not _same(expected, fields[name]):
            problems.append(f"{name} {fields[name]!r} != {expected!r}")
    return tuple(problems)


def evaluate(engine: Understanding, cases: Sequence[Case]) -> Report:
    outcomes: list[Outcome] = []
    for case in cases:
        try:
            actual = engine.understand(case.text, eval_context(case))
        except Exception as error:  # an engine crash is a failed row, not a failed run
            outcomes.append(Outcome(case, None, (f"raised {type(error).__name__}: {error}",)))
            continue
        outcomes.append(Outcome(case, actual, check(case, actual)))
    return Report(tuple(outcomes))


def format_report(report: Report, *, show_failures: bool = True) -> str:
    lines = [f"{'kind':<18} {'passed':>6} {'total':>6} {'accuracy':>9}"]
    for kind, (passed, total) in report.by_kind().items():
        lines.append(f"{kind:<18} {passed:>6} {total:>6} {passed / total:>9.1%}")
    passed = sum(o.passed for o in report.outcomes)
    lines.append(f"{'overall':<18} {passed:>6} {len(report.outcomes):>6} {report.accuracy:>9.1%}")
    if show_failures and report.failures:
        lines.append("")
        lines.append("failures:")
        for outcome in report.failures:
            lines.append(f"  {outcome.case.text!r}: {'; '.join(outcome.problems)}")
    return "\n".join(lines)


def load_engine(name: str) -> Understanding:
    """An engine by registered name or "module:factory" path."""
    target = ENGINES.get(name, name)
    if ":" not in target:
        known = ", ".join(sorted(ENGINES))
        raise LookupError(f"unknown engine {name!r} (known: {known}; or give module:factory)")
    module_name, _, attribute = target.partition(":")
    factory: EngineFactory = getattr(importlib.import_module(module_name), attribute)
    return factory()


def _fraction(raw: str) -> float:
    value = float(raw)
    return value / 100 if value > 1 else value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="rules", help="rules, or module:factory")
    parser.add_argument(
        "--cases", type=Path, default=None, help="one table (default: every table in eval/)"
    )
    parser.add_argument(
        "--min-accuracy", type=_fraction, default=0.0, help="e.g. 0.9 or 90; exit 1 below it"
    )
    parser.add_argument("--quiet", action="store_true", help="do not list failures")
    args = parser.parse_args(argv)
    try:
        engine = load_engine(args.engine)
    except (LookupError, ImportError, AttributeError) as error:
        print(f"evaluate: {error}", file=sys.stderr)
        return 2
    tables = ((str(args.cases), args.cases, True),) if args.cases is not None else TABLES
    below = False
    for title, path, may_show in tables:
        if not path.exists():
            continue
        report = evaluate(engine, load_cases(path))
        if len(tables) > 1:
            print(f"== {title}: {path.name}")
        print(format_report(report, show_failures=may_show and not args.quiet))
        print()
        if report.accuracy < args.min_accuracy:
            below = True
            print(
                f"evaluate: {path.name}: accuracy {report.accuracy:.1%} is below "
                f"{args.min_accuracy:.1%}",
                file=sys.stderr,
            )
    if below:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
