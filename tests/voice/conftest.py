"""Shared pieces for the voice tests: ffprobe on real output, an OpenAI stand-in."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from minkops.ai.client import make_openai_client
from minkops.sandbox.openai_api import OpenAIStandInThread
from minkops.settings import OpenAISettings

KEY = "sk-test-voice-0123456789"


def ffprobe(data: bytes, directory: Path, name: str = "note") -> dict[str, Any]:
    """ffprobe's view of `data` (from a file, so that the container's duration is known)."""
    path = directory / name
    path.write_bytes(data)
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        check=True,
        timeout=30,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def openai_settings(base_url: str, **overrides: Any) -> OpenAISettings:
    values: dict[str, Any] = {
        "api_key": KEY,
        "base_url": base_url,
        "model": "gpt-4o-mini",
        "transcription_model": "gpt-4o-mini-transcribe",
        "speech_model": "gpt-4o-mini-tts",
        "timeout_seconds": 10.0,
        "max_retries": 0,
        "history_turns": 6,
        "circuit_failures": 2,
        "circuit_reset_seconds": 30.0,
    }
    values.update(overrides)
    return OpenAISettings(**values)


@pytest.fixture
def openai_server() -> Iterator[OpenAIStandInThread]:
    with OpenAIStandInThread(KEY, speech_language="es") as running:
        yield running


@pytest.fixture
def settings(openai_server: OpenAIStandInThread) -> OpenAISettings:
    return openai_settings(openai_server.base_url)


@pytest.fixture
def client(settings: OpenAISettings) -> Iterator[openai.OpenAI]:
    with make_openai_client(settings) as sdk:
        yield sdk
