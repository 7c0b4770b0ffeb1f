"""Chat Completions for the stand-in: request checks and the chat.completion object."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Mapping
from typing import Any

from minkops.sandbox.openai_script import Refusal, message_text
from minkops.sandbox.openai_wire import ApiError, estimate_tokens, invalid_type, missing_parameter

ChatAnswer = Mapping[str, Any] | str | Refusal

_ROLES = ("system", "developer", "user", "assistant", "tool", "function")
_FORMATS = ("text", "json_object", "json_schema")
_SCHEMA_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def check_chat_request(body: Mapping[str, Any]) -> None:
    """Reject what OpenAI rejects, with OpenAI's wording, so tests see real failures."""
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise ApiError(400, "you must provide a model parameter")
    messages = body.get("messages")
    if messages is None:
        raise missing_parameter("messages")
    if not isinstance(messages, list):
        raise invalid_type("messages", "an array")
    if not messages:
        raise ApiError(
            400,
            "Invalid 'messages': empty array. Expected an array with minimum length 1, "
            "but got an empty array instead.",
            param="messages",
            code="empty_array",
        )
    for index, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise invalid_type(f"messages[{index}]", "an object")
        if message.get("role") not in _ROLES:
            raise ApiError(
                400,
                f"Invalid value: '{message.get('role')}'. Supported values are: "
                + ", ".join(f"'{role}'" for role in _ROLES)
                + ".",
                param=f"messages[{index}].role",
                code="invalid_value",
            )
    temperature = body.get("temperature")
    if temperature is not None and not (
        isinstance(temperature, int | float) and 0 <= temperature <= 2
    ):
        raise ApiError(
            400,
            f"Invalid 'temperature': expected a number between 0 and 2, got {temperature!r}.",
            param="temperature",
            code="invalid_value",
        )
    n = body.get("n", 1)
    if n is not None and (not isinstance(n, int) or not 1 <= n <= 128):
        raise ApiError(
            400,
            f"Invalid 'n': expected an integer between 1 and 128, got {n!r}.",
            param="n",
            code="invalid_value",
        )
    if body.get("stream"):
        raise ApiError(400, "The OpenAI stand-in does not stream; call without stream=True.")
    if "response_format" in body:
        _check_response_format(body["response_format"], messages)


def _check_response_format(response_format: object, messages: list[Mapping[str, Any]]) -> None:
    if not isinstance(response_format, Mapping):
        raise invalid_type("response_format", "an object")
    kind = response_format.get("type")
    if kind not in _FORMATS:
        raise ApiError(
            400,
            f"Invalid value: '{kind}'. Supported values are: 'text', 'json_object', "
            "and 'json_schema'.",
            param="response_format.type",
            code="invalid_value",
        )
    if kind == "json_object" and not any("json" in message_text(m).lower() for m in messages):
        raise ApiError(
            400,
            "'messages' must contain the word 'json' in some form, to use 'response_format' "
            "of type 'json_object'.",
            param="messages",
        )
    if kind != "json_schema":
        return
    spec = response_format.get("json_schema")
    if not isinstance(spec, Mapping):
        raise missing_parameter("response_format.json_schema")
    name = spec.get("name")
    if not isinstance(name, str):
        raise missing_parameter("response_format.json_schema.name")
    if not _SCHEMA_NAME.match(name):
        raise ApiError(
            400,
            f"Invalid 'response_format.json_schema.name': string does not match pattern. "
            f"Expected a string that matches the pattern '{_SCHEMA_NAME.pattern}'.",
            param="response_format.json_schema.name",
            code="invalid_value",
        )
    schema = spec.get("schema")
    if spec.get("strict") is True:
        if not isinstance(schema, Mapping) or schema.get("type") != "object":
            got = schema.get("type") if isinstance(schema, Mapping) else None
            raise _schema_error(
                name, f"schema must be a JSON Schema of 'type: \"object\"', got 'type: \"{got}\"'."
            )
        _check_strict(schema, name, ())


def _schema_error(name: str, detail: str) -> ApiError:
    return ApiError(
        400,
        f"Invalid schema for response_format '{name}': {detail}",
        param="response_format",
    )


def _check_strict(node: Mapping[str, Any], name: str, context: tuple[str, ...]) -> None:
    """Strict mode's rules: every object closed, every property required."""
    properties = node.get("properties")
    if node.get("type") == "object" or isinstance(properties, Mapping):
        where = f"In context={context!r}, " if context else "In context=(), "
        if node.get("additionalProperties") is not False:
            raise _schema_error(
                name,
                where + "'additionalProperties' is required to be supplied and to be false.",
            )
        keys = list(properties) if isinstance(properties, Mapping) else []
        required = node.get("required", [])
        missing = [key for key in keys if key not in required]
        if missing or not isinstance(required, list):
            raise _schema_error(
                name,
                where + "'required' is required to be supplied and to be an array including "
                f"every key in properties. Missing '{missing[0] if missing else keys[0]}'.",
            )
    for key in ("properties", "$defs", "definitions"):
        children = node.get(key)
        if isinstance(children, Mapping):
            for child_name, child in children.items():
                if isinstance(child, Mapping):
                    _check_strict(child, name, (*context, key, str(child_name)))
    items = node.get("items")
    if isinstance(items, Mapping):
        _check_strict(items, name, (*context, "items"))
    for key in ("anyOf", "prefixItems"):
        options = node.get(key)
        if isinstance(options, list):
            for index, option in enumerate(options):
                if isinstance(option, Mapping):
                    _check_strict(option, name, (*context, key, str(index)))


def chat_completion(body: Mapping[str, Any], answer: ChatAnswer) -> dict[str, Any]:
    """The chat.completion object carrying `answer` in each of the `n` choices asked for."""
    if isinstance(answer, Refusal):
        content, refusal = None, answer.text
    elif isinstance(answer, str):
        content, refusal = answer, None
    else:
        content, refusal = json.dumps(answer, ensure_ascii=False), None
    prompt_tokens = sum(estimate_tokens(message_text(m)) + 4 for m in body["messages"])
    n = int(body.get("n") or 1)  # checked to be 1..128
    completion_tokens = estimate_tokens(content or refusal or "") * n
    return {
        "id": f"chatcmpl-{secrets.token_urlsafe(21)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"],
        "choices": [
            {
                "index": index,
                "message": {
                    "role": "assistant",
                    "content": content,
                    "refusal": refusal,
                    "annotations": [],
                },
                "logprobs": None,
                "finish_reason": "stop",
            }
            for index in range(n)
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_minkops_standin",
    }
