"""A request passed on ("Ana me pidió que añada una tarea para Juan: …", "Tom asked me
to add a task for Luis: …"): who asked is no doer; the request is read as if sent."""

from __future__ import annotations

from minkops.domain.grammar import people_in
from minkops.domain.lexicon import lexicon, tokens_of
from minkops.domain.rules_text import Text
from minkops.domain.sentences import sentences_of
from minkops.domain.understanding import UnderstandingContext

_NAME_REACH = 2
"""How many words may open the message before the name of who asked ("oye, Ana …")."""


def passed_on_request(message: str, context: UnderstandingContext) -> str | None:
    """The request after "<name> asked me to", or None when the message is not one."""
    tokens = tokens_of(Text.of(message).folded)
    if not lexicon().has("asked_me", [t.text for t in tokens[: _NAME_REACH + 8]]):
        return None  # the roster is looked through only when a request may be passed on
    people = people_in(tokens, context)
    if not people or people[0].first > _NAME_REACH:
        return None
    after = people[0].last
    said = [t.text for t in tokens[after : after + 5]]
    asked = lexicon().hits("asked_me", said)
    if not asked or asked[0].first != 0 or after + asked[0].last >= len(tokens):
        return None
    return message[tokens[after + asked[0].last].start :]


def favour_then_work(message: str, context: UnderstandingContext) -> str | None:
    """ "¿Me echas una mano, Lucía? Habría que etiquetar las cajas …": a first sentence that
    only asks a favour of someone names who does the work the next sentence says; the
    work, addressed to them, or None when the message is not so."""
    parts = sentences_of(message)
    if len(parts) < 2:
        return None
    tokens = tokens_of(Text.of(parts[0]).folded)
    if not lexicon().has("favour_asked", [t.text for t in tokens]):
        return None
    people = people_in(tokens, context)
    if not people:
        return None
    named = {i for person in people for i in range(person.first, person.last)}
    said = [t.text for i, t in enumerate(tokens) if i not in named]
    lex = lexicon()
    if not lex.has("favour_asked", said) or not lex.covers_all(_ASKING, said):
        return None
    names = ", ".join(parts[0][tokens[p.first].start : tokens[p.last - 1].end] for p in people)
    return f"{names}, {' '.join(parts[1:])}"


_ASKING = ("favour_asked", "greeting", "vocative", "ability")
"""What a sentence that only asks a favour is made of, besides the names."""
