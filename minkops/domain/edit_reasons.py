"""A change to a task with the reason for it said after it.

"la campana mejor que la limpie Luis, Pedro está hasta arriba", "can I push my inventory
to Saturday at 11? swamped today": the change comes first; after a comma or the end of its
sentence, what is so of someone or of the day says why. The reason's words ("today",
"Pedro") are no new time and no new person for the task: the change alone is read.
"""

from __future__ import annotations

from collections.abc import Callable

from minkops.domain.grammar import described_task, people_in
from minkops.domain.intents import ASKS_NOTHING, CreateTask, EditTask
from minkops.domain.intents import Intent as IntentType
from minkops.domain.lexicon import lexicon, tokens_of, words_of
from minkops.domain.rules_text import fold
from minkops.domain.understanding import UnderstandingContext

_MARKS = (",", "?", ".", "!")
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
    if not isinstance(read(tail), ASKS_NOTHING) or people_in(tokens_of(fold(tail)), context):
        return None  # "…, que lo haga Juan Mora": a name with no state hands the task on
    return changed


def _a_state(tail: str) -> bool:
    """ "Pedro está hasta arriba", "Tom's off sick": a verb of being or happening near the
    start says what is so, not what to do."""
    return lexicon().has("comment_verb", words_of(tail)[:_STATE_REACH])


def change_then_edit_it(
    message: str,
    whole: IntentType,
    read: Callable[[str], IntentType],
    context: UnderstandingContext,
) -> IntentType | None:
    """ "the freezer check needs doing by 2pm today, can you update it": what a task now
    needs is said as if it were new work, then a last clause asks to change "it". The task
    is the open one the work's words name; the time and the person said are its change."""
    if isinstance(whole, EditTask):
        return None
    cut = max(message.rfind(","), message.rfind("."))
    asked = words_of(message[cut + 1 :])
    lex = lexicon()
    if cut <= 0 or not lex.has("update_it", asked):
        return None
    if not lex.covers_all(("update_it", "filler"), asked):
        return None
    said = read(message[:cut])
    if not isinstance(said, CreateTask) or not (said.due or said.assignees):
        return None
    if len(said.assignees) > 1 or people_in(tokens_of(fold(said.title)), context):
        return None  # someone passed the request on: who the task goes to is not this read
    number = described_task(said.title, context)
    if number is None:
        return None
    assignee = said.assignees[0] if said.assignees else None
    return EditTask(number=number, due=said.due, assignee=assignee)
