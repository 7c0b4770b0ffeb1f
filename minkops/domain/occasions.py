"""An occasion the due time was said of ("before the group visit on Saturday at 11").

When the time sits inside or right after a "before …" phrase that ends the order, the
phrase names the event the time belongs to: it dates the work, it is not the work.
"""

from __future__ import annotations

from minkops.domain.lexicon import lexicon, tokens_of
from minkops.domain.rules_text import Text, tidy

_OCCASION_REACH = 5
"""How many words "before" may stand ahead of the time ("before the new staff lesson")."""
_PURPOSE = frozenset({"to"})
"""An infinitive of purpose after the time is the work's own end, never an occasion's."""
_AFTER_THE_TIME = 2
"""How many words of the occasion may follow the time ("before the 2pm lesson")."""


def where_the_time_was(said: str, rest: str) -> int:
    """Where `rest`, `said` with its time taken out, first differs from `said`: what comes
    after is what followed the time."""
    cut = 0
    for a, b in zip(said, rest, strict=False):
        if a != b:
            break
        cut += 1
    return cut


def drop_dated_occasion(said: str, rest: str) -> str:
    """`rest` (the order with its time taken out of `said`) without a closing "before …"
    whose words hold the time; `rest` as it was otherwise."""
    cut = where_the_time_was(said, rest)
    tokens = tokens_of(Text.of(rest).folded)
    ahead = [t for t in tokens if t.end <= cut]
    behind = [t for t in tokens if t.start >= cut]
    residue = lexicon().hits("time_residue", [t.text for t in behind])
    if residue and residue[-1].last == len(behind) and residue[-1].first > 0:
        behind = behind[: residue[-1].first]  # "…, 7am at the latest": no occasion's word
    if len(behind) > _AFTER_THE_TIME or len(ahead) < 2:
        return rest
    first = max(2, len(ahead) - _OCCASION_REACH)
    taken = tokens_of(Text.of(said[cut:]).folded)[:1]
    if behind and behind[0].text in _PURPOSE:
        return rest  # "call her back before 1pm to apologise": why, said of the work
    if behind and taken and lexicon().has("occasion_before", [taken[0].text]):
        # "before the Sunday rush": the time took its "before" with it; the occasion's
        # noun left behind ("rush") is no more the work.
        return tidy(rest[: ahead[-1].end])
    hits = lexicon().hits("occasion_before", [t.text for t in ahead[first:]])
    if not hits:
        return rest
    return tidy(rest[: ahead[first + hits[-1].first].start])
