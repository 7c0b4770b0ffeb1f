"""Translate an author's few words (a task title, a reminder's text) with OpenAI.

Best effort by design: any failure (no answer, an OpenAI error, the circuit open, an answer
that does not look like a translation of a short note) is None, and the caller quotes the
words as written inside the catalogue's sentence. A notice is never held up or lost for it.

The prompt is static (config/prompts/translate.md) and comes first, so OpenAI caches it as
a prefix; the only thing that varies is one small JSON user message.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import openai
import pydantic

from minkops.ai.circuit import CircuitBreaker
from minkops.ai.prompt import PROMPT_DIR
from minkops.logs import get_logger
from minkops.settings import OpenAISettings

log = get_logger(__name__)

TRANSLATE_PROMPT = "translate.md"
MAX_WORDS = 500
"""As long as a task title or reminder text may be (the database's CHECKs)."""

# What a bare translation of a one-line note never holds: a line break (a second
# "paragraph" is commentary or an added instruction), markup or code fences, a link, or
# the model talking about itself or its task.
_FORBIDDEN = re.compile(
    r"[\r\n<>`{}]|https?://|www\.|\b(?:translat\w*|tradu\w*|ignore|instruction\w*|"
    r"as an ai|assistant|prompt)\b",
    re.IGNORECASE,
)


class Translation(pydantic.BaseModel):
    """The schema the model answers in (Structured Outputs)."""

    model_config = pydantic.ConfigDict(extra="forbid")
    text: str


@dataclass(frozen=True)
class Translated:
    words: str
    tokens: int
    """What OpenAI billed for it (prompt and completion)."""


def acceptable(original: str, answer: str) -> str | None:
    """The answer, trimmed, if it can stand in for `original`; else None.

    Bounded length (a translation of a short note is at most about twice as long, plus a
    little for short words), non-empty, one line, and nothing a translation would not say.
    A word of the original that looks forbidden (a note about "the printer prompt") is
    allowed, since then it was the author's.
    """
    words = " ".join(answer.split()) if "\n" not in answer else ""
    if not words or len(words) > min(MAX_WORDS, 2 * len(original) + 20):
        return None
    for found in _FORBIDDEN.finditer(words):
        if found.group(0).lower() not in original.lower():
            return None
    return words


class Translator:
    """Thread-safe if the client is; shares the circuit with the rest of the OpenAI side."""

    def __init__(
        self,
        client: openai.OpenAI,
        settings: OpenAISettings,
        *,
        circuit: CircuitBreaker,
        prompt_dir: Path = PROMPT_DIR,
    ) -> None:
        self._client = client
        self._model = settings.translation_model
        self.circuit = circuit
        path = prompt_dir / TRANSLATE_PROMPT
        self._prompt = path.read_text(encoding="utf-8")

    def translate(self, words: str, source: str, target: str) -> Translated | None:
        """`words` from `source` into `target` (ISO 639-1), or None: quote them as written."""
        if not words.strip() or len(words) > MAX_WORDS or source == target:
            return None
        if not self.circuit.allow():
            log.info("openai.skipped", api="translation", reason="circuit_open")
            return None
        started = time.perf_counter()
        request = json.dumps({"from": source, "to": target, "text": words}, ensure_ascii=False)
        try:
            completion = self._client.chat.completions.parse(
                model=self._model,
                temperature=0,
                max_completion_tokens=400,  # a 500-character note is ~150 tokens in any of our languages
                messages=[
                    {"role": "system", "content": self._prompt},
                    {"role": "user", "content": request},
                ],
                response_format=Translation,
            )
        except openai.APIError as error:
            self.circuit.record_failure()
            self._log(started, 0, "error", error=type(error).__name__)
            return None
        except (
            openai.LengthFinishReasonError,
            openai.ContentFilterFinishReasonError,
            pydantic.ValidationError,
        ) as error:
            self.circuit.record_success()  # OpenAI answered; the answer is what failed
            self._log(started, 0, "invalid_output", error=type(error).__name__)
            return None
        except BaseException:
            self.circuit.record_failure()  # frees a half-open probe; the error is a bug
            raise
        self.circuit.record_success()
        tokens = completion.usage.total_tokens if completion.usage else 0
        message = completion.choices[0].message if completion.choices else None
        parsed = message.parsed if message is not None and not message.refusal else None
        accepted = acceptable(words, parsed.text) if parsed is not None else None
        if accepted is None:
            self._log(started, tokens, "invalid_output")
            return None
        self._log(started, tokens, "ok")
        return Translated(accepted, tokens)

    def _log(self, started: float, tokens: int, outcome: str, **fields: str) -> None:
        # Never the words: they are message text (DEBUG only, and not even there).
        log.info(
            "openai.call",
            api="translation",
            model=self._model,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            total_tokens=tokens,
            outcome=outcome,
            **fields,
        )
