"""A time said, then put right straight away ("on Friday, no sorry Saturday, at 9",
"el lunes a las 10, digo a las 11").

The words after the slip replace as many words at the end of the time before it: the
correction repeats the phrase it mends ("Friday" → "Saturday", "a las 10" → "a las 11"),
so the rest of that time ("el lunes") still stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from minkops.domain.lexicon import Word, lexicon, tokens_of
from minkops.domain.rules_text import Text, tidy
from minkops.domain.when import find_time

_CORRECTION_REACH = 4
"""How many words the mended phrase may run to, up to the pause that ends it."""
_PAUSES = frozenset(",.;…")
_MAX_REPAIRS = 3
"""A message mends a time once or twice; more "no"s are not all tried (each costs a
read of the time)."""
_WIDER = 2
"""How many words past the pause-bounded reach a correction may run ("7:30 in the
morning")."""
_SLIP_REACH = 7
"""How far back the slip may start: "a las 10 de la mañana"."""


def time_put_right(said: str, *, timezone: str, now: datetime) -> str:
    """`said` with a time that was put right read as the right one; unchanged otherwise."""
    folded = Text.of(said).folded
    tokens = tokens_of(folded)
    words = [t.text for t in tokens]
    repairs = lexicon().hits("self_repair", words)
    taken = {hit.first for hit in repairs}
    repairs += [hit for hit in lexicon().hits("time_repair", words) if hit.first not in taken]
    for repair in repairs[:_MAX_REPAIRS]:
        # "no" is a repair only between two times ("at 4pm, no 3pm"); any other "no"
        # before it ("no olvides …") is passed over, not taken for the one.
        mended = _mended(said, tokens, repair.first, repair.last, timezone, now)
        if mended is not None:
            return mended
    return said


def _mended(
    said: str, tokens: Sequence[Word], first: int, last: int, timezone: str, now: datetime
) -> str | None:
    if first == 0 or last >= len(tokens):
        return None
    size = 0
    while size < _CORRECTION_REACH and last + size < len(tokens):
        size += 1
        gap = (
            said[tokens[last + size - 1].end : tokens[last + size].start]
            if last + size < len(tokens)
            else ""
        )
        if any(mark in gap for mark in _PAUSES):
            break
    aligned = _aligned_slip(said, tokens, first, last, size, timezone, now)
    if aligned is not None:
        return tidy(f"{said[: tokens[aligned].start]}{said[tokens[last].start :]}")
    mended = said[tokens[last].start : tokens[last + size - 1].end]
    if size > first or not _is_a_time(mended, timezone, now):
        return None
    slip = said[tokens[first - size].start : tokens[first - 1].end]
    if not _is_a_time(slip, timezone, now):
        return None
    return tidy(f"{said[: tokens[first - size].start]}{said[tokens[last].start :]}")


def _aligned_slip(
    said: str,
    tokens: Sequence[Word],
    first: int,
    last: int,
    size: int,
    timezone: str,
    now: datetime,
) -> int | None:
    """Where the slip starts when the correction opens as it did: the same word ("a las
    5 de la tarde, no perdona, a las 6") or an hour for an hour ("at 4pm, no sorry make
    it 5pm", "at 7 no wait 7:30 in the morning"). The slip may run longer than its
    correction ("de la tarde"), and the day before it ("el domingo") still stands. The
    correction is the longest time its first words make; the slip, from the nearest such
    word, must be a time (with the word before it: "at 5")."""
    mended = next(
        (
            said[tokens[last].start : tokens[end - 1].end]
            for end in range(last + size + _WIDER, last, -1)
            if end <= len(tokens)
            and _is_a_time(said[tokens[last].start : tokens[end - 1].end], timezone, now)
        ),
        None,
    )
    if mended is None:
        return None
    opening = tokens[last].text
    for at in range(first - 1, max(-1, first - 1 - _SLIP_REACH), -1):
        word = tokens[at].text
        if word != opening and not (word[:1].isdigit() and opening[:1].isdigit()):
            continue
        slip = said[tokens[at].start : tokens[first - 1].end]
        wider = said[tokens[at - 1].start : tokens[first - 1].end] if at else slip
        return at if _is_a_time(slip, timezone, now) or _is_a_time(wider, timezone, now) else None
    return None


def _is_a_time(phrase: str, timezone: str, now: datetime) -> bool:
    """The whole phrase is a time ("Saturday", "a las 11"), nothing of the work in it."""
    found = find_time(phrase, timezone=timezone, now=now)
    return found is not None and not tokens_of(Text.of(found.rest).folded)
