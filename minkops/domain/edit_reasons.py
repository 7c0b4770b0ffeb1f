"""A change to a task with the reason for it said after it.

"la campana mejor que la limpie Luis, Pedro está hasta arriba", "can I push my inventory
to Saturday at 11? swamped today": the change comes first; after a comma or the end of its
sentence, what is so of someone or of the day says why. The reason's words ("today",
"Pedro") are no new time and no new person for the task: the change alone is read.
"""

from __future__ import annotations

from collections.abc import Callable

from minkops.domain.grammar import people_in
from minkops.domain.intents import Acknowledge, EditTask, Help, Unknown
from minkops.domain.intents import Intent as IntentType
from minkops.domain.lexicon import lexicon, tokens_of, words_of
from minkops.domain.rules_text import fold
from minkops.domain.understanding import UnderstandingContext

_MARKS = (",", "?", ".", "!")
_NOTHING = (Unknown, Acknowledge, Help)
_STATE_REACH = 3
"""How far into the reason its verb of being may stand: "Pedro está …", "the van is …"."""


def change_before_reason(
    message: str,
    whole: IntentType,
    read: Callable[[str], IntentType],
    context: UnderstandingContext,
) -> IntentType | None:
    """The change the message opens with, when only a reason follows it; None to keep
    `whole`."""
    cut = min((at for mark in _MARKS if (at := message.find(mark)) > 0), default=-1)
    if cut < 0 or not message[cut + 1 :].strip():
        return None
    changed = read(message[: cut + 1])
    if not isinstance(changed, EditTask) or changed.number is None or changed.title:
        return None  # a new title may hold commas: "order milk, coffee and sugar"
    if isinstance(whole, EditTask) and whole.number not in (None, changed.number):
        return None
    if changed == whole:
        return None
    tail = message[cut + 1 :]
    if _a_state(tail):
        return changed
    if not isinstance(read(tail), _NOTHING) or people_in(tokens_of(fold(tail)), context):
        return None  # "…, que lo haga Juan Mora": a name with no state hands the task on
    return changed


def _a_state(tail: str) -> bool:
    """ "Pedro está hasta arriba", "Tom's off sick": a verb of being or happening near the
    start says what is so, not what to do."""
    return lexicon().has("comment_verb", words_of(tail)[:_STATE_REACH])
