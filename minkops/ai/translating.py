"""Reading a message, then translating the words it asks to pass on.

Runs in the understanding pool, where the org actor already waits (as a message, never
blocking) for the reading: so translating costs the org actor nothing, happens before its
transaction, and the translated words are committed with the outbox rows and reminders
that carry them. A redelivery reads and translates again, but only one commit counts.

Which words: a new task's title and a new reminder's text. Into which languages: those of
the people the intent names (resolved against the roster as the handler will), minus the
author's (the language the message was read in). A name that does not resolve to one
person asks for every candidate's language; "everyone" for every member's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from minkops.ai.translation import Translator
from minkops.domain import intents as i
from minkops.domain.handlers.base import ME_WORDS
from minkops.domain.handlers.reminders import EVERYONE_WORDS
from minkops.domain.replies import pick_language
from minkops.domain.roster import Ambiguous, Resolved, resolve_name
from minkops.domain.translation import folded
from minkops.domain.understanding import Read, Understanding, UnderstandingContext, read


@dataclass(frozen=True)
class Wanted:
    words: str
    source: str
    targets: tuple[str, ...]


def wanted(understood: i.Understood, context: UnderstandingContext) -> tuple[Wanted, ...]:
    """The words `understood` passes on and the languages they must reach: one title per
    order of a task, a reminder's text; none when everyone reads the sender's language."""
    intent = understood.intent
    said: list[tuple[str, list[str]]]
    if isinstance(intent, i.CreateTask):
        # No assignee: a staff member's own task, or an admin's unassigned one; either way
        # nobody else is told, so nothing to translate.
        said = [(order.title, order.assignees) for order in intent.orders()]
    elif isinstance(intent, i.CreateReminder):
        said = [(intent.text, intent.recipients or ["me"])]
    else:
        return ()
    source = pick_language(understood.language, context.language)
    wants = []
    for words, names in said:
        targets = sorted(set(_languages(names, context)) - {source})
        if folded(words) and targets:
            wants.append(Wanted(folded(words), source, tuple(targets)))
    return tuple(wants)


def _languages(names: Iterable[str], context: UnderstandingContext) -> Iterable[str]:
    for name in names:
        key = name.strip().lower()
        if key in ME_WORDS:
            yield pick_language(context.language)
        elif key in EVERYONE_WORDS:
            yield from (pick_language(e.language) for e in context.roster)
        else:
            match resolve_name(name, context.roster):
                case Resolved(entry=entry):
                    yield pick_language(entry.language)
                case Ambiguous(candidates=candidates):
                    yield from (pick_language(c.language) for c in candidates)


class TranslatingReader:
    """An engine (`Metered`): `engine`'s reading, plus the translations it calls for."""

    def __init__(self, engine: Understanding, translator: Translator) -> None:
        self._engine = engine
        self._translator = translator

    def understand(self, text: str, context: UnderstandingContext) -> i.Understood:
        return self._engine.understand(text, context)

    def read(self, text: str, context: UnderstandingContext) -> Read:
        reading = read(self._engine, text, context)
        wants = wanted(reading.understood, context)
        if not wants:
            return reading
        found: dict[str, dict[str, str]] = {}
        tokens = reading.tokens
        for want in wants:
            for target in want.targets:
                translated = self._translator.translate(want.words, want.source, target)
                if translated is None:
                    continue  # quoted as written: the notice goes anyway
                tokens += translated.tokens
                found.setdefault(want.words, {})[target] = translated.words
        return Read(reading.understood, tokens, found)
