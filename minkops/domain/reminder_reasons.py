"""A reminder asked for with the reason for it said after it.

"next monday at 8am remind everyone to clear the fire exits, inspection's that morning",
"recuérdame a las 8 de la mañana encargar el pan, que hoy se me ha pasado": after the last
comma, what is so ("inspection's that morning") or why ("que hoy se me ha pasado") is no
part of what to remember, and its words of time ("that morning", "hoy") are not when.
"""

from __future__ import annotations

from collections.abc import Callable

from minkops.domain.intents import ASKS_NOTHING, CreateReminder
from minkops.domain.intents import Intent as IntentType
from minkops.domain.lexicon import words_of
from minkops.domain.understanding import UnderstandingContext
from minkops.domain.when import find_time

_REASON_WORDS = 2
"""A reason says something besides its time: "at 9 please" only says when."""


def reminder_before_reason(
    message: str,
    whole: IntentType,
    read: Callable[[str], IntentType],
    context: UnderstandingContext,
) -> IntentType | None:
    """The reminder the message asks for before its last comma, when what follows it only
    says why; None to keep `whole`."""
    if not isinstance(whole, CreateReminder):
        return None
    cut = message.rfind(",")
    if cut <= 0:
        return None
    tail = message[cut + 1 :]
    found = find_time(tail, timezone=context.timezone, now=context.now)
    said = words_of(found.rest if found is not None else tail)
    if found is None and not _leaked(whole.text, said):
        return None  # neither a time nor the text was taken from it: nothing to undo
    if len(said) < _REASON_WORDS or not isinstance(read(tail), ASKS_NOTHING):
        return None  # "…, at 9": the time itself, said after a comma
    asked = read(message[:cut])
    if not isinstance(asked, CreateReminder) or not (asked.at or asked.cron):
        return None
    head, text = words_of(asked.text), words_of(whole.text)
    if not head or text[: len(head)] != head:
        return None  # "remind me tomorrow, you know, at 7 to call the vet": the work is after
    if whole.cron and asked.cron != whole.cron:
        return None  # "… monday, wednesday and saturday at 11pm": the days go on past it
    return asked if asked != whole else None


def _leaked(text: str, tail: list[str]) -> bool:
    """The reminder's text goes on past a comma with the reason's first words."""
    _, comma, after = text.rpartition(",")
    said = words_of(after)
    return bool(comma) and bool(said) and said == tail[: len(said)]
