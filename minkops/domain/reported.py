"""A request passed on ("Ana me pidió que añada una tarea para Juan: …", "Tom asked me
to add a task for Luis: …"): who asked is no doer; the request is read as if sent."""

from __future__ import annotations

from minkops.domain.grammar import people_in
from minkops.domain.lexicon import lexicon, tokens_of
from minkops.domain.rules_text import Text
from minkops.domain.understanding import UnderstandingContext

_NAME_REACH = 2
"""How many words may open the message before the name of who asked ("oye, Ana …")."""


def passed_on_request(message: str, context: UnderstandingContext) -> str | None:
    """The request after "<name> asked me to", or None when the message is not one."""
    tokens = tokens_of(Text.of(message).folded)
    people = people_in(tokens, context)
    if not people or people[0].first > _NAME_REACH:
        return None
    after = people[0].last
    said = [t.text for t in tokens[after : after + 5]]
    asked = lexicon().hits("asked_me", said)
    if not asked or asked[0].first != 0 or after + asked[0].last >= len(tokens):
        return None
    return message[tokens[after + asked[0].last].start :]
