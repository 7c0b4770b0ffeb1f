"""A task renamed by what it is about, not by its number.

"rename the fridge task to clean and defrost the fridge", "a la tarea de la nevera
cámbiale el nombre a 'limpiar y descongelar la nevera'": a phrase of renaming, the task
said by description on one side of it, and after a linking word ("to", "a", "por") the new
title. The phrases and links are lexicon classes (`rename_before`, `rename_after`,
`rename_link`, `rename_dative`); the description must fit exactly one open task.
"""

from __future__ import annotations

from minkops.domain.grammar import described_task
from minkops.domain.intents import EditTask
from minkops.domain.lexicon import Word, lexicon, tokens_of
from minkops.domain.rules_text import Text, tidy
from minkops.domain.understanding import UnderstandingContext

_MAX_LINKS = 3
"""Links tried as the end of the description ("rename the run to the bank to …")."""
_QUOTES = "'\"‘’“”«»"


def renamed_by_description(text: Text, context: UnderstandingContext) -> EditTask | None:
    """The edit that gives the one task a description fits its new title, or None."""
    tokens = tokens_of(text.folded)
    words = [t.text for t in tokens]
    lex = lexicon()
    before = lex.hits("rename_before", words)
    if before and before[0].first == 0:
        # "rename the fridge task to …": the description between the phrase and a link.
        links = [i for i in range(before[0].last + 1, len(words)) if _links(words, i)]
        for link in links[:_MAX_LINKS]:
            edit = _edit(text, tokens, (before[0].last, link), link, context)
            if edit is not None:
                return edit
        return None
    after = lex.hits("rename_after", words)
    if not after or after[0].first == 0 or not _links(words, after[0].last):
        return None
    # "a la tarea de la nevera cámbiale el nombre a …": the description said first.
    start = 1 if lex.has("rename_dative", words[:1]) else 0
    return _edit(text, tokens, (start, after[0].first), after[0].last, context)


def _links(words: list[str], at: int) -> bool:
    return at < len(words) - 1 and lexicon().has("rename_link", words[at : at + 1])


def _edit(
    text: Text,
    tokens: list[Word],
    described: tuple[int, int],
    link: int,
    context: UnderstandingContext,
) -> EditTask | None:
    first, last = described
    if first >= last:
        return None
    description = text.original[tokens[first].start : tokens[last - 1].end]
    number = described_task(description, context)
    if number is None:
        return None
    title = tidy(text.original[tokens[link].end :]).strip(_QUOTES + " ")
    return EditTask(number=number, title=title) if title else None
