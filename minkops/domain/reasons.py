"""A reason said after the due time that closes a Spanish order ("limpia la piscina antes
de las 12, que llegan los de la despedida").

With the time between them, a "que" cannot bind to the work's last noun as a relative
clause would: what it opens says why the work is asked for now, and is no part of it.
"""

from __future__ import annotations

from minkops.domain.lexicon import tokens_of
from minkops.domain.occasions import where_the_time_was
from minkops.domain.rules_text import Text, tidy
from minkops.domain.verb_forms import CLITICS

_QUE = frozenset({"que", "q"})
_WORK_WORDS = 2
"""The fewest words of work before the time: a verb and its object."""
_COMING = frozenset({"viene", "vienen"})
"""A "que viene" alone after a time names the coming one ("la semana que viene"); with a
subject after it ("que viene el inspector") it says who is coming."""
_DATIVES = frozenset({"me", "te", "nos", "os"})


def drop_reason_after_time(said: str, rest: str) -> str:
    """`rest` (the order with its time taken out of `said`) without a "que …" clause that
    followed the time; `rest` as it was otherwise. A "que" with an object pronoun hands the
    work on ("…, que lo haga Tom") unless the pronoun is whom it befalls ("que se nos
    olvida")."""
    cut = where_the_time_was(said, rest)
    tokens = tokens_of(Text.of(rest).folded)
    ahead = [t for t in tokens if t.end <= cut]
    behind = [t.text for t in tokens if t.start >= cut]
    if len(ahead) < _WORK_WORDS or len(behind) < 2 or behind[0] not in _QUE:
        return rest
    if behind[1] in _COMING and len(behind) == len(["que", "viene"]):
        return rest
    if behind[1] in CLITICS and not (behind[1] == "se" and behind[2:3] and behind[2] in _DATIVES):
        return rest
    return tidy(rest[: ahead[-1].end])
