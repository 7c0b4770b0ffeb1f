"""A reminder moved to another time: "move the bank reminder to 5pm", "cambia el
recordatorio de las llaves al sábado", "change reminder 2 to every Tuesday at 8".

A verb of moving opens the message, a reminder is named as one that exists (a number
after it, or a definite word before it: "the", "el", "mi"), and a new time or schedule is
said. "give Tom a reminder at 5" and "remind me to change the oil" are new reminders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minkops.domain.intents import EditReminder
from minkops.domain.lexicon import words_of
from minkops.domain.when import find_recurrence, find_time

if TYPE_CHECKING:
    from minkops.domain.grammar import Clause

_OTHER_CHANGES = ("pause", "cancel", "resume")
"""What else is done to a reminder, which its own readers take."""
_CLOCK_WORDS = frozenset({"am", "pm", "h", "hs", "hrs", "horas", "hours", "oclock", "o"})
_VERB_REACH = 3
"""How far into the message the verb of moving may come: "oye, ¿puedes cambiar …"."""
_DEFINITE_REACH = 2
"""Words between "the"/"el" and the reminder noun: "the bank reminder", "el aviso"."""


def reminder_moved(clause: Clause) -> EditReminder | None:
    lex, words = clause.lex, clause.words
    verbs = lex.hits("reschedule_verb", words[: _VERB_REACH + 2])
    nouns = lex.hits("reminder_noun", words)
    if not verbs or verbs[0].first > _VERB_REACH or not nouns:
        return None
    noun = nouns[0]
    if noun.first < verbs[0].last or lex.has("reminder_verb", words[: verbs[0].first + 1]):
        return None
    if any(lex.has(name, words) for name in _OTHER_CHANGES):
        return None  # "pon en pausa el aviso de los lunes": paused, not moved
    after = words[noun.last : noun.last + 2]
    # "reminder 2", not "reminder 8 pm" (a time) nor "reminder 8:30".
    clock = bool(after) and (
        any(w in _CLOCK_WORDS for w in after[1:]) or _colon_after(clause, noun.last)
    )
    number = int(after[0]) if after and after[0].isdigit() and not clock else None
    definite = lex.hits("reminder_definite", words[max(0, noun.first - _DEFINITE_REACH - 1) :
                                                  noun.first])  # fmt: skip
    if number is None and not definite:
        return None  # "change a reminder", "set a reminder for 5": a new one
    context, said = clause.context, clause.text.original
    recurrence = find_recurrence(said, now=context.now)
    if recurrence is not None:
        about = _described(clause, recurrence.rest, number)
        return EditReminder(number=number, description=about, cron=recurrence.cron)
    found = find_time(said, timezone=context.timezone, now=context.now)
    if found is None:
        # "move reminder 3": which is said, when is asked; without either, it is a list.
        return EditReminder(number=number) if number is not None else None
    about = _described(clause, found.rest, number)
    return EditReminder(number=number, description=about, at=found.at)


def _colon_after(clause: Clause, at: int) -> bool:
    token = clause.tokens[at]
    return clause.text.folded[token.end : token.end + 1] == ":"


_SAID_OF_EVERY_EDIT = ("reschedule_verb", "reminder_noun", "reminder_definite", "filler")


def _described(clause: Clause, rest: str, number: int | None) -> str | None:
    """Which reminder, in the words left once the time, the verb and "the reminder" are
    out ("the bank one"); None when a number says which, or nothing is left and the
    handler asks which."""
    if number is not None:
        return None
    words = words_of(rest)
    taken = clause.lex.taken(_SAID_OF_EVERY_EDIT, words)
    kept = [w for i, w in enumerate(words) if i not in taken]
    return " ".join(kept) or None
