"""A task asked for in so many words, said around the work rather than before it.

The fixed rules read a task that opens with its label ("task for Pedro: unload the
delivery"). People wrap the same label in a request ("could you set up a task: …",
"can you make a task for Juan to …", "¿me haces el favor de ponerle una tarea a Juan
Mora? …"), put it after the work ("I'll do the rota myself, stick it down as a task for
me", "lo de llamar a la gestoría lo hago yo, ponlo como tarea mía") or around it ("put
reorder the bars on my list", "put me down to deep clean the sauna", "¿me pones de
tarea limpiar los espejos?"). Each is rewritten here into the label form, which the
fixed rules then read as they always have.
"""

from __future__ import annotations

from datetime import UTC, datetime

from minkops.domain.lexicon import Hit, Lexicon, lexicon, tokens_of, words_of
from minkops.domain.rules_text import Text
from minkops.domain.when import find_time

_LABEL = "task "
_MINE = "task for me: "
_REQUEST_REACH = 16
"""How far into the message the request for a task may start: after a scene or a
favour asked ("I'm going to need a hand with the count, can you make a task for …")."""
_PREAMBLE = (
    "ability",
    "ability_first",
    "greeting",
    "vocative",
    "favour_asked",
    "favour_link",
    "title_filler",
    "hedge",
    "request_hedge",
    "soft_modal",
    "honorific",
)
"""Words said to MinkOps before the request for a task: "could you", "hey", "me haces el
favor de"."""
_BREAKS = ",.;:!?"
_PRONOUNS = frozenset({"this", "that", "it", "these", "those", "them", "lo", "eso", "esto"})
_NOT_A_PERSON = frozenset({"el", "la", "los", "las", "lo", "un", "una", "the", "a"})


def task_asked_for(text: Text) -> Text | None:
    """The message in the fixed rules' label form when it asks for a task in words, or
    None."""
    lex = lexicon()
    tokens = tokens_of(text.folded)
    words = [t.text for t in tokens]
    if not words:
        return None
    for read in (
        _labelled_first,
        _made,
        _put_on_my_list,
        _put_me_down,
        _labelled_after,
        _labelled_before,
        _put_to_work,
        _announced,
        _favour_named,
        _handed_after,
        _for_anyone_after,
        _own_duty,
        _topic_kept,
        _own_doing,
    ):
        said = read(text, words, lex)
        if said is not None:
            return said
    return None


def _opens_a_request(text: Text, words: list[str], at: int, lex: Lexicon) -> bool:
    """Nothing but politeness is said between the last break (or the start) and `at`."""
    tokens = tokens_of(text.folded)
    start = 0
    for index in range(1, at + 1):
        if any(
            mark in text.folded[tokens[index - 1].end : tokens[index].start] for mark in _BREAKS
        ):
            start = index
    return start == at or lex.covers_all(_PREAMBLE, words[start:at])


def _first_hit(name: str, words: list[str], lex: Lexicon, reach: int) -> Hit | None:
    hits = lex.hits(name, words[:reach])
    return hits[0] if hits else None


def _request_hit(name: str, text: Text, words: list[str], lex: Lexicon) -> Hit | None:
    """The first phrase of class `name` near the start, when it opens a request (only
    politeness before it since the last break)."""
    hit = _first_hit(name, words, lex, _REQUEST_REACH)
    if hit is None or not _opens_a_request(text, words, hit.first, lex):
        return None
    return hit


def _made(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "could you set up a task: …", "create one task for Pedro - …", "ponerle una tarea
    a Juan Mora", "put one down for Luis to …": a verb of making, a task noun, then the
    label's rest."""
    made = _first_hit("task_made", words, lex, _REQUEST_REACH)
    handed = _first_hit("task_handed", words, lex, _REQUEST_REACH)
    if made is None and handed is not None and handed.last < len(words):
        # "ponle a Luis revisar …" hands work to a person; "ponle a la 1 …" edits a task.
        if words[handed.last] in _NOT_A_PERSON or words[handed.last].isdigit():
            return None
        made = handed
    if (
        made is None
        or made.last >= len(words)
        or not _opens_a_request(text, words, made.first, lex)
    ):
        return None
    tokens = tokens_of(text.folded)
    rest = text.slice(tokens[made.last].start, len(text.folded))
    mine = lex.hits("self_label", words[made.last : made.last + 3])
    if mine and mine[0].first == 0:
        # "add a task for myself (po)? check the dates": the sender's own, whatever follows.
        after = made.last + mine[0].last
        while after < len(words) and lex.has("honorific", words[after : after + 1]):
            after += 1
        if after >= len(words):
            return None
        return _labelled(_MINE, text.slice(tokens[after].start, len(text.folded)))
    said = lex.hits("task_is", words[made.last :])
    if said:
        # "ponerle una tarea a Juan? la tarea es armar las cajas": who, then what.
        first, last = made.last + said[0].first, made.last + said[0].last
        if last < len(words):
            who = (
                text.slice(tokens[made.last].start, tokens[first - 1].end)
                if first > made.last
                else None
            )
            work = text.slice(tokens[last].start, len(text.folded))
            if who is not None:
                work = Text(f"{who.original}: {work.original}", f"{who.folded}: {work.folded}")
            return _labelled(_LABEL, work)
    return _labelled(_LABEL, rest)


def _labelled_first(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "tarea para mí: revisar las facturas": the fixed label, the sender's own; read
    as the label, whatever nouns the work has (no billing question in "facturas")."""
    label = lex.hits("task_label", words[:3])
    if not label or label[0].first != 0:
        return None
    mine = lex.hits("self_label", words[label[0].last : label[0].last + 3])
    if not mine or mine[0].first != 0:
        return None
    tokens = tokens_of(text.folded)
    end = tokens[label[0].last + mine[0].last - 1].end
    return text if text.folded[end:].lstrip().startswith(":") else None


def _put_on_my_list(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "put reorder the protein bars on my list for Monday": the work between a verb of
    putting and the sender's list."""
    put = _first_hit("put_verb", words, lex, 1)
    if put is None or put.first != 0:
        return None
    mine = lex.hits("my_list", words)
    if not mine or mine[0].first <= put.last:
        return None
    tokens = tokens_of(text.folded)
    after = text.slice(tokens[mine[0].last - 1].end, len(text.folded))
    if set(words[put.last : mine[0].first]) <= _POINTERS and mine[0].last < len(words):
        # "stick this on my list — true the wheels …": "this" points at the work after.
        return _labelled(_MINE, after)
    work = text.slice(tokens[put.last].start, tokens[mine[0].first - 1].end)
    return _labelled(_MINE, Text(work.original + after.original, work.folded + after.folded))


_POINTERS = frozenset({"this", "it", "that", "these", "the", "following", "one"})
"""Words that stand for the work said after the list: "put this on my list: …"."""


def _put_me_down(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "can you put me down to deep clean the sauna", "¿me pones de tarea limpiar los
    espejos?": the sender put down for the work that follows."""
    down = _request_hit("self_put_down", text, words, lex)
    if down is None or down.last >= len(words):
        return None
    if all(word in _PRONOUNS for word in words[down.last :]):
        return None  # "I can clean the sterilizer, put me down for it": the work came first
    if lex.has("self_task_after", words[down.last :]):
        return None  # "me pongo yo con lo de …, añádemelo": labelled after, read there
    tokens = tokens_of(text.folded)
    return _labelled(_MINE, text.slice(tokens[down.last].start, len(text.folded)))


def _labelled_after(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "I'll do the staff rota myself, stick it down as a task for me for Friday", "lo de
    llamar a la gestoría lo hago yo, ponlo como tarea mía": the work said first, then
    labelled as the sender's own after a break."""
    label = lex.hits("self_task_after", words)
    # "me pongo yo a …, apúntamelo": being put down, said first, opens the work as well.
    lead = [
        hit
        for name in ("self_doing_lead", "self_put_down")
        for hit in lex.hits(name, words[:_LEAD_REACH])
        if hit.first == 0
    ]
    opened = bool(lead)
    if not label and opened:
        # "I'll do the stock count at 8, log it for me", "me toca a mí hacer el pedido,
        # apúntalo": a plain "note it down" is the sender's own when they said they do it.
        label = lex.hits("noted_after", words)
    if not label:
        return None
    tokens = tokens_of(text.folded)
    at = label[0].first
    if at == 0 and label[0].last < len(words):
        # "ponlo como tarea mía: llamar al banco", "me lo apunto yo mismo, hablar con …":
        # the label said first, the work after its colon or comma.
        end = tokens[label[0].last - 1].end
        if text.folded[end:].lstrip().startswith((":", ",")):
            return _labelled(_MINE, text.slice(end, len(text.folded)).strip())
    if at < 2:
        return None
    if not any(mark in text.folded[tokens[at - 1].end : tokens[at].start] for mark in _BREAKS):
        return None
    first, last = 0, at
    if opened:
        first = max(hit.last for hit in lead)
    topic = lex.hits("work_topic", words[:at])
    if topic:
        # "Ana me dijo que me lo pusiera yo lo de organizar la nevera, pónmelo": the
        # work is what "lo de" names.
        first = max(first, topic[-1].last)
    first = _after_my_duty(words, first, at, lex)
    tail = [hit for hit in lex.hits("self_doing_tail", words[first:at]) if first + hit.last == at]
    if tail:
        last = first + tail[0].first
    if last <= first:
        return None
    work = text.slice(tokens[first].start, tokens[last - 1].end)
    after = text.slice(tokens[label[0].last - 1].end, len(text.folded))
    return _labelled(_MINE, Text(work.original + after.original, work.folded + after.folded))


def _labelled_before(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "im gonna do this one myself so just stick it on my list, renew the skip hire",
    "me lo apunto yo mismo, hablar con el arquitecto": the sender's own label said first,
    then a break, then the work, opening with its verb. Whatever came before the label
    is why they file it, not what."""
    label = lex.hits("self_task_after", words)
    if not label or label[0].last >= len(words):
        return None
    tokens = tokens_of(text.folded)
    after = label[0].last
    while after < len(words) and lex.has("title_filler", words[after : after + 1]):
        after += 1  # "put this on my list pls, …": the politeness left as blanks
    if after >= len(words) or not any(
        mark in text.folded[tokens[after - 1].end : tokens[after].start] for mark in ",:;"
    ):
        return None
    if not _opens_with_a_verb(words[after], lex):
        return None
    return _labelled(_MINE, text.slice(tokens[after].start, len(text.folded)))


def _put_to_work(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "pon a Tom a limpiar los espejos": someone put to the work, the work after its
    "a" and infinitive."""
    put = _request_hit("put_to_work", text, words, lex)
    if put is None:
        return None
    for link in range(put.last + 1, min(len(words) - 1, put.last + 1 + _NAME_WORDS)):
        if words[link] != "a" or not words[link + 1].endswith(_INFINITIVE_ENDINGS):
            continue
        if words[put.last] in _NOT_A_PERSON or not _opens_with_a_verb(words[link + 1], lex):
            return None
        tokens = tokens_of(text.folded)
        who = text.slice(tokens[put.last].start, tokens[link - 1].end)
        work = text.slice(tokens[link + 1].start, len(text.folded))
        return _labelled(
            _LABEL,
            Text(f"for {who.original}: {work.original}", f"for {who.folded}: {work.folded}"),
        )
    return None


def _opens_with_a_verb(word: str, lex: Lexicon) -> bool:
    """A verb of work ("renew", "adjust"), or a Spanish infinitive ("hablar")."""
    return (
        lex.has("work_verb", [word])
        or lex.has("phrasal_verb", [word])
        or word in lex.imperative_lemmas
        or (len(word) > _STEM and word.endswith(_INFINITIVE_ENDINGS))
    )


_INFINITIVE_ENDINGS = ("ar", "er", "ir")
_STEM = 3
"""Shorter words ending so are not infinitives ("bar", "her", "sir" have stems of one)."""


_DUTY_REACH = 4
"""How far in the sender's duty may start: "(boss said) i should fix …"."""
_SENDER = frozenset({"i", "im"})


def _after_my_duty(words: list[str], first: int, at: int, lex: Lexicon) -> int:
    """ "boss said i should fix the hose, can u add that for me": the sender's own duty
    ("i should", "i have to"), and who gave it, come before the work."""
    for hit in lex.hits("obligation", words[first : min(at, first + _DUTY_REACH + 2)]):
        if hit.first <= _DUTY_REACH and words[first + hit.first] in _SENDER:
            return first + hit.last if first + hit.last < at else first
    return first


_LEAD_REACH = 6
"""How long the sender's word that they do it may be: "I'll take care of", "yo me encargo
de"."""
_NAME_WORDS = 3
"""How many words a person's name may take ("Juan Pérez", "María José López")."""


def _announced(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "got one for Luis: …", "tengo una nueva para Tom: …": new work announced for the
    person named, the work after a colon."""
    said = _request_hit("task_announced", text, words, lex)
    if said is None:
        return None
    if said.last >= len(words) or words[said.last] in _NOT_A_PERSON:
        return None  # "new one for the kitchen: …" names no person
    tokens = tokens_of(text.folded)
    start = tokens[said.last - 1].start  # "for"/"para": the label's own
    colon = text.folded.find(":", start)
    if colon < 0 or len(words_of(text.folded[start:colon])) > _NAME_WORDS + 1:
        return None
    return _labelled(_LABEL, text.slice(start, len(text.folded)))


def _favour_named(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "do me a favour Luis and drop the proofs at the office": the favour asked of the
    person named before its "and", the order after it."""
    favour = _request_hit("favour_asked", text, words, lex)
    if favour is None:
        return None
    reach = words[favour.last : favour.last + _NAME_WORDS + 1]
    link = lex.hits("favour_link", reach)
    if not link or link[0].first == 0:
        return None  # "be a star and remind me …": no one named, the fixed rules read it
    name_end = favour.last + link[0].first
    if lex.covers_all(("vocative", "honorific"), words[favour.last : name_end]):
        return None
    after = favour.last + link[0].last
    if after >= len(words):
        return None
    tokens = tokens_of(text.folded)
    name = text.slice(tokens[favour.last].start, tokens[name_end - 1].end)
    work = text.slice(tokens[after].start, len(text.folded))
    return _labelled(
        _LABEL,
        Text(f"for {name.original}: {work.original}", f"for {name.folded}: {work.folded}"),
    )


_NEEDS = ("wish_verb", "obligation")
"""What makes the words before a hand-over work to do: "needs emptying", "hay que …"."""


def _handed_after(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "the grease trap needs emptying before the weekend, Pedro that's one for you":
    the need said first, then handed to the person named after a break."""
    handed = lex.hits("task_handed_after", words)
    if not handed or handed[-1].last != len(words):
        return None
    at = handed[-1].first
    tokens = tokens_of(text.folded)
    for start in range(at - 1, max(at - 1 - _NAME_WORDS, 0), -1):
        gap = text.folded[tokens[start - 1].end : tokens[start].start]
        if not any(mark in gap for mark in _BREAKS):
            continue
        if lex.covers_all(("vocative",), words[start:at]):
            return None
        if not any(lex.has(need, words[:start]) for need in _NEEDS):
            return None  # "the bins are out, Luis that's yours": no work said
        name = text.slice(tokens[start].start, tokens[at - 1].end)
        duty = lex.hits("obligation", words[:start])
        # "hay que limpiar la campana, Pedro, esa es para ti": the duty's words go.
        first = duty[0].last if duty and duty[0].first == 0 and duty[0].last < start else 0
        work = text.slice(tokens[first].start, tokens[start - 1].end)
        return _labelled(
            _LABEL,
            Text(f"for {name.original}: {work.original}", f"for {name.folded}: {work.folded}"),
        )
    return None


def _for_anyone_after(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "we need to get the ice machine serviced, whoever's free", "hace falta comprar
    bombillas, quien pueda": the need said first, then left to whoever can after a
    break: a task for no one in particular."""
    anyone = lex.hits("whoever_can", words)
    if not anyone or anyone[-1].last != len(words) or anyone[-1].first < 2:
        return None
    at = anyone[-1].first
    tokens = tokens_of(text.folded)
    if not any(mark in text.folded[tokens[at - 1].end : tokens[at].start] for mark in _BREAKS):
        return None
    if not any(lex.has(need, words[:at]) for need in _NEEDS):
        return None
    first = 0
    for duty in lex.hits("obligation", words[:at]):
        # "ostras se me olvidaba, hay que comprar …": the duty opening a clause of its own
        # starts the work; what was said before its break is none of it.
        opens = duty.first == 0 or any(
            mark in text.folded[tokens[duty.first - 1].end : tokens[duty.first].start]
            for mark in _BREAKS
        )
        if opens and duty.last < at:
            first = duty.last
    return _labelled(_LABEL, text.slice(tokens[first].start, tokens[at - 1].end))


_DUTY_LEAD_REACH = 10
"""How far in the sender's duty may start, after a time: "el lunes a las 10 tengo que"."""
_BEFORE_A_DUTY = ("today", "time_residue", "dangling", "greeting", "aside_word")
"""What may open a message before the sender's duty: "esta semana", "hoy", "buenas"."""
_WH = frozenset({"que", "qué", "quien", "cual", "cuando", "como", "donde", "cuanto"})


def _own_duty(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "tengo que llamar a la gestoría antes del lunes", "esta semana me toca a mí revisar
    la caja fuerte": the sender's own duty, said first with its infinitive, is a task for
    the sender. A question ("¿qué tengo que hacer?") asks what is open instead."""
    duty = _first_hit("own_duty", words, lex, _DUTY_LEAD_REACH)
    if duty is None or duty.last + 1 >= len(words) or "?" in text.folded:
        return None
    tokens = tokens_of(text.folded)
    head = text.slice(0, tokens[duty.first].start) if duty.first else Text("", "")
    if not _only_when_or_greeting(head, lex):
        return None
    if not _opens_with_a_verb(words[duty.last], lex):
        return None
    after = words[duty.last + 1 :]
    if lex.has("do_verb", words[duty.last : duty.last + 1]) and (
        not after or lex.covers_all((*_BEFORE_A_DUTY, "indefinite_thing"), after)
    ):
        return None  # "tengo que hacer algo hoy": what there is to do, asked unmarked
    work = text.slice(tokens[duty.last].start, len(text.folded))
    return _labelled(_MINE, Text(f"{head.original}{work.original}", f"{head.folded}{work.folded}"))


_WORK_AFTER_YO = 2
"""The fewest words of work after "yo": an object ("abro yo la tienda"); "hoy cierro yo"
says who is on, not what to do."""


def _own_doing(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "mañana a las 9 llevo yo los papeles al ayuntamiento": the sender's own present
    with a stressed "yo", said first (after a time), is the sender's task."""
    at = next((i for i in range(1, min(len(words), _DUTY_LEAD_REACH)) if words[i] == "yo"), 0)
    verb = words[at - 1] if at else ""
    if not verb.endswith("o") or len(verb) <= _STEM or len(words) - at - 1 < _WORK_AFTER_YO:
        return None
    tokens = tokens_of(text.folded)
    head = text.slice(0, tokens[at - 1].start)
    if "?" in text.folded or not _only_when_or_greeting(head, lex):
        return None
    infinitive = _first_person_infinitive(verb, lex)
    work = text.slice(tokens[at].end, len(text.folded))
    return _labelled(
        _MINE,
        Text(
            f"{head.original}{infinitive}{work.original}",
            f"{head.folded}{infinitive}{work.folded}",
        ),
    )


def _first_person_infinitive(verb: str, lex: Lexicon) -> str:
    """ "llevo" → "llevar", "abro" → "abrir", "hago" → "hacer": the lexicon's forms first
    (the irregular, then the -er/-ir order, then the -ar one), then the -ar rule."""
    stem = verb[:-1]
    return (
        lex.lemmas.get(verb)
        or lex.imperative_lemmas.get(f"{stem}e")
        or lex.lemmas.get(f"{stem}a")
        or f"{stem}ar"
    )


_CLAIMS = ("self_keeps", "self_doing_said", "self_task_after", "self_doing_tail")
"""What the sender says to keep the work: "me lo quedo yo", "lo hago yo", "me lo apunto"."""


def _topic_kept(text: Text, words: list[str], lex: Lexicon) -> Text | None:
    """ "lo de hablar con el casero me lo quedo yo": the work named as a topic, then
    claimed by the sender with no break between: a task for the sender."""
    topic = lex.hits("work_topic", words[:2])
    if not topic or topic[0].first != 0 or topic[0].last >= len(words):
        return None
    start = topic[0].last
    if not _opens_with_a_verb(words[start], lex):
        return None
    claims = [hit for name in _CLAIMS for hit in lex.hits(name, words[start + 1 :])]
    if not claims:
        return None
    claim = min(claims, key=lambda hit: (hit.first, -hit.last))
    tokens = tokens_of(text.folded)
    first, last = start + 1 + claim.first, start + 1 + claim.last
    work = text.slice(tokens[start].start, tokens[first - 1].end)
    after = text.slice(tokens[last - 1].end, len(text.folded))
    return _labelled(_MINE, Text(work.original + after.original, work.folded + after.folded))


def _only_when_or_greeting(head: Text, lex: Lexicon) -> bool:
    """Nothing but a time ("el lunes a las 10"), a word of the day or a greeting is said
    in `head`; no question word."""
    if not head.folded.strip():
        return True
    found = find_time(head.original, timezone="UTC", now=_ANY_NOW)
    said = words_of(found.rest if found is not None else head.folded)
    if set(said) & _WH:
        return False
    return not said or lex.covers_all(_BEFORE_A_DUTY, said)


_ANY_NOW = datetime(2025, 1, 1, tzinfo=UTC)
"""Only whether a time is said matters here, not when it falls."""


def _labelled(label: str, rest: Text) -> Text:
    if label == _MINE:
        rest = _without_doing_it_myself(rest)
    return Text(label + rest.original, label + rest.folded)


def _without_doing_it_myself(rest: Text) -> Text:
    """ "…, I'll do it myself", "… lo hago yo": said of the sender's own work, no part of
    it (a time said after it stays)."""
    lex = lexicon()
    tokens = tokens_of(rest.folded)
    words = [t.text for t in tokens]
    for hit in lex.hits("self_doing_said", words):
        if hit.first == 0:
            continue
        cut_from = tokens[hit.first - 1].end
        kept = rest.slice(tokens[hit.last - 1].end, len(rest.folded))
        head = rest.slice(0, cut_from)
        return Text(head.original + kept.original, head.folded + kept.folded)
    return rest
