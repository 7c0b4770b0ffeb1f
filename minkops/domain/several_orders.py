"""Several orders in one message, each for its own people: "Tom, bins out tonight. Luis,
mop the floor", "Juan limpia la terraza y Pedro friega los platos".

Read as one, such a message gives the first person the whole rest as a title ("do the
bins, Luis do the floors"), or the last order to the first person. It is cut before each
team member's name that opens a new order (after a sentence end, a comma or "and"), and
kept cut only when every part reads alone as an order for someone of its own."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from minkops.domain.intents import CreateTask, TaskOrder
from minkops.domain.intents import Intent as IntentType
from minkops.domain.lexicon import lexicon, words_of
from minkops.domain.roster import fold
from minkops.domain.understanding import UnderstandingContext

_MAX_ORDERS = 6
_BREAK = re.compile(r"(?:[.;!\n]+|,|\s-)\s*(?:(?:and|y|e|et)\s+)?|\s(?:and|y|e|et)\s+")
"""Where a new order may begin: each is one character class or a fixed word, so the
scan stays linear."""
_NAME_END = re.compile(r"[\s,:]")


def several_orders(
    message: str,
    whole: IntentType,
    read: Callable[[str], IntentType],
    context: UnderstandingContext,
) -> CreateTask | None:
    """One task per order when the message gives two or more to different people; None
    to keep `whole`."""
    if not isinstance(whole, CreateTask) or not whole.assignees:
        return None
    names = _names(context)
    if len(whole.assignees) > 1 and not _names_in(whole.title, names):
        return None  # "descale the kettle. For Tom and Lucía": one order for two, read whole
    cuts: list[tuple[int, int]] = []  # where one order ends and the next begins
    for brk in _BREAK.finditer(message):
        if _opens_with_a_name(message, brk.end(), names):
            cuts.append(brk.span())
            if len(cuts) >= _MAX_ORDERS:
                return None
    if not cuts:
        return None
    starts = [0, *(begin for _, begin in cuts)]
    ends = [*(end for end, _ in cuts), len(message)]
    parts = [message[a:b].strip(" ,;.!-\n") for a, b in zip(starts, ends, strict=True)]
    if not all(parts):
        return None
    readings = [read(part) for part in parts]
    orders = [
        r
        for r in readings
        if isinstance(r, CreateTask)
        and r.assignees
        and not _taken_back_words(words_of(r.title))
        and not _to_the_one_spoken_to(r)
    ]
    if len(orders) != len(readings) or not _each_their_own(orders):
        return None
    first, *rest = orders
    return CreateTask(
        title=first.title,
        assignees=first.assignees,
        due=first.due,
        also=[TaskOrder(title=o.title, assignees=o.assignees, due=o.due) for o in rest],
    )


def _names(context: UnderstandingContext) -> frozenset[str]:
    """Each member's full name and first name, folded."""
    names: set[str] = set()
    for entry in context.roster:
        folded = fold(entry.name)
        names.add(folded)
        names.add(folded.split()[0] if folded.split() else folded)
    return frozenset(n for n in names if n)


def _names_in(text: str, names: frozenset[str]) -> bool:
    words = f" {fold(text)} "
    return any(f" {name} " in words for name in names)


def _opens_with_a_name(message: str, at: int, names: frozenset[str]) -> bool:
    if at <= 0:
        return False
    head = fold(message[at : at + 40])
    return any(
        head.startswith(name) and (len(head) == len(name) or _NAME_END.match(head[len(name)]))
        for name in names
    )


_TAKING_BACK = ("correction_lead", "decline", "filler")


def _taken_back_words(words: Sequence[str]) -> bool:
    """No work at all, or only words that take something back ("no", "sorry", "wait")."""
    return not words or lexicon().covers_all(_TAKING_BACK, words)


_SECOND_PERSON = frozenset({"you", "your", "yours", "te", "ti", "contigo", "tu", "vous", "toi"})


def _to_the_one_spoken_to(order: CreateTask) -> bool:
    """ "Tom, mop the floor and Luis will help you": an order whose work is done to the one
    spoken to says how the first order is done; it is no order of its own."""
    return any(word in _SECOND_PERSON for word in fold(order.title).split())


def _each_their_own(orders: Sequence[CreateTask]) -> bool:
    """No one is in two orders: "Tom, the bins, Tom, the floors" is not two people's."""
    seen: set[str] = set()
    for order in orders:
        people = {fold(name) for name in order.assignees}
        if people & seen:
            return False
        seen |= people
    return True
