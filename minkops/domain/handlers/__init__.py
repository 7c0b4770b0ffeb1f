"""One handler per intent kind, registered in `registry`; importing this package loads them all."""

from minkops.domain.handlers import (
    billing,
    conversation,
    preferences,
    privacy,
    reminders,
    tasks,
    team,
    unbuilt,
)
from minkops.domain.handlers.base import Act, Outcome, Turn
from minkops.domain.handlers.registry import built_kinds, handler_for, unbuilt_kinds

__all__ = [
    "Act",
    "Outcome",
    "Turn",
    "billing",
    "built_kinds",
    "conversation",
    "handler_for",
    "preferences",
    "privacy",
    "reminders",
    "tasks",
    "team",
    "unbuilt",
    "unbuilt_kinds",
]
