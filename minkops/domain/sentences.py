"""A message of several sentences: the scene set before (or after) the one order in it.

People write the situation first and the request after it ("Our DBS checks are due for
renewal. Luis should send Ana the list …", "Se nos acabó el ají. Luis compra ají …"). The
situation is no part of the work: when exactly one sentence, read alone, gives new work
and every other sentence alone asks for nothing, that sentence is the message's request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from minkops.domain.intents import (
    ASKS_NOTHING,
    CancelTask,
    CreateReminder,
    CreateTask,
    ListReminders,
    ListTasks,
    Unknown,
)
from minkops.domain.intents import Intent as IntentType
from minkops.domain.lexicon import lexicon, words_of

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
"""One mark, then whitespace (runs of it are one character by now): linear."""
_MAX_SENTENCES = 4
"""More sentences than this are not one request with its scene; each costs a reading."""
_ORDERS = (CreateTask, CreateReminder)
"""What a sentence of scene-setting reads as alone: nothing, a greeting, a thanks."""
_QUESTIONS = (ListTasks, ListReminders)


def sentences_of(message: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(message.strip()) if part.strip()]


def order_among_sentences(
    message: str, whole: IntentType, read: Callable[[str], IntentType]
) -> IntentType | None:
    """The one order among the message's sentences, when the whole message read as
    something else or its work ran across a sentence's end; None to keep `whole`."""
    parts = sentences_of(message)
    if not 1 < len(parts) <= _MAX_SENTENCES:
        return None
    if isinstance(whole, CancelTask) and whole.number is not None:
        return None  # "… no need this time. Bin that task": the scene names what is dropped
    taken_on = isinstance(whole, CreateTask) and _takes_it_on(whole.title)
    if isinstance(whole, _ORDERS) and not _spans_sentences(whole) and not taken_on:
        return None
    readings = [Unknown() if _files_it(part) or _signed_off(part) else read(part) for part in parts]
    orders = [r for r in readings if isinstance(r, _ORDERS)]
    if taken_on and (handed := _handed_on(orders)) is not None:
        return handed
    if isinstance(whole, Unknown) and (asked := _one_question(readings)) is not None:
        return asked
    if len(orders) != 1 or not all(isinstance(r, (*_ORDERS, *ASKS_NOTHING)) for r in readings):
        return None
    order = orders[0]
    if isinstance(whole, CreateTask) and isinstance(order, CreateTask):
        # The whole message already read the people and the time (a day may be said in
        # the scene: "Mañana viene la inspección. Pedro …"); only the title was too long.
        return whole.model_copy(update={"title": order.title})
    if isinstance(whole, CreateReminder) and isinstance(order, CreateReminder):
        return whole.model_copy(update={"text": order.text})
    return None if isinstance(whole, _ORDERS) else order


_SCENE_ARTICLES = frozenset({"el", "la", "los", "las"})
_SCENE_REACH = 8
"""How far into the scene its verb may be: "las mangueras del patio (están) …"."""


def scene_then_que(message: str) -> str | None:
    """ "las mangueras están hechas un lío, que alguien las recoja": a scene (a noun
    phrase and what is so of it), then after a comma an order in "que": the comma ends
    the scene as a full stop would, and the order's pronoun stands for its subject. The
    message with that comma made a full stop, or None."""
    head, mark, order = message.partition(",")
    words = words_of(head)
    said = words_of(order)
    if not mark or len(words) < 3 or said[:1] != ["que"] or words[0] not in _SCENE_ARTICLES:
        return None
    if not lexicon().has("comment_verb", words[2:_SCENE_REACH]):
        return None
    return f"{head.rstrip()}. {order.strip()}"


def taken_on(
    message: str, whole: IntentType, read: Callable[[str], IntentType]
) -> IntentType | None:
    """ "los tintes caducados hay que tirarlos. María ¿te encargas tú?": the last sentence
    only hands over what the ones before said ("could someone do that"); the work is
    theirs, the person and the time the whole message's. None to keep `whole`."""
    if not isinstance(whole, CreateTask):
        return None
    if not lexicon().covers("take_it_on", words_of(whole.title)):
        return None
    parts = sentences_of(message)
    if not 1 < len(parts) <= _MAX_SENTENCES:
        return None
    work = read(" ".join(parts[:-1]))
    if not isinstance(work, CreateTask) or not work.title:
        return None
    return whole.model_copy(
        update={
            "title": work.title,
            "assignees": whole.assignees or work.assignees,
            "due": whole.due or work.due,
        }
    )


def named_before(
    message: str, whole: IntentType, read: Callable[[str], IntentType]
) -> IntentType | None:
    """ "is Maria in yet? she should restock the gloves": the last sentence's subject is
    a pronoun for the one person the sentences before named; read with the name in its
    place, it is the work. None to keep `whole`."""
    if not isinstance(whole, CreateTask) or len(whole.assignees) != 1:
        return None
    parts = sentences_of(message)
    if not 1 < len(parts) <= _MAX_SENTENCES:
        return None
    pronoun, _, rest = parts[-1].strip().partition(" ")
    name = whole.assignees[0]
    if not rest or not lexicon().covers("person_pronoun", words_of(pronoun)):
        return None
    if name.casefold() not in " ".join(parts[:-1]).casefold():
        return None
    work = read(f"{name} {rest}")
    if not isinstance(work, CreateTask) or work.assignees != [name] or not work.title:
        return None
    return whole.model_copy(update={"title": work.title, "due": work.due or whole.due})


def _files_it(sentence: str) -> bool:
    """ "Please assign.", "Apúntalo.", "Can you add that, nobody in particular yet": a
    sentence that only asks MinkOps to file the work said in another (for no one yet)
    adds nothing to it."""
    return lexicon().covers_all(("file_it", "filler", "unassigned_aside"), words_of(sentence))


_SIGNATURE_WORDS = 3
"""A name signed under a message: "Ana", "Ana García", "María José López"."""


def _signed_off(sentence: str) -> bool:
    """ "Many thanks, Ana", "Gracias, Pedro": thanks, a comma and a capitalised name
    close the message; the name is who wrote it, no one given work."""
    thanks, comma, name = sentence.rpartition(",")
    said = name.split()
    return (
        bool(comma)
        and 0 < len(said) <= _SIGNATURE_WORDS
        and all(word[:1].isupper() for word in said)
        and lexicon().covers_all(("ack", "hedge"), words_of(thanks))
        and words_of(thanks) != []
    )


def _spans_sentences(intent: CreateTask | CreateReminder) -> bool:
    said = intent.title if isinstance(intent, CreateTask) else intent.text
    return len(sentences_of(said)) > 1


def _takes_it_on(title: str) -> bool:
    """ "¿te encargas tú?", "can you take it on": no work of its own, only someone
    taking on the work another sentence says."""
    return lexicon().covers("generic_work", words_of(title))


_WORK_AND_TAKER = 2


def _handed_on(orders: Sequence[IntentType]) -> CreateTask | None:
    """ "Hay que encargar más cajas. María, ¿te encargas tú?": the work of one sentence,
    handed to whoever takes it on in the other."""
    tasks = [o for o in orders if isinstance(o, CreateTask)]
    if len(tasks) != len(orders) or len(tasks) != _WORK_AND_TAKER:
        return None
    takers = [t for t in tasks if t.assignees and _takes_it_on(t.title)]
    works = [t for t in tasks if not t.assignees and not _takes_it_on(t.title)]
    if len(takers) != 1 or len(works) != 1:
        return None
    taker, work = takers[0], works[0]
    return work.model_copy(update={"assignees": taker.assignees, "due": work.due or taker.due})


def _one_question(readings: Sequence[IntentType]) -> IntentType | None:
    """ "just back from the market. what do we still have open?": a question about the
    work after (or before) sentences that ask nothing is the message's question."""
    said = [r for r in readings if not isinstance(r, ASKS_NOTHING)]
    if len(said) != 1 or not isinstance(said[0], _QUESTIONS):
        return None
    return said[0]
