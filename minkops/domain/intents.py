"""Typed intents: what one WhatsApp message asks MinkOps to do.

The rule engine and the OpenAI engine (Structured Outputs) both return `Understood`,
so the models keep to plain JSON-schema types; checks that span fields live in
`validate_intent`, which the domain calls after parsing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

INTENT_SCHEMA_VERSION = 1

Role = Literal["admin", "staff"]
Delivery = Literal["text", "voice"]


def _strict_friendly(schema: dict[str, Any]) -> None:
    """Rewrite a generated schema into the subset OpenAI strict mode accepts.

    Validation stays discriminated in Python; only the published schema changes:
    `oneOf` becomes `anyOf` and defaults go (strict mode makes every field required).
    """

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "oneOf" in node:
                node["anyOf"] = node.pop("oneOf")
            node.pop("discriminator", None)
            node.pop("default", None)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)


class _Intent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_strict_friendly)


class Help(_Intent):
    kind: Literal["help"] = "help"


class AddMember(_Intent):
    kind: Literal["add_member"] = "add_member"
    name: str
    phone: str | None = Field(default=None, description="As written; normalized elsewhere.")
    role: Role = "staff"
    language: str | None = Field(default=None, description="ISO 639-1, e.g. 'en', 'es'.")
    delivery: Delivery | None = None


class UpdateMember(_Intent):
    kind: Literal["update_member"] = "update_member"
    name: str = Field(description="Who, as written.")
    new_name: str | None = None
    phone: str | None = None
    language: str | None = Field(default=None, description="ISO 639-1.")
    delivery: Delivery | None = None
    role: Role | None = None


class RemoveMember(_Intent):
    kind: Literal["remove_member"] = "remove_member"
    name: str


class CreateTask(_Intent):
    kind: Literal["create_task"] = "create_task"
    title: str
    assignees: list[str] = Field(default_factory=list, description="Names as written.")
    due: AwareDatetime | None = None


class ListTasks(_Intent):
    kind: Literal["list_tasks"] = "list_tasks"
    scope: Literal["open", "mine", "overdue", "person"] = "open"
    person: str | None = Field(default=None, description="Set when scope is 'person'.")


class CompleteTask(_Intent):
    kind: Literal["complete_task"] = "complete_task"
    number: int


class CreateReminder(_Intent):
    kind: Literal["create_reminder"] = "create_reminder"
    text: str
    recipients: list[str] = Field(description="Names as written; 'me' is the sender.")
    at: AwareDatetime | None = Field(default=None, description="One-off time.")
    cron: str | None = Field(
        default=None, description="Recurring: 5-field cron in the organization's timezone."
    )


class ListReminders(_Intent):
    kind: Literal["list_reminders"] = "list_reminders"


class CancelReminder(_Intent):
    kind: Literal["cancel_reminder"] = "cancel_reminder"
    number: int


class Usage(_Intent):
    kind: Literal["usage"] = "usage"


class StopMessages(_Intent):
    kind: Literal["stop_messages"] = "stop_messages"


class StartMessages(_Intent):
    kind: Literal["start_messages"] = "start_messages"


class ExportData(_Intent):
    kind: Literal["export_data"] = "export_data"


class CorrectData(_Intent):
    kind: Literal["correct_data"] = "correct_data"
    field: Literal["name", "language", "delivery", "phone"]
    value: str


class DeleteData(_Intent):
    kind: Literal["delete_data"] = "delete_data"


class Clarify(_Intent):
    kind: Literal["clarify"] = "clarify"
    question: str = Field(description="A question back to the person, in their language.")


class Unknown(_Intent):
    kind: Literal["unknown"] = "unknown"


Intent = Annotated[
    Help
    | AddMember
    | UpdateMember
    | RemoveMember
    | CreateTask
    | ListTasks
    | CompleteTask
    | CreateReminder
    | ListReminders
    | CancelReminder
    | Usage
    | StopMessages
    | StartMessages
    | ExportData
    | CorrectData
    | DeleteData
    | Clarify
    | Unknown,
    Field(discriminator="kind"),
]

IntentKind = Literal[
    "help",
    "add_member",
    "update_member",
    "remove_member",
    "create_task",
    "list_tasks",
    "complete_task",
    "create_reminder",
    "list_reminders",
    "cancel_reminder",
    "usage",
    "stop_messages",
    "start_messages",
    "export_data",
    "correct_data",
    "delete_data",
    "clarify",
    "unknown",
]


class Understood(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_strict_friendly)

    language: str = Field(description="ISO 639-1 language of the message, e.g. 'en', 'es'.")
    intent: Intent


class IntentError(ValueError):
    """An intent that parsed but cannot be acted on as it stands."""


def validate_intent(intent: Intent) -> None:
    """Cross-field checks the JSON schema cannot express; raises IntentError."""
    if isinstance(intent, CreateReminder):
        if (intent.at is None) == (intent.cron is None):
            raise IntentError("a reminder needs exactly one of 'at' or 'cron'")
        if intent.cron is not None and not _cron_is_valid(intent.cron):
            raise IntentError(f"invalid cron expression: {intent.cron!r}")
        if not intent.recipients:
            raise IntentError("a reminder needs at least one recipient")
        if not intent.text.strip():
            raise IntentError("a reminder needs a text")
    elif isinstance(intent, CreateTask):
        if not intent.title.strip():
            raise IntentError("a task needs a title")
    elif isinstance(intent, ListTasks):
        if (intent.scope == "person") != bool(intent.person):
            raise IntentError("'person' is set exactly when scope is 'person'")
    elif isinstance(intent, CompleteTask | CancelReminder):
        if intent.number < 1:
            raise IntentError("numbers start at 1")
    elif isinstance(intent, AddMember | RemoveMember | UpdateMember):
        if not intent.name.strip():
            raise IntentError("a member needs a name")
    elif isinstance(intent, CorrectData) and not intent.value.strip():
        raise IntentError("a correction needs a value")


def _cron_is_valid(expression: str) -> bool:
    from croniter import croniter

    return len(expression.split()) == 5 and bool(croniter.is_valid(expression))
