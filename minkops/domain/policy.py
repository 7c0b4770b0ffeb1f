"""Who may do what: one table, consulted by every handler.

Whatever an engine proposed, these rules decide. A rule sees the member acting and,
where it matters, the task or the member acted on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from minkops.domain.models import Member, Task


class Action(StrEnum):
    GIVE_TASKS_TO_OTHERS = "give tasks to others"
    SEE_OTHERS_TASKS = "see other people's tasks"
    CLOSE_TASK = "close a task"
    CHANGE_TASK = "change or cancel a task"
    MANAGE_TEAM = "add, change or remove people"
    CHANGE_OWN_DETAILS = "change one's own name, language or delivery"
    REMIND_OTHERS = "set reminders for others"
    CHANGE_REMINDER = "change or cancel a reminder"
    SEE_USAGE = "see the plan's usage"
    MANAGE_BILLING = "upgrade or manage billing"
    CHANGE_SETTINGS = "change the organization's settings"
    CLOSE_ACCOUNT = "close the organization's account"


@dataclass(frozen=True)
class Subject:
    """What an action is about, when it is about something."""

    task: Task | None = None
    member: Member | None = None
    owner_id: int | None = None
    """For reminders and the like: the member who made it."""


Rule = Callable[[Member, Subject], bool]


def _admins(who: Member, _: Subject) -> bool:
    return who.is_admin


def _everyone(_: Member, __: Subject) -> bool:
    return True


def _admins_or_made_it(who: Member, subject: Subject) -> bool:
    if who.is_admin:
        return True
    if subject.task is not None:
        return subject.task.created_by == who.id
    return subject.owner_id == who.id


def _may_close(who: Member, subject: Subject) -> bool:
    task = subject.task
    if who.is_admin or task is None:
        return who.is_admin
    # The assignee, whoever gave it, or anyone for a task nobody has taken.
    return task.assignee_id in (None, who.id) or task.created_by == who.id


POLICY: Mapping[Action, Rule] = {
    Action.GIVE_TASKS_TO_OTHERS: _admins,
    Action.SEE_OTHERS_TASKS: _admins,
    Action.CLOSE_TASK: _may_close,
    Action.CHANGE_TASK: _admins_or_made_it,
    Action.MANAGE_TEAM: _admins,
    Action.CHANGE_OWN_DETAILS: _everyone,
    Action.REMIND_OTHERS: _admins,
    Action.CHANGE_REMINDER: _admins_or_made_it,
    Action.SEE_USAGE: _admins,
    Action.MANAGE_BILLING: _admins,
    Action.CHANGE_SETTINGS: _admins,
    Action.CLOSE_ACCOUNT: _admins,
}


def allowed(action: Action, who: Member, subject: Subject | None = None) -> bool:
    return POLICY[action](who, subject or Subject())
