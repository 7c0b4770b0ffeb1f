"""Shared pieces for the AI tests: an OpenAI stand-in, settings pointing at it, contexts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import openai
import pytest

from minkops.ai.client import make_openai_client
from minkops.domain.understanding import RosterEntry, Turn, UnderstandingContext
from minkops.eval import EVAL_NOW, EVAL_ROSTER, EVAL_TIMEZONE
from minkops.sandbox.openai_api import OpenAIStandInThread
from minkops.settings import OpenAISettings

KEY = "sk-test-ai-0123456789"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class RecordingLog:
    """Stands in for a module's structlog logger: keeps (level, event, fields)."""

    records: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def _record(self, level: str, event: str, **fields: Any) -> None:
        self.records.append((level, event, fields))

    def debug(self, event: str, **fields: Any) -> None:
        self._record("debug", event, **fields)

    def info(self, event: str, **fields: Any) -> None:
        self._record("info", event, **fields)

    def warning(self, event: str, **fields: Any) -> None:
        self._record("warning", event, **fields)

    def events(self, name: str) -> list[dict[str, Any]]:
        return [fields for _, event, fields in self.records if event == name]


def make_settings(base_url: str, **overrides: Any) -> OpenAISettings:
    values: dict[str, Any] = {
        "api_key": KEY,
        "base_url": base_url,
        "model": "gpt-4o-mini",
        "transcription_model": "gpt-4o-mini-transcribe",
        "speech_model": "gpt-4o-mini-tts",
        "timeout_seconds": 5.0,
        "max_retries": 0,
        "history_turns": 6,
        "circuit_failures": 2,
        "circuit_reset_seconds": 30.0,
    }
    values.update(overrides)
    return OpenAISettings(**values)


def make_context(
    role: Literal["admin", "staff"] = "admin",
    language: str = "es",
    history: tuple[Turn, ...] = (),
    roster: tuple[RosterEntry, ...] = EVAL_ROSTER,
) -> UnderstandingContext:
    return UnderstandingContext(
        role=role,
        language=language,
        timezone=EVAL_TIMEZONE,
        now=EVAL_NOW,
        roster=roster,
        history=history,
    )


@pytest.fixture
def openai_server() -> Iterator[OpenAIStandInThread]:
    with OpenAIStandInThread(KEY) as running:
        yield running


@pytest.fixture
def settings(openai_server: OpenAIStandInThread) -> OpenAISettings:
    return make_settings(openai_server.base_url)


@pytest.fixture
def client(settings: OpenAISettings) -> Iterator[openai.OpenAI]:
    with make_openai_client(settings) as sdk:
        yield sdk


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
