"""Twilio refuses a message body over 1,600 characters (error 21617): split it, in order.

Pure: no I/O. A text that fits is returned as it is. A longer one is cut at line
boundaries (a line that is itself too long at a space, and a word that is too long
anywhere) into parts that each fit *with* their number, "(2/3)", in front, so the
person reads them in order even if WhatsApp shows them out of order.
"""

from __future__ import annotations

TWILIO_MAX_BODY = 1600


def _prefix(index: int, total: int) -> str:
    return f"({index}/{total}) "


def _pieces(text: str, budget: int) -> list[str]:
    """Chunks of at most `budget` characters, cut at newlines, then spaces, then anywhere."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = line if not current else current + "\n" + line
        if len(candidate) <= budget:
            current = candidate
            continue
        if current:
            chunks.append(current)
            current = ""
        while len(line) > budget:
            cut = line.rfind(" ", 0, budget + 1)
            if cut <= 0:
                cut = budget
            chunks.append(line[:cut].rstrip())
            line = line[cut:].lstrip(" ")
        current = line
    if current or not chunks:
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()] or [text[:budget]]


def split_long_text(text: str, limit: int = TWILIO_MAX_BODY) -> list[str]:
    """The parts to send for `text`, in order; each at most `limit` characters."""
    if len(text) <= limit:
        return [text]
    total = 2
    while True:
        budget = limit - len(_prefix(total, total))
        if budget < 1:
            raise ValueError(f"limit {limit} is too small to number {total} parts")
        chunks = _pieces(text, budget)
        if len(chunks) <= total:
            break
        total = len(chunks)  # more parts: a longer prefix may take room, look again
    count = len(chunks)
    return [_prefix(i, count) + chunk for i, chunk in enumerate(chunks, 1)]
