"""Typed intents: what one WhatsApp message asks MinkOps to do.

The rule engine and the OpenAI engine (Structured Outputs) both return `Understood`,
so the models keep to plain JSON-schema types; checks that span fields live in
`validate_intent`, which the domain calls after parsing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

INTENT_SCHEMA_VERSION = 2

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


class Acknowledge(_Intent):
    """Thanks, ok, 👍: asks for nothing and changes nothing."""

    kind: Literal["acknowledge"] = "acknowledge"


class Confirm(_Intent):
    """A bare yes: completes a question MinkOps asked, if there is one."""

    kind: Literal["confirm"] = "confirm"


class Decline(_Intent):
    """A bare no."""

    kind: Literal["decline"] = "decline"


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


class TaskOrder(BaseModel):
    """One more piece of work in the same message, for its own people ("Tom, the bins.
    Luis, mop the floor": Luis's order)."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_strict_friendly)
    title: str
    assignees: list[str] = Field(default_factory=list, description="Names as written.")
    due: AwareDatetime | None = None


class CreateTask(_Intent):
    kind: Literal["create_task"] = "create_task"
    title: str = Field(description="Empty when the message does not say what to do.")
    assignees: list[str] = Field(default_factory=list, description="Names as written.")
    due: AwareDatetime | None = None
    also: list[TaskOrder] | None = Field(
        default=None,
        description="Further orders in the same message, each with its own work and people.",
    )

    def orders(self) -> list[TaskOrder]:
        """Every order the message gives, the first one first."""
        first = TaskOrder(title=self.title, assignees=self.assignees, due=self.due)
        return [first, *(self.also or ())]

    def led_by(self, index: int) -> CreateTask:
        """The same orders with the one at `index` first, so that a question about one of
        its names ("assignees.0") is asked of the intent as the handler reads it."""
        orders = self.orders()
        lead = orders.pop(index)
        return CreateTask(title=lead.title, assignees=lead.assignees, due=lead.due, also=orders)


class ListTasks(_Intent):
    kind: Literal["list_tasks"] = "list_tasks"
    scope: Literal["open", "mine", "overdue", "person"] = "open"
    person: str | None = Field(default=None, description="Set when scope is 'person'.")


_NUMBER = "The task or reminder number when given or when the description matches one."
_DESCRIPTION = "What the message says about it when there is no number, e.g. 'the fridge'."


class CompleteTask(_Intent):
    kind: Literal["complete_task"] = "complete_task"
    number: int | None = Field(default=None, description=_NUMBER)
    description: str | None = Field(default=None, description=_DESCRIPTION)
    also: list[int] | None = Field(
        default=None,
        description="Further task numbers the same message says are done ('done 3 and 4').",
    )


class EditTask(_Intent):
    """Change a task: its time, title or assignee. No number: the sender's latest task."""

    kind: Literal["edit_task"] = "edit_task"
    number: int | None = Field(default=None, description=_NUMBER)
    description: str | None = Field(default=None, description=_DESCRIPTION)
    title: str | None = Field(default=None, description="The new title, if it changes.")
    due: AwareDatetime | None = Field(default=None, description="The new due time.")
    assignee: str | None = Field(default=None, description="The new assignee, as written.")


class CancelTask(_Intent):
    kind: Literal["cancel_task"] = "cancel_task"
    number: int | None = Field(default=None, description=_NUMBER)
    description: str | None = Field(default=None, description=_DESCRIPTION)


class TaskStatus(_Intent):
    """A question about where one open task stands: "is the fridge done?", "who's on the
    bins?", "¿está hecho lo del vino?"."""

    kind: Literal["task_status"] = "task_status"
    number: int | None = Field(default=None, description=_NUMBER)
    description: str | None = Field(default=None, description=_DESCRIPTION)


class CreateReminder(_Intent):
    kind: Literal["create_reminder"] = "create_reminder"
    text: str = Field(description="What to remind; empty when the message does not say.")
    recipients: list[str] = Field(
        description="Names as written; 'me' is the sender, 'everyone' the whole team."
    )
    at: AwareDatetime | None = Field(default=None, description="One-off time.")
    cron: str | None = Field(
        default=None, description="Recurring: 5-field cron in the organization's timezone."
    )
    delivery: Delivery | None = Field(
        default=None, description="'voice' when a voice note is asked for, else null."
    )


class ListReminders(_Intent):
    kind: Literal["list_reminders"] = "list_reminders"
    person: str | None = Field(default=None, description="Only this person's, as written.")


class CancelReminder(_Intent):
    kind: Literal["cancel_reminder"] = "cancel_reminder"
    number: int | None = Field(default=None, description=_NUMBER)
    description: str | None = Field(default=None, description=_DESCRIPTION)


class PauseReminder(_Intent):
    kind: Literal["pause_reminder"] = "pause_reminder"
    number: int | None = Field(default=None, description=_NUMBER)
    description: str | None = Field(default=None, description=_DESCRIPTION)


class ResumeReminder(_Intent):
    kind: Literal["resume_reminder"] = "resume_reminder"
    number: int | None = Field(default=None, description=_NUMBER)
    description: str | None = Field(default=None, description=_DESCRIPTION)


class EditReminder(_Intent):
    kind: Literal["edit_reminder"] = "edit_reminder"
    number: int | None = Field(default=None, description=_NUMBER)
    description: str | None = Field(default=None, description=_DESCRIPTION)
    at: AwareDatetime | None = Field(
        default=None,
        description="The new time, ISO 8601 with offset: a one-off's new moment, or for a"
        " recurring reminder the new time of day (and weekday, when one is named).",
    )
    cron: str | None = Field(
        default=None, description="A new recurring schedule: 5-field cron, else null."
    )


class Usage(_Intent):
    kind: Literal["usage"] = "usage"


class Upgrade(_Intent):
    kind: Literal["upgrade"] = "upgrade"


class Billing(_Intent):
    kind: Literal["billing"] = "billing"


class StopMessages(_Intent):
    kind: Literal["stop_messages"] = "stop_messages"


class StartMessages(_Intent):
    kind: Literal["start_messages"] = "start_messages"


class PrivacyInfo(_Intent):
    """What MinkOps keeps about people, for how long, and their rights over it."""

    kind: Literal["privacy_info"] = "privacy_info"


class ExportData(_Intent):
    kind: Literal["export_data"] = "export_data"


class CorrectData(_Intent):
    kind: Literal["correct_data"] = "correct_data"
    field: Literal["name", "language", "delivery", "phone"]
    value: str


_CONFIRMED = "True only for the answer 'yes' to MinkOps asking to confirm; else false."


class DeleteData(_Intent):
    kind: Literal["delete_data"] = "delete_data"
    confirmed: bool = Field(default=False, description=_CONFIRMED)


class DeleteAccount(_Intent):
    """An owner closes the whole organization's account."""

    kind: Literal["delete_account"] = "delete_account"
    confirmed: bool = Field(default=False, description=_CONFIRMED)


class SignUp(_Intent):
    kind: Literal["sign_up"] = "sign_up"


class SetPreference(_Intent):
    """The daily digest or overdue escalation, on or off (and the digest's hour)."""

    kind: Literal["set_preference"] = "set_preference"
    setting: Literal["digest", "escalation"]
    enabled: bool
    hour: int | None = Field(default=None, description="Digest hour, 0-23, org-local.")


class Clarify(_Intent):
    kind: Literal["clarify"] = "clarify"
    question: str = Field(description="A question back to the person, in their language.")


class Unknown(_Intent):
    kind: Literal["unknown"] = "unknown"


ASKS_NOTHING: tuple[type[_Intent], ...] = (Unknown, Acknowledge, Help)
"""Readings of a sentence that ask for nothing: a scene, a reason, thanks, a greeting."""


Intent = Annotated[
    Help
    | Acknowledge
    | Confirm
    | Decline
    | AddMember
    | UpdateMember
    | RemoveMember
    | CreateTask
    | ListTasks
    | CompleteTask
    | EditTask
    | CancelTask
    | TaskStatus
    | CreateReminder
    | ListReminders
    | CancelReminder
    | PauseReminder
    | ResumeReminder
    | EditReminder
    | Usage
    | Upgrade
    | Billing
    | StopMessages
    | StartMessages
    | PrivacyInfo
    | ExportData
    | CorrectData
    | DeleteData
    | DeleteAccount
    | SignUp
    | SetPreference
    | Clarify
    | Unknown,
    Field(discriminator="kind"),
]

IntentKind = Literal[
    "help",
    "acknowledge",
    "confirm",
    "decline",
    "add_member",
    "update_member",
    "remove_member",
    "create_task",
    "list_tasks",
    "complete_task",
    "edit_task",
    "cancel_task",
    "task_status",
    "create_reminder",
    "list_reminders",
    "cancel_reminder",
    "pause_reminder",
    "resume_reminder",
    "edit_reminder",
    "usage",
    "upgrade",
    "billing",
    "stop_messages",
    "start_messages",
    "privacy_info",
    "export_data",
    "correct_data",
    "delete_data",
    "delete_account",
    "sign_up",
    "set_preference",
    "clarify",
    "unknown",
]

INTENT_TYPES: dict[str, type[_Intent]] = {
    cls.model_fields["kind"].default: cls
    for cls in (
        Help, Acknowledge, Confirm, Decline, AddMember, UpdateMember, RemoveMember,
        CreateTask, ListTasks, CompleteTask, EditTask, CancelTask, TaskStatus, CreateReminder,
        ListReminders, CancelReminder, PauseReminder, ResumeReminder, EditReminder, Usage,
        Upgrade, Billing, StopMessages, StartMessages, PrivacyInfo, ExportData, CorrectData,
        DeleteData, DeleteAccount, SignUp, SetPreference, Clarify, Unknown,
    )
}  # fmt: skip
"""Every intent model by its kind."""


class Understood(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_strict_friendly)

    language: str = Field(description="ISO 639-1 language of the message, e.g. 'en', 'es'.")
    intent: Intent


class IntentError(ValueError):
    """An intent that parsed but cannot be acted on as it stands."""


def validate_intent(intent: Intent) -> None:
    """Cross-field checks the JSON schema cannot express; raises IntentError.

    Only what is malformed fails here. What is merely missing (a task with no title, a
    reminder with no time) is the handler's to ask for, as a pending question.
    """
    if isinstance(intent, CreateReminder):
        if intent.at is not None and intent.cron is not None:
            raise IntentError("a reminder has 'at' or 'cron', not both")
        if intent.cron is not None and not _cron_is_valid(intent.cron):
            raise IntentError(f"invalid cron expression: {intent.cron!r}")
    elif isinstance(intent, ListTasks):
        if (intent.scope == "person") != bool(intent.person):
            raise IntentError("'person' is set exactly when scope is 'person'")
    elif isinstance(
        intent,
        CompleteTask
        | EditTask
        | CancelTask
        | TaskStatus
        | CancelReminder
        | PauseReminder
        | ResumeReminder,
    ):
        if intent.number is not None and intent.number < 1:
            raise IntentError("numbers start at 1")
        if isinstance(intent, CompleteTask) and any(n < 1 for n in intent.also or ()):
            raise IntentError("numbers start at 1")
    elif isinstance(intent, AddMember | RemoveMember | UpdateMember):
        if not intent.name.strip():
            raise IntentError("a member needs a name")
    elif isinstance(intent, CorrectData) and not intent.value.strip():
        raise IntentError("a correction needs a value")
    elif (
        isinstance(intent, SetPreference) and intent.hour is not None and not 0 <= intent.hour <= 23
    ):
        raise IntentError("an hour is 0-23")


def _cron_is_valid(expression: str) -> bool:
    from croniter import croniter

    return len(expression.split()) == 5 and bool(croniter.is_valid(expression))
