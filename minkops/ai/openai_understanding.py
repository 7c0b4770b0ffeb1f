"""Understanding with OpenAI Structured Outputs, falling back to another engine.

The model proposes an `Understood`; nothing it says becomes an action unless it parses,
passes `validate_intent` and then the domain's own checks. Output that fails becomes a
clarifying question; an unreachable OpenAI becomes the fallback engine's answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openai
import pydantic
from openai.types.chat import ChatCompletionMessageParam, ParsedChatCompletion
from openai.types.completion_usage import CompletionUsage

from minkops.ai.circuit import CircuitBreaker
from minkops.ai.messages import Message, language_of, say
from minkops.ai.prompt import PROMPT_DIR, SystemPrompt
from minkops.domain.intents import Clarify, IntentError, Understood, Unknown, validate_intent
from minkops.domain.understanding import Read, Understanding, UnderstandingContext
from minkops.logs import get_logger
from minkops.settings import OpenAISettings

log = get_logger(__name__)

_LANGUAGE = re.compile(r"^([a-z]{2})(?:[-_].*)?$")


class OpenAIUnderstanding:
    """Implements `Understanding`. Thread-safe if the client and fallback are."""

    def __init__(
        self,
        client: openai.OpenAI,
        settings: OpenAISettings,
        fallback: Understanding,
        *,
        prompt_dir: Path = PROMPT_DIR,
        clock: Callable[[], float] = time.monotonic,
        circuit: CircuitBreaker | None = None,
    ) -> None:
        self._client = client
        self._settings = settings
        self._fallback = fallback
        self._prompt = SystemPrompt.load(prompt_dir)
        self.circuit = circuit or CircuitBreaker(
            "openai", settings.circuit_failures, settings.circuit_reset_seconds, clock=clock
        )

    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        return self.read(text, context).understood

    def read(self, text: str, context: UnderstandingContext) -> Read:
        """The understood message and the tokens OpenAI billed for it (0 when not asked)."""
        messages = self.messages(text, context)  # before the circuit: a bad context is ours
        if not self.circuit.allow():
            log.info("openai.skipped", model=self._settings.model, reason="circuit_open")
            return Read(self._fall_back(text, context))
        started = time.perf_counter()
        try:
            completion = self._client.chat.completions.parse(
                model=self._settings.model,
                messages=messages,
                response_format=Understood,
            )
        except openai.APIError as error:
            # Raised after the SDK's own retries: OpenAI is failing, not this message.
            self.circuit.record_failure()
            self._log(started, None, "error", error=type(error).__name__, status=_status(error))
            return Read(self._fall_back(text, context))
        except (openai.LengthFinishReasonError, openai.ContentFilterFinishReasonError) as error:
            self.circuit.record_success()
            usage = error.completion.usage if error.completion else None
            self._log(started, usage, "invalid_output", error=type(error).__name__)
            return Read(self._clarify("rephrase", text, context), _tokens(usage))
        except pydantic.ValidationError:
            self.circuit.record_success()  # OpenAI answered; the answer is what failed
            self._log(started, None, "invalid_output", error="ValidationError")
            return Read(self._clarify("rephrase", text, context))
        except BaseException:
            self.circuit.record_failure()  # frees a half-open probe; the error is a bug
            raise
        self.circuit.record_success()
        understood = self._accept(completion, started, text, context)
        return Read(understood, _tokens(completion.usage))

    def messages(
        self, text: str, context: UnderstandingContext
    ) -> list[ChatCompletionMessageParam]:
        """The system prompt, the last `history_turns` turns, then the message itself."""
        turns = self._settings.history_turns
        history = context.history[-turns:] if turns else ()
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": self._prompt.render(context)}
        ]
        for turn in history:
            if turn.role == "user":
                messages.append({"role": "user", "content": turn.text})
            else:
                messages.append({"role": "assistant", "content": turn.text})
        messages.append({"role": "user", "content": text})
        return messages

    def _accept(
        self,
        completion: ParsedChatCompletion[Understood],
        started: float,
        text: str,
        context: UnderstandingContext,
    ) -> Understood:
        message = completion.choices[0].message if completion.choices else None
        parsed = message.parsed if message is not None else None
        if message is None or message.refusal or parsed is None:
            self._log(started, completion.usage, "refusal")
            return self._clarify("rephrase", text, context)
        try:
            validate_intent(parsed.intent)
        except IntentError as error:
            self._log(started, completion.usage, "invalid_intent", kind=parsed.intent.kind)
            log.debug("openai.invalid_intent", reason=str(error))
            return self._clarify("rephrase", text, context)
        language = _language_code(parsed.language) or language_of(text, context.language)
        if isinstance(parsed.intent, Clarify) and not parsed.intent.question.strip():
            self._log(started, completion.usage, "invalid_intent", kind="clarify")
            return self._clarify("rephrase", text, context)
        self._log(started, completion.usage, "ok", kind=parsed.intent.kind)
        return Understood(language=language, intent=parsed.intent)

    def _fall_back(self, text: str, context: UnderstandingContext) -> Understood:
        answer = self._fallback.understand(text, context)
        if isinstance(answer.intent, Unknown):
            return Understood(
                language=answer.language,
                intent=Clarify(question=say(answer.language, "try_again")),
            )
        return answer

    def _clarify(self, message: Message, text: str, context: UnderstandingContext) -> Understood:
        language = language_of(text, context.language)
        return Understood(language=language, intent=Clarify(question=say(language, message)))

    def _log(
        self, started: float, usage: CompletionUsage | None, outcome: str, **fields: Any
    ) -> None:
        log.info(
            "openai.call",
            api="chat.completions",
            model=self._settings.model,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            prompt_tokens=usage.prompt_tokens if usage else None,
            completion_tokens=usage.completion_tokens if usage else None,
            total_tokens=usage.total_tokens if usage else None,
            outcome=outcome,
            **fields,
        )


def _tokens(usage: CompletionUsage | None) -> int:
    """What OpenAI bills for a call: its prompt and completion tokens together."""
    return usage.total_tokens if usage is not None else 0


def _status(error: openai.APIError) -> int | None:
    return error.status_code if isinstance(error, openai.APIStatusError) else None


def _language_code(raw: str) -> str | None:
    """'es', 'es-ES', 'ES' → 'es'; anything else (e.g. 'Spanish') → None."""
    match = _LANGUAGE.match(raw.strip().lower())
    return match.group(1) if match else None
