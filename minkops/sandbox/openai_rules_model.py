"""A "model" for the OpenAI stand-in that answers with our own rule engine.

With it, `minkops dev` exercises the whole OpenAI path (prompt, Structured Outputs, parsing,
validation) with no scripts and no key: the context is read back from the <facts> block of
the system prompt, earlier turns from the prior messages.

    OpenAIStandIn(key, answer_unscripted=rules_model)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from minkops.ai.prompt import read_facts
from minkops.domain.rules import RuleEngine
from minkops.domain.understanding import Turn
from minkops.sandbox.openai_script import StandInRequest, message_text
from minkops.sandbox.openai_wire import ApiError

_ENGINE = RuleEngine()


def rules_model(request: StandInRequest) -> dict[str, Any]:
    """The chat answer (an `Understood` as JSON) for a MinkOps understanding request."""
    messages = request.messages
    if not messages or messages[0].get("role") != "system" or messages[-1].get("role") != "user":
        raise ApiError(400, "OpenAI stand-in rules model: expected system, …, user messages.")
    _check_schema(request.json or {})
    try:
        context = read_facts(message_text(messages[0]))
    except (ValueError, KeyError, TypeError) as error:
        raise ApiError(
            400, f"OpenAI stand-in rules model: no usable <facts> in the prompt ({error})."
        ) from None
    history = tuple(_turn(message) for message in messages[1:-1])
    context = replace(context, history=history)
    understood = _ENGINE.understand(message_text(messages[-1]), context)
    result: dict[str, Any] = json.loads(understood.model_dump_json())
    return result


def _turn(message: Mapping[str, Any]) -> Turn:
    role = message.get("role")
    if role not in ("user", "assistant"):
        raise ApiError(400, f"OpenAI stand-in rules model: unexpected {role!r} message.")
    return Turn(role, message_text(message))


def _check_schema(body: Mapping[str, Any]) -> None:
    response_format = body.get("response_format")
    spec = response_format.get("json_schema") if isinstance(response_format, Mapping) else None
    if not isinstance(spec, Mapping) or spec.get("name") != "Understood":
        raise ApiError(
            400, "OpenAI stand-in rules model: answers only the Understood response format."
        )
