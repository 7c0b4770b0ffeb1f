"""The sender's own work, said as what they will or must do.

"I'll do the bank run tomorrow at 9:30", "I've got to chase the landlord about the
leak": no one is asked and no label is said, yet the sender writes it down to have it
done. Read last, when nothing else took the message ("I need to change the card we pay
with" is billing's), and rewritten into the fixed rules' label form for the sender.
"""

from __future__ import annotations

from minkops.domain.lexicon import Lexicon, Word, lexicon, tokens_of
from minkops.domain.rules_text import Text

_MINE = "task for me: "
_REACH = 400
"""How far into the message (in characters) the sender's own work may start: after a
scene of a few sentences, never deep in a pasted text (and a long message costs no more)."""
_SENTENCE_BREAKS = ".!?;:\n"
_NOT_WORK = frozenset({"you", "u", "ya", "him", "her", "them", "us", "it", "that", "this"})
"""A verb followed by whom it is said to ("I'll call you back", "I'll let you know") is a
promise in conversation, not a thing to track."""


def own_work(text: Text, *, strict: bool = False) -> Text | None:
    """The message as "task for me: …" when a sentence of it opens with the sender's own
    will or duty and then a verb of work with its object; None otherwise. `strict` takes
    only the lexicon's verbs of work, not "get", "do" or a phrasal verb's head ("I need
    to get the invoice" asks for a paper, "I need to file the invoices" is work)."""
    lex = lexicon()
    tokens = tokens_of(text.folded[:_REACH])
    words = [t.text for t in tokens]
    for hit in lex.hits("own_work_lead", words):
        if not _opens_a_sentence(text, tokens, hit.first):
            continue
        verb = hit.last
        if verb + 1 < len(words) and _work_with_an_object(words, verb, lex, strict):
            return Text(
                _MINE + text.original[tokens[verb].start :],
                _MINE + text.folded[tokens[verb].start :],
            )
    return None


def _opens_a_sentence(text: Text, tokens: list[Word], at: int) -> bool:
    """At the start, or after a sentence's end: a mark, or an emoji that ends a line of
    chat ("… and I haven't even started 😩 I need to scan …")."""
    if at == 0:
        return True
    gap = slice(tokens[at - 1].end, tokens[at].start)
    if any(mark in text.folded[gap] for mark in _SENTENCE_BREAKS):
        return True
    return any(not ch.isspace() and not ch.isalnum() for ch in text.original[gap]) and all(
        ch.isspace() for ch in text.folded[gap]
    )


def _work_with_an_object(words: list[str], verb: int, lex: Lexicon, strict: bool) -> bool:
    done = lex.hits("done_thing", words[verb : verb + 3])
    if done and done[0].first == 0:
        return not strict
    said = lex.hits("work_verb", words[verb : verb + 3])
    if not strict:
        said = said or lex.hits("phrasal_verb", words[verb : verb + 1])
    if not said or said[0].first != 0 or verb + said[0].last >= len(words):
        return False
    return words[verb + said[0].last] not in _NOT_WORK
