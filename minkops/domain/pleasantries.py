"""Small talk said as a sentence of its own before (or after) the request.

"hey Tom! hope ur good. could you update the timetable?": the wish that the reader is
well asks for nothing and names no work; read as part of the message, it becomes the
title ("hope ur good") or hides the request after it.
"""

from __future__ import annotations

from minkops.domain.lexicon import lexicon, words_of

_MARKS = ".!?\n,;"
"""What ends small talk: a sentence's end, or the comma after a greeting ("hi Luis, hope
you're well, can you …")."""
_AROUND = ("greeting", "vocative")
"""Words that may go with the pleasantry in its sentence: "hi, hope you're well"."""


def pleasantries(folded: str) -> list[tuple[int, int]]:
    """The spans of sentences (or pieces between commas) that are only small talk, each
    with the mark that ends it; none when small talk is all there is ("how are you?" is
    answered as what it is). One pass over the marks and one lexicon look-up per piece:
    linear."""
    lex = lexicon()
    spans: list[tuple[int, int]] = []
    start = 0
    for end, ch in enumerate(folded):
        if ch not in _MARKS:
            continue
        words = words_of(folded[start:end])
        if lex.has("pleasantry", words) and lex.covers_all(("pleasantry", *_AROUND), words):
            spans.append((start, end + 1))
        start = end + 1
    if spans and not words_of(folded[spans[-1][1] :]):
        return []
    return spans
