"""Answers to the questions MinkOps asks: a pending question completed, or let go.

An answer fills exactly the field the question was about, read as what was asked for (a
time, a phone, one of the choices, a yes). Anything that does not read as such an answer
is not one: the caller drops the question and reads the message on its own. Nothing
unrelated is ever glued onto an earlier request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import pydantic

from minkops.domain import intents as i
from minkops.domain.conversation import PendingQuestion
from minkops.domain.matching import best_matches, fold
from minkops.domain.phones import InvalidPhone, normalize_phone
from minkops.domain.roster import NotFound, resolve_name
from minkops.domain.state import OrgState
from minkops.domain.when import find_recurrence, find_time

TASK_DUE_TIME = time(23, 59)
"""A task due "tomorrow" is due by the end of that day."""
REMINDER_TIME = time(9, 0)
"""A reminder for "Friday" goes out at the start of a working day."""

# Kinds that say nothing of their own: while a question is open, they may be its answer.
_OPEN_TO_ANSWER = frozenset({"unknown", "clarify", "acknowledge", "confirm", "decline", "help"})
_CONNECTORS = re.compile(r"^(?:at|on|by|a las?|el|para|the|to|in|en|on the|para el)$")


@dataclass(frozen=True)
class Answered:
    intent: i.Intent


@dataclass(frozen=True)
class Declined:
    """A no to a yes-or-no question: nothing is done."""


def resolve(
    question: PendingQuestion,
    said: str,
    understood: i.Intent,
    *,
    state: OrgState,
    now: datetime,
) -> Answered | Declined | None:
    """What `said` does to the open `question`; None when it is not an answer to it."""
    kind = question.intent.get("kind")
    if question.expects == "yes_no":
        if isinstance(understood, i.Confirm):
            return _filled(question, True)
        if isinstance(understood, i.Decline):
            return Declined()
        return None
    if understood.kind == kind:
        # The engine read the answer with the question in view (OpenAI does): complete the
        # pending request with whatever it found, the pending values where it found none.
        return _merged(question, understood)
    if understood.kind not in _OPEN_TO_ANSWER and not _bare_text_answer(question, understood):
        return None  # a request of its own: "tasks" while we wait for a time
    value = _read(question, said, state=state, now=now)
    if value is None:
        return None
    return _filled(question, value)


def _bare_text_answer(question: PendingQuestion, understood: i.Intent) -> bool:
    """ "call the supplier" answering "what should the reminder say?" reads like a task
    with nobody and no time; as the answer to a text question it is just the text."""
    return (
        question.expects == "text"
        and isinstance(understood, i.CreateTask)
        and not understood.assignees
        and understood.due is None
    )


def _read(question: PendingQuestion, said: str, *, state: OrgState, now: datetime) -> Any | None:
    text = " ".join(said.split())
    if not text:
        return None
    match question.expects:
        case "text":
            return text
        case "phone":
            try:
                return normalize_phone(text, state.org.country)
            except InvalidPhone:
                return None
        case "time":
            return _time(question, text, state=state, now=now)
        case "name":
            return None if isinstance(resolve_name(text, state.roster()), NotFound) else text
        case "choice":
            return _choice(question, text)
    return None


def _time(question: PendingQuestion, text: str, *, state: OrgState, now: datetime) -> Any | None:
    timezone = state.org.timezone
    if question.field == "when":
        # A reminder's "when" may be a schedule: "every Monday at 9".
        recurrence = find_recurrence(text, now=now)
        if recurrence is not None and not _leftover(recurrence.rest):
            return {"cron": recurrence.cron}
    default = TASK_DUE_TIME if question.field == "due" else REMINDER_TIME
    found = find_time(text, timezone=timezone, now=now, default_time=default)
    if found is None or _leftover(found.rest) or found.at <= now:
        return None
    if question.field == "when":
        return {"at": found.at.isoformat()}
    return found.at.isoformat()


def _leftover(rest: str) -> bool:
    """Whether words other than connectors remain once the time is taken out."""
    remaining = fold(rest).strip(" .,!?")
    return bool(remaining) and not _CONNECTORS.match(remaining)


def _choice(question: PendingQuestion, text: str) -> Any | None:
    folded = fold(text).strip(" .#!?")
    if folded.isdigit():
        number = int(folded)
        values = [c.value for c in question.choices]
        if number in values:
            return number  # "3" naming task #3 directly
        if 1 <= number <= len(question.choices):
            return question.choices[number - 1].value
        return None
    for choice in question.choices:
        if fold(choice.label) == folded or fold(str(choice.value)) == folded:
            return choice.value
    # A name or title written loosely: the one choice it fits.
    fits = [c for c in question.choices if folded and folded in fold(c.label)]
    if len(fits) == 1:
        return fits[0].value
    # "la grande" for "limpiar la nevera grande": the words that tell one choice from the
    # others, in any order, small typos forgiven; a tie is no answer.
    best = best_matches(text, question.choices, lambda choice: choice.label)
    return best[0].value if len(best) == 1 else None


def _filled(question: PendingQuestion, value: Any) -> Answered | None:
    data = dict(question.intent)
    field = question.field
    if isinstance(value, dict):
        data.update(value)  # "when" fills "at" or "cron"
    elif "." in field:
        name, index = field.split(".", 1)  # "assignees.1": one name in a list
        items = list(data.get(name) or [])
        position = int(index)
        if position >= len(items):
            return None
        items[position] = value
        data[name] = items
    else:
        data[field] = value
    return _parsed(data)


def _merged(question: PendingQuestion, understood: i.Intent) -> Answered | None:
    data = dict(question.intent)
    for name, value in understood.model_dump(mode="json").items():
        if value not in (None, "", []):
            data[name] = value
    return _parsed(data)


def _parsed(data: dict[str, Any]) -> Answered | None:
    intent_type = i.INTENT_TYPES.get(str(data.get("kind")))
    if intent_type is None:
        return None
    try:
        intent: i.Intent = intent_type.model_validate(data)  # type: ignore[assignment]
        i.validate_intent(intent)
    except (pydantic.ValidationError, i.IntentError):
        return None
    return Answered(intent)
