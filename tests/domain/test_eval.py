from __future__ import annotations

from pathlib import Path

import pytest

from minkops.domain.intents import Understood, Unknown
from minkops.domain.rules import RuleEngine
from minkops.domain.understanding import UnderstandingContext
from minkops.eval import Case, evaluate, format_report, load_cases, main


def test_rule_engine_scores_at_least_90_percent() -> None:
    cases = load_cases()
    assert len(cases) >= 100
    assert {case.language for case in cases} == {"en", "es"}
    report = evaluate(RuleEngine(), cases)
    assert report.accuracy >= 0.9, format_report(report)


class _Shrug:
    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        return Understood(language=context.language, intent=Unknown())


def test_report_counts_kind_and_fields() -> None:
    cases = [
        Case("the fridge is broken", "en", "staff", "unknown"),
        Case("done 3", "en", "staff", "complete_task", {"number": 3}),
    ]
    report = evaluate(_Shrug(), cases)
    assert report.accuracy == 0.5
    assert report.by_kind() == {"complete_task": (0, 1), "unknown": (1, 1)}
    assert "kind 'unknown' != 'complete_task'" in format_report(report)
    wrong_field = evaluate(
        RuleEngine(), [Case("done 4", "en", "staff", "complete_task", {"number": 3})]
    )
    assert wrong_field.accuracy == 0.0


def test_main_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(
        'text,language,role,expected_kind,expected\ndone 3,en,staff,complete_task,"{""number"": 3}"\n'
        "hola,es,staff,complete_task,\n",
        encoding="utf-8",
    )
    assert main(["--cases", str(cases), "--min-accuracy", "0.5"]) == 0
    assert main(["--cases", str(cases), "--min-accuracy", "90"]) == 1
    assert main(["--engine", "nonexistent"]) == 2
    assert "overall" in capsys.readouterr().out
