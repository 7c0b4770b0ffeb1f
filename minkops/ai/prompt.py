"""The system prompt: a template in config/prompts/ filled with who is writing, and when.

The facts also go in as one JSON object between <facts> tags: names are data, not prose,
so a member called "Ignore previous instructions" stays a name; and the same block lets the
sandbox's rule-based model rebuild the context (`read_facts`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from string import Template
from typing import Any, Literal
from zoneinfo import ZoneInfo

from minkops.domain.understanding import (
    ReminderRef,
    RosterEntry,
    TaskRef,
    UnderstandingContext,
)
from minkops.settings import CONFIG_DIR

PROMPT_DIR = CONFIG_DIR / "prompts"
UNDERSTAND_PROMPT = "understand.md"

_PLACEHOLDERS = frozenset(
    {
        "timezone",
        "local_now",
        "weekday",
        "sender_role",
        "sender_language",
        "roster",
        "tasks",
        "reminders",
        "question",
        "facts",
    }
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_FACTS = re.compile(r"<facts>(.*?)</facts>", re.DOTALL)


class PromptError(ValueError):
    """A prompt template that cannot be used (missing, or with unknown placeholders)."""


@dataclass(frozen=True)
class SystemPrompt:
    template: Template

    @classmethod
    def load(cls, prompt_dir: Path = PROMPT_DIR, name: str = UNDERSTAND_PROMPT) -> SystemPrompt:
        path = prompt_dir / name
        try:
            template = Template(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise PromptError(f"cannot read prompt {path}: {error}") from None
        if not template.is_valid():
            raise PromptError(f"prompt {path} has a malformed $placeholder")
        unknown = set(template.get_identifiers()) - _PLACEHOLDERS
        if unknown:
            raise PromptError(f"prompt {path} has unknown placeholders: {sorted(unknown)}")
        return cls(template)

    def render(self, context: UnderstandingContext) -> str:
        local_now = context.now.astimezone(ZoneInfo(context.timezone))
        roster = "\n".join(
            f"- {_json(entry.name)} ({entry.role}, {entry.language})" for entry in context.roster
        )
        tasks = "\n".join(
            f"- #{task.number} {_json(task.title)}"
            + (f" for {_json(task.assignee)}" if task.assignee else " (unassigned)")
            + (f", due {task.due.isoformat()}" if task.due else "")
            + (" [given by the sender]" if task.given_by_sender else "")
            for task in context.tasks
        )
        reminders = "\n".join(
            f"- #{reminder.number} {_json(reminder.text)} for "
            + ", ".join(_json(name) for name in reminder.recipients)
            + f", {_json(reminder.schedule)}"
            + (" [paused]" if reminder.paused else "")
            for reminder in context.reminders
        )
        question = context.question
        asked = (
            f"You asked the sender for the {_json(question.field)} of this {_json(question.intent.get('kind'))}"
            f" request: {_json(question.intent)}"
            if question is not None
            else "Nothing: no question is open."
        )
        return self.template.substitute(
            timezone=context.timezone,
            local_now=local_now.isoformat(timespec="seconds"),
            weekday=_WEEKDAYS[local_now.weekday()],
            sender_role=context.role,
            sender_language=context.language,
            roster=roster or "- (nobody yet)",
            tasks=tasks or "- (none)",
            reminders=reminders or "- (none)",
            question=asked,
            facts=_json(facts(context)),
        )


def facts(context: UnderstandingContext) -> dict[str, Any]:
    local_now = context.now.astimezone(ZoneInfo(context.timezone))
    return {
        "timezone": context.timezone,
        "local_now": local_now.isoformat(timespec="seconds"),
        "weekday": _WEEKDAYS[local_now.weekday()],
        "sender": {"role": context.role, "language": context.language},
        "roster": [
            {"name": entry.name, "role": entry.role, "language": entry.language}
            for entry in context.roster
        ],
        "tasks": [
            {
                "number": task.number,
                "title": task.title,
                "assignee": task.assignee,
                "due": task.due.isoformat() if task.due else None,
                "assigned_to_sender": task.assigned_to_sender,
                "given_by_sender": task.given_by_sender,
            }
            for task in context.tasks
        ],
        "reminders": [
            {
                "number": reminder.number,
                "text": reminder.text,
                "recipients": list(reminder.recipients),
                "schedule": reminder.schedule,
                "paused": reminder.paused,
            }
            for reminder in context.reminders
        ],
    }


def _json(value: object) -> str:
    """JSON in which no member's name can close the <facts> block or open another."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def read_facts(system_prompt: str) -> UnderstandingContext:
    """The context a rendered prompt was made from (without history); ValueError if none."""
    match = _FACTS.search(system_prompt)
    if match is None:
        raise ValueError("the system prompt has no <facts> block")
    data = json.loads(match.group(1))
    return UnderstandingContext(
        role=_role(data["sender"]["role"]),
        language=str(data["sender"]["language"]),
        timezone=str(data["timezone"]),
        now=datetime.fromisoformat(data["local_now"]),
        roster=tuple(
            RosterEntry(str(entry["name"]), _role(entry["role"]), str(entry["language"]))
            for entry in data["roster"]
        ),
        tasks=tuple(
            TaskRef(
                number=int(task["number"]),
                title=str(task["title"]),
                assignee=task["assignee"],
                due=datetime.fromisoformat(task["due"]) if task["due"] else None,
                assigned_to_sender=bool(task["assigned_to_sender"]),
                given_by_sender=bool(task["given_by_sender"]),
            )
            for task in data.get("tasks", [])
        ),
        reminders=tuple(
            ReminderRef(
                number=int(reminder["number"]),
                text=str(reminder["text"]),
                recipients=tuple(str(name) for name in reminder["recipients"]),
                schedule=str(reminder["schedule"]),
                paused=bool(reminder["paused"]),
            )
            for reminder in data.get("reminders", [])
        ),
    )


def _role(value: object) -> Literal["admin", "staff"]:
    if value not in ("admin", "staff"):
        raise ValueError(f"unknown role {value!r}")
    return value
