"""A due time said by pointing back ("the inspector's coming friday at 10am, Pedro scrub
the fryer before then"): "then" is the time said earlier in the message."""

from __future__ import annotations

from minkops.domain.intents import CreateTask
from minkops.domain.intents import Intent as IntentType
from minkops.domain.lexicon import lexicon, tokens_of
from minkops.domain.rules_text import Text
from minkops.domain.understanding import UnderstandingContext
from minkops.domain.when import find_time


def due_said_before(message: str, intent: IntentType, context: UnderstandingContext) -> IntentType:
    """`intent` due at the time said before its "by then"/"para entonces", when it is a
    task with no due time of its own; `intent` as it was otherwise."""
    if not isinstance(intent, CreateTask) or intent.due is not None:
        return intent
    folded = Text.of(message).folded
    tokens = tokens_of(folded)
    hits = lexicon().hits("then_time", [t.text for t in tokens])
    if not hits or hits[0].first == 0:
        return intent
    before = message[: tokens[hits[0].first].start]
    found = find_time(before, timezone=context.timezone, now=context.now)
    if found is None or not found.explicit_time:
        return intent
    return intent.model_copy(update={"due": found.at})
