"""Rules about work: tasks and reminders."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import TypedDict
from zoneinfo import ZoneInfo

from minkops.domain.grammar import keeps_particle
from minkops.domain.intents import (
    CancelReminder,
    CompleteTask,
    CreateReminder,
    CreateTask,
    ListReminders,
    ListTasks,
)
from minkops.domain.lexicon import lexicon, words_of
from minkops.domain.roster import fold as roster_fold
from minkops.domain.rules_people import names_from, take_names
from minkops.domain.rules_text import NUMBER, Text, tidy, to_int
from minkops.domain.time_slips import time_put_right
from minkops.domain.understanding import UnderstandingContext
from minkops.domain.when import FoundTime, find_recurrence, find_time

_TASK_DUE_TIME = time(23, 59)
"""A task due "tomorrow" is due by the end of that day."""
_REMINDER_TIME = time(9, 0)
"""A reminder for "Friday" goes out at the start of a working day."""

_NUM = rf"#?\s*(?P<n>{NUMBER})"
_DONE = (
    r"(?:done|finished|complete|completed|ready|closed|hecho|hecha|listo|lista|terminado"
    r"|terminada|completado|completada|acabado|acabada|cerrado|cerrada|ok|okay|fet)"
)
_COMPLETE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        rf"^(?:(?:task|tarea|number|numero|la|el|the|no|n)\s+)*{_NUM}\s+(?:is\s+|esta\s+|ya\s+"
        rf"esta\s+|ya\s+|is\s+now\s+|has\s+been\s+)?{_DONE}(?:\s+(?:ya|now|already))?$",
        rf"^(?:{_DONE}|mark|marca|close|cierra|cerrar|finish|complete|i\s+(?:have\s+)?finished"
        r"|i\s*'?\s*ve\s+(?:finished|done|completed)|i\s+(?:did|completed)|termine|he\s+terminado"
        r"|acabe|he\s+acabado|complete|ya\s+termine|ya\s+hice|hice|ya\s+acabe|finalice"
        r"|he\s+hecho|termina|terminar|completar)"
        r"(?:\s+(?:with|con|task|tarea|the|la|el|number|numero|no|n))*"
        rf"\s+{_NUM}(?:\s+(?:as\s+|como\s+)?{_DONE})?$",
        r"^(?:ya\s+)?esta\s+(?:hecha\s+|lista\s+|terminada\s+|hecho\s+|listo\s+)?(?:la|el)\s+"
        rf"(?:tarea\s+|numero\s+)?{_NUM}$",
    )
)


def _numbered(patterns: tuple[re.Pattern[str], ...], text: Text) -> int | None:
    """The number (group "n") of the first pattern that matches the whole message."""
    for pattern in patterns:
        match = pattern.match(text.folded)
        if match is not None:
            return to_int(match.group("n"))
    return None


def complete_task(text: Text) -> CompleteTask | None:
    number = _numbered(_COMPLETE, text)
    return None if number is None else CompleteTask(number=number)


_TASKS = r"(?:tasks|tareas|to\s?-?\s?dos?|jobs|chores|pendientes)"
_SHOW = (
    r"(?:(?:show|list|see|view|get|give|send|display|check|ver|mostrar|muestra|muestrame|"
    r"ensena|ensename|dame|dime|tell|lista|listar|what\s+are|which\s+are|cuales\s+son|me|all"
    r"|todas|the"
    r"|las|los|list\s+of|lista\s+de|current|actual|actuales)\s+)*+"
)
_OVERDUE = r"(?:overdue|late|delayed|atrasadas?|vencidas?|retrasadas?|caducadas?)"
_OPEN = r"(?:open|pending|abiertas|pendientes|outstanding|today|de\s+hoy|for\s+today|para\s+hoy)"
_LIST_TASKS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (scope, re.compile(p))
    for scope, p in (
        ("overdue", rf"^{_SHOW}(?:my\s+|mis\s+)?{_OVERDUE}\s*{_TASKS}?$"),
        ("overdue", rf"^{_SHOW}{_TASKS}\s+(?:that\s+are\s+|que\s+estan\s+)?{_OVERDUE}$"),
        (
            "overdue",
            r"^(?:what\s*'?\s*s|what\s+is|anything|que\s+(?:esta|hay)|hay\s+algo)\s+"
            rf"{_OVERDUE}$",
        ),
        (
            "overdue",
            rf"^(?:how\s+many|which|what|cuantas|que|cuales)\s+{_TASKS}\s+(?:are|estan|hay|van)\s+"
            rf"{_OVERDUE}$",
        ),
        ("mine", rf"^{_SHOW}(?:my|mis)\s+(?:{_OPEN}\s+)?{_TASKS}(?:\s+{_OPEN})?$"),
        ("mine", rf"^{_SHOW}{_TASKS}\s+(?:for|para|de)\s+(?:me|mi)$"),
        (
            "mine",
            r"^(?:what\s+(?:do\s+i\s+have|have\s+i\s+got)\s+to\s+do|what\s+should\s+i\s+do"
            r"|que\s+tengo\s+que\s+hacer|que\s+tengo\s+pendiente|que\s+me\s+toca"
            r"|what\s*'?\s*s\s+on\s+my\s+(?:list|plate))(?:\s+today|\s+hoy)?$",
        ),
        ("open", rf"^{_SHOW}(?:{_OPEN}\s+)?{_TASKS}(?:\s+{_OPEN}|\s+list)?$"),
        (
            "open",
            r"^(?:task\s+list|what\s*'?\s*s\s+pending|what\s+is\s+pending|que\s+hay"
            r"\s+pendiente|que\s+queda\s+pendiente|que\s+falta\s+por\s+hacer)$",
        ),
        (
            "person",
            rf"^{_SHOW}(?:{_OPEN}\s+)?{_TASKS}(?:\s+{_OPEN})?\s+(?:for|of|de|para|del"
            r"|assigned\s+to|asignadas\s+a)\s+(?P<person>.+)$",
        ),
        ("person", rf"^{_SHOW}(?P<person>.+?)\s*'s\s+(?:{_OPEN}\s+)?{_TASKS}$"),
        ("person", r"^what\s+(?:does|has)\s+(?P<person>.+?)\s+(?:have\s+|got\s+)?to\s+do$"),
        ("person", r"^que\s+tiene\s+(?P<person>.+?)\s+(?:pendiente|que\s+hacer)$"),
        (
            "person",
            rf"^(?:what|which|que|cuales)\s+{_TASKS}\s+(?:does|has|tiene)\s+"
            r"(?P<person>.+?)(?:\s+(?:have|got|pendientes))?$",
        ),
    )
)


def list_tasks(text: Text) -> ListTasks | None:
    for scope, pattern in _LIST_TASKS:
        match = pattern.match(text.folded)
        if match is None:
            continue
        if scope != "person":
            return ListTasks(scope=scope)
        person = text.group(match, "person")
        if not person or ":" in person:
            continue  # "todo for tomorrow 9am: order gloves" labels new work
        if lexicon().covers("today", words_of(person)):
            return ListTasks(scope="open")  # "tasks for tomorrow": a day, not a person
        return ListTasks(scope="person", person=person)
    return None


_LIST_REMINDERS = re.compile(
    rf"^{_SHOW}(?:my\s+|mis\s+|our\s+|nuestros\s+|active\s+|activos\s+|upcoming\s+|"
    r"proximos\s+)*(?:reminders|recordatorios|avisos|alarms|alarmas)(?:\s+(?:list|activos"
    r"|active|pendientes|pending))?$"
    r"|^(?:what|which)\s+reminders\s+(?:do\s+i\s+have|are\s+(?:there|set))$"
    r"|^(?:que|cuales)\s+recordatorios\s+(?:tengo|hay)$"
)


def list_reminders(text: Text) -> ListReminders | None:
    return ListReminders() if _LIST_REMINDERS.match(text.folded) else None


_REMINDER_WORD = r"(?:reminder|recordatorio|aviso|alarm|alarma)"
_CANCEL_WORD = (
    r"(?:cancel|delete|remove|stop|drop|kill|cancela|cancelar|cancelame|borra|borrar|elimina"
    r"|eliminar|quita|quitar|anula|anular|para|parar|deten|detener)"
)
_CANCEL_REMINDER: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        rf"^{_CANCEL_WORD}\s+(?:the\s+|el\s+|my\s+|mi\s+)?{_REMINDER_WORD}\s+"
        rf"(?:number\s+|numero\s+|no\s+|n\s+)?{_NUM}$",
        rf"^{_REMINDER_WORD}\s+(?:number\s+|numero\s+)?{_NUM}\s+(?:{_CANCEL_WORD}|off|cancelled"
        r"|cancelado|fuera)$",
    )
)


def cancel_reminder(text: Text) -> CancelReminder | None:
    number = _numbered(_CANCEL_REMINDER, text)
    return None if number is None else CancelReminder(number=number)


# --- creating tasks -----------------------------------------------------------------

_TASK_LEAD = re.compile(
    r"^(?:(?:new|add|create|make|add\s+a|create\s+a|add\s+new|nueva|crea|crear|anade|anadir"
    r"|agrega|agregar|pon|apunta|anota|another|one\s+more|otra|otro|nuevo)\s+"
    r"(?:una\s+|a\s+|new\s+|nueva\s+|another\s+|otra\s+|un\s+|nuevo\s+)?)?"
    # "new job, …", "otro encargo: …": other nouns of work, only after such a lead ("job
    # done" opens nothing), which the lookbehind on the space asks for. A comma may follow
    # the noun ("new task, sweep …"), but not "todo" ("todo, …" is "everything").
    r"(?:(?:task|tarea(?:\s+nueva)?|tarefa|tache|(?<=\s)(?:job|chore|encargo)),"
    r"|(?:task|todo|to-do|to\s+do|tarea(?:\s+nueva)?|tarefa|tache|pendiente"
    r"|(?<=\s)(?:job|chore|encargo))"
    r"(?=\s|:|-|$))\s*(?P<rest>.*)$"
    r"|^(?:assign|asigna|asignar|asignale|encarga|encargale)(?=\s)\s*(?P<assign>.*)$"
)
_NUMBERED = re.compile(
    rf"#?\d{{1,4}}(?:\s*[:,.-]|\s+(?:is|was|should|needs|has|es|esta|tiene|debe|ya|{_DONE})\b|$)"
)
"""A task number after the lead: "task 1: push it", "task 2 completed" (a done word
reports it, it names no new work)."""
_FOR = re.compile(r"^(?:for|to|para|a|al)\s+")


def _label_time(label: Text, context: UnderstandingContext, language: str) -> datetime | None:
    """The time a label before a colon is made of, when it is nothing else."""
    found = _find_time(tidy(label.original), context, language, _TASK_DUE_TIME)
    return found.at if found is not None and not tidy(found.rest) else None


_TO_SOMEONE = (" to ", " a ")


def _work_to_someone(rest: Text, context: UnderstandingContext) -> tuple[list[str], Text]:
    """Split "the bathroom cleaning to Pedro (for tomorrow)" at its last "to"/"a" when a
    roster name follows it."""
    folded = rest.folded
    cut, link = max((folded.rfind(link), link) for link in _TO_SOMEONE)
    if cut <= 0:
        return [], rest
    tail = rest.slice(cut + len(link), len(folded))
    names, after = take_names(tail, context.roster)
    if not names or any(name == "me" for name in names):
        return [], rest
    work = rest.slice(0, cut)
    if after.folded.strip():
        work = Text(f"{work.original} {after.original}", f"{work.folded} {after.folded}")
    return names, work


_LEAD_MARKS = ":-–,"
_INFINITIVE_ENDINGS = ("ar", "er", "ir")


def _named_after_the_lead(rest: Text, context: UnderstandingContext) -> tuple[list[str], Text]:
    """ "nueva tarea Juan Mora reparar la cinta", "todo: tom - calibrate the sensors": a
    roster name straight after the lead, then a mark or the work's verb, is who does it."""
    start = len(rest.folded) - len(rest.folded.lstrip(_LEAD_MARKS + " "))
    said = rest.slice(start, len(rest.folded))
    names, after = take_names(said, context.roster)
    known = {
        roster_fold(part)
        for entry in context.roster
        for part in (entry.name, entry.name.split()[0])
    }
    if not names or any(roster_fold(name) not in known for name in names):
        return [], rest
    marked = after.folded.lstrip()[:1] in tuple(_LEAD_MARKS)
    work = after.folded.lstrip(_LEAD_MARKS + " ")
    verb = work.split(" ", 1)[0]
    lex = lexicon()
    if not (
        marked
        or verb.endswith(_INFINITIVE_ENDINGS)
        or lex.has("work_verb", [verb])
        or lex.has("phrasal_verb", [verb])
    ):
        return [], rest
    return names, after.slice(len(after.folded) - len(work), len(after.folded))


def create_task(text: Text, context: UnderstandingContext, language: str) -> CreateTask | None:
    match = _TASK_LEAD.match(text.folded)
    if match is None:
        return None
    group = "rest" if match.group("rest") is not None else "assign"
    rest = text.slice(*match.span(group))
    if rest.folded.startswith(","):
        rest = rest.slice(1, len(rest.folded)).strip()  # "new task, sweep …": a pause
    if group == "rest" and _NUMBERED.match(rest.folded):
        return None  # "task 1: push it to saturday": a task that exists, not new work
    assignees: list[str] = []
    for_match = _FOR.match(rest.folded)
    colon = rest.folded.find(":")
    if group == "rest" and not for_match and colon > 0:
        # "task Juan: order cups": the words before the colon are all names.
        names, after = take_names(rest.slice(0, colon), context.roster)
        if names and not after.folded.strip():
            assignees, rest = names, rest.slice(colon + 1, len(rest.folded))
    elif group == "assign" or for_match:
        names_part = rest.slice(for_match.end(), len(rest.folded)) if for_match else rest
        colon = names_part.folded.find(":")
        label = names_part.slice(0, colon) if colon > 0 else None
        when = _label_time(label, context, language) if label is not None else None
        if label is not None and when is not None:
            # "todo for tomorrow 9am: order gloves": the label is when, not who
            body = tidy(names_part.slice(colon + 1, len(names_part.folded)).original)
            return CreateTask(title=_strip_connectors(body), assignees=[], due=when)
        if label is not None:
            assignees = names_from(label)
            rest = names_part.slice(colon + 1, len(names_part.folded))
        else:
            assignees, after = take_names(names_part, context.roster)
            rest = after if assignees else rest
            if not assignees and group == "assign":
                # "assign the bathroom cleaning to Pedro": the work, then who does it.
                assignees, rest = _work_to_someone(rest, context)
    if group == "rest" and not assignees:
        assignees, rest = _named_after_the_lead(rest, context)
    body = tidy(rest.original)
    due = None
    if body:
        found = _find_time(body, context, language, _TASK_DUE_TIME)
        if found is not None and found.rest:
            body, due = found.rest, found.at
    # An empty title is the handler's to ask for (and to complete from the answer).
    return CreateTask(title=_strip_connectors(body), assignees=assignees, due=due)


# --- creating reminders -----------------------------------------------------------------

_NOT_AN_HOUR = r"(?!\s+las?\s+\d)"
"""The "a" of who is reminded, not of "a las 3": "me recuerda a las 3 lo de …"."""
_REMINDER_LEAD = re.compile(
    r"^(?:remind|reminder\s+(?:for|to)|reminder|set\s+(?:a\s+|up\s+a\s+)?reminder(?:\s+for)?"
    r"|add\s+(?:a\s+)?reminder(?:\s+for)?|new\s+reminder(?:\s+for)?|create\s+(?:a\s+)?reminder"
    r"(?:\s+for)?|(?:nuevo\s+|pon\s+(?:un\s+)?|crea\s+(?:un\s+)?|anade\s+(?:un\s+)?)?"
    rf"recordatorio(?:\s+(?:para|a))?|recuerda(?:le|les)?(?:\s+a{_NOT_AN_HOUR})?"
    # "recordales a todos": the voseo imperative, as "recuérdales".
    rf"|recorda(?:r?les?|r)?(?:\s+a{_NOT_AN_HOUR})?|avisa(?:le|les)?(?:\s+a{_NOT_AN_HOUR})?)"
    r"(?=\s|:|$)"
    r"|^(?P<me>recuerdame|recordame|recordarme|avisame|remindme|acuerdame|no\s+me\s+dejes\s+olvidar)"
    r"(?=\s|:|$)"
)
_LEADING_CONNECTORS = re.compile(
    r"^(?:(?:to|that|about|of|que|de|para|sobre)\b|[:,-])\s*", re.IGNORECASE
)
_TRAILING_CONNECTORS = re.compile(
    r"(?:\s+(?:at|on|by|the|el|la|a|las|para|de|y|and|to|due)|[:,-])+$", re.IGNORECASE
)


def create_reminder(
    text: Text, context: UnderstandingContext, language: str
) -> CreateReminder | None:
    text, head = _lead_first(text, context)
    match = _REMINDER_LEAD.match(text.folded)
    if match is None:
        return None
    rest = text.slice(match.end(), len(text.folded))
    recipients = ["me"]
    if not match.group("me"):
        names, after = take_names(_without_to(rest), context.roster)
        if names:
            recipients, rest = names, after
        elif (team := _team_first(rest)) is not None:
            recipients, rest = ["everyone"], team
    # "every Friday at 4pm, no 3pm, to …": the time put right is the one meant.
    body = time_put_right(tidy(rest.original), timezone=context.timezone, now=context.now)
    if head is not None and (first := _schedule_said_first(head, body, context, language)):
        return CreateReminder(recipients=recipients, **first)
    recurrence = find_recurrence(body, now=context.now.astimezone(ZoneInfo(context.timezone)))
    if recurrence is not None:
        what = _strip_connectors(recurrence.rest)
        return CreateReminder(text=what, recipients=recipients, cron=recurrence.cron)
    found = _time_before_the_content(body, context, language) or _find_time(
        body, context, language, _REMINDER_TIME
    )
    what = _strip_connectors(found.rest if found else body)
    # No time (or one already past): the handler asks when, and what if the text is empty.
    at = found.at if found is not None and found.at > context.now else None
    return CreateReminder(text=what, recipients=recipients, at=at)


_WORD = re.compile(r"[a-z0-9']+")
_TO = re.compile(r"\s*to\s+")


def _without_to(rest: Text) -> Text:
    """ "remind to Lucía tomorrow …": a "to" before who is reminded, as Spanish "a" says."""
    to = _TO.match(rest.folded)
    return rest.slice(to.end(), len(rest.folded)) if to else rest


def _team_first(rest: Text) -> Text | None:
    """ "recuérdale a todo el equipo el lunes …": the whole team named first is who is
    reminded; what follows it is when and what. None when no team is named first."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(rest.folded)]
    words = [rest.folded[start:end] for start, end in spans]
    hits = [hit for hit in lexicon().hits("everyone", words) if hit.first == 0]
    if not hits:
        return None
    end = spans[max(hit.last for hit in hits) - 1][1]
    return rest.slice(end, len(rest.folded))


_CONTENT_LINK = re.compile(r"\s(?:that|to|que|de\s+que)\s")
"""Where what to remember starts: "… tonight at 8 | that we start at 6 tomorrow"."""


def _time_before_the_content(
    body: str, context: UnderstandingContext, language: str
) -> FoundTime | None:
    """A day and an hour said before the content clause are when the reminder goes; a
    time inside the clause is part of what it says ("remind everyone tonight at 8 that we
    start at 6 tomorrow")."""
    link = _CONTENT_LINK.search(Text.of(body).folded)
    if link is None:
        return None
    head, content = body[: link.start()], body[link.start() :]
    found = _find_time(head, context, language, _REMINDER_TIME)
    if found is None or not (found.explicit_date and found.explicit_time):
        return None
    inside = find_time(content, timezone=context.timezone, now=context.now)
    if inside is None:
        return None  # nothing to keep apart: the whole body is read as before
    return FoundTime(found.at, tidy(f"{found.rest} {content}"), True, True)


# Only from the start of a run of separators: a search from inside one retries the run.
_LEAD_INSIDE = re.compile(
    r"(?<![\s,])[\s,]+(?=(?:remind|recuerdame|recuerdale|recuerdales|recordame|recordale|recordales|recordatorio|avisame|recuerda)\b)"
)


_ADDRESS = ("greeting", "ability", "vocative")
"""Words said to MinkOps before a request: "yo", "mate", "can you"."""
_FAVOUR = ("favour_asked", "favour_link")
"""A favour asked first and what links it on: "me hace el favor y (me) recuerda …"."""


def _lead_first(text: Text, context: UnderstandingContext) -> tuple[Text, str | None]:
    """ "Every Monday, remind me to …" → "remind me to … Every Monday", with the time
    said first ("Every Monday") apart; "yo can you remind me …" → "remind me …" (a
    greeting or a favour asked is no part of it)."""
    inside = _LEAD_INSIDE.search(text.folded)
    if inside is None or _REMINDER_LEAD.match(text.folded):
        return text, None
    head = text.slice(0, inside.start())
    tail = text.slice(inside.end(), len(text.folded))
    said = words_of(head.folded)
    favour = _FAVOUR if lexicon().has("favour_asked", said) else ()
    if lexicon().covers_all((*_ADDRESS, *favour), said):
        return tail, None
    head = _unaddressed(head)
    recurrence = find_recurrence(head.original)
    found = find_time(head.original, timezone=context.timezone, now=context.now)
    if not ((recurrence and not recurrence.rest) or (found and not found.rest)):
        return text, None
    moved = Text(tail.original + " " + head.original, tail.folded + " " + head.folded)
    return moved, head.original


_ADDRESS_REACH = 3
"""Words of greeting before a time said first: "che, todos los sábados …"."""


def _unaddressed(head: Text) -> Text:
    """ "che, todos los sábados a las 9" → "todos los sábados a las 9": a greeting or a
    word for the reader before the time is no part of it."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(head.folded)]
    words = [head.folded[start:end] for start, end in spans]
    for size in range(min(_ADDRESS_REACH, len(words) - 1), 0, -1):
        if lexicon().covers_all(_ADDRESS, words[:size]):
            return head.slice(spans[size][0], len(head.folded))
    return head


_OPENING_WORDS = 2
"""The words that would open a bare clause with its time: "at 10", "a las"."""


class _Schedule(TypedDict, total=False):
    text: str
    at: datetime | None
    cron: str


def _schedule_said_first(
    head: str, body: str, context: UnderstandingContext, language: str
) -> _Schedule | None:
    """ "cada domingo a las 20h recuérdales a todos que el lunes abrimos a las 7": a
    schedule said with its hour before the verb is when the reminder goes, and a time in
    what it says ("que el lunes abrimos a las 7") is part of that. Only when nothing
    between the verb and what it says is a time ("every monday remind me at 9 to …")."""
    if not body.endswith(head):
        return None
    content = body[: len(body) - len(head)].rstrip()
    link = _CONTENT_LINK.search(" " + Text.of(content).folded)
    if link is not None:
        before = content[: max(0, link.start() - 1)]
    elif _find_time(" ".join(content.split()[:_OPENING_WORDS]), context, language, time()):
        return None  # "tomorrow at 9 remind me at 10 …": a second time, not a clause's
    else:
        # "Sunday at 11 remind everyone the brunch starts at 12": who is told, then the
        # clause said bare; its time is what it says.
        before = ""
    said = _find_time(head, context, language, _REMINDER_TIME)
    if said is None or not said.explicit_time or _find_time(before, context, language, time()):
        return None
    what = _strip_connectors(content)
    recurrence = find_recurrence(head, now=context.now.astimezone(ZoneInfo(context.timezone)))
    if recurrence is not None:
        return {"text": what, "cron": recurrence.cron}
    return {"text": what, "at": said.at if said.at > context.now else None}


def _strip_connectors(text: str) -> str:
    text = tidy(text)
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_CONNECTORS.sub("", text)
        if not keeps_particle(text):  # "switch the ovens on"
            text = _TRAILING_CONNECTORS.sub("", text)
        text = tidy(text)
    return text


def _find_time(
    said: str, context: UnderstandingContext, language: str, default_time: time
) -> FoundTime | None:
    """`find_time` in the organization's timezone and the sender's way of writing dates."""
    return find_time(
        said,
        timezone=context.timezone,
        now=context.now,
        default_time=default_time,
        date_order=_date_order(context, language),
    )


def _date_order(context: UnderstandingContext, language: str) -> str:
    # Only English speakers in the Americas write 3/4 for March 4th.
    return "MDY" if language == "en" and context.timezone.startswith("America/") else "DMY"
