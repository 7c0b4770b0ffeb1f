"""A task reported done by the state its object is now in.

"inventory's all counted and written up", "the fridge is all cleaned": the task's object,
a verb of being, "all", and what was done to it. "all" before the participle says the
work is through; without it the state may be a fault ("the fridge is damaged"). Every word
is a lexicon class (`state_copula`, `state_whole`, `gone_through`: "the order went in"); the participle is an English "-ed" form of a `work_verb`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from minkops.domain.verb_forms import english_base

if TYPE_CHECKING:
    from minkops.domain.grammar import Clause

_SUBJECT_WORDS = 5
"""The object is named in a few words before the verb of being: "the monthly stock count"."""
_PARTICIPLE = "ed"


def done_by_state(clause: Clause, resolve: Callable[[Sequence[str]], list[int]]) -> int | None:
    """The number of the one open task the words before "is all …ed" name, or None."""
    lex, words = clause.lex, clause.words
    if clause.question or clause.people:
        return None
    gone = lex.hits("gone_through", words[: _SUBJECT_WORDS + 2])
    if gone and gone[0].first > 0:
        # "the dairy and coffee order went in this morning": an order placed, a letter
        # sent: the work is through.
        matches = resolve(words[: gone[0].first])
        return matches[0] if len(matches) == 1 else None
    copulas = lex.hits("state_copula", words[: _SUBJECT_WORDS + 1])
    if not copulas or copulas[0].first == 0:
        return None
    at = copulas[0].last
    whole = lex.hits("state_whole", words[at : at + 1])
    if not whole or at + 1 >= len(words) or not words[at + 1].endswith(_PARTICIPLE):
        return None
    base = english_base(words[at + 1])
    if base is None or not lex.has("work_verb", [base]):
        return None  # "the terrace is all flooded": what happened to it, no work done
    matches = resolve(words[: copulas[0].first])
    return matches[0] if len(matches) == 1 else None
