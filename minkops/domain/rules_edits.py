"""Rules about what was just done, and talk that asks for nothing.

- Changing a task: "make it 6pm instead", "change task 3 to Friday", "reassign 3 to Maria",
  "cámbialo a las 18"; cancelling one: "cancel task 3", "borra la tarea 3".
- Closing one by what it is about: "finished the fridge", "ya terminé lo del inventario"
  (the number is filled in when exactly one open task fits).
- Acknowledgements ("ok", "thanks!", "vale perfecto", "👍"), a bare yes or no, and noise.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, time
from zoneinfo import ZoneInfo

from minkops.domain.grammar import described_task, task_done_as_said
from minkops.domain.intents import (
    Acknowledge,
    CancelTask,
    CompleteTask,
    Confirm,
    Decline,
    EditTask,
    Unknown,
)
from minkops.domain.intents import Intent as IntentType
from minkops.domain.lexicon import Word, lexicon, tokens_of, words_of
from minkops.domain.matching import best_matches
from minkops.domain.renames import renamed_by_description
from minkops.domain.roster import NotFound, resolve_name
from minkops.domain.rules_text import NUMBER, Text, fold, tidy, to_int
from minkops.domain.understanding import TaskRef, UnderstandingContext
from minkops.domain.when import FoundTime, find_time

# --- talk ----------------------------------------------------------------------------------

_ACK_WORDS = (
    r"ok|okay|okey|okis|oki|k|kk|vale|valeee*|perfecto|perfect|genial|great|cool|nice|good"
    r"|thanks|thank\s+you|thx|ty|cheers|gracias|muchas\s+gracias|mil\s+gracias|got\s+it"
    r"|understood|entendido|de\s+acuerdo|estupendo|fenomenal|guay|super|bien|muy\s+bien"
    r"|obrigad[oa]|merci|d\s*'?\s*accord|noted|anotado|roger|awesome|bueno|listo\s+gracias"
    r"|all\s+good|sounds\s+good|fine|ok\s+thanks|ok\s+gracias|thanks\s+a\s+lot|top|bravo"
)
_ACK = re.compile(rf"^(?:(?:{_ACK_WORDS})[\s,.!]*)+$")
_YES = re.compile(
    r"^(?:yes|yeah|yep|yup|sure|si|sim|oui|claro|claro\s+que\s+si|confirm|confirmo|confirmed"
    r"|go\s+ahead|do\s+it|hazlo|adelante|correct|correcto|exacto|afirmativo|of\s+course"
    r"|por\s+supuesto|yes\s+please|si\s+por\s+favor|yes\s+go\s+ahead|si\s+claro)[\s,.!]*$"
)
_NO = re.compile(
    r"^(?:no|nope|nah|no\s+thanks|no\s+thank\s+you|no\s+gracias|mejor\s+no|dont|don\s*'?\s*t"
    r"|never\s*mind|nevermind|olvidalo|dejalo|non|nao|cancel\s+that|no\s+no)[\s,.!]*$"
)
_NOISE = re.compile(r"^(?:h+m+|m+h*|u+h+|u+m+|e+h+|a+h+|e+r+m*|o+h+|lol|jaja(?:ja)*|haha(?:ha)*)$")


def talk(message: str) -> IntentType | None:
    """Acknowledge, Confirm, Decline or Unknown (noise) for the whole message; else None."""
    folded = " ".join(fold(message).split()).strip(" .,!?¡¿")
    if not folded:
        # Nothing but emoji and punctuation: a 👍 or 🙏 is an acknowledgement.
        if any(ch in _PUZZLED for ch in message):
            return Unknown()  # 🤔 or ❓ doubts or asks; it does not agree
        return Acknowledge() if _has_emoji(message) else None
    if _NOISE.match(folded):
        return Unknown()
    # "hmm ok", "uh, thanks": a hesitation before an answer is not part of it.
    words = folded.split()
    lead = 0
    while lead < len(words) - 1 and _NOISE.match(words[lead].strip(" .,!?")):
        lead += 1
    folded = " ".join(words[lead:])
    if _YES.match(folded):
        return Confirm()
    if _NO.match(folded):
        return Decline()
    if _ACK.match(folded):
        return Acknowledge()
    return None


_PUZZLED = frozenset("🤔❓❔😕🤨😐🙄😬🧐😶")


def _has_emoji(text: str) -> bool:
    return any(unicodedata.category(ch) == "So" for ch in text)


# --- changing and cancelling a task --------------------------------------------------------

_END_OF_DAY = time(23, 59)  # a task moved to "Friday" is due by the end of it

_N = rf"#?\s*(?P<n>{NUMBER})"
_TASK_N = (
    r"(?:(?:the\s+)?task\s+(?:number\s+)?|(?:the\s+)?number\s+|la\s+tarea\s+(?:numero\s+)?"
    rf"|tarea\s+(?:numero\s+)?|(?:la\s+)?numero\s+|la\s+)?{_N}"
)
"""A task by its number; "la 3" is "la tarea 3" (the feminine noun left unsaid); "number
2", "task number 2", "la número 2": the noun "number" may name it."""
_IT = (
    r"(?:this\s+one|that\s+one|the\s+last\s+one|the\s+task|that\s+task|this\s+task|it|that"
    r"|this)(?=\s)"
)
"""The task just talked about; the longer phrases first, since a match is not revisited."""
_EDITS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        rf"^(?:make|change|move|set|put|switch|push|bring)\s+(?:{_IT}|{_TASK_N})"
        r"(?:\s+(?:to|for|at|on|until|till))?\s+(?P<rest>.+?)(?:\s+instead)?$",
        r"^(?:actually\s+|no\s+|wait\s+)?(?:make\s+it\s+|do\s+it\s+)?(?P<rest>.+?)\s+instead$",
        rf"^(?:cambia(?:lo|la)?|mueve(?:lo|la)?|pasa(?:lo|la)?|ponlo|ponla|pon|muevelo|cambiala"
        r"|movelo|movela|ponelo|ponela"
        r"|(?:pasa|da|asigna|deja)sel[oa]"
        rf"|cambialo)(?:\s+{_TASK_N})?(?:\s+(?:a(?!\s+las?\s)|para|al|el))?\s+(?P<rest>.+)$",
        r"^(?:mejor|que\s+sea|mejor\s+que\s+sea)\s+(?P<rest>.+)$",
    )
)


def _compiled(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


_REASSIGN = _compiled(
    rf"^(?:reassign|give|pass|hand|assign)\s+(?:{_IT}|{_TASK_N})\s+to\s+(?P<who>.+)$",
    rf"^(?:reasigna|pasa|dale|asigna|pasale)\s+{_TASK_N}\s+a\s+(?P<who>.+)$",
)
_NAME_NOUN = r"(?:the\s+)?(?:title|name|wording|description)"
_NOMBRE = r"(?:el\s+)?(?:nombre|titulo|texto|descripcion)"
_RENAME = _compiled(
    rf"^(?:rename|retitle)\s+{_TASK_N}\s+(?:to|as)\s+(?P<title>.+)$",
    rf"^(?:renombra|cambia\s+el\s+nombre\s+de)\s+{_TASK_N}\s+(?:a|por|como)\s+(?P<title>.+)$",
    # "change the title of 4 to stocktake", "update the name on task 2 to …": the task's
    # name is what changes; "task 4's title", "the title of task 4".
    rf"^(?:change|update|edit|set|make|fix)\s+{_NAME_NOUN}\s+(?:of|for|on)\s+{_TASK_N}"
    r"\s+(?:to|as|into)\s+(?P<title>.+)$",
    rf"^(?:change|update|edit|set|fix)\s+{_TASK_N}'?s\s+{_NAME_NOUN}\s+(?:to|as)"
    r"\s+(?P<title>.+)$",
    # "cambia el nombre de la 4 a …", "a la tarea 1 cámbiale el nombre a …", "ponle de
    # nombre …": the task said first, with the dative "a", takes up the "le".
    rf"^(?:cambia|cambiale|pon|ponle|ponele)\s+{_NOMBRE}\s+(?:de|a)\s+{_TASK_N}"
    r"(?:\s*:\s*|\s+(?:a|por|como)\s+)(?P<title>.+)$",
    rf"^(?:a\s+)?{_TASK_N}\s+(?:cambiale|ponle|cambia)\s+{_NOMBRE}\s+(?:a|por|como)"
    r"\s+(?P<title>.+)$",
    rf"^(?:a\s+)?{_TASK_N}\s+ponle\s+(?:de|como|por)\s+(?:nombre|titulo)\s+(?P<title>.+)$",
    # "the title of task 4 should be …", "task 4's name is now …", "el nombre de la 4
    # ahora es …": the name said to be something new.
    rf"^{_NAME_NOUN}\s+(?:of|for|on)\s+{_TASK_N}\s+(?:should\s+be|is\s+now|is|=|:)"
    r"\s+(?P<title>.+)$",
    rf"^{_TASK_N}(?:'s)?\s+(?:title|name)\s+(?:should\s+be|is\s+now|is|=|:)\s+(?P<title>.+)$",
    rf"^{_NOMBRE}\s+de\s+{_TASK_N}\s+(?:ahora\s+)?(?:es|sera|debe\s+ser|tiene\s+que\s+ser|:)"
    r"\s+(?:ahora\s+)?(?P<title>.+)$",
    # "change 3 so it says …", "cambia la 2 para que diga …": the task changed so that its
    # words are new; what it should say is the new title.
    rf"^(?:change|update|edit|fix|reword)\s+{_TASK_N}\s+(?:so\s+(?:that\s+)?it\s+(?:says|reads)"
    r"|to\s+(?:say|read))\s*:?\s+(?P<title>.+)$",
    rf"^(?:cambia|cambiale|modifica|edita|corrige)\s+{_TASK_N}\s+(?:para\s+)?que\s+(?:diga|ponga)"
    r"\s*:?\s+(?P<title>.+)$",
)
_NOW_SAYS = re.compile(
    rf"^{_TASK_N}\s+(?:should\s+(?:say|read|be)|now\s+(?:says|reads|is)|is\s+now|says\s+now"
    r"|ahora\s+(?:es|sera|dice|pone)|(?:debe|deberia|tiene\s+que)\s+(?:decir|ser|poner))"
    r"\s*:?\s+(?P<rest>.+)$"
)
"""A numbered task said to read or be something new ("#4 should say …", "la 2 ahora es
…"): its new time or person when the rest is one, else its new title."""
_FOR_WHOM = re.compile(r"^(?:for|para|de|to)\s+")
_TASK_M = _TASK_N.replace("?P<n>", "?P<m>")
_WHEN_NOUN = (
    r"(?:(?:la|el|una|un|the|a|new)\s+)?(?:fecha|hora|dia|plazo|fecha\s+limite|date|time|day"
    r"|deadline|due\s+date)"
)
_SET_WHEN = re.compile(
    r"^(?:ponle|ponele|pon|cambia|cambiale|cambiele|dale|set|change|put|give|update)"
    rf"(?:\s+a\s+{_TASK_N})?\s+{_WHEN_NOUN}(?:\s+(?:de|a|of|on|for|to)\s+{_TASK_M})?"
    r"(?:[\s,:]+(?:de|to|a\s+(?=\S+\s+a\s)|para|for|mejor|better)(?=\s))?"
    r"[\s,:]+(?P<rest>\S.*)$"
)
"""A task given a date or an hour by that noun ("ponle fecha a la 5: mañana a las 9",
"ponle a la 1 fecha de hoy a las 7", "change the time, 5pm instead")."""
_MOVE_DESCRIBED = re.compile(
    r"^(?:move|push|bring|put|shift|pull|reschedule|postpone|delay|change)\s+(?P<desc>\S.*?)"
    r"(?:\s+(?:forward|back|up|out|over))?\s+(?:to|till|until|for|into)\s+(?P<rest>.+)$"
)
"""A task named by what it is about, moved to a time ("bring the wine stock check forward
to today at 4pm")."""
_MOVE_TOPIC = re.compile(
    r"^(?P<desc>\S.*?)[\s,]+(?:muevelo|muevela|movelo|movela|pasalo|pasala|cambialo|cambiala"
    r"|ponlo|ponla|ponelo|ponela|dejalo|dejala|mandalo|mandala)"
    r"(?:\s+(?:a|para|al)(?=\s))?\s+(?P<rest>.+)$"
)
"""The same in Spanish, the task said first and taken up by the pronoun ("el pedido de
leche movelo a mañana")."""
_WHO_DOES_IT = re.compile(
    r"^(?P<who>\S.*?)\s+(?:should|can|could|will|must|has\s+to|needs\s+to|is\s+going\s+to"
    r"|is\s+gonna)\s+(?:do|take|handle|have|get|cover)\s+(?:that\s+one|this\s+one|that\s+task"
    r"|this\s+task|the\s+last\s+one|it|that|this)(?:\s+(?:instead|then|rather))?$"
)
"""A person said to do the task just talked about ("actually Tom should take that one")."""
_LEAD_WORDS = 4
_TAIL_WORDS = 12
_CLITICS = frozenset({"lo", "la", "los", "las"})
_NUMBERED = re.compile(rf"^(?:el\s+)?{_TASK_N}$")
_CANCEL_NUMBER = _compiled(
    rf"^(?:cancel|delete|remove|drop|scrap|forget(?:\s+about)?|kill)\s+{_TASK_N}$",
    rf"^(?:cancela|borra|elimina|quita|anula|olvida)\s+{_TASK_N}$",
)
_CANCEL_IT = _compiled(
    r"^(?:cancel|delete|forget|scrap)\s+(?:it|that|this|that\s+task|the\s+last\s+task)$",
    r"^(?:cancelalo|cancelala|borralo|borrala|eliminalo|eliminala|anulalo|anulala)$",
)
_CANCEL_ABOUT = _compiled(
    r"^(?:cancel|delete|forget(?:\s+about)?|scrap|drop)\s+the\s+(?P<desc>.+?)\s+task$",
    r"^(?:cancela|borra|elimina|anula)\s+la\s+tarea\s+(?:de|del)\s+(?P<desc>.+)$",
)


_RETITLE = re.compile(rf"^(?:change|cambia)\s+{_TASK_N}\s+(?:to|a|por)\s+\S")
"""A numbered task changed "to" something: its new title, unless a time or a person."""


def _first(patterns: tuple[re.Pattern[str], ...], folded: str) -> re.Match[str] | None:
    return next((m for p in patterns if (m := p.match(folded)) is not None), None)


def edit_task(text: Text, context: UnderstandingContext) -> IntentType | None:
    intent = _edit_task(text, context)
    if intent is None and (corrected := _after_correction_lead(text)) is not None:
        # "actually make #3 friday", "no wait, make that Sunday at 11am", "al final …":
        # a correction's opening says the change follows; it is no part of it.
        intent = _edit_task(corrected, context)
    return intent


def _after_correction_lead(text: Text) -> Text | None:
    tokens = tokens_of(text.folded)
    hits = lexicon().hits("correction_lead", [t.text for t in tokens])
    if not hits or hits[0].first != 0 or hits[0].last >= len(tokens):
        return None
    return text.slice(tokens[hits[0].last - 1].end, len(text.folded)).strip()


def _edit_task(text: Text, context: UnderstandingContext) -> IntentType | None:
    folded = text.folded
    if match := _first(_CANCEL_NUMBER, folded):
        return CancelTask(number=to_int(match.group("n")))
    if _first(_CANCEL_IT, folded):
        return CancelTask()
    if match := _first(_CANCEL_ABOUT, folded):
        description = text.group(match, "desc")
        return CancelTask(number=_the_one(description, context), description=description)
    if match := _first(_REASSIGN, folded):
        # "pasa la tarea 3 a mañana a las 11": passing a task to a time moves it.
        written, who = match.group("n"), text.group(match, "who")
        moved = to_int(written) if written else None
        return _change(who, moved, context) or EditTask(number=moved, assignee=who)
    if match := _first(_RENAME, folded):
        return EditTask(number=to_int(match.group("n")), title=text.group(match, "title"))
    if (renamed := renamed_by_description(text, context)) is not None:
        return renamed
    if match := _NOW_SAYS.match(folded):
        said: int | None = to_int(match.group("n"))
        rest = text.group(match, "rest")
        for_whom = _FOR_WHOM.sub("", rest, count=1)  # "is now for Pedro"
        changed = _change(rest, said, context) or _change(for_whom, said, context)
        return changed or EditTask(number=said, title=rest)
    if match := _SET_WHEN.match(folded):
        given = match.group("n") or match.group("m")
        dated = _change(text.group(match, "rest"), to_int(given) if given else None, context)
        if dated is not None:
            return dated
    if match := _WHO_DOES_IT.match(folded):
        who = text.group(match, "who")
        if not isinstance(resolve_name(who, context.roster), NotFound):
            return EditTask(assignee=who)
    for pattern in (_MOVE_DESCRIBED, _MOVE_TOPIC):
        if (match := pattern.match(folded)) is not None:
            described = described_task(text.group(match, "desc"), context)
            shifted = _change(text.group(match, "rest"), described, context)
            if described is not None and shifted is not None and shifted.due is not None:
                return shifted
    if (reassigned := _clitic_reassign(text, context)) is not None:
        return reassigned
    for pattern in _EDITS:
        match = pattern.match(folded)
        if match is None:
            continue
        written = match.groupdict().get("n")
        rest = text.group(match, "rest")
        intent = _change(rest, to_int(written) if written else None, context)
        if intent is not None:
            return intent
        if written and _RETITLE.match(folded):
            # "change task 1 to clean the fridge and the freezer": neither a time nor a
            # person, so the work itself changes.
            return EditTask(number=to_int(written), title=rest)
    return None


def _clitic_reassign(text: Text, context: UnderstandingContext) -> EditTask | None:
    """ "mejor que lo haga Luis", "que el 6 lo haga Tom mejor", "la campana que la limpie
    Juan en vez de Pedro": a person after a verb whose object pronoun takes up the task
    (said first, or the last one), with a correction's mark ("mejor", "al final", "en vez
    de …", a number), gives it to someone else; without the mark it is a new order."""
    tokens = tokens_of(text.folded)
    words = [t.text for t in tokens]
    lex = lexicon()
    marked = lex.has("rather", words) or lex.has("replaced", words)
    lead = 0
    while lead < len(words):
        window = words[lead : lead + _LEAD_WORDS]  # a lead is short: read it, not the rest
        hits = [h for name in ("correction_lead", "rather") for h in lex.hits(name, window)]
        first = next((h for h in hits if h.first == 0), None)
        if first is not None:
            marked, lead = True, lead + first.last
        elif words[lead] == "que":
            lead += 1
        else:
            break
    # The person and a replaced one ("… Juan Mora en vez de Pedro") end the message.
    for index in range(max(lead, len(tokens) - _TAIL_WORDS), len(tokens) - 2):
        if words[index] not in _CLITICS:
            continue
        who = _person_after(text, tokens, index + 2)
        if who is None or isinstance(resolve_name(who, context.roster), NotFound):
            continue
        topic = (
            tidy(text.original[tokens[lead].start : tokens[index].start]) if index > lead else ""
        )
        topic = _without_marker(topic) if topic else ""
        numbered = _NUMBERED.match(fold(topic)) if topic else None
        if numbered is not None:
            return EditTask(number=to_int(numbered.group("n")), assignee=who)
        if not marked:
            # "el stock de vino que lo revise Tom": unmarked, only the open task's own work
            # said again hands it on ("los vasos, que los friegue Luis" is a new order).
            verb = words[index + 1]
            number = task_done_as_said(topic, verb, context) if topic else None
            return EditTask(number=number, assignee=who) if number is not None else None
        if not topic:
            return EditTask(assignee=who)
        number = described_task(topic, context)
        return EditTask(number=number, assignee=who) if number is not None else None
    return None


def _person_after(text: Text, tokens: list[Word], start: int) -> str | None:
    """The words from `start`, short of a replaced person ("en vez de Pedro", ", no Tom")."""
    end = len(tokens)
    words = [t.text for t in tokens]
    for hit in lexicon().hits("replaced", words[start:]):
        end = min(end, start + hit.first)
    for index in range(start + 1, end):
        between = text.folded[tokens[index - 1].end : tokens[index].start]
        if words[index] == "no" and "," in between:
            end = index
            break
    if end <= start:
        return None
    said = tidy(text.original[tokens[start].start : tokens[end - 1].end])
    return _without_marker(said) or None


def _change(rest: str, number: int | None, context: UnderstandingContext) -> EditTask | None:
    """ "6pm" → a new time; "Maria" → a new assignee; anything else is not an edit."""
    target = _target(number, context)
    found = find_time(rest, timezone=context.timezone, now=context.now, default_time=_END_OF_DAY)
    left = words_of(found.rest) if found is not None else []
    if found is not None and (not left or lexicon().covers("rather", left)):
        # "ponlo a las 7 de la tarde mejor", "make it 6 then": a correction's marker
        return EditTask(number=number, due=_keep_the_rest(found, target, context))
    if found is None:
        who = _owner(_without_marker(_without_denied(rest)))
        if who and not isinstance(resolve_name(who, context.roster), NotFound):
            return EditTask(number=number, assignee=who)
    return None


_POSSESSIVE = re.compile(r"['’]s$")


def _owner(said: str) -> str:
    """ "should be Lucía's": the task is hers, so she is the one meant."""
    return _POSSESSIVE.sub("", said)


def _without_denied(said: str) -> str:
    """ "Lucía's not María's", "Luis en vez de Juan": the person set aside after a denial
    is not the one meant; what comes before it is."""
    tokens = tokens_of(fold(said))
    hits = lexicon().hits("denied_alternative", [t.text for t in tokens])
    first = next((hit.first for hit in hits if hit.first > 0), None)
    return said if first is None else tidy(said[: tokens[first].start]).rstrip(" ,;")


def _without_marker(said: str) -> str:
    """ "Luis mejor", "Tom then": the person, without the correction's marker after it."""
    words = said.split()
    for cut in range(len(words) - 1, max(0, len(words) - 4), -1):  # a marker is short
        if lexicon().covers("rather", words_of(" ".join(words[cut:]))):
            return tidy(" ".join(words[:cut]))
    return tidy(said)


def _target(number: int | None, context: UnderstandingContext) -> TaskRef | None:
    if number is not None:
        return next((t for t in context.tasks if t.number == number), None)
    mine = [t for t in context.tasks if t.given_by_sender]
    return max(mine, key=lambda t: t.number, default=None)


def _keep_the_rest(
    found: FoundTime, target: TaskRef | None, context: UnderstandingContext
) -> datetime:
    """A new time keeps the task's day ("make it 6pm"); a new day keeps its time."""
    if target is None or target.due is None:
        return found.at
    zone = ZoneInfo(context.timezone)
    old = target.due.astimezone(zone)
    new = found.at.astimezone(zone)
    if not found.explicit_date:
        moved = datetime.combine(old.date(), new.timetz().replace(tzinfo=None), tzinfo=zone)
    elif not found.explicit_time:
        moved = datetime.combine(new.date(), old.timetz().replace(tzinfo=None), tzinfo=zone)
    else:
        return found.at
    return moved if moved > context.now else found.at


# --- closing a task by what it is about ----------------------------------------------------

_DONE_WORDS = (
    r"(?:done|finished|completed|complete|ready|sorted|fixed|cleaned|hecho|hecha|listo|lista"
    r"|terminado|terminada|acabado|acabada|completado|completada|fet)"
)
_FINISHED = re.compile(
    r"^(?:i\s*'?\s*(?:ve|have)\s+|i\s+|we\s*'?\s*(?:ve|have)\s+|just\s+|already\s+|ya\s+|he\s+|hemos\s+)*"
    r"(?:finished|done|completed|did|terminado|termine|terminamos|acabe|acabado|acabamos|hice"
    r"|hicimos|complete|completado|completed\s+task|finalice|listo\s+con|hecho\s+lo\s+de)"
    r"(?:\s+(?:with|con|de))?\s+(?:lo\s+de(?:l)?\s+|la\s+tarea\s+de(?:l)?\s+|the\s+task\s+)?"
    r"(?P<desc>.+)$"
)
# The description ends on a non-space, so a run of spaces is tried from its start only.
_IS_DONE = re.compile(rf"^(?P<desc>.*?\S)\s+(?:is\s+|are\s+|esta\s+|ya\s+esta\s+)?{_DONE_WORDS}$")
_BARE_DONE = re.compile(rf"^(?:(?:task|tarea|all|todo|ya)\s+)?{_DONE_WORDS}(?:\s+(?:ya|now))?$")


_SUBJECTS = frozenset(
    {"you", "anyone", "anybody", "someone", "somebody", "he", "she", "they", "we", "u"}
)
"""A subject after "did" makes it a question's auxiliary, not a verb of finishing."""

_ARTICLES = frozenset({"la", "las", "el", "los", "un", "una", "the", "a", "an", "my", "mi"})

_DENIALS = frozenset({"not", "no", "hasnt", "havent", "isnt", "arent", "didnt", "never", "nunca"})


def _is_first_name(word: str, context: UnderstandingContext) -> bool:
    return any(fold(entry.name).split()[:1] == [word] for entry in context.roster)


def complete_by_description(text: Text, context: UnderstandingContext) -> CompleteTask | None:
    folded = text.folded
    if _BARE_DONE.match(folded):
        return CompleteTask()  # the handler knows whether the sender has one task only
    for pattern in (_FINISHED, _IS_DONE):
        match = pattern.match(folded)
        if match is None:
            continue
        description = text.group(match, "desc")
        if not description or re.fullmatch(rf"#?\s*{NUMBER}", fold(description).strip()):
            continue  # a number: the numbered rules' job
        last = fold(description).split()[-1]
        if last in _DENIALS or last.endswith("n't"):
            return None  # "anything Juan hasn't finished": denied, the work is still open
        if last in _ARTICLES:
            continue  # "bórralo de la lista": after an article the word is a noun, "the list"
        first = fold(description).split()[0]
        if first in _SUBJECTS or (folded.startswith("did ") and _is_first_name(first, context)):
            return None  # "did you watch the game?", "did Tom finish the fridge": "did" asks
        return CompleteTask(number=_the_one(description, context), description=description)
    return None


def _the_one(description: str, context: UnderstandingContext) -> int | None:
    """The number of the one open task the description fits, when exactly one does."""
    visible = [
        t
        for t in context.tasks
        if context.role == "admin"
        or t.assigned_to_sender
        or t.given_by_sender
        or t.assignee is None
    ]
    matches = best_matches(description, visible, lambda t: t.title)
    return matches[0].number if len(matches) == 1 else None
