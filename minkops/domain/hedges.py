"""Requests softened by a hedge, read as the request itself.

"any chance you could count the float?", "reckon Tom could wash the van?", "would it be
possible for Lucía to fold the towels?", "¿habrá chance de que Juan limpie el patio?":
the hedge and its modal only soften the order; the question mark asks nothing. Taking
them out leaves the order the grammar already reads ("Tom wash the van", "Lucía to fold
the towels", "que Juan limpie el patio"). The hedges are the lexicon's `request_hedge` class
(followed by a modal: "reckon Tom could") and `request_hedge_that` (followed by a subjunctive
"que": "habrá chance de que").
"""

from __future__ import annotations

from minkops.domain.grammar import people_in
from minkops.domain.lexicon import lexicon, tokens_of
from minkops.domain.rules_text import Text
from minkops.domain.understanding import UnderstandingContext

_YOU = frozenset({"you", "u", "ya"})
_DENIALS = frozenset({"not", "t", "no", "never"})
_HEDGE_REACH = 6
"""How many words a hedge may take: "is there any chance at all"."""
_NAME_REACH = 3
"""How many words a name said before the hedge may take ("María López, any chance …")."""


def unhedged(text: Text, context: UnderstandingContext) -> Text | None:
    """The message without the hedge that opens it (after a name said first, "María, any
    chance you could …"), or None when it has none, or when what follows is not a
    request (a modal, "to", or a "que"): "do you think Tom finished?" asks."""
    lex = lexicon()
    tokens = tokens_of(text.folded)
    words = [t.text for t in tokens]
    opening = words[: _HEDGE_REACH + _NAME_REACH]
    if not lex.has("request_hedge", opening) and not lex.has("request_hedge_that", opening):
        return None  # most messages: no roster scan spent on them
    people = people_in(tokens, context)
    lead = people[0].last if people and people[0].first == 0 else 0
    window = words[lead : lead + _HEDGE_REACH]
    that = lex.hits("request_hedge_that", window)
    if that and that[0].first == 0 and lead + that[0].last < len(words):
        # "habrá chance de que Juan limpie …": the "que" stays and orders.
        end = lead + that[0].last - 1
        return text.blank(tokens[lead].start, tokens[end].start)
    hedge = lex.hits("request_hedge", window)
    if not hedge or hedge[0].first != 0:
        return None
    after = lead + hedge[0].last
    subject = after
    named = [p.last for p in people if p.first == after] or [
        after + h.last for h in lex.hits("someone", words[after : after + 3]) if h.first == 0
    ]  # "any chance someone could take the bins out"
    if named:
        subject = named[0]
    elif words[after : after + 1] and words[after] in _YOU:
        subject = after + 1
    if subject >= len(words) - 1:
        return None
    if words[subject] == "to" and named:
        # "would it be possible for Lucía to fold …": "Lucía to fold …" orders.
        return text.blank(tokens[lead].start, tokens[after].start)
    modal = lex.hits("soft_modal", words[subject : subject + 1])
    if not modal or words[subject + 1] in _DENIALS:
        return None  # "reckon Tom can't come in": no request
    if not named:  # "any chance you could count …": the hedge, "you" and the modal
        return text.blank(tokens[lead].start, tokens[subject].end)
    text = text.blank(tokens[subject].start, tokens[subject].end)  # "Tom could wash …"
    return text.blank(tokens[lead].start, tokens[after].start)
