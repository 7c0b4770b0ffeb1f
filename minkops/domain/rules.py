"""The rule-based understanding engine: English and Spanish, no network.

Each rule reads the folded message (lowercase, accent- and emoji-free, same offsets
as the original) and returns an intent or None; the first rule that answers wins,
so the order of `_RULES` is part of the grammar (specific before general).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache
from zoneinfo import ZoneInfo

from minkops.domain import grammar
from minkops.domain.antecedents import antecedent_in_place
from minkops.domain.asked_with_reason import question_before_reason
from minkops.domain.edit_reasons import change_before_reason, change_then_edit_it
from minkops.domain.hedges import unhedged
from minkops.domain.intents import (
    Billing,
    CancelTask,
    CompleteTask,
    CreateReminder,
    CreateTask,
    DeleteAccount,
    DeleteData,
    ExportData,
    Help,
    RemoveMember,
    StartMessages,
    StopMessages,
    Understood,
    Unknown,
    UpdateMember,
    Upgrade,
    Usage,
)
from minkops.domain.intents import Intent as IntentType
from minkops.domain.lexicon import lexicon, tokens_of, words_of
from minkops.domain.own_work import own_work
from minkops.domain.pleasantries import pleasantries
from minkops.domain.reminder_reasons import reminder_before_reason
from minkops.domain.replies import pick_language
from minkops.domain.reported import favour_then_work, passed_on_request
from minkops.domain.rules_edits import complete_by_description, edit_task, talk
from minkops.domain.rules_people import add_member, correct_data, remove_member, update_member
from minkops.domain.rules_text import Text, detect_language, fix_typos
from minkops.domain.rules_work import (
    cancel_reminder,
    complete_task,
    create_reminder,
    create_task,
    list_reminders,
    list_tasks,
)
from minkops.domain.sentences import (
    named_before,
    order_among_sentences,
    scene_then_que,
    taken_on,
)
from minkops.domain.several_orders import several_orders
from minkops.domain.task_numbers import more_done
from minkops.domain.task_requests import task_asked_for
from minkops.domain.then_time import due_said_before
from minkops.domain.understanding import UnderstandingContext
from minkops.domain.when import find_recurrence, find_time

_FILLERS = re.compile(
    r"\b(?:please|pls|plz|plis|por\s+favor|porfa|porfavor|porfis|uh+|u+m+|uhm+|e+h+m*|erm+"
    r"|hmm+|mm+|ahm*|este\s+eh|xfa|xfavor|x\s+favor|stp|svp)\b"
)
_ASIDES = re.compile(r"(?<=,)\s*(?:a\s+ver|o\s+sea|digamos|you\s+know|let\s*'?\s*s\s+see)\s*(?=,)")
"""A filler set off by commas in the middle ("mañana, a ver, a las nueve") says nothing;
unenclosed, the same words may be meant ("vamos a ver el local")."""
_OPENERS = re.compile(
    r"^[\s,.!:;-]*(?:(?:hey|hi|hiya|heya|hello)(?:\s+(?:there|po))?|hola|oye|ey|ei|ok|okay|vale|bueno|so|well|pues|entonces"
    # The longer greetings first: "buenas" alone would leave "tardes" behind.
    r"|buenos\s+dias|buenas\s+tardes|buenas\s+noches|buenas|good\s+morning|good\s+afternoon"
    r"|good\s+evening|thanks|gracias|can\s+you|could\s+you|would\s+you|will\s+you|puedes"
    r"|podrias|me\s+puedes|nos\s+puedes|kindly|i\s+want\s+to|i\s+would\s+like\s+to"
    r"|i\s*'?\s*d\s+like\s+to|i\s+wanna|quiero|quisiera|necesito|minkops|bot|y|and|also"
    r"|yeah|tambien|ademas|don\s*'?\s*t\s+forget|no\s+(?:te\s+)?olvides|a\s+ver|o\s+sea|sorry|perdon|perdona"
    r"|oops|ups|can\s+u|could\s+u|my\s+bad|my\s+mistake|(?:the\s+)?wrong\s+(?:person|one|guy"
    r"|girl|name|day|time|task|date)|me\s+(?:he\s+)?equivo(?:cado|que)(?:\s+de\s+(?:persona"
    r"|dia|hora|tarea|nombre))?"
    r"|(?:persona|dia|hora|tarea)\s+equivocad[ao]|no\s+era\s+(?:esa|ese|esa\s+persona))"
    r"(?=[\s,.!:;-]|$)"
    r"[\s,.!:;-]*"
)
_CLOSERS = re.compile(
    r"[\s,.!]*\b(?:thanks|thank\s+you|thx|ty|gracias|muchas\s+gracias|mil\s+gracias|cheers"
    r"|vale|ok|okay)[\s,.!?]*$"
)
_LOWER_CLOSERS = re.compile(r"[\s,.!]*\b(?:ta|po)[\s,.!?]*$")
"""British and Irish "ta" (thanks) and the Filipino "po" of politeness, in lower case as
written ("… for the photos ta", "… the shutters po"): "the PO" is a purchase order. Read
on the original text, in the same bounded tail as `_CLOSERS`."""


_MAX_OPENERS = 6
"""Politeness before a request is a few words; more is not an opener but the message."""
_CLOSER_TAIL = 48
"""A closing "thanks" is read in the last characters only (searching the whole message
for an end-anchored pattern restarts at every offset: quadratic on 65,000 dots)."""


_SPACE_RUN = re.compile(r"\s{2,}")
_SEPARATOR_RUN = re.compile(r"[^\w\s]{4,}")
_MIXED_RUN = re.compile(r"((?:[^\w\s]+\s){4})(?:[^\w\s]+\s)+")


def bounded_runs(message: str) -> str:
    r"""Shorten runs of separators to what they can mean: a run of whitespace to one space
    (or one line break), four or more marks to their first three ("!!!", "..."), and
    marks and spaces taken in turn to four pairs.

    A run carries no more meaning than its first few characters, and a pattern that
    backtracks across one (a lazy `.+?` before `\s+`, a search that starts inside the
    run at every offset) is then bounded by a constant, not by the message: "juan",
    60,000 spaces and "x" took minutes before.
    """
    message = _SPACE_RUN.sub(lambda run: "\n" if "\n" in run.group() else " ", message)
    message = _SEPARATOR_RUN.sub(lambda run: run.group()[:3], message)
    return _MIXED_RUN.sub(r"\1", message)


_ACCOUNT_QUESTIONS = (Billing, Usage, Upgrade)
"""What a request passed on may ask of the account rather than of a person."""

_ENCLOSED_ASIDES = ("vocative", "unassigned_aside", "plea_aside")
"""Said between commas, to the reader: a word of address, that no one has the work yet
("add a job, nobody on it yet, fix …"), or how much it matters ("de verdad te lo pido")."""


def _vocative_asides(folded: str) -> list[tuple[int, int]]:
    """ "Luis, ya pues, hay que …", "Lucía, miña, …": a word of address set off by commas
    is said to the person; its words ("ya") must not read as anything else. One split on
    commas and one lexicon look-up per piece: linear."""
    spans: list[tuple[int, int]] = []
    start = folded.find(",")
    while start != -1:
        end = folded.find(",", start + 1)
        if end == -1:
            break
        if lexicon().covers_all(_ENCLOSED_ASIDES, words_of(folded[start + 1 : end])):
            spans.append((start + 1, end))
        start = end
    if start != -1 and lexicon().covers("unassigned_aside", words_of(folded[start + 1 :])):
        spans.append((start + 1, len(folded)))  # "…, nobody in particular yet": last
    return spans


_ASKER_WORDS = 3
"""How long the name of who asked may be after "me lo ha pedido": "Ana García", "la jefa"."""


def _asker_after(folded: str) -> list[tuple[int, int]]:
    """ "…, me lo ha pedido Ana": who asked for the work, said last after a comma, is
    neither its doer nor a change of who does it. One look at the last comma: linear."""
    comma = folded.rfind(",")
    if comma < 0:
        return []
    words = words_of(folded[comma + 1 :])
    asked = lexicon().hits("asked_by_after", words)
    if not asked or asked[0].first != 0 or len(words) - asked[0].last > _ASKER_WORDS:
        return []
    return [(comma, len(folded))]


@cache
def _memory_words() -> frozenset[str]:
    return frozenset(phrase[-1] for phrase in lexicon().classes.get("memory_aside", {}))


def _memory_asides(folded: str) -> list[tuple[int, int]]:
    """ "before I forget, remind me …", "antes de que se me olvide, …": the sender's memory is
    why they write, not what they ask; its "forget" must not read as cancelling. One
    tokenisation and one lexicon pass: linear, and only when a phrase's last word is in
    the message at all."""
    if not any(word in folded for word in _memory_words()):
        return []
    tokens = tokens_of(folded)
    hits = lexicon().hits("memory_aside", [t.text for t in tokens])
    return [(tokens[hit.first].start, tokens[hit.last - 1].end) for hit in hits]


def prepare(message: str) -> Text:
    """Fold, drop fillers and politeness, repair mistyped keywords, trim.

    Linear in the length of the message: each pattern is applied a bounded number of
    times, and the end-anchored one only to a bounded tail.
    """
    text = Text.of(message)
    fillers = [
        *(m.span() for m in _FILLERS.finditer(text.folded)),
        *(m.span() for m in _ASIDES.finditer(text.folded)),
        *_vocative_asides(text.folded),
        *_memory_asides(text.folded),
        *_asker_after(text.folded),
        *pleasantries(text.folded),
    ]
    if fillers:
        folded, original = list(text.folded), list(text.original)
        for start, end in fillers:
            folded[start:end] = original[start:end] = " " * (end - start)
        text = Text("".join(original), "".join(folded))
    text = text.strip()
    for _ in range(_MAX_OPENERS):
        opener = _OPENERS.match(text.folded)
        if opener is None or opener.end() == 0:
            break
        text = text.blank(0, opener.end())
    text = text.strip()
    tail_start = max(0, len(text.folded) - _CLOSER_TAIL)
    closer = _CLOSERS.search(text.folded, tail_start)
    closer = closer or _LOWER_CLOSERS.search(text.original, tail_start)
    if closer is not None:
        text = text.blank(*closer.span())
    return grammar.respell(fix_typos(text)).strip()


def _whole(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(phrases) + r")$")


_STOP = _whole(
    r"stop", r"stop\s*all", r"unsubscribe", r"end", r"quit", r"opt\s*-?\s*out", r"baja",
    r"(?:darme|dame|dar|me\s+doy)\s+de\s+baja", r"stop\s+(?:all\s+)?messages",
    r"stop\s+(?:messaging|texting|sending\s+(?:me\s+)?messages(?:\s+to\s+me)?)(?:\s+me)?",
    r"no\s+more\s+messages", r"stop\s+(?:receiving|getting)\s+(?:messages|texts|whatsapps?)", r"parar?", r"detener", r"no\s+(?:quiero\s+)?mas\s+mensajes",
    r"no\s+quiero\s+recibir\s+(?:mas\s+)?mensajes", r"no\s+me\s+(?:escribas|mandes\s+nada)\s+mas",
    r"(?:dejar|deja)\s+de\s+(?:recibir\s+mensajes|escribirme|enviarme\s+mensajes)",
    r"cancelar\s+(?:la\s+)?suscripcion", r"desuscribir(?:me)?", r"anular\s+suscripcion",
)  # fmt: skip
_START = _whole(
    r"start", r"unstop", r"subscribe", r"resume", r"(?:resume|start|restart)\s+messages",
    r"opt\s*-?\s*in", r"alta", r"(?:darme|dame|dar|me\s+doy)\s+de\s+alta", r"reanudar",
    r"reanudar\s+(?:los\s+)?mensajes", r"(?:volver\s+a\s+)?recibir\s+(?:los\s+)?mensajes",
    r"suscribir(?:me)?", r"activar(?:\s+mensajes)?", r"reactivar", r"empezar", r"comenzar",
    r"send\s+me\s+messages\s+again", r"start\s+again",
    r"(?:send|write)\s+(?:to\s+)?me\s+again", r"(?:i\s+want\s+)?messages\s+again",
)  # fmt: skip
_HELP = _whole(
    r"help", r"ayuda", r"ayudame", r"socorro", r"menu", r"commands?", r"comandos?",
    r"instrucciones", r"options", r"opciones", r"info", r"informacion",
    r"what\s+can\s+(?:you|i)\s+do", r"what\s+do\s+you\s+do", r"que\s+(?:puedes|sabes)\s+hacer",
    r"que\s+haces", r"how\s+does\s+(?:this|it)\s+work", r"como\s+funciona(?:\s+esto)?",
    r"how\s+do\s+i\s+use\s+(?:this|you|it)", r"como\s+(?:te\s+uso|se\s+usa)",
    r"(?:help|ayuda)(?:\s+\S+){1,5}", r"i\s+need\s+help", r"need\s+help",
    r"hi", r"hello", r"hey", r"hola", r"buenas", r"start\s+here", r"\?+",
)  # fmt: skip
_EXPORT = _whole(
    r"(?:(?:show|send|give|get|export|download|see|view|email)\s+(?:me\s+)?)?(?:all\s+)?"
    r"(?:of\s+)?my\s+(?:personal\s+)?(?:data|info|information|details)(?:\s+export)?",
    r"(?:export|download)\s+(?:the\s+|all\s+)?data", r"data\s+export",
    r"what\s+(?:data|information|info)\s+do\s+you\s+(?:have|keep|store|hold)\s+(?:on|about)"
    r"\s+me", r"what\s+do\s+you\s+know\s+about\s+me",
    r"(?:(?:ver|exportar|exporta|enviame|mandame|dame|descargar|descarga|muestrame|ensename"
    r"|consultar|ver\s+todos)\s+)?(?:todos\s+)?mis\s+datos(?:\s+personales)?",
    r"que\s+datos\s+(?:tienes|teneis|tienen|guardas|guardais)\s+(?:de|sobre)\s+mi",
    r"que\s+sabes\s+de\s+mi", r"exportar\s+(?:los\s+)?datos",
)  # fmt: skip
_DELETE = _whole(
    r"(?:delete|erase|remove|wipe|forget|destroy|clear)\s+(?:all\s+)?(?:of\s+)?my\s+"
    r"(?:personal\s+)?(?:data|info|information|details|account)",
    r"(?:forget|delete|erase)\s+(?:about\s+)?me", r"right\s+to\s+be\s+forgotten",
    r"(?:borra|borrar|borrame|elimina|eliminar|eliminame|suprime|suprimir)\s+(?:todos\s+)?"
    r"(?:mis\s+datos|mi\s+cuenta)(?:\s+personales)?",
    r"olvidame", r"borrame", r"eliminame", r"derecho\s+al\s+olvido",
)  # fmt: skip
_CLOSE_ACCOUNT = _whole(
    r"(?:delete|close|cancel|terminate|end)\s+(?:my|our|the)\s+(?:whole\s+)?account",
    r"(?:borra|borrar|elimina|eliminar|cierra|cerrar|cancela|cancelar)\s+(?:mi|nuestra|la)"
    r"\s+cuenta",
    r"(?:apagar|apaga|encerrar|encerra|excluir|exclui)\s+(?:minha|a)\s+conta",
    r"(?:supprimer|fermer|supprime|ferme)\s+(?:mon|notre|le)\s+compte",
)  # fmt: skip
_USAGE = _whole(
    r"(?:(?:show|check|see|view|what\s*'?\s*s|what\s+is|how\s+is|how\s*'?\s*s|ver|consultar"
    r"|cual\s+es|como\s+va|como\s+vamos\s+de|como\s+voy\s+de|como\s+esta)\s+)?"
    r"(?:(?:my|our|the|mi|nuestro|el)\s+)?(?:usage|uso|plan|consumo|quota|cuota|limits?"
    r"|limites?|subscription|suscripcion|plan\s+usage|uso\s+del\s+plan|billing|facturacion)"
    r"(?:\s+(?:this\s+month|del\s+mes|de\s+este\s+mes|este\s+mes|so\s+far|left))?",
    r"how\s+(?:much|many\s+(?:messages|tasks|reminders))\s+(?:have\s+(?:i|we)\s+used"
    r"|(?:do\s+)?(?:i|we)\s+have\s+left|are\s+left|left)(?:\s+this\s+month)?",
    r"cuant[oa]s?\s+(?:mensajes\s+)?(?:me\s+|nos\s+)?(?:queda|quedan|he\s+usado|hemos\s+usado"
    r"|llevo|llevamos|he\s+gastado|hemos\s+gastado)(?:\s+(?:usado|gastado|este\s+mes|del\s+plan"
    r"))?",
)  # fmt: skip


def _fixed(
    pattern: re.Pattern[str], make: Callable[[], IntentType]
) -> Callable[[Text, UnderstandingContext, str], IntentType | None]:
    def rule(text: Text, context: UnderstandingContext, language: str) -> IntentType | None:
        return make() if pattern.match(text.folded) else None

    return rule


def _plain(
    rule: Callable[[Text], IntentType | None],
) -> Callable[[Text, UnderstandingContext, str], IntentType | None]:
    return lambda text, context, language: rule(text)


def _with_language(
    rule: Callable[[Text, str], IntentType | None],
) -> Callable[[Text, UnderstandingContext, str], IntentType | None]:
    return lambda text, context, language: rule(text, language)


def edit_task_rule(text: Text, context: UnderstandingContext, language: str) -> IntentType | None:
    return edit_task(text, context)


def complete_by_description_rule(
    text: Text, context: UnderstandingContext, language: str
) -> IntentType | None:
    return complete_by_description(text, context)


_RULES: tuple[Callable[[Text, UnderstandingContext, str], IntentType | None], ...] = (
    _fixed(_STOP, StopMessages),
    _fixed(_START, StartMessages),
    _fixed(_HELP, Help),
    _fixed(_EXPORT, ExportData),
    _fixed(_CLOSE_ACCOUNT, DeleteAccount),
    _fixed(_DELETE, DeleteData),
    _plain(correct_data),
    _fixed(_USAGE, Usage),
    _plain(list_reminders),
    _plain(cancel_reminder),
    _plain(complete_task),
    edit_task_rule,
    complete_by_description_rule,
    _plain(list_tasks),
    create_reminder,
    create_task,
    _with_language(add_member),
    _plain(remove_member),
    _with_language(update_member),
)


class RuleEngine:
    """Understands one message with fixed rules; implements `Understanding`."""

    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        understood = self._read_whole(text, context)
        if (listed := more_done(text, understood.intent)) is not None:
            return understood.model_copy(update={"intent": listed})
        return understood

    def _read_whole(self, text: str, context: UnderstandingContext) -> Understood:
        text = _request_after_scene(bounded_runs(text), context)
        passed = passed_on_request(text, context) or favour_then_work(text, context)
        if passed is not None:
            relayed = self._understand(passed, context)
            if isinstance(relayed.intent, CreateTask) and relayed.intent.assignees:
                return relayed
            if isinstance(relayed.intent, _ACCOUNT_QUESTIONS):
                # "Ana asked me to grab the last invoice, can you send it?": who asked
                # wants the account's papers or numbers; no one is given work.
                return relayed
        understood = self._understand(text, context)
        if isinstance(understood.intent, Unknown) and (split := scene_then_que(text)):
            # "las mangueras están hechas un lío, que alguien las recoja": read as the
            # two sentences it is.
            text, understood = split, self._understand(split, context)

        def read(part: str) -> IntentType:
            return self._understand(part, context).intent

        if (asked := question_before_reason(text, understood.intent, read)) is not None:
            return understood.model_copy(update={"intent": asked})
        if (changed := change_before_reason(text, understood.intent, read, context)) is not None:
            return understood.model_copy(update={"intent": changed})
        if (changed := change_then_edit_it(text, understood.intent, read, context)) is not None:
            return understood.model_copy(update={"intent": changed})
        if (reminded := reminder_before_reason(text, understood.intent, read, context)) is not None:
            return understood.model_copy(update={"intent": reminded})
        if (taken := taken_on(text, understood.intent, read)) is not None:
            return understood.model_copy(update={"intent": taken})
        if (named := named_before(text, understood.intent, read)) is not None:
            return understood.model_copy(update={"intent": named})
        if (several := several_orders(text, understood.intent, read, context)) is not None:
            return understood.model_copy(update={"intent": several})
        alone = order_among_sentences(text, understood.intent, read)
        if alone is None:
            return understood
        if isinstance(alone, CreateTask):
            # "el compresor hace ruido. Pedro, revísalo": read alone, the last sentence's
            # pronoun has lost what it stands for; the sentence before says it.
            head = text.rpartition(". ")[0]
            title = antecedent_in_place(alone.title, f"{head}.", understood.language)
            alone = alone.model_copy(update={"title": title})
        return understood.model_copy(update={"intent": alone})

    def _understand(self, text: str, context: UnderstandingContext) -> Understood:
        prepared = prepare(text)
        asked = _asks(text)
        if (ordered := _order_asked(prepared)) is not None:
            # The order made of a voseo question ("me recordás" → "recordame") is read as
            # the order typed would be, its keyword spelt as the rules know it.
            prepared, asked = grammar.respell(fix_typos(ordered)), False
        if (plain := unhedged(prepared, context)) is not None:
            # "any chance you could …?", "reckon Tom could …?": a softened order, read as
            # the order; its question mark asks nothing.
            prepared, asked = plain.strip(), False
        language = _language(prepared.folded, context.language)
        ticked = any(mark in text for mark in _CHECK_MARKS)
        intent = talk(text) or self._intent(prepared, context, language, asked, ticked)
        intent = due_said_before(text, intent, context)  # "… friday at 10am … before then"
        # No follow-ups are glued on here: an answer to a question MinkOps asked is
        # completed by the domain against that question (domain/flows.py), nothing else.
        return Understood(language=language, intent=intent)

    def _intent(
        self,
        text: Text,
        context: UnderstandingContext,
        language: str,
        asked: bool,
        ticked: bool = False,
    ) -> IntentType:
        if not text.folded:
            return Help()
        if (labelled := task_asked_for(text)) is not None and (
            asked_task := create_task(labelled, context, language)
        ) is not None:
            # "could you set up a task: …", "…, ponlo como tarea mía": a task asked for in
            # words is a task, whatever nouns its work has ("las facturas", "the menu").
            return grammar.refine_task(asked_task, labelled, language, context)
        early = grammar.read(text, context, language, early=True, asked=asked)
        if early is not None:
            return early
        for rule in _RULES:
            intent = rule(text, context, language)
            if isinstance(intent, CreateReminder):
                return grammar.refine_reminder(intent, context, language, text)
            if isinstance(intent, CreateTask):
                return grammar.refine_task(intent, text, language, context)
            if isinstance(intent, RemoveMember | UpdateMember):
                name = grammar.refine_member_name(intent.name, context)
                return intent.model_copy(update={"name": name})
            if isinstance(intent, CompleteTask | CancelTask):
                return grammar.resolve_task_description(intent, context)
            if intent is not None:
                return intent
        late = grammar.read(text, context, language, early=False, asked=asked, ticked=ticked)
        if late is not None:
            return late
        if (
            not asked
            and (mine := own_work(text)) is not None
            and (own := create_task(mine, context, language)) is not None
        ):
            # "I'll do the bank run at 9:30": the sender's own work, when nothing else
            # read the message.
            return grammar.refine_task(own, mine, language, context)
        return Unknown()


_SENTENCE_END = re.compile(r"[.!?]+\s+")
_MAX_SCENE_SENTENCES = 3
"""A request after a few sentences of background; a longer text is not cut."""
_REQUEST_LEAD = ("reminder_verb", "reminder_lead")


def _request_after_scene(message: str, context: UnderstandingContext) -> str:
    """ "Mr Hughes' meds change next week and I keep forgetting. Please remind everyone on
    Monday at 8am that …": sentences that set the scene before a reminder asked for are
    not part of it. The request is read alone when it opens its sentence, says when, and
    nothing before it asks for a reminder (a second "remind" corrects the first)."""
    ends = [end.end() for end in _SENTENCE_END.finditer(message, 0, len(message) - 1)]
    ends = sorted({*ends, *_emoji_ends(message)})
    if not ends or len(ends) > _MAX_SCENE_SENTENCES:
        return message
    lex = lexicon()
    for end in ends:
        tail = message[end:]
        words = [t.text for t in tokens_of(prepare(tail).folded)]
        if not any(hit.first == 0 for name in _REQUEST_LEAD for hit in lex.hits(name, words[:4])):
            continue
        said = [t.text for t in tokens_of(prepare(message[:end]).folded)]
        if any(lex.has(name, said) for name in _REQUEST_LEAD):
            return message
        zone = ZoneInfo(context.timezone)
        if find_recurrence(tail, now=context.now.astimezone(zone)) is not None or find_time(
            tail, timezone=context.timezone, now=context.now
        ):
            return tail
    return message


def _emoji_ends(message: str) -> list[int]:
    """ "el lunes viene el inspector 😬 recuérdale a todo el mundo …": an emoji then a space
    ends what was said as a full stop would. One pass over the characters: linear."""
    return [
        at + 2
        for at in range(len(message) - 2)
        if message[at + 1] == " " and unicodedata.category(message[at]) == "So"
    ]


# The languages these rules read. Everyone else we speak to writes our English commands,
# because that is what their help text shows them.
_READ_LANGUAGES = ("en", "es")


_CHECK_MARKS = ("✅", "✔", "☑")
"""A check mark after a task's words reports it done, as "done" would."""

_TAG_QUESTION = re.compile(
    r"[\s,]*\b(?:ok|okay|vale|right|yeah|si|no|eh|sabes|ya|alright|got\s+it|entendido)"
    r"[\s?!.]*$",
    re.IGNORECASE,
)


_ASKED_ORDER = re.compile(r"^(?P<clitic>me|nos)\s+(?P<verb>[a-z]{3,}[ae]s)\b")


def _order_asked(text: Text) -> Text | None:
    """ "¿me recuerdas el domingo …?", "me pasas la lista …", "nos avisas …": Spanish asks
    a favour in the present of "tú" after its pronoun, and means the order ("recuérdame",
    "pásame", "avísanos"). Modal verbs ("me puedes …", "me debes …") are not orders; they
    are the indicative forms the lexicon lists."""
    match = _ASKED_ORDER.match(text.folded)
    if match is None:
        return None
    third = match.group("verb")[:-1]
    lex = lexicon()
    if third in lex.indicative and third not in lex.irregular_orders:
        return None
    order = lex.irregular_orders.get(third, third)
    return text.replace(0, match.end(), order + match.group("clitic"))


def _asks(message: str) -> bool:
    """A question mark asks, unless it only ends a tag ("que Tom cambie las bombillas,
    ok?", "¿vale?"): the tag seeks agreement with a request, it does not ask for a list."""
    if "?" not in message:
        return False
    tail_start = max(0, len(message) - _CLOSER_TAIL)
    tag = _TAG_QUESTION.search(message, tail_start)
    if tag is None or tag.start() == 0:
        return True
    return "?" in message[: tag.start()]


def _language(folded: str, member_language: str) -> str:
    """The language of the answer. A Portuguese or French speaker's "done 3" is a command
    word, not a choice of English: they chose their language, so they read it. For English
    and Spanish speakers the words decide, as they always have."""
    chosen = pick_language(member_language)
    if chosen not in _READ_LANGUAGES:
        return chosen
    return detect_language(folded, member_language)
