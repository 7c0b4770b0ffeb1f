"""A task called off with the reason for it said alongside, in a clause of its own.

People say why they drop a task: "get rid of the hood task, we're paying a company to do
it", "la de la terraza ya no hace falta, la van a pulir los de la limpieza", "the fridge is
being replaced so no point cleaning it, delete that one". The reason's words ("paying",
"viene mañana", "pulir") must not read as billing, a new time or work done. The clause that
calls the task off is one of the message's ends, set off by a comma or a full stop:

- the first clause, its calling-off word at its start or its end ("cancela lo de …",
  "lo del vino quítalo", "… ya no hace falta"): that clause names the task;
- the last clause, only an order to delete "it" or "that one": the clauses before name it.

Every word is a lexicon class; the code only says where the clauses are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minkops.domain.grammar import Clause

_BOUNDARY = frozenset(",.;:!?")
_MAX_CLAUSES = 4
"""A reason is a clause or two; a longer message is more than a task called off."""
_CALLING_OFF = ("cancel", "anymore", "cancel_it")
_NOT_A_TASK = ("reminder_noun", "reminder_verb", "our_messages", "account_noun")
"""Words that say what is called off is a reminder, the messages or the account; in a
reason they may say anything ("we're paying a company to do it")."""


def _clauses(clause: Clause) -> list[range]:
    """The word positions of each comma- or stop-separated clause, in order."""
    tokens, folded = clause.tokens, clause.text.folded
    spans: list[range] = []
    start = 0
    for index in range(1, len(tokens)):
        if _BOUNDARY.intersection(folded[tokens[index - 1].end : tokens[index].start]):
            spans.append(range(start, index))
            start = index
    spans.append(range(start, len(tokens)))
    return spans


def _calls_off_at_an_edge(clause: Clause, span: range) -> bool:
    """A calling-off word opens the clause or closes it: "cancela lo de la campana", "lo
    del vino quítalo", "la de la terraza ya no hace falta"."""
    words = clause.words[span.start : span.stop]
    hits = [hit for name in _CALLING_OFF for hit in clause.lex.hits(name, words)]
    return any(hit.first == 0 or hit.last == len(words) for hit in hits)


def cancelled_with_reason(
    clause: Clause, resolve: Callable[[Sequence[str]], list[int]]
) -> int | None:
    """The number of the one open task the message calls off beside its reason, or None.
    `resolve` gives the numbers of the open tasks some words fit best."""
    spans = _clauses(clause)
    if not 1 < len(spans) <= _MAX_CLAUSES:
        return None
    if any(w.isdigit() for w in clause.words):
        return None  # a task's number is read by the rules that read numbers
    first, last = spans[0], spans[-1]
    closing = clause.words[last.start : last.stop]
    if clause.lex.has("cancel_it", closing) and clause.lex.covers_all(
        ("cancel_it", "filler"), closing
    ):
        named = range(0, last.start)  # "…, delete that one": the clauses before name it
    elif _calls_off_at_an_edge(clause, first):
        named = first
    else:
        return None
    named_words = clause.words[named.start : named.stop]
    if any(clause.lex.has(name, named_words) for name in _NOT_A_TASK):
        return None
    said = [clause.words[i] for i in _content_positions(clause) if i in named]
    matches = resolve(said)
    return matches[0] if len(matches) == 1 else None


def _content_positions(clause: Clause) -> list[int]:
    """Positions of the words that are no calling-off word, person or filler."""
    dropped = clause.lex.taken((*_CALLING_OFF, "filler"), clause.words)
    for person in clause.people:
        dropped.update(range(person.first, person.last))
    return [i for i in range(len(clause.words)) if i not in dropped]
