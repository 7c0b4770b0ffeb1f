"""A question about the work with the reason for asking said after it.

"oye qué le queda a juan perez, que se va a las 3", "what's Luis got on, he's leaving at
4", "¿qué tengo pendiente? para organizarme la mañana": the question comes first; after a
comma or its question mark, a clause of reason or purpose says why it is asked. The
reason's words ("se va a las 3") are no task and no time of one: the question alone is
read. The leads of a reason are lexicon classes (`because`, `purpose_lead`,
`reason_lead`).
"""

from __future__ import annotations

from collections.abc import Callable

from minkops.domain.intents import Intent as IntentType
from minkops.domain.intents import ListTasks
from minkops.domain.lexicon import lexicon, words_of

_LEADS = ("because", "purpose_lead", "reason_lead")
_MARKS = (",", "?")


def question_before_reason(
    message: str, whole: IntentType, read: Callable[[str], IntentType]
) -> IntentType | None:
    """The question the message opens with, when a reason follows it; None to keep
    `whole`."""
    if isinstance(whole, ListTasks):
        return None
    cut = min((at for mark in _MARKS if (at := message.find(mark)) > 0), default=-1)
    if cut < 0:
        return None
    reason = words_of(message[cut + 1 :])
    lex = lexicon()
    if not reason or not any(
        hit.first == 0 for name in _LEADS for hit in lex.hits(name, reason[:3])
    ):
        return None
    asked = read(message[: cut + 1])
    return asked if isinstance(asked, ListTasks) else None
