"""A small word said twice as the speaker gathers the next one.

"phone the electrician about the, the flickering light": in speech (and voice-note
transcripts) an article or preposition is repeated while the noun is found; the title
keeps one.
"""

from __future__ import annotations

from itertools import pairwise

from minkops.domain.lexicon import tokens_of
from minkops.domain.rules_text import Text

_STAMMERED = frozenset(
    {"the", "a", "an", "my", "our", "your", "to", "on", "in", "at", "for", "about", "of", "with"}
    | {"el", "la", "los", "las", "un", "una", "de", "del", "en", "con", "para"}
)
"""Words nobody means twice in a row ("that that" may be meant: "check that that door …")."""
_BETWEEN = frozenset({"", ",", "-", "..."})


def without_stammers(title: str) -> str:
    """`title` with each immediate repeat of a small word (across a comma or a pause)
    taken out. One pass over the words: linear."""
    tokens = tokens_of(Text.of(title).folded)
    kept: list[str] = []
    done = 0
    for before, word in pairwise(tokens):
        gap = title[before.end : word.start].strip()
        # as written: "que Pedro dé de comer" is a verb, then "de"
        said = title[word.start : word.end].lower()
        twice = said == title[before.start : before.end].lower()
        if twice and said in _STAMMERED and gap in _BETWEEN:
            kept.append(title[done : before.start])
            done = word.start
    if not kept:
        return title
    return "".join(kept) + title[done:]
