"""What a reminder's text says before and after the work, that is not the work.

"weekday mornings at 8:15 the instructors have to check the brakes, can you remind Juan
and Lucía": the request said after a comma names who is told, and the ones who must do
the work open the text; what to remember is "check the brakes". Each reader walks the
words once: linear.
"""

from __future__ import annotations

from collections.abc import Sequence

from minkops.domain.lexicon import lexicon, tokens_of
from minkops.domain.rules_text import Text, tidy
from minkops.domain.verb_forms import DETERMINERS, ES_DETERMINERS

_ASKING = frozenset({"can", "could", "would", "will", "you", "u", "also", "just", "then"})
"""Words that ask for the request after a comma: "…, can you remind Tom"."""
_JOINING = frozenset({"and", "y", "e", "&", "me", "a", "to", "both"})
"""Words between the names told: "Juan and Lucía", "a Juan y a Lucía"."""


def request_after_the_work(body: str, people: Sequence[tuple[int, int]]) -> str:
    """ "check the brakes, can you remind Juan and Lucía": the reminder verb and the
    people it names, set off by a comma after the work, are the request, not the work."""
    tokens = tokens_of(Text.of(body).folded)
    words = [t.text for t in tokens]
    spans = sorted(people)
    end = len(words)
    while end > 0:
        span = next((s for s in spans if s[1] == end), None)
        if span is not None:
            end = span[0]
        elif words[end - 1] in _JOINING:
            end -= 1
        else:
            break
    if end == len(words):
        return body  # nobody named after it: the plain tail is `_drop_tail`'s
    verbs = lexicon().hits("reminder_verb", words[:end])
    if not verbs or verbs[-1].last != end:
        return body
    start = verbs[-1].first
    while start > 0 and words[start - 1] in _ASKING:
        start -= 1
    if start == 0:
        return body
    gap = body[tokens[start - 1].end : tokens[start].start]
    if "," not in gap and ";" not in gap:
        return body  # "… to remind Juan": an infinitive of the work itself
    return tidy(body[: tokens[start - 1].end])


_SUBJECT_WORDS = 3
"""The ones who must do the work are named in a few words: "the kitchen staff"."""


def doers_before_the_work(body: str) -> str:
    """ "the instructors have to check the brakes": what they must do is what to
    remember; the reminder is sent to them, so who they are is already said."""
    tokens = tokens_of(Text.of(body).folded)
    words = [t.text for t in tokens]
    if not words or words[0] not in DETERMINERS | ES_DETERMINERS:
        return body
    lex = lexicon()
    duty = lex.hits("obligation", words[: _SUBJECT_WORDS + 3])
    if not duty or not 1 < duty[0].first <= _SUBJECT_WORDS or duty[0].last >= len(words):
        return body
    if not lex.has("work_verb", words[duty[0].last : duty[0].last + 1]):
        return body  # "the van has to be washed": said of a thing, kept whole
    return tidy(body[tokens[duty[0].last].start :])
