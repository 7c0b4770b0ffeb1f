"""A small word said twice as the speaker gathers the next one.

"phone the electrician about the, the flickering light": in speech (and voice-note
transcripts) an article or preposition is repeated while the noun is found; the title
keeps one.
"""

from __future__ import annotations

from minkops.domain.lexicon import tokens_of
from minkops.domain.rules_text import Text

_STAMMERED = frozenset(
    {"the", "a", "an", "my", "our", "your", "to", "on", "in", "at", "for", "about", "of", "with"}
    | {"el", "la", "los", "las", "un", "una", "de", "del", "en", "con", "para"}
)
"""Words nobody means twice in a row ("that that" may be meant: "check that that door …")."""
_BETWEEN = frozenset({"", ",", "-", "..."})


def without_stammers(title: str) -> str:
    """`title` with each immediate repeat of a small word, or of a pair of words ("can
    you, can you take …"), taken out (across a comma or a pause). One pass over the
    words: linear."""
    tokens = tokens_of(Text.of(title).folded)
    # as written: "que Pedro dé de comer" is a verb, then "de"
    said = [title[t.start : t.end].lower() for t in tokens]
    kept: list[str] = []
    done = 0
    for at in range(1, len(tokens)):
        if tokens[at].start < done:
            continue
        single = said[at] == said[at - 1] and said[at] in _STAMMERED
        pair = (
            at >= _PAIR
            and said[at - 1 : at + 1] == said[at - 3 : at - 1]
            and tokens[at - 1].start >= done
        )
        first = at - 1 if single else at - 3 if pair else -1
        repeat = at if single else at - 1
        if (
            first < 0
            or title[tokens[repeat - 1].end : tokens[repeat].start].strip() not in _BETWEEN
        ):
            continue
        kept.append(title[done : tokens[first].start])
        done = tokens[repeat].start
    if not kept:
        return title
    return "".join(kept) + title[done:]


_PAIR = 3
"""The index at which a repeated pair of words can first end ("can you can you")."""
