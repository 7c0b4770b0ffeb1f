"""The one place intent kinds meet their handlers.

Each handler module registers its functions here with `@handles(IntentType)`. A kind
whose feature is not built yet is registered with `unbuilt(...)` and answered with an
honest "I can't do that yet"; a test checks that every kind is one or the other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from minkops.domain.handlers.base import Act, Handler, Outcome, Turn
from minkops.domain.intents import Intent
from minkops.domain.replies import describe_intent

_HANDLERS: dict[str, Handler] = {}
_UNBUILT: set[str] = set()

H = TypeVar("H", bound=Callable[..., Outcome])


def _kind(intent_type: type[Any]) -> str:
    return str(intent_type.model_fields["kind"].default)


def handles(intent_type: type[Any]) -> Callable[[H], H]:
    """Register the decorated function as the handler of `intent_type`'s kind."""
    kind = _kind(intent_type)

    def register(handler: H) -> H:
        if kind in _HANDLERS or kind in _UNBUILT:
            raise ValueError(f"two handlers for {kind!r}")
        _HANDLERS[kind] = handler
        return handler

    return register


def unbuilt(*intent_types: type[Any]) -> None:
    """Kinds understood but not acted on yet: the list shrinks as features land."""
    for intent_type in intent_types:
        kind = _kind(intent_type)
        if kind in _HANDLERS:
            raise ValueError(f"{kind!r} has a handler and cannot be unbuilt")
        _UNBUILT.add(kind)


def handler_for(kind: str) -> Handler:
    handler = _HANDLERS.get(kind)
    if handler is not None:
        return handler
    if kind in _UNBUILT:
        return _not_yet
    raise LookupError(f"no handler for intent kind {kind!r}")


def built_kinds() -> frozenset[str]:
    return frozenset(_HANDLERS)


def unbuilt_kinds() -> frozenset[str]:
    return frozenset(_UNBUILT)


def _not_yet(turn: Turn, intent: Intent) -> Outcome:
    return Act(turn).reply("not_yet", what=describe_intent(turn.language, intent.kind))
