"""The intent schema as OpenAI strict mode documents it, and a prompt that caches.

Strict Structured Outputs (platform.openai.com/docs/guides/structured-outputs, "Supported
schemas"): the root is an object (not anyOf); every object lists every property in
`required` and sets `additionalProperties: false`; only the supported keywords appear;
at most 10 levels of nesting and 5,000 properties. The schema checked is the one the
real SDK sends, captured by the OpenAI stand-in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import openai

from minkops.ai.openai_understanding import OpenAIUnderstanding
from minkops.ai.prompt import PROMPT_DIR, UNDERSTAND_PROMPT, SystemPrompt, read_facts
from minkops.domain.rules import RuleEngine
from minkops.domain.understanding import ReminderRef, RosterEntry, TaskRef, UnderstandingContext
from minkops.eval import EVAL_NOW, EVAL_ROSTER, EVAL_TIMEZONE
from minkops.sandbox.openai_api import CHAT_PATH, OpenAIStandInThread
from minkops.settings import OpenAISettings
from tests.ai.conftest import FakeClock

# Keywords OpenAI documents for strict mode; "title" is an annotation it ignores.
SUPPORTED = frozenset(
    {
        "type", "properties", "required", "additionalProperties", "enum", "const", "anyOf",
        "$ref", "$defs", "description", "title", "items",
        "pattern", "format",  # strings
        "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",  # numbers
        "minItems", "maxItems",  # arrays
    }
)  # fmt: skip
FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
)
MAX_DEPTH = 10
MAX_PROPERTIES = 5000


def _context(**overrides: Any) -> UnderstandingContext:
    values: dict[str, Any] = {
        "role": "admin",
        "language": "es",
        "timezone": EVAL_TIMEZONE,
        "now": EVAL_NOW,
        "roster": EVAL_ROSTER,
        "tasks": (
            TaskRef(1, "clean the fridge", "Juan Pérez", None, False, True),
            TaskRef(5, "call the plumber", None, EVAL_NOW, False, True),
        ),
        "reminders": (
            ReminderRef(1, "check the walk-in temperature", ("everyone",), "0 8 * * 1"),
            ReminderRef(5, "call the gas supplier", ("Ana García",), "2025-03-28T12:00:00+01:00"),
        ),
    }
    values.update(overrides)
    return UnderstandingContext(**values)


def _sent_schema(
    server: OpenAIStandInThread, client: openai.OpenAI, settings: OpenAISettings
) -> dict[str, Any]:
    server.standin.script_chat(None, {"language": "es", "intent": {"kind": "help"}})
    engine = OpenAIUnderstanding(client, settings, RuleEngine(), clock=FakeClock())
    engine.understand("hola", _context())
    [request] = server.standin.requests(CHAT_PATH)
    assert request.json is not None
    response_format = request.json["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["strict"] is True
    schema: dict[str, Any] = response_format["json_schema"]["schema"]
    return schema


def _problems(node: Any, path: str, depth: int, counts: dict[str, int]) -> list[str]:
    found: list[str] = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            found += _problems(item, f"{path}[{index}]", depth, counts)
        return found
    if not isinstance(node, dict):
        return found
    for key in node:
        if key not in SUPPORTED:
            found.append(f"{path}: unsupported keyword {key!r}")
    if "format" in node and node["format"] not in FORMATS:
        found.append(f"{path}: unsupported format {node['format']!r}")
    if node.get("type") == "object" or "properties" in node:
        properties = node.get("properties", {})
        counts["properties"] += len(properties)
        if node.get("additionalProperties") is not False:
            found.append(f"{path}: additionalProperties is not false")
        if sorted(node.get("required", [])) != sorted(properties):
            found.append(f"{path}: required {node.get('required')} != {sorted(properties)}")
        if depth > MAX_DEPTH:
            found.append(f"{path}: nested {depth} levels deep")
        for name, child in properties.items():
            found += _problems(child, f"{path}.{name}", depth + 1, counts)
    for key in ("anyOf", "items"):
        if key in node:
            found += _problems(node[key], f"{path}.{key}", depth, counts)
    for name, child in node.get("$defs", {}).items():
        found += _problems(child, f"$defs.{name}", 1, counts)
    return found


def test_the_schema_sent_keeps_openai_strict_mode_rules(
    openai_server: OpenAIStandInThread, client: openai.OpenAI, settings: OpenAISettings
) -> None:
    schema = _sent_schema(openai_server, client, settings)
    assert schema.get("type") == "object" and "anyOf" not in schema  # the root is an object
    counts = {"properties": 0}
    assert _problems(schema, "$", 1, counts) == []
    assert counts["properties"] <= MAX_PROPERTIES
    # Every intent kind is one branch the model can choose.
    intent = schema["properties"]["intent"]
    kinds = {
        schema["$defs"][ref["$ref"].split("/")[-1]]["properties"]["kind"]["const"]
        for ref in intent["anyOf"]
    }
    assert {"create_task", "complete_task", "cancel_reminder", "set_preference"} <= kinds


def test_the_checker_sees_what_strict_mode_refuses() -> None:
    """The checker itself can fail: a default, a missing `required`, an open object."""
    counts = {"properties": 0}
    loose = {
        "type": "object",
        "properties": {
            "a": {"type": "string", "default": "x", "minLength": 1},
            "b": {"type": "integer"},
        },
        "required": ["a"],
    }
    problems = _problems(loose, "$", 1, counts)
    assert any("default" in p for p in problems)
    assert any("minLength" in p for p in problems)
    assert any("additionalProperties" in p for p in problems)
    assert any("required" in p for p in problems)


def test_the_static_part_of_the_prompt_comes_first() -> None:
    """Two senders in two organizations share every word before the facts, so OpenAI's
    prompt cache (a shared prefix) serves the instructions."""
    prompt = SystemPrompt.load()
    template = (PROMPT_DIR / UNDERSTAND_PROMPT).read_text(encoding="utf-8")
    first_placeholder = template.index("$")
    dynamic_heading = template.index("## Who is writing, and when")
    assert first_placeholder > dynamic_heading
    assert template.index("## Rules") < dynamic_heading
    one = prompt.render(_context())
    other = prompt.render(
        _context(
            role="staff",
            language="en",
            timezone="America/New_York",
            now=datetime.fromisoformat("2026-01-02T03:04:05-05:00"),
            roster=(RosterEntry("Zed", "admin", "en"),),
            tasks=(),
            reminders=(),
        )
    )
    shared = 0
    while shared < min(len(one), len(other)) and one[shared] == other[shared]:
        shared += 1
    assert shared >= dynamic_heading > 2000


def test_the_model_is_given_the_open_tasks_and_the_reminders() -> None:
    context = _context()
    rendered = SystemPrompt.load().render(context)
    assert '#1 "clean the fridge" for "Juan Pérez"' in rendered
    assert '#5 "call the plumber" (unassigned)' in rendered
    assert '#1 "check the walk-in temperature" for "everyone", "0 8 * * 1"' in rendered
    assert '#5 "call the gas supplier" for "Ana García", "2025-03-28T12:00:00+01:00"' in rendered
    rebuilt = read_facts(rendered)
    assert rebuilt.tasks == context.tasks
    assert rebuilt.reminders == context.reminders
