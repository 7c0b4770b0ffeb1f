"""The stand-in's opt-in rule-based model, and the OpenAI engine for the evaluation."""

from __future__ import annotations

import openai
import pytest

from minkops import eval as evaluation
from minkops.ai.eval_engine import openai_engine
from minkops.ai.openai_understanding import OpenAIUnderstanding
from minkops.domain.intents import Clarify, IntentError, Understood, validate_intent
from minkops.domain.rules import RuleEngine
from minkops.domain.understanding import Turn, UnderstandingContext
from minkops.sandbox.openai_api import CHAT_PATH, OpenAIStandInThread
from minkops.sandbox.openai_rules_model import rules_model
from minkops.settings import OpenAISettings
from tests.ai.conftest import KEY, FakeClock, make_context


class MustNotFallBack:
    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        raise AssertionError(f"the fallback engine was asked about {text!r}")


@pytest.fixture
def ruled_server(openai_server: OpenAIStandInThread) -> OpenAIStandInThread:
    openai_server.standin.answer_unscripted = rules_model
    return openai_server


def test_every_eval_case_round_trips_through_the_openai_path(
    ruled_server: OpenAIStandInThread, client: openai.OpenAI, settings: OpenAISettings
) -> None:
    """Prompt facts, schema, parsing and validation lose nothing the rule engine decided."""
    ai = OpenAIUnderstanding(client, settings, MustNotFallBack(), clock=FakeClock())
    rules = RuleEngine()
    cases = evaluation.load_cases()
    assert len(cases) > 50

    for case in cases:
        context = evaluation.eval_context(case)
        direct = rules.understand(case.text, context)
        via_openai = ai.understand(case.text, context)
        try:
            validate_intent(direct.intent)
        except IntentError:
            assert isinstance(via_openai.intent, Clarify), case.text
        else:
            assert via_openai == direct, case.text


def test_scripts_still_win_and_history_reaches_the_rules(
    ruled_server: OpenAIStandInThread, client: openai.OpenAI, settings: OpenAISettings
) -> None:
    ruled_server.standin.script_chat("ayuda", {"language": "es", "intent": {"kind": "usage"}})
    ai = OpenAIUnderstanding(client, settings, MustNotFallBack(), clock=FakeClock())
    history = (Turn("user", "remind Tom to lock up"), Turn("assistant", "When?"))

    scripted = ai.understand("ayuda", make_context())
    follow_up = ai.understand("at 6pm", make_context(language="en", history=history))

    assert scripted.intent.kind == "usage"
    assert follow_up == RuleEngine().understand("at 6pm", make_context(history=history))
    assert len(ruled_server.standin.requests(CHAT_PATH)) == 2


def test_the_rules_model_answers_only_understanding_requests(
    ruled_server: OpenAIStandInThread, client: openai.OpenAI
) -> None:
    with pytest.raises(openai.BadRequestError, match="rules model"):
        client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hello"}]
        )


def test_the_eval_engine_needs_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINKOPS_CONFIG", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "")

    with pytest.raises(LookupError, match="OPENAI_API_KEY"):
        openai_engine()


def test_the_evaluation_prints_its_table_for_the_openai_engine(
    ruled_server: OpenAIStandInThread,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("MINKOPS_CONFIG", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", ruled_server.base_url)

    cases = str(evaluation.DEFAULT_CASES)
    openai_engine = "minkops.ai.eval_engine:openai_engine"
    assert evaluation.main(["--engine", openai_engine, "--quiet", "--cases", cases]) == 0
    via_openai = capsys.readouterr().out
    assert evaluation.main(["--engine", "rules", "--quiet", "--cases", cases]) == 0
    direct = capsys.readouterr().out

    assert via_openai.splitlines()[0].split() == ["kind", "passed", "total", "accuracy"]
    assert "overall" in via_openai
    assert len(ruled_server.standin.requests(CHAT_PATH)) == len(evaluation.load_cases())
    assert via_openai == direct  # the same rules underneath, so the same table
