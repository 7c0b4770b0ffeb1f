"""Whether MinkOps should write to the sender at all, said in the sender's own words.

The fixed phrasings ("STOP", "no more messages") are lexicon lists (`stop_messages`,
`start_messages`). This module reads the general shape around them: a verb that ends
(or a denial with "any more") followed closely by what MinkOps sends ("dejen de
escribirme", "I don't want any more texts", "cancela as mensagens", "darme de baja de
los mensajes"); and, to start again, a verb that turns them back on, a word of "again"
with the sending, or a stop undone ("I stopped the messages by mistake", "me di de baja
sin querer"). Every word is a lexicon class; the code only says how they combine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from minkops.domain.lexicon import Hit

if TYPE_CHECKING:
    from minkops.domain.grammar import Clause

_GAP = 4
"""Words between the verb and what is sent: "don't want to get any more messages"."""

_GAP_CLASSES = ("any_more", "messages_gap", "filler")
_AFTER_SENDING = ("generic_sent", "our_messages", "any_more", "again_mark", "messages_gap")
_TO = frozenset({"to", "a", "al", "para", "pour", "aux", "pra", "pro"})
_ME = frozenset({"me", "mi", "moi", "mim"})
_BOUNDARY = frozenset(",.;:!?")


def _about_something_else(clause: Clause) -> bool:
    """Reminders, tasks, the digest, the escalation, voice notes, a language or someone
    else: the words of sending are about those ("stop reminding Pedro", "no more voice
    notes", "send me messages in Spanish again"), not about whether MinkOps writes."""
    if clause.people or clause.everyone:
        return True
    if any(word in clause.lex.languages for word in clause.words):
        return True
    return any(
        clause.has(name)
        for name in ("reminder_noun", "reminder_verb", "task_word", "digest", "escalation", "voice")
    )


def _clause_end(clause: Clause, at: int) -> int:
    """The index of the first word after a comma or stop that follows word `at`."""
    tokens, folded = clause.tokens, clause.text.folded
    for index in range(at + 1, len(tokens)):
        if _BOUNDARY.intersection(folded[tokens[index - 1].end : tokens[index].start]):
            return index
    return len(tokens)


def _gap_ok(clause: Clause, first: int, last: int) -> bool:
    gap = clause.words[first:last]
    return len(gap) <= _GAP and (not gap or clause.lex.covers_all(_GAP_CLASSES, gap))


def _sent_to_someone_else(clause: Clause, after: int) -> bool:
    """ "stop sending messages to the customers": someone else's messages."""
    words = clause.words
    return after < len(words) and words[after] in _TO and words[after + 1 : after + 2] != ["me"]


def _what_is_sent(clause: Clause, start: int) -> Hit | None:
    """What MinkOps sends, said within a few words from `start`: its messages, or a verb
    of sending to the sender ("escribirme", "me manden") with nothing particular as its
    object ("nada", "stuff", the messages), so "send me the list" is not about messages."""
    lex, words = clause.lex, clause.words
    found: list[Hit] = []
    for name in ("our_messages", "sent_to_me"):
        found += [
            h for h in lex.hits(name, words) if h.first >= start and _gap_ok(clause, start, h.first)
        ]
    for hit in sorted(found, key=lambda h: h.first):
        if lex.has("our_messages", words[hit.first : hit.last]):
            if not _sent_to_someone_else(clause, hit.last):
                return hit
            continue
        rest = words[hit.last : _clause_end(clause, hit.last - 1)]
        if not rest or lex.covers_all(_AFTER_SENDING, rest):
            return hit
    return None


def _follows(clause: Clause, verbs: Sequence[Hit]) -> bool:
    return any(_what_is_sent(clause, verb.last) is not None for verb in verbs)


def stops_messages(clause: Clause) -> bool:
    """ "dejen de escribirme", "cancela as mensagens", "quiero darme de baja de los
    mensajes", "I don't want any more texts from this number", "no me manden nada más":
    an ending verb, or a denial said with "any more", then what MinkOps sends."""
    if _about_something_else(clause):
        return False
    lex, words = clause.lex, clause.words
    if _follows(clause, lex.hits("cease_sending", words)):
        return True
    return clause.has("any_more") and _follows(clause, lex.hits("refuse_sending", words))


def restarts_messages(clause: Clause) -> bool:
    """ "réactivez mes messages", "quero receber as mensagens de novo", "vuelvan a
    mandarme cosas", "I stopped the messages by mistake": a verb that turns the messages
    back on, a word of "again" with the sending, or a stop undone."""
    if _about_something_else(clause):
        return False
    lex, words = clause.lex, clause.words
    if _follows(clause, lex.hits("restart_sending", words)):
        return True
    if clause.has("again_mark") and (
        _follows(clause, lex.hits("again_mark", words))
        or _follows(clause, lex.hits("receive_verb", words))
        or any(_what_is_sent(clause, hit.first) for hit in lex.hits("sent_to_me", words))
    ):
        return True
    return _stop_undone(clause)


def _stop_undone(clause: Clause) -> bool:
    """ "I stopped the messages by mistake", "me di de baja sin querer": a stop said in
    the past with a mistake asks for the messages back."""
    if not clause.has("by_mistake"):
        return False
    if clause.has("unsubscribed"):
        return True
    return clause.has("ceased_before") and (clause.has("our_messages") or clause.has("sent_to_me"))
