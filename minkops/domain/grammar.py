"""The rule engine's grammar: a message read as clauses, not matched against phrasings.

The fixed rules (rules.py) read commands people are shown ("done 3", "task for Juan:
…"). This module reads how people write when no one showed them: the action (word
classes from the lexicon data files: completion, cancelling, pausing, a task given to
someone with "needs to" / "tiene que" / "que Juan limpie"), the people (roster names
found anywhere, "everyone", "me"), the object (what remains, resolved against the open
tasks and reminders in the understanding context), the time (when.py, in the
organization's timezone) and the mood (a question lists; a command acts).

Everything here is a pass over the message's words with dictionary lookups; the only
regular expressions are the linear ones in lexicon.py and when.py.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from functools import cache, lru_cache
from importlib import resources
from typing import TypeVar
from zoneinfo import ZoneInfo

from rapidfuzz.distance import DamerauLevenshtein

from minkops.domain import charges, reminder_tails
from minkops.domain.antecedents import (
    antecedent_in_place,
    english_subject,
    fronted_object_in_place,
)
from minkops.domain.cancel_reasons import cancelled_with_reason
from minkops.domain.intents import (
    Acknowledge,
    AddMember,
    Billing,
    CancelReminder,
    CancelTask,
    CompleteTask,
    Confirm,
    CorrectData,
    CreateReminder,
    CreateTask,
    Decline,
    DeleteAccount,
    DeleteData,
    EditTask,
    ExportData,
    Help,
    ListReminders,
    ListTasks,
    PauseReminder,
    PrivacyInfo,
    RemoveMember,
    ResumeReminder,
    SetPreference,
    SignUp,
    StartMessages,
    StopMessages,
    TaskStatus,
    Unknown,
    UpdateMember,
    Upgrade,
    Usage,
)
from minkops.domain.intents import Intent as IntentType
from minkops.domain.lexicon import Hit, Lexicon, Word, lexicon, tokens_of, words_of
from minkops.domain.matching import _same_word
from minkops.domain.occasions import drop_dated_occasion
from minkops.domain.own_work import own_work
from minkops.domain.reasons import drop_reason_after_time
from minkops.domain.reminder_edits import reminder_moved
from minkops.domain.roster import fold as roster_fold
from minkops.domain.rules_messages import restarts_messages, stops_messages
from minkops.domain.rules_text import UNITS, Text, tidy
from minkops.domain.stammers import without_stammers
from minkops.domain.state_reports import done_by_state
from minkops.domain.time_slips import time_put_right
from minkops.domain.understanding import ReminderRef, TaskRef, UnderstandingContext
from minkops.domain.verb_forms import (
    CLITICS,
    DETERMINERS,
    ES_DETERMINERS,
    INFINITIVE_ENDINGS,
    NEED_LEADS,
    OBJECT_CLITICS,
    drop_support_verb,
    english_base,
    infinitive_first,
    object_first,
    plural,
)
from minkops.domain.when import FoundTime, find_recurrence, find_time

T = TypeVar("T")

_BARE_QUE = frozenset({"que", "q"})
_WH_WORDS = frozenset({"que", "what", "what's", "whats", "which", "who", "cual", "cuales", "quien"})
_ACCENTED_WH = frozenset(
    {"qué", "cuál", "cuáles", "quién", "quiénes", "cómo", "dónde", "cuándo"}
)  # fmt: skip
_SUBJECT_PRONOUNS = frozenset({"you", "u", "we", "they", "he", "she", "i"})
_WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")


@cache
def _concepts() -> dict[str, str]:
    """A word → the first word of its group (its concept)."""
    path = resources.files("minkops.config").joinpath("lexicon").joinpath("concepts.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for group in data.get("groups", []):
        words = [w for phrase in group if len(ws := words_of(phrase)) == 1 for w in ws]
        for word in words:
            table.setdefault(word, words[0])
    return table


@cache
def _concept_phrases() -> dict[tuple[str, ...], str]:
    """A phrase of several words in a group ("stock count") → its group's first one-word
    name ("inventory"): the phrase names the thing; its words alone may name others."""
    path = resources.files("minkops.config").joinpath("lexicon").joinpath("concepts.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    table: dict[tuple[str, ...], str] = {}
    for group in data.get("groups", []):
        single = [ws[0] for phrase in group if len(ws := words_of(phrase)) == 1]
        for phrase in group:
            if len(words := tuple(words_of(phrase))) > 1 and single:
                table.setdefault(words, single[0])
    return table


_LONGEST_CONCEPT = 3
"""The most words a phrase of a concept group has that descriptions are read for."""


def _phrases_as_concepts(said: Sequence[str]) -> list[str]:
    """ "the stock count" → "the inventory": a group's phrase said in a description
    counts as the thing it names, not as its words ("stock" fits "revisar el stock de
    vino"). A bounded look-ahead per word: linear."""
    table = _concept_phrases()
    out: list[str] = []
    index = 0
    while index < len(said):
        for size in range(min(_LONGEST_CONCEPT, len(said) - index), 1, -1):
            concept = table.get(tuple(said[index : index + size]))
            if concept is not None:
                out.append(concept)
                index += size
                break
        else:
            out.append(said[index])
            index += 1
    return out


_INSIDE_A_THING = {"reminder_noun": ("alarm_device",), "plan": ("plan_verb",)}
"""A word of the class that names a thing inside a longer phrase ("check the smoke alarm"
is about a device, not a reminder; "trying to plan my afternoon" makes plans, it names
no plan of ours)."""


@dataclass(frozen=True)
class Person:
    first: int
    last: int
    written: str


@dataclass(frozen=True)
class Clause:
    """One message, read."""

    text: Text
    tokens: list[Word]
    words: list[str]
    people: list[Person]
    context: UnderstandingContext
    lex: Lexicon
    language: str
    asked: bool = False
    ticked: bool = False
    """The message had a check mark (✅), which reports something done."""
    """The message had a question mark (the prepared text no longer shows it)."""

    def has(self, name: str) -> bool:
        inside = _INSIDE_A_THING.get(name)
        if inside is not None:
            return self.lex.has_outside(name, inside, self.words)
        return self.lex.has(name, self.words)

    def covers(self, name: str) -> bool:
        return self.lex.covers(name, self.words)

    @property
    def everyone(self) -> bool:
        """The whole team is meant: "todos" in "todos los sábados" counts days, not people,
        unless the personal "a" marks it ("manda un audio a todos los lunes")."""
        if self.lex.has_outside("everyone", ("schedule_words",), self.words):
            return True
        return any(
            self.words[hit.first] == "a" or (hit.first and self.words[hit.first - 1] == "a")
            for hit in self.lex.hits("everyone", self.words)
        )

    @property
    def question(self) -> bool:
        if self.asked or "?" in self.text.folded:
            return True
        # Spanish writes its interrogatives with an accent: "y a Tom qué le queda".
        if any(
            self.text.original[t.start : t.end].lower() in _ACCENTED_WH for t in self.tokens[:3]
        ):
            return True
        # An auxiliary before its subject asks: "did anyone see …", "has anybody got …".
        if (
            self.lex.has("question_start", self.words[:1])
            and self.words[1:2]
            and (
                self.words[1] in _SUBJECT_PRONOUNS
                or self.lex.has("someone", self.words[1:2])
                or any(person.first == 1 for person in self.people)  # "has Pedro got …"
            )
        ):
            return True
        # A bare "que" asks only when it opens the message: "hace falta que alguien …",
        # "pedro dice que …" tell. A word that opens a question ("¿hay …?", "¿tengo …?")
        # does not ask when it starts an obligation: "hay que llamar al técnico".
        # Unless a question word follows: "tengo que hacer algo hoy".
        duty = self.lex.taken(("obligation",), self.words)
        # "anybody who's free should …": a "who" after an indefinite pronoun is relative.
        relative = {hit.last for hit in self.lex.hits("someone", self.words)}
        asking = [
            hit
            for hit in self.lex.hits("question", self.words)
            if (hit.first == 0 or self.words[hit.first] not in _BARE_QUE)
            and hit.first not in relative
        ]
        if any(hit.first < 3 and hit.first not in duty for hit in asking):
            return True
        return any(hit.first < 3 for hit in asking) and any(hit.first >= 3 for hit in asking)

    def original(self, first: int, last: int) -> str:
        if first >= last:
            return ""
        return tidy(self.text.original[self.tokens[first].start : self.tokens[last - 1].end])

    def content(self, skip: Sequence[str]) -> list[str]:
        """The words that are none of `skip`'s classes, no person and no filler."""
        dropped: set[int] = set()
        for name in (*skip, "filler"):
            for hit in self.lex.hits(name, self.words):
                dropped.update(range(hit.first, hit.last))
        for person in self.people:
            dropped.update(range(person.first, person.last))
        return [w for i, w in enumerate(self.words) if i not in dropped and not w.isdigit()]


def read(
    text: Text,
    context: UnderstandingContext,
    language: str,
    *,
    early: bool,
    asked: bool = False,
    ticked: bool = False,
) -> IntentType | None:
    """The intent the grammar finds, or None. `early` frames run before the fixed rules
    (they correct readings the fixed rules would get wrong); the rest run after them."""
    tokens = tokens_of(text.folded)
    if not tokens or len(tokens) > MAX_WORDS:
        return None
    words = [t.text for t in tokens]
    clause = Clause(
        text, tokens, words, _people(tokens, context), context, lexicon(), language, asked, ticked
    )
    frames = _EARLY if early else _LATE
    for frame in frames:
        intent = frame(clause)
        if intent is not None:
            return intent
    return None


_APOSTROPHES = frozenset({"'", "\u2019"})


def respell(text: Text) -> Text:
    """Chat abbreviations and common misspellings as the words meant ("tiene q fregar las
    escaleras dl almacén" → "… que … del …", "cal the suplier" → "call the supplier"),
    from the lexicons' [spelling] tables. One pass that builds the result from pieces:
    linear in the message."""
    table = lexicon().spelling
    if not table:
        return text
    originals: list[str] = []
    foldeds: list[str] = []
    done = 0
    for token in tokens_of(text.folded):
        meant = table.get(token.text)
        if meant is None or text.folded[token.start - 1 : token.start] in _APOSTROPHES:
            continue  # "I'd like", "we'll": a contraction's tail, not a chat abbreviation
        if _elided(text.folded, token):
            continue  # French "d'appeler", "l'entrée": an elided word, not an abbreviation
        originals.append(text.original[done : token.start])
        foldeds.append(text.folded[done : token.start])
        originals.append(meant)
        foldeds.append(Text.of(meant).folded)
        done = token.end
    if not done:
        return text
    originals.append(text.original[done:])
    foldeds.append(text.folded[done:])
    return Text("".join(originals), "".join(foldeds))


# --- people -----------------------------------------------------------------------------


def _people(tokens: Sequence[Word], context: UnderstandingContext) -> list[Person]:
    """Roster names anywhere in the message: full names first, then a first or last name
    alone, allowing one typo in names of five letters or more."""
    by_length = _names_by_word_length(tuple(entry.name for entry in context.roster))
    found: list[Person] = []
    index = 0
    while index < len(tokens):
        size = 0
        for parts in by_length.get(len(tokens[index].text), ()):
            for length in (len(parts), 1):
                if length > len(tokens) - index or length <= size:
                    continue
                said = [t.text for t in tokens[index : index + length]]
                wanted = parts if length == len(parts) else None
                if wanted is not None and all(map(_name_word, said, wanted)):
                    size = length
                elif length == 1 and any(_name_word(said[0], part) for part in parts):
                    size = max(size, 1)
        if size:
            start, end = tokens[index].start, tokens[index + size - 1].end
            found.append(Person(index, index + size, ""))
            found[-1] = Person(index, index + size, f"{start}:{end}")
            index += size
        else:
            index += 1
    if (not found or found[0].first != 0) and _short_name_before_a_modal(tokens, by_length):
        found.insert(0, Person(0, 1, f"{tokens[0].start}:{tokens[0].end}"))
    return _without_slips(tokens, _without_the_sender_introduced(tokens, found))


def _short_name_before_a_modal(
    tokens: Sequence[Word], by_length: dict[int, tuple[list[str], ...]]
) -> bool:
    """ "Pedr needs to clean the grease trap": a name missing a letter is still the name
    where it opens the message and a modal follows it (a duty is said of a person)."""
    if len(tokens) < 3:
        return False
    said = tokens[0].text
    parts = by_length.get(len(said) + 1, ())
    if not any(
        len(part) == len(said) + 1 and _name_word_short(said, part)
        for name in parts
        for part in name
    ):
        return False
    modal = lexicon().hits("modal", [t.text for t in tokens[1:4]])
    return bool(modal) and modal[0].first == 0


def _name_word_short(said: str, part: str) -> bool:
    """One letter of a long name left out, its initial kept ("Pedr" for "Pedro")."""
    if len(part) < 5 or said[0] != part[0]:
        return False
    return DamerauLevenshtein.distance(said, part, score_cutoff=1) <= 1


def _without_slips(tokens: Sequence[Word], found: list[Person]) -> list[Person]:
    """ "ask Luis no sorry Tom to …": a name put right straight after it was said is
    not who is meant; the name after the slip is, said where the first one was."""
    words = [t.text for t in tokens]
    kept: list[Person] = []
    for person in found:
        if kept:
            said = words[kept[-1].last : person.first]
            repair = lexicon().hits("self_repair", said)
            if repair and repair[0].first == 0 and repair[0].last == len(said):
                kept[-1] = Person(kept[-1].first, person.last, person.written)
                continue
        kept.append(person)
    return kept


_INTRO_REACH = 2
"""How many words of greeting may come before a sender says who they are: "Che, Ana acá"."""


def _without_the_sender_introduced(tokens: Sequence[Word], found: list[Person]) -> list[Person]:
    """ "Ana aquí.", "Ana this side", "buenas, Ana acá", "hiya it's Ana": whoever writes
    saying who they are at the start is signing the message, not naming who does the
    work."""
    if not found or found[0].first > _INTRO_REACH:
        return found
    first = found[0]
    words = [t.text for t in tokens]
    lex = lexicon()
    before = words[: first.first]
    said = lex.hits("self_intro_before", before)
    # "hiya it's Ana. …": who writes, said before the name, which ends its sentence ("it's
    # Maria's turn", "its Tom turn to …" say whose turn); the words run on with one space
    ended = first.last >= len(tokens) or tokens[first.last].start - tokens[first.last - 1].end > 1
    if (
        said
        and ended
        and said[-1].last == len(before)
        and lex.covers_all(("greeting", "vocative", "self_intro_before"), before)
    ):
        return found[1:]
    if before and not lex.covers_all(("greeting", "vocative"), before):
        return found
    intro = lex.hits("self_intro", words[first.last : first.last + 3])
    return found[1:] if intro and intro[0].first == 0 else found


def people_in(tokens: Sequence[Word], context: UnderstandingContext) -> list[Person]:
    """Roster names anywhere in the words (see `_people`), for readers outside the grammar."""
    return _people(tokens, context)


@lru_cache(maxsize=1024)
def _names_by_word_length(names: tuple[str, ...]) -> dict[int, tuple[list[str], ...]]:
    """The roster's folded names, by the length of each of their words. A said word matches
    a name word only at the same length (equal, or one typo that keeps the length), so a
    token need look only at names with a word as long as itself: the whole roster for every
    token was the understanding's largest cost in a profile (a 50-person organization)."""
    index: dict[int, list[list[str]]] = {}
    for name in names:
        parts = roster_fold(name).split()
        for length in {len(part) for part in parts}:
            index.setdefault(length, []).append(parts)
    return {length: tuple(found) for length, found in index.items()}


def _name_word(said: str, part: str) -> bool:
    if said == part:
        return True
    if len(part) < 5 or len(said) != len(part):
        return False  # a swapped or mistyped letter, not a longer word ("bakery")
    if said[0] != part[0]:
        return False  # a name mistyped keeps its initial; "sucia" is a word, not "Lucía"
    return DamerauLevenshtein.distance(said, part, score_cutoff=1) <= 1


def _written(clause: Clause, person: Person) -> str:
    start, end = (int(x) for x in person.written.split(":"))
    return tidy(clause.text.original[start:end])


def _names(clause: Clause) -> list[str]:
    return [_written(clause, p) for p in clause.people]


# --- resolving a description --------------------------------------------------------------


def _concept(word: str) -> str:
    found = _concepts().get(word)
    if found is not None:
        return found
    # A Spanish verb form the groups do not list reads as its infinitive ("limpiaron",
    # "revisamos" → "limpiar", "revisar"), when the infinitive is listed.
    for ending, infinitives in _SPANISH_FORMS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            for infinitive in infinitives:
                if (found := _concepts().get(stem + infinitive)) is not None:
                    return found
    return word


_SPANISH_FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("aron", ("ar",)), ("asteis", ("ar",)), ("aste", ("ar",)), ("amos", ("ar",)),
    ("ieron", ("er", "ir")), ("imos", ("er", "ir")), ("emos", ("er",)),
    ("ando", ("ar",)), ("iendo", ("er", "ir")), ("ados", ("ar",)), ("adas", ("ar",)),
)  # fmt: skip


def _score(said: Sequence[str], item_words: Sequence[str]) -> int:
    """Two points for a word the item uses itself, one for a synonym or a near spelling:
    "las verduras" fits "preparar las verduras" better than "order vegetables"."""
    concepts = [_concept(w) for w in item_words]
    exact = set(item_words)
    hits = 0
    for word in said:
        base = english_base(word) if len(word) > 4 else None  # "the mopping" → "mop"
        if word in exact or base in exact:
            hits += 2
        elif (
            _concept(word) in concepts
            or (base is not None and _concept(base) in concepts)
            or any(_same_word(word, w) for w in item_words)
        ):
            hits += 1
    return hits


def _best(
    said: Sequence[str], items: Sequence[T], words_of_item: Callable[[T], list[str]]
) -> list[T]:
    if not said:
        return []
    said = _phrases_as_concepts(said)
    scored = [(_score(said, words_of_item(item)), item) for item in items]
    best = max((score for score, _ in scored), default=0)
    tied = [item for score, item in scored if score == best] if best else []
    if len(tied) > 1:
        # A word that fits several items tells them apart less than one that fits a single
        # item: "la nevera limpia" is the fridge, though "limpia" fits every cleaning task.
        distinctive = [
            w for w in said if sum(_score([w], words_of_item(item)) > 0 for item in items) == 1
        ]
        if distinctive:
            narrowed = [item for item in tied if _score(distinctive, words_of_item(item)) > 0]
            if len(narrowed) == 1:
                return narrowed
    return tied


def _reminder_words(reminder: ReminderRef) -> list[str]:
    words = words_of(reminder.text)
    for name in reminder.recipients:
        words += words_of(name)
    fields = reminder.schedule.split()
    if len(fields) == 5:
        days = fields[4]
        if days == "*" and fields[2] == "*":
            words.append("daily")
        for part in days.replace("-", ",").split(","):
            if part.isdigit() and int(part) < 7:
                words.append(_WEEKDAYS[int(part)])
        if fields[2] != "*":
            words += ["monthly", "month"]
    else:
        words.append("once")
    return words


def _resolve_task(said: Sequence[str], context: UnderstandingContext) -> list[TaskRef]:
    """The open tasks the words fit best; among ties, the sender's own (a staff member's
    "finished the fridge" is about their fridge task). Whether the sender may close it is
    the handler's to decide."""
    matches = _best(said, context.tasks, lambda t: words_of(t.title))
    if len(matches) > 1:
        own = [t for t in matches if t.assigned_to_sender]
        if own:
            return own
    return matches


_NUMBER_LEADS = frozenset(
    {"number", "numero", "no", "n", "task", "tarea", "tarefa", "tache", "reminder",
     "recordatorio", "lembrete", "rappel", "la", "el", "the"}
)  # fmt: skip


def _number(clause: Clause) -> int | None:
    """A number as digits, or as a word right after "number", "task", "recordatorio"…
    A signed number ("freezer's at -19") is a reading, never a task's number."""
    folded = clause.text.folded
    return _number_in([t.text for t in clause.tokens if not _signed(folded, t)])


_MINUS_SIGNS = frozenset("-−")


def _signed(folded: str, token: Word) -> bool:
    """A minus sign straight before digits, itself after a space or the start ("at -19";
    "room 4-12" is a range)."""
    start = token.start
    if not token.text.isdigit() or start == 0 or folded[start - 1] not in _MINUS_SIGNS:
        return False
    return start == 1 or not folded[start - 2].isalnum()


_PLACE_LINKS = frozenset({"in", "on", "at", "for", "from", "of", "en", "de", "del", "para"})
_TIME_LINKS_BEFORE = frozenset({"at", "by", "until", "till", "before", "after", "las", "around"})


def _changed_number(words: Sequence[str]) -> int | None:
    """The task number a change names, passing over numbers that label a thing ("the
    sheets in room 4", "la mesa de la habitación 2") or tell a time ("the guests arrive
    at 3"): what is changed is the work said, not task 4 or task 3."""
    kept = [
        word
        for index, word in enumerate(words)
        if not (
            word.isdigit()
            and index
            and (
                words[index - 1] in _TIME_LINKS_BEFORE
                or (
                    index >= 2
                    and words[index - 2] in _PLACE_LINKS
                    and words[index - 1] not in _NUMBER_LEADS
                )
            )
        )
    ]
    return _number_in(kept)


def _number_in(words: Sequence[str]) -> int | None:
    for index, word in enumerate(words):
        if word.isdigit() and 0 < len(word) <= 4:
            return int(word)
        if index and words[index - 1] in _NUMBER_LEADS and word in UNITS:
            value = UNITS[word]
            if value > 0:
                return value
    return None


def _description(clause: Clause, said: Sequence[str]) -> str | None:
    return " ".join(said) or None


# --- frames -----------------------------------------------------------------------------

Frame = Callable[[Clause], IntentType | None]

MAX_WORDS = 80
"""A request is a sentence or two; a longer text is not read as one (and no frame's cost
grows with a 65,000-character body)."""


def _chat(clause: Clause) -> IntentType | None:
    """ "anyone see the match last night haha", "qué calor hace hoy madre mía": a question
    put to the group about what they saw or know, or a remark about the weather, is talk
    between people; nothing is asked of MinkOps."""
    lex, words = clause.lex, clause.words
    if clause.people or lex.has("task_word", words) or lex.has("reminder_verb", words):
        return None
    asked = lex.hits("someone", words[:1])
    if asked and lex.hits("group_asked", words[asked[0].last : asked[0].last + 1]):
        return Unknown()
    weather = lex.hits("weather_remark", words)
    if weather and weather[0].first <= 1:
        return Unknown()
    how = lex.hits("how_was", words[:3])
    return Unknown() if how and how[0].first <= 1 and lex.has("past_marker", words) else None


def _talk(clause: Clause) -> IntentType | None:
    """Whole-message acknowledgements and confirmations in every language we read. A
    vocative said with them ("gracias che", "cheers mate") addresses, it adds nothing."""
    if _said_with_vocatives(clause, "ack"):
        return Acknowledge()
    if _said_with_vocatives(clause, "confirm") or (
        clause.has("confirm") and len(clause.words) <= 3
    ):
        return Confirm() if not clause.question else None
    if _said_with_vocatives(clause, "decline"):
        return Decline()
    return None


def _said_with_vocatives(clause: Clause, name: str) -> bool:
    return clause.has(name) and clause.lex.covers_all((name, "vocative"), clause.words)


_TASK_LEADS = frozenset({"task", "tarea", "tarefa", "tache", "la", "el"})


def _opens_new_work(clause: Clause) -> bool:
    """ "We need the filters changed, give it to Juan": work asked for as new, so a later
    "give it to" hands that work, not an existing task."""
    words = clause.words
    if any(tuple(words[: len(lead)]) == lead for lead in NEED_LEADS):
        return True
    return any(
        (hit := clause.lex.hits(name, words[:3])) and hit[0].first == 0
        for name in ("obligation", "someone")
    )


def _taken_over(clause: Clause) -> IntentType | None:
    """ "Maria can you take over the big fridge from Sam", "que Luis se haga cargo de lo de
    la campana": someone named takes on an open task the rest describes; the one it is
    taken "from" is set aside. Work no open task fits is new work ("Tom, take over the
    front desk at 3"), and a question about it asks ("is Maria taking over the fridge?")."""
    taken = clause.lex.hits("take_over", clause.words)
    if not taken or clause.lex.has("question_start", clause.words[:1]):
        return None
    from_ = {h.last for h in clause.lex.hits("taken_from", clause.words)}
    people = [p for p in clause.people if p.first not in from_]
    if len(people) != 1:
        return None
    dropped = {i for p in clause.people for i in range(p.first, p.last)}
    for name in ("take_over", "taken_from", "referred", "filler"):
        for hit in clause.lex.hits(name, clause.words):
            dropped.update(range(hit.first, hit.last))
    described = [w for i, w in enumerate(clause.words) if i >= taken[0].last and i not in dropped]
    matches = _resolve_task(described, clause.context)
    if len(matches) > 1:
        # "take over the scones from Sam": of the tasks the words fit, the one Sam has.
        holders = [_written(clause, p) for p in clause.people if p.first in from_]
        matches = [t for t in matches if t.assignee and _assigned(t, holders)] or matches
    if len(matches) != 1:
        return None
    return EditTask(number=matches[0].number, assignee=_written(clause, people[0]))


def _edit_task(clause: Clause) -> IntentType | None:
    """ "give the plumber task to Tom", "push the fridge cleaning to friday", "cambia la 5
    para el viernes": a task (by number or description) and what changes."""
    edit = clause.lex.hits("edit_verb", clause.words)
    # A task named by its number near the start ("la tarea 5 asígnala a Lucía", "ponle la
    # 6 a Tom"): "la 6" is "la tarea 6", as "el 6" would be "el recordatorio 6".
    numbered = any(
        clause.words[i] in _TASK_LEADS and clause.words[i + 1].isdigit()
        for i in range(min(3, len(clause.words) - 1))
    )
    # "can the inventory be on friday instead", "lo del inventario para el lunes": an
    # afterthought anywhere, or a thing referred back to ("lo de …"), with a new time.
    handed_on = clause.has("edit_it") and not _opens_new_work(clause)
    referred = (
        bool(clause.lex.hits("afterthought", clause.words))
        or handed_on
        or bool((back := clause.lex.hits("referred", clause.words[:4])) and back[0].first <= 2)
    )
    if not (edit and edit[0].first <= 5) and not numbered and not referred:
        return None
    if clause.has("reminder_noun") or _asks_for_a_nudge(clause):
        return None  # "give us a shout at 5 to close the terrace": a reminder asked for
    if (
        edit
        and clause.words[edit[0].first - 1 : edit[0].first] in (["de"], ["en"])
        and any(hit.last == edit[0].first for hit in clause.lex.hits("title_filler", clause.words))
    ):
        return None  # "fijate de cambiar las toallas de la 5": the infinitive is the work
    if edit and _operates_a_device(clause, edit[0].first):
        return None  # "Tom please switch the coffee machine off": work, not a change
    # "can task 1 be done by Luis instead of Juan?", "could the terrace be on monday?":
    # a modal question asks for the change, it does not ask for information.
    # "can we move the plumber call to tomorrow?": the modal, who, and the change asked.
    requested = clause.words[0] in _REQUEST_MODALS and (
        numbered or referred or (bool(edit) and edit[0].first <= _MODAL_TO_VERB)
    )
    if clause.question and not (referred and not clause.asked) and not requested:
        return None  # "que lo del inventario lo haga Luis": a "que" that orders, not asks
    if (duty := clause.lex.hits("someone", clause.words[:3])) and duty[0].first == 0:
        return None  # "hay que limpiar los cristales, que lo haga Luis": new work
    if _names_then_colon(clause):
        return None  # "Tom + Luis: move the freezer on monday": new work for them
    if _ordered_of_people(clause) and not clause.has("replaced") and not numbered:
        return None  # "Luis and Pedro should move the fridge …": new work for them
    context = clause.context
    number = _changed_number(clause.words)
    # "let Maria do the terrace instead of Juan": the person replaced is not the assignee.
    replaced = {h.last for h in clause.lex.hits("replaced", clause.words)}
    # "la 2 es de Lucía, no de María": once someone is named, a person after a denial is
    # the one set aside.
    if clause.people:
        first_named = clause.people[0].first
        denials = clause.lex.hits("denied_alternative", clause.words)
        replaced |= {h.last for h in denials if h.first > first_named}
    people = [p for p in clause.people if p.first not in replaced and p.first - 1 not in replaced]
    people = [p for p in people if not _reason_subject(clause, p)] or people
    # "ya quedó lo del stock de vino, Lucía ya lo revisó": who did it, not who gets it
    people = [p for p in people if not _did_it(clause, p)]
    assignee = _written(clause, people[-1]) if people else None
    found = find_time(
        _without_old_time(clause), timezone=context.timezone, now=context.now,
        default_time=_due_time(),
    )  # fmt: skip
    due = found.at if found is not None else None
    if assignee is None and due is None:
        return None
    if (
        edit
        and not numbered
        and (due is None or clause.lex.has("hand_verb", clause.words[edit[0].first :][:1]))
        and _addressed_before(clause, edit[0].first)
    ):
        # "Joao, a última hora pasa la mopa por …", "Tom, put the milk away": an order to
        # the one spoken to, which changes no day and hands nothing on.
        return None
    if found is not None:  # "al lunes a las 10": the 10 is the time, not task #10
        number = _changed_number(words_of(found.rest))
    said = clause.content(("edit_verb", "dangling", "today", "time_residue"))
    if found is not None:
        kept = set(words_of(found.rest))
        said = [w for w in said if w in kept]
    if number is None:
        if clause.has("edit_it") and not said:
            # "cámbiala a las 6", "move it to friday": the task just talked about, which
            # the handler takes to be the sender's latest.
            return EditTask(due=due, assignee=assignee)
        matches = _resolve_task(said, context)
        if len(matches) != 1:
            return None
        if _new_work_referred(clause, said, matches[0], context):
            return None
        number = matches[0].number
    return EditTask(number=number, due=due, assignee=assignee)


_PRETERITE_ENDINGS = ("ó", "é")
_DONE_IT_CLITICS = frozenset({"lo", "la", "los", "las"})


def _did_it(clause: Clause, person: Person) -> bool:
    """ "Lucía ya lo revisó", "Tom already did it": the person is the subject of work said
    done (a Spanish preterite after its clitic, an English past after "already"/"just")."""
    words, tokens = clause.words, clause.tokens
    at = person.last
    if words[at : at + 1] in (["ya"], ["already"], ["just"]):
        at += 1
    if words[at : at + 1] and words[at] in _DONE_IT_CLITICS:
        at += 1
        if at >= len(words):
            return False
        written = clause.text.original[tokens[at].start : tokens[at].end].lower()
        return written.endswith(_PRETERITE_ENDINGS)
    return at > person.last and clause.lex.has("past_simple", words[at : at + 1])


_REASON_LINKS = frozenset({"que", "porque", "because", "since", "as", "cos", "cause"})


def _reason_subject(clause: Clause, person: Person) -> bool:
    """ "pásale lo de la campana a Luis, que Pedro está de baja": a person right after a
    link of reason and before a verb of being says why; "que lo haga Pedro" hands it on."""
    words = clause.words
    if not person.first:
        return False
    if words[person.first - 1] not in _REASON_LINKS and not _after_comma(clause, person):
        return False  # "…a Luis mejor, Pedro va muy liado": the comma links the reason
    return clause.lex.has("comment_verb", words[person.last : person.last + 1])


def _after_comma(clause: Clause, person: Person) -> bool:
    tokens = clause.tokens
    return "," in clause.text.folded[tokens[person.first - 1].end : tokens[person.first].start]


def _new_work_referred(
    clause: Clause, said: Sequence[str], task: TaskRef, context: UnderstandingContext
) -> bool:
    """ "lo de llamar al proveedor de globos, que lo haga Pedro": work referred to by its
    verb ("lo de" + an infinitive) is an open task only when more than the verb fits it;
    a verb alone ("llamar" ~ "call the plumber") names new work."""
    back = clause.lex.hits("referred", clause.words[:4])
    if back and back[0].last < len(clause.words):
        verb = clause.words[back[0].last]
    elif clause.has("edit_it") or clause.has("hand_to"):
        verb = clause.words[0]  # "call the balloon supplier, give it to Pedro"
    else:
        return False
    if not (verb.endswith(INFINITIVE_ENDINGS) or clause.lex.has("work_verb", [verb])):
        return False
    rest = [w for w in said if w != verb]
    return [t.number for t in _resolve_task(rest, context)] != [task.number]


def _addressed_before(clause: Clause, verb: int) -> bool:
    """ "Joao, pasa la mopa por el vestuario": everyone named is spoken to, before the
    verb and set off by a comma; a handing verb hands work to someone named after it
    ("pasa la 6 a Luis"). ("Tom, push the inventory to monday" is still a change.)"""
    people = clause.people
    if not people or people[0].first != 0 or any(p.last > verb for p in people):
        return False
    end = clause.tokens[people[-1].last - 1].end
    return clause.text.folded[end : end + 2].strip().startswith(",")


def _operates_a_device(clause: Clause, verb: int) -> bool:
    """ "switch the coffee machine off (before you leave)": the verb and its particle
    after the object, once the time is out, operate something."""
    said = clause.original(verb, len(clause.words))
    found = find_time(said, timezone=clause.context.timezone, now=clause.context.now)
    words = words_of(_drop_edges(found.rest if found else said, ("time_residue",)))
    return len(words) >= 3 and clause.lex.has("device_phrasal", [words[0], words[-1]])


def _ordered_of_people(clause: Clause) -> bool:
    """The message opens with who (one name or several joined by "and"), and then an
    obligation or a "to"/"que" that orders them: "Luis and Pedro should move the fridge",
    "Luis to make the order", "Tom needs to …" give work, they do not change a task."""
    if not clause.people or clause.people[0].first != 0:
        return False
    after = clause.people[0].last
    for person in clause.people[1:]:
        if person.first - after > 1 or (
            person.first > after and clause.words[after] not in _AND | _CHAT_AND
        ):
            break
        after = person.last
    if after >= len(clause.words):
        return False
    if clause.words[after] in {"to", "que", "q"}:
        return True
    verb = clause.words[after : after + 1]
    if (
        clause.lex.has("work_verb", verb)
        and not clause.lex.has("edit_verb", verb)
        # "Tom clean the fridge instead": the open task, handed on
        and not clause.has("afterthought")
    ):
        return True  # "Lucia n Maria restock the hand towels": an order ("hand" is a noun)
    duty = clause.lex.hits("assign", clause.words[after : after + 4])
    return bool(duty) and duty[0].first == 0


_OLD_MARKS = frozenset({"not", "no", "instead of", "rather than", "en vez de", "en lugar de"})


def _without_old_time(clause: Clause) -> str:
    """ "… should be saturday at 9am not today", "el lunes, no el viernes": a time after
    a denial is the one replaced; the new time is read without it."""
    words = clause.words
    for index in range(len(words) - 2, 0, -1):  # the last denial only: one time read
        size = next((n for n in (3, 2, 1) if " ".join(words[index : index + n]) in _OLD_MARKS), 0)
        if not size:
            continue
        if index + size >= len(words):
            break
        context = clause.context
        old = clause.original(index + size, len(words))
        found = find_time(old, timezone=context.timezone, now=context.now)
        if found is not None and not tidy(found.rest.strip(" ,.")):
            return clause.original(0, index)
        break
    return clause.text.original


_REQUEST_MODALS = frozenset(
    {"can", "could", "would", "puede", "podria", "podemos", "puedo", "podriamos"}
)
_MODAL_TO_VERB = 2
"""A modal, its subject and the verb it asks for: "can we move …", "podemos mover …"."""


def _names_then_colon(clause: Clause) -> bool:
    if not clause.people or clause.people[0].first != 0:
        return False
    last = clause.people[0]
    for person in clause.people[1:]:
        if person.first - last.last <= 1:
            last = person
    end = clause.tokens[last.last - 1].end
    return clause.text.folded[end : end + 3].lstrip().startswith(":")


def _messages(clause: Clause) -> IntentType | None:
    if clause.has("stop_messages") or clause.covers("stop_word"):
        return StopMessages()
    if clause.has("start_messages") or clause.covers("start_word"):
        # "je veux recevoir les messages en audio": how, not whether, to be written to.
        # "you can text me again" is whether: the words inside the request do not count.
        lex, words = clause.lex, clause.words
        if lex.reaches_outside("voice", ("start_messages",), words) or lex.reaches_outside(
            "text_only", ("start_messages",), words
        ):
            return None
        return StartMessages()
    if _notifications_back(clause):
        return StartMessages()
    return None


def _messages_restarted(clause: Clause) -> IntentType | None:
    return StartMessages() if restarts_messages(clause) else None


def _messages_stopped(clause: Clause) -> IntentType | None:
    return StopMessages() if stops_messages(clause) else None


def _notifications_back(clause: Clause) -> bool:
    """ "reactiva mis avisos, ya volví de vacaciones", "I want the notifications again":
    what MinkOps sends the sender, as a whole, turned back on. Resuming a reminder needs
    words that name one ("reactiva los avisos del alquiler"); the overdue alerts and the
    digest are settings of their own."""
    if clause.people or not clause.has("notification_noun"):
        return False
    if not (clause.has("resume") or clause.has("again")):
        return False
    if clause.has("escalation") or clause.has("digest") or clause.has("overdue"):
        return False
    # "mis whatsapps en francés de nuevo", "as voice notes again": how, not whether.
    if clause.has("voice") or any(word in clause.lex.languages for word in clause.words):
        return False
    said = clause.content(("resume", "again", "notification_noun", "reminder_noun", "mine"))
    return not _best(said, clause.context.reminders, _reminder_words)


def _done_number(clause: Clause) -> IntentType | None:
    """ "tarefa 3 feita", "fini 4", "tâche 4 terminée": a number and a done word."""
    number = _number(clause)
    if clause.question or len(clause.words) > 6:
        return None
    if number is None:
        # "pronto", "terminei", "fini", "c'est fait": done, with nothing else said.
        # "all done here", "I'm done on my end": words around the report add nothing.
        covered = clause.lex.covers_all(("done", "mine", "filler", "done_aside"), clause.words)
        if covered and clause.has("done") and not clause.has("reminder_noun"):
            return CompleteTask()
        return None
    if clause.has("done") and not clause.has("cancel") and not clause.has("reminder_noun"):
        return CompleteTask(number=number)
    return None


def _done_number_then_comment(clause: Clause) -> IntentType | None:
    """ "Task 2 completed, milk and coffee beans ordered": a task's number and a done word
    before the first comma report it done; what follows says how it went."""
    comma = clause.text.folded.find(",")
    if comma <= 0 or clause.question:
        return None
    head = [t.text for t in clause.tokens if t.end <= comma]
    if not head or len(head) > _DONE_HEAD_WORDS or not clause.lex.has("task_noun", head[:1]):
        return None
    lex = clause.lex
    if _number_in(head) is None or not lex.has("done", head) or lex.has("cancel", head):
        return None
    return CompleteTask(number=_number_in(head))


_DONE_HEAD_WORDS = 4
"""A report of a numbered task done, before a comment: "task 2 all done"."""


def _name_correction(clause: Clause) -> IntentType | None:
    if not clause.has("name_wrong"):
        return None
    value = _after_last_copula(clause)
    return CorrectData(field="name", value=value) if value else None


MAX_HELP_WORDS = 14
"""A question about the bot is short; a longer message with these words is an errand."""
_HELP_GAP = 2
"""Words between a modal and its verb: "what can I actually ask you"."""


def _bot_asked(clause: Clause) -> bool:
    """A question about what the sender may say to MinkOps ("what can I ask you", "qué
    cosas le puedo pedir a este bot", "qu'est-ce que je peux te demander") or what it can
    do ("is there a list of what you can do", "tu peux faire quoi ?") asks for help; the
    same modal with an errand ("what do I have to do today") asks for tasks. The verb ends
    the message but for words about the bot ("in here", "exactly")."""
    if clause.people or len(clause.words) > MAX_HELP_WORDS:
        return False
    if not (clause.question or clause.has("question")):
        return False
    lex, words = clause.lex, clause.words
    ends: list[int] = [hit.last for hit in lex.hits("bot_ability", words)]
    for name, verbs in (
        ("ability_first", ("tell_bot", "do_verb")),
        ("expected_first", ("tell_bot",)),
        ("bot_modal", ("do_verb",)),
    ):
        for modal in lex.hits(name, words):
            for gap in range(_HELP_GAP + 1):
                start = modal.last + gap
                between = words[modal.last : start]
                if between and not lex.covers_all(("hedge", "title_filler", "help_tail"), between):
                    break
                found = [h for verb in verbs for h in lex.hits(verb, words[start:]) if h.first == 0]
                if found:
                    ends.append(start + found[0].last)
                    break
    tail_classes = ("help_tail", "filler", "question", "hedge")
    return any(end == len(words) or lex.covers_all(tail_classes, words[end:]) for end in ends)


def _help_question(clause: Clause) -> IntentType | None:
    return Help() if _bot_asked(clause) else None


def _help(clause: Clause) -> IntentType | None:
    if clause.lex.covers_all(("greeting", "vocative"), clause.words) and clause.has("greeting"):
        return Help()  # "olá", "bonjour !", "buenos días": a greeting alone, in any language
    if clause.has("help") and not clause.people and len(clause.words) <= 12:
        if clause.has("sign_up") and not clause.has("mine"):
            return None
        return Help()
    return None


def _reminder_named(clause: Clause) -> bool:
    """ "no need to check the fridge temp anymore, the new one has an alarm": what follows
    an "anymore" that closes a cancellation is why, not what is cancelled; a reminder
    noun there names no reminder of ours ("ya no hace falta el recordatorio" opens on it,
    and its noun still counts)."""
    nouns = clause.lex.hits("reminder_noun", clause.words)
    closing = [hit.last for hit in clause.lex.hits("anymore", clause.words) if hit.first]
    if closing:
        nouns = [noun for noun in nouns if noun.first < closing[0]]
    return bool(nouns)


def _reminders_by_description(clause: Clause) -> IntentType | None:
    about_reminders = _reminder_named(clause) or clause.has("reminder_verb")
    context = clause.context
    action = _reminder_action(clause, about_reminders)
    if action is None:
        return None
    cancelled = clause.lex.hits("cancel", clause.words)
    if action is CancelReminder and cancelled and _a_named_duty(clause, cancelled[0].first):
        return None
    said = clause.content(("cancel", "pause", "resume", "reminder_noun", "reminder_verb"))
    recipients = [_written(clause, p) for p in clause.people]
    said_all = said + [w for name in recipients for w in words_of(name)]
    matches = _best(said_all, context.reminders, _reminder_words) if said_all else []
    number = _number(clause)
    if not about_reminders:
        # "cancela el de los lunes", "turn the monday temp check back on": only when the
        # words find exactly one reminder and no task. Pausing and resuming are done to
        # reminders only, so "pausa lo de las verduras" needs no schedule word.
        if len(matches) != 1:
            return None
        hinted = _reminder_hint(clause, matches[0], said)
        if not hinted and _resolve_task(said, context):
            return None
        if hinted and _task_by_its_own_words(said, matches[0], context):
            return None
        if (
            not hinted
            and action is CancelReminder
            and (clause.people or len(_best(said, context.reminders, _reminder_words)) != 1)
        ):
            return None  # "cancel the rent one": its own words, no person, no task
    if number is not None and about_reminders:
        return action(number=number)
    if len(matches) == 1:
        return action(number=matches[0].number)
    return action(description=_description(clause, said_all))


ReminderAction = type[CancelReminder] | type[PauseReminder] | type[ResumeReminder]


_CONTENT_LINKS = frozenset({"to", "que", "q"})


def _reminder_action(clause: Clause, about_reminders: bool) -> ReminderAction | None:
    """What is done to a reminder. Of pausing and resuming, the word said first decides
    ("stop it for now, we'll turn it back on later" pauses); "start the rent reminder
    again" resumes; a plain "stop"/"cancel" cancels."""
    lex = clause.lex
    # "remind Maria to switch on the ovens": words after "remind" are the reminder's text.
    verb = lex.hits("reminder_verb", clause.words)
    limit = verb[0].first if verb else len(clause.words)
    # "recordatorio diario a las 9 para todos: apagar las luces": after a reminder noun
    # and a colon comes what the reminder says, not what is done to one.
    noun = lex.hits("reminder_noun", clause.words)
    labelled = _colon_after(clause, noun[0].last) if noun else None
    if labelled is None and noun and ":" in clause.text.folded:
        colon = clause.text.folded.index(":")
        labelled = next(
            (i for i, t in enumerate(clause.tokens) if t.start > colon and i > noun[0].first),
            None,
        )
    if labelled is not None:
        limit = min(limit, labelled)
    said = clause.words[:limit]
    # "voice note reminder for Juan every day at 7am to switch on the proofers": after a
    # reminder noun, "to"/"que" then the verb is what the new reminder says.
    content = noun[0].last if noun else len(said)
    resume = [
        hit
        for hit in lex.hits("resume", said)
        if not (hit.first > content and said[hit.first - 1] in _CONTENT_LINKS)
    ]
    # "take the skip bags round", "la pausa del café": after an article the word names a
    # thing; a verb of pausing is never said there.
    pause = [
        hit
        for hit in lex.hits("pause", said)
        if not (hit.first and said[hit.first - 1] in DETERMINERS | _ARTICLES)
        and not (hit.first > content and said[hit.first - 1] in _CONTENT_LINKS)
    ]
    if resume and (not pause or resume[0].first < pause[0].first):
        return ResumeReminder
    if pause:
        return PauseReminder
    if about_reminders and clause.has("again") and clause.has("start_word"):
        return ResumeReminder
    if lex.has("cancel", said):
        return CancelReminder
    return None


def _task_by_its_own_words(
    said: Sequence[str], reminder: ReminderRef, context: UnderstandingContext
) -> bool:
    """Words that name a task by its title and the reminder only by a time ("forget the
    inventory, we'll do it next month"): the time is when, the title is which."""
    schedule = set(_reminder_words(reminder)) - set(words_of(reminder.text))
    plain = [w for w in said if _concept(w) not in schedule]
    return bool(_resolve_task(plain, context)) and not _best(plain, [reminder], _reminder_words)


def _reminder_hint(clause: Clause, reminder: ReminderRef, said: Sequence[str]) -> bool:
    """Without the word "reminder", only the reminder's schedule ("the monday one") says a
    reminder is meant rather than a task or a person."""
    schedule = set(_reminder_words(reminder)) - set(words_of(reminder.text))
    return any(_concept(w) in schedule for w in said)


def _list_reminders(clause: Clause) -> IntentType | None:
    if not clause.has("reminder_noun"):
        return None
    if clause.has("help"):
        return None  # "what should I type to add a reminder" asks how MinkOps is used
    if clause.has("cancel") or clause.has("pause") or clause.has("resume"):
        return None
    listing = clause.question or clause.has("show") or len(clause.words) <= 4
    if not listing:
        return None
    if find_time(clause.text.original, timezone=clause.context.timezone, now=clause.context.now):
        return None
    people = [n for n in _names(clause)]
    return ListReminders(person=people[0] if people else None)


_FREE_RELATIVE = frozenset({"lo", "todo"})
"""Before "que" they make a free relative ("lo que le queda", "todo lo que falta"): a
thing asked about, not a "que" that orders."""


def _list_tasks(clause: Clause) -> IntentType | None:
    if (order := _show_order_alone(clause)) is not None and (listed := _listing(order)):
        # "team meeting in 5, send me the list of open tasks so I can go through them":
        # what comes before the order sets the scene; the purpose after it says why.
        return listed
    return _listing(clause)


def _show_order_alone(clause: Clause) -> Clause | None:
    """An order to show that opens the message or its last comma piece, without what
    sets the scene before it or a purpose clause after it ("so I can …", "para que …");
    None when there is nothing to leave out."""
    comma = clause.text.folded.rfind(",")
    start = next((i for i, t in enumerate(clause.tokens) if t.start > comma), len(clause.words))
    shown = clause.lex.hits("show", clause.words[start:])
    if not shown or shown[0].first != 0:
        start = 0
        shown = clause.lex.hits("show", clause.words)
        if not shown or shown[0].first != 0:
            return None
    purpose = clause.lex.hits("purpose_lead", clause.words[start:])
    end = start + purpose[0].first if purpose else len(clause.words)
    if (start == 0 and end == len(clause.words)) or end <= start:
        return None
    piece = clause.text.slice(clause.tokens[start].start, clause.tokens[end - 1].end)
    tokens = tokens_of(piece.folded)
    return Clause(
        piece,
        tokens,
        [t.text for t in tokens],
        _people(tokens, clause.context),
        clause.context,
        clause.lex,
        clause.language,
        clause.asked,
    )


def _listing(clause: Clause) -> IntentType | None:
    lex = clause.lex
    # "lista de tareas": a done word with "de" after it is a noun ("a list of"), not "ready".
    done = [
        h
        for h in lex.hits("done", clause.words)
        if clause.words[h.last : h.last + 1] != ["de"] and not _negated(clause.words, h.first)
    ]
    if (done and not clause.question) or _number(clause) is not None:
        return None
    if _volunteer_asked(clause) is not None:
        return None  # "is anyone free to pick up …?" asks for a doer, not for a list
    words = clause.words
    said_first = clause.text.original[clause.tokens[0].start : clause.tokens[0].end].lower()
    if (
        words[0] in _BARE_QUE
        and said_first not in _ACCENTED_WH
        and words[1:2] != ["hay"]  # "qué hay que hacer hoy?" asks
        and (doer := lex.hits("someone", words[1:3]))
        and doer[0].first == 0
    ):
        return None  # "que alguien llame al técnico, …": a subjunctive order, no question
    if ":" in clause.text.folded:
        return None
    if clause.has("cancel") and not clause.question:
        return None  # "delete Claire from the staff list": an order to remove, not a listing
    if not clause.question and _order_after_a_scene(clause):
        return None  # "… im driving so María call the school about the allergy list"
    asks = clause.question or clause.has("show")
    if not asks and not lex.covers_all(("task_noun", "mine", "show", "filler"), clause.words):
        return None
    # "dame la lista de lo que falta por hacer": a "que" inside what is asked about (a
    # free relative, "lo que falta") orders no one.
    about = lex.taken(("task_noun",), clause.words)
    words = clause.words
    about.update(
        i for i in range(1, len(words)) if words[i] in _BARE_QUE and words[i - 1] in _FREE_RELATIVE
    )
    ordered = any(hit.first not in about for hit in lex.hits("assign", words))
    if clause.has("reminder_noun") or (ordered and not clause.question):
        return None
    if clause.has("help"):
        return None  # "what can I do here?" asks what MinkOps does, not what is left to do
    if clause.has("from_now") and (clause.has("voice") or clause.has("text_only")):
        return None  # "send me my tasks as voice notes from now on": how, not what, to send
    rest = clause.content(("question", "show", "mine", "task_noun", "overdue", "today"))
    starts = {person.first for person in clause.people}
    # "show me everything Juan Mora has": the whole of what a person has, asked for.
    wholes = [h for h in lex.hits("whole_of", words) if h.last in starts] if asks else []
    rest = [w for w in rest if not any(w == words[h.first] for h in wholes)]
    about_work = clause.has("task_noun") or clause.has("overdue")
    # "qué tiene Lucía para hoy"; "pásame lo que tiene Lucía": a free relative after a verb
    # of showing asks the same.
    relative = asks and any(i and words[i - 1] in _FREE_RELATIVE for i in about)
    if clause.people and (clause.question or relative or wholes) and not rest:
        about_work = True
    if not about_work and not (lex.has_outside("mine", ("show",), clause.words) and not rest):
        return None
    if not clause.has("overdue") and _activity_of_a_thing(clause):
        return None
    if _holder_of_a_thing(clause):
        return None
    if clause.has("overdue"):
        return ListTasks(scope="overdue")
    people = _names(clause)
    if people:
        return ListTasks(scope="person", person=people[0])
    mine = lex.has_outside("mine", ("show",), clause.words)
    # "what's on today?" from a member of staff: their own day, no one else's.
    mine = mine or (clause.context.role == "staff" and clause.has("today"))
    if mine and not lex.has("everyone", clause.words):
        return ListTasks(scope="mine")
    return ListTasks(scope="open")


def _activity_of_a_thing(clause: Clause) -> bool:
    """ "what's the weather doing tomorrow": a verb of activity asks about work only when
    its subject is someone ("what's Tom doing", "what are we doing", "¿qué anda haciendo
    todo el mundo?")."""
    lex, words = clause.lex, clause.words
    if not lex.has("activity", words) or lex.reaches_outside("task_noun", ("activity",), words):
        return False
    # "qué calor hace hoy, madre mía": a "mía" of an interjection is nobody's doing.
    someone = clause.people or lex.has_outside("mine", ("interjection",), words) or clause.everyone
    someone = someone or lex.has("someone", words)
    return not someone and not (_SUBJECT_PRONOUNS | _WHO).intersection(words)


_HAVING = frozenset({"got", "has", "have"})


def _holder_of_a_thing(clause: Clause) -> bool:
    """ "who's got my phone charger", "who has the van keys": who holds a thing, named
    after the verb of having, is no question about work ("who's got what" is; "who's got
    the most tasks" names work)."""
    words = clause.words
    if not words or words[0] not in _WHO or clause.has("today"):
        return False  # "who's got the kitchen today": who is on it
    nouns = clause.lex.hits("task_noun", words)
    if any(words[hit.first : hit.last] != ["got"] for hit in nouns):
        return False
    having = [i for i, w in enumerate(words[:-1]) if w in _HAVING]
    return bool(having) and words[having[-1] + 1] in DETERMINERS


_WHO = frozenset({"who", "quien", "quienes", "quem", "qui"})
"""The question word that is itself a person: "who is free now"."""


_NEGATIONS = frozenset({"not", "no", "never", "sin", "nunca", "pas", "nao"})
_CONTRACTED_NOT = frozenset(
    {"hasnt", "havent", "isnt", "arent", "wasnt", "werent", "didnt", "dont", "doesnt"}
)


def _negated(words: Sequence[str], at: int) -> bool:
    """ "not done yet", "hasn't finished", "sin terminar": a done word denied says the
    work is still open."""
    start = max(0, at - 2)
    before = words[start:at]
    if any(w in _NEGATIONS or w.endswith("n't") or w in _CONTRACTED_NOT for w in before):
        return True
    # "hasn't been done" read as "hasn", "t", "been": the contraction's halves apart.
    return any(
        w == "t" and start + i > 0 and words[start + i - 1].endswith("n")
        for i, w in enumerate(before)
    )


_AUXILIARIES = frozenset({"he", "hemos", "has", "ha", "han"})
_PARTICIPLE_ENDINGS = ("ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas", "cho", "to")


def _aside_before_a_duty(clause: Clause, hit: Hit) -> bool:
    """ "Luis, ya pues, hay que lavar las tablas …": a done word said alone between breaks
    (with its fillers) is an interjection, agreeing, when a duty follows it; it reports
    nothing."""
    words, tokens, folded = clause.words, clause.tokens, clause.text.folded
    start, end = hit.first, hit.last
    while start > 0 and clause.lex.has("aside_filler", words[start - 1 : start]):
        start -= 1
    while end < len(words) and clause.lex.has("aside_filler", words[end : end + 1]):
        end += 1
    if end >= len(words):
        return False
    opened = start == 0 or any(
        m in folded[tokens[start - 1].end : tokens[start].start] for m in ",;"
    )
    closed = any(m in folded[tokens[end - 1].end : tokens[end].start] for m in ",;")
    return opened and closed and bool(clause.lex.hits("assign", words[end:]))


_WISH_REACH = 6
"""How many words a wished thing may take: "want the big oven at the flat done"."""


def _wished(clause: Clause, at: int) -> bool:
    """ "they want the oven done as well so can Lucía …": a done word after a verb of
    wanting, with no break between, is the state wished for, not reported."""
    words, tokens, folded = clause.words, clause.tokens, clause.text.folded
    for hit in clause.lex.hits("wish_verb", words[max(0, at - _WISH_REACH) : at]):
        first = max(0, at - _WISH_REACH) + hit.last
        if (
            first < at
            and words[first] != "to"
            and not any(mark in folded[tokens[first].start : tokens[at].start] for mark in ",.;:!?")
        ):
            return True
    return False


def _by_a_deadline(clause: Clause, hit: Hit) -> bool:
    """ "…, have it done by 4pm tomorrow", "ready by noon": a done word before a link of
    time and a time says when the work must be finished, it does not report it."""
    link = clause.lex.hits("deadline_link", clause.words[hit.last : hit.last + 3])
    if not link or link[0].first != 0 or hit.last + link[0].last >= len(clause.tokens):
        return False
    tokens = clause.tokens
    start = tokens[hit.last + link[0].last].start
    end = tokens[min(len(tokens), hit.last + link[0].last + _DEADLINE_WORDS) - 1].end
    said = clause.text.original[start:end]
    found = find_time(said, timezone=clause.context.timezone, now=clause.context.now)
    return found is not None and words_of(found.rest)[:1] != words_of(said)[:1]


_DEADLINE_WORDS = 4
"""The time after a deadline's link is said at once: "by noon tomorrow", "by Friday 8:30"."""


def _reports_done(clause: Clause) -> bool:
    """A done word, or a check mark. A perfect's auxiliary ("ya he limpiado") reports
    only with its participle: "tell Pedro he needs to …" is the English pronoun."""
    words = clause.words
    # "de pronto me colabora …" (Colombian "could you"): a done word ("pronto", ready in
    # Portuguese) inside a request's wrapper reports nothing.
    # Nor one inside a time clause ("when you're done, Tom, mop the floor").
    # Nor one that is part of another word's sense ("room 12 checked out early", "would
    # ya give …": guests leaving, "you").
    wrapped = clause.lex.taken(("title_filler", "time_residue", "other_sense"), words)
    # "el Pedro tiene que limpiar la plancha que está hecha un asco": after someone's
    # duty, a done word is the work's or a comment on it, not a report.
    duty = min(
        (
            person.last
            for person in clause.people
            if (modal := clause.lex.hits("assign", words[person.last : person.last + 3]))
            and modal[0].first == 0
        ),
        default=len(words),
    )
    for hit in clause.lex.hits("done", words):
        if hit.first in wrapped or hit.first > duty or _aside_before_a_duty(clause, hit):
            continue
        if _wished(clause, hit.first) or _by_a_deadline(clause, hit):
            continue
        if hit.first and words[hit.first - 1] in _BARE_QUE:
            continue  # "dile a Pedro que limpie la nevera": a subjunctive orders it
        if words[hit.first : hit.last] == [words[hit.first]] and words[hit.first] in _AUXILIARIES:
            after = words[hit.last] if hit.last < len(words) else ""
            if not after.endswith(_PARTICIPLE_ENDINGS):
                continue
        return True
    # "nevera limpia", "fridge clean": a state closing the message after its noun reports
    # it reached ("limpia la nevera", the same word first, orders it).
    # Only when the rest is nothing but the task named: "keep the terrace clean" orders.
    end = _report_end(clause)
    if clause.lex.hits("done_state", words[end - 1 : end]) and end > 1:
        named = [w for w in clause.content(("done",)) if w in words[:end]]
        items = [words_of(task.title) for task in clause.context.tasks]
        if named and all(any(_score([w], item) for item in items) for w in named[:-1]):
            return True
    return clause.ticked or _past_opening(clause) is not None


def _report_end(clause: Clause) -> int:
    """Where a report of a state ends: before a word of address ("terraza fregada jefa")
    or an all-clear set off by a comma ("temperatura revisada, todo ok")."""
    words, lex = clause.words, clause.lex
    end = len(words)
    comma = clause.text.folded.rfind(",")
    if comma != -1:
        start = next((i for i, t in enumerate(clause.tokens) if t.start > comma), end)
        if start < end and lex.covers_all(("ack", "all_clear"), words[start:end]):
            end = start
    address = lex.hits("vocative", words[:end])
    if address and address[-1].last == end and address[-1].first > 0:
        end = address[-1].first
    return end


_REPORT_LEADS = frozenset({"i", "we", "just", "already", "finally", "ve", "have", "has", "ok"})
"""Words before a reported past: "I just rang …", "we've already fed …"."""
_PAST_STEM = 3
"""A regular past is a stem of three letters or more and "-ed" ("mopped", "hoovered")."""


def _past_opening(clause: Clause) -> int | None:
    """ "just rang the plumber", "hoovered the terrace, all good": an English simple past
    with no subject, or the sender as subject, opening the message reports the work done
    (the words after it must still name a task). The index of the verb, or None."""
    if clause.language != "en" or clause.question:
        return None
    words = clause.words
    first = 0
    if clause.people:
        # "just to say Luis did the freezer check": a name as the subject, news before it.
        subject = clause.people[0]
        before = words[: subject.first]
        if before and not clause.lex.covers_all(("news_opener", "filler", "hedge"), before):
            return None
        first = subject.last
        if first >= len(words) - 1:
            return None
    while not clause.people and first < len(words) - 1 and words[first] in _REPORT_LEADS:
        first += 1
    irregular = clause.lex.hits("past_simple", words[first : first + 2])
    if irregular and irregular[0].first == 0:
        return first
    said = words[first]
    if said.endswith("ed") and len(said) - 2 >= _PAST_STEM and not said.endswith("eed"):
        return first
    return None


def _task_status(clause: Clause) -> IntentType | None:
    """ "is the fridge done?", "did anyone call the plumber yet?", "who's on the bins?",
    "¿está hecho lo del vino?": a question about where the one open task its words fit
    stands. Words that fit no open task leave the question to the frames after."""
    if len(clause.words) > _STATUS_QUESTION_WORDS or not _asks_outright(clause):
        return None
    if not (clause.has("status_asked") or _reports_done(clause)):
        return None
    said = clause.content(_STATUS_WORDS)
    matches = _resolve_task(said, clause.context) if said else []
    # One synonym is too little to go on: "who's got my phone charger" is no "call the
    # plumber" task.
    matches = [t for t in matches if _score(said, words_of(t.title)) >= _WORD_OF_ITS_OWN]
    people = _names(clause)
    if people and len(matches) > 1:
        matches = [t for t in matches if t.assignee and _assigned(t, people)] or matches
    if len(matches) == 1:
        return TaskStatus(number=matches[0].number)
    if matches:
        return TaskStatus(description=_description(clause, said))
    return None


def _asks_outright(clause: Clause) -> bool:
    """A question mark, or a question word first: "que juan desatasque el fregadero ya q
    no traga" orders and "ya está hecho lo del vino" reports, whatever they would ask."""
    opening = clause.words[:1]
    return (
        clause.asked
        or clause.lex.has("question_start", opening)
        or (clause.lex.has("question", opening) and opening[0] not in _BARE_QUE)
    )


_STATUS_QUESTION_WORDS = 12
"""A question about one task is short; a longer message with "done" in it says more."""
_WORD_OF_ITS_OWN = 2
_STATUS_WORDS = ("status_asked", "done", "question", "question_start", "someone", "past_simple")


def _complete_by_description(clause: Clause) -> IntentType | None:
    if not _reports_done(clause) or clause.question:
        return None
    if (order := clause.lex.hits("assign_before", clause.words[:3])) and order[0].first == 0:
        return None  # "make sure the freezer is clean": an order about a state
    number = _number(clause)
    if number is not None and len(clause.words) <= 4:
        return CompleteTask(number=number)
    said = clause.content(("done", "mine"))
    verb = _past_opening(clause)
    if verb is not None:
        # The verb reports; the words after it say which task ("rang the bank" is no call
        # the plumber task).
        said = clause.content(("done", "mine", "past_simple"))
        said = [w for w in said if w != clause.words[verb]]
    people = _names(clause)
    matches = _resolve_task(said, clause.context) if said else []
    if people and len(matches) > 1:
        narrowed = [t for t in matches if t.assignee and _assigned(t, people)]
        matches = narrowed or matches
    if len(matches) == 1:
        return CompleteTask(number=matches[0].number)
    if matches or _opens_a_short_report(clause, said):
        # "terminei a limpeza" with no open task of that name: a report all the same,
        # which the handler answers with what is open, not with "I didn't understand".
        return CompleteTask(description=_description(clause, said))
    return None


_SHORT_REPORT = 6


def _opens_a_short_report(clause: Clause, said: Sequence[str]) -> bool:
    """ "finished the hoovering", "terminei a limpeza", "j'ai fini le ménage": a word of
    finishing first, then a few words naming the work ("phoned the bank" reports a call,
    which may be no task at all)."""
    done = clause.lex.hits("finished_lead", clause.words)
    return (
        bool(said)
        and len(clause.words) <= _SHORT_REPORT
        and bool(done)
        and done[0].first == 0
        and not clause.people
    )


def _assigned(task: TaskRef, people: Sequence[str]) -> bool:
    assignee = roster_fold(task.assignee or "").split()
    return any(w in assignee for name in people for w in roster_fold(name).split())


_CANCEL_REACH = 3
"""A cancellation says so up front ("forget about the terrace", "ya no hace falta …") or
ends on "anymore"; a cancel word deeper in is part of the work ("que Tom revise la carta
y quite los que …", "limpiar las mesas de fuera")."""


def _done_by_state(clause: Clause) -> IntentType | None:
    def resolve(said: Sequence[str]) -> list[int]:
        return [task.number for task in _resolve_task(said, clause.context)]

    number = done_by_state(clause, resolve)
    return CompleteTask(number=number) if number is not None else None


def _cancel_with_reason(clause: Clause) -> IntentType | None:
    def resolve(said: Sequence[str]) -> list[int]:
        return [task.number for task in _resolve_task(said, clause.context)]

    number = cancelled_with_reason(clause, resolve)
    return CancelTask(number=number) if number is not None else None


def _cancel_task(clause: Clause) -> IntentType | None:
    if _reminder_named(clause):
        return None
    if (numbered := _taken_off(clause)) is not None:
        return CancelTask(number=numbered)
    if not (clause.has("anymore") or clause.has("cancel")):
        return None
    hits = clause.lex.hits("cancel", clause.words) + clause.lex.hits("anymore", clause.words)
    first = min(hit.first for hit in hits)
    if any(
        hit.last <= person.first and person.last <= first
        for hit in clause.lex.hits("assign", clause.words[:first])
        for person in clause.people
    ):
        return None  # "ask Pedro to drop the order at the café": the word is his work
    if _a_named_duty(clause, first):
        return None
    early = first <= _CANCEL_REACH
    ending = clause.lex.hits("anymore", clause.words)
    if not early and not (ending and ending[-1].last in _ends_or_cancel_it(clause)):
        return None
    numbered = _cancelled_number(clause)
    if numbered is not None:
        return CancelTask(number=numbered)
    said = clause.content(("cancel", "anymore"))
    matches = _resolve_task(said, clause.context)
    if len(matches) == 1:
        return CancelTask(number=matches[0].number)
    return None


def _ends_or_cancel_it(clause: Clause) -> set[int]:
    """Where a called-off topic may end: at the message's end, or before a closing order
    to delete it ("lo del stock de vino ya no hace falta, bórralo", "… no longer needed,
    delete it"): the order repeats the cancellation; it names no new work."""
    ends = {len(clause.words)}
    closing = clause.lex.hits("cancel_it", clause.words)
    if closing and closing[-1].last == len(clause.words):
        ends.add(closing[-1].first)
    return ends


def _a_named_duty(clause: Clause, verb: int) -> bool:
    """ "lucia has to drop the keys at the flat": a person, a modal, then the verb; what
    the person must do is work, not a task or reminder called off."""
    modal = [hit for hit in clause.lex.hits("modal", clause.words[:verb]) if hit.last == verb]
    return bool(modal) and any(person.last == modal[0].first for person in clause.people)


def _taken_off(clause: Clause) -> int | None:
    """ "sacá la 8, al final no hace falta": a verb of taking out, then only a task's
    number as its object (the clause ends there); "saca 2 cajas" takes out two boxes."""
    if not clause.lex.hits("cancel_numbered", clause.words[:1]):
        return None
    number = _cancelled_number(clause, "cancel_numbered")
    if number is None:
        return None
    at = next(i for i, w in enumerate(clause.words) if w == str(number))
    if clause.words[at - 1] not in _NUMBER_LEADS:
        return None  # "saca 2 cajas": a count, not a task named by its number
    ends = (
        at + 1 == len(clause.tokens)
        or "," in clause.text.folded[clause.tokens[at].end : clause.tokens[at + 1].start]
    )
    return number if ends else None


def _cancelled_number(clause: Clause, verbs: str = "cancel") -> int | None:
    """ "borra la 5, ya no hace falta", "delete number 3, we don't need it": a cancelling
    verb with a task's number as its object, whatever reason follows."""
    words = clause.words
    for hit in clause.lex.hits(verbs, words):
        at = (
            hit.last + 1
            if words[hit.last : hit.last + 1] in (["la"], ["el"], ["the"])
            else hit.last
        )
        if words[at : at + 1] and words[at] in _NUMBER_LEADS - {"la", "el", "the", "no"}:
            at += 1
        if at < len(words) and words[at].isdigit() and len(words[at]) <= 4:
            return int(words[at])
    return None


_OBJECT_REACH = 3
"""How many words may stand between a verb and its object ("cancel our minkops account")."""


def _acted_on(clause: Clause, verb: str, noun: str) -> bool:
    """A verb of the class `verb` with a phrase of `noun` a few words after it."""
    nouns = clause.lex.hits(noun, clause.words)
    return any(
        0 < n.first - v.last <= _OBJECT_REACH or n.first == v.last
        for v in clause.lex.hits(verb, clause.words)
        for n in nouns
    )


def _timed_lead(clause: Clause) -> bool:
    """ "el 15 de cada mes a las 9 recuérdame revisar las facturas": the reminder verb
    after nothing but when; what follows it is what to remember."""
    verb = clause.lex.hits("reminder_verb", clause.words)
    if not verb or verb[0].first == 0:
        return False
    head = clause.original(0, verb[0].first)
    context = clause.context
    recurrence = find_recurrence(head, now=context.now.astimezone(ZoneInfo(context.timezone)))
    if recurrence is not None:
        return not tidy(recurrence.rest)
    found = find_time(head, timezone=context.timezone, now=context.now)
    return found is not None and not tidy(found.rest)


_HOLDER_REACH = 2
"""Words of a business's name before a surname in it: "a nombre de Viñedos Gómez SL"."""


def _named_holders(clause: Clause) -> bool:
    """ "que las facturas salgan a nombre de Lucía Gómez SL": every name said right after
    whose name a paper is made out in holds it; nobody is asked to do anything."""
    holders = [hit.last for hit in clause.lex.hits("name_holder", clause.words)]
    return bool(holders) and all(
        any(0 <= person.first - at <= _HOLDER_REACH for at in holders) for person in clause.people
    )


def _only_believers(clause: Clause) -> bool:
    """ "are we running low on messages? Ana thought we might be": every name said is the
    subject of a verb of thinking, whose opinion is reported; no one is given work."""
    believed = {hit.first for hit in clause.lex.hits("believe_verb", clause.words)}
    return bool(clause.people) and all(person.last in believed for person in clause.people)


def _data_requests(clause: Clause) -> IntentType | None:
    if (
        clause.people
        and not (clause.has("billing_document") and _named_holders(clause))
        and not _only_believers(clause)
    ):
        return None
    if clause.has("note_to_self") or _labelled_task(clause):
        return None  # "tell Maria to send the invoice": work, not billing
    # "someone call the supplier about the invoice", "que alguien archive las facturas",
    # "can someone print the invoices?": work asked of anyone, not a billing question
    # ("has anyone seen the invoice?" still asks).
    someone = clause.lex.hits("someone", clause.words[:3])
    asked = clause.asked and clause.words[0] not in _REQUEST_MODALS
    if someone and not asked and not _perfect_around(clause, someone[0].first):
        return None
    if (
        clause.has("billing_document")
        and not clause.has("payment_noun")
        and own_work(clause.text, strict=True) is not None
    ):
        return None  # "I need to scan the March receipts by Friday": the sender's work
    if (
        (clause.lex.hits("reminder_verb", clause.words[:2]) and not _fact_asked(clause))
        or _timed_lead(clause)
        or _asks_for_a_nudge(clause)
    ):
        return None  # "remind me at 9 to send the invoices": the invoices are the reminder's
    if clause.has("reminder_verb") and _scheduled(clause):
        return None  # "every monday at 9 remind me to send the invoices": the same
    closing = _acted_on(clause, "close_verb", "account_noun") and not clause.has("task_word")
    erased_mine = clause.has("erase_verb") and clause.has("my_data")
    if (clause.has("delete_account") and not erased_mine) or closing:
        return DeleteAccount()
    if clause.has("delete_data") or erased_mine:
        # "I want my data deleted", "borrad todo lo que tengáis de mí": what is erased is
        # about the sender ("delete everything you have about me"), not the account.
        return DeleteData()
    if clause.has("privacy_question") and not clause.lex.has_outside(
        "export", ("privacy_question",), clause.words
    ):
        return PrivacyInfo()  # "what do you do with my data?" asks, it wants no copy
    if clause.has("export") and not clause.people and not clause.has("billing_document"):
        # "where can I download my invoices?": papers of what was paid are billing's.
        return ExportData()
    signing = clause.has("sign_up") or clause.has("trial") or _business_brought_on(clause)
    # "quiero darme de alta, tengo una panadería": joining said with a business of one's own
    signing = signing or (
        clause.has("join_self") and clause.lex.has_outside("mine", ("join_self",), clause.words)
    )
    # "the billing address you've got for us … the company registration": an account
    # already held is asked about; no one is signing up.
    signing = signing and not clause.has("account_held")
    if (signing or _tried_or_used_by_mine(clause)) and not clause.people:
        return SignUp()
    if clause.has("how_many") and _allowance_asked(clause):
        return Usage()  # "how many more messages can we send?": what is left, not more
    if clause.has("upgrade") or (
        clause.has("plan") and (clause.has("falls_short") or clause.has("more_capacity"))
    ):
        # "the basic plan isn't enough for us anymore": a plan that falls short is one
        # to move up from; "a plan that fits more people" is the one above.
        return Upgrade()
    if clause.has("billing") or _payment_asked_about(clause) or _money_asked_about(clause):
        return Billing()
    if (
        clause.has("usage_strong")
        or (clause.has("usage") and clause.has("plan"))
        or _allowance_asked(clause)
    ):
        return Usage()
    return None


def _labelled_task(clause: Clause) -> bool:
    """ "Tarea para mí: revisar las facturas de la harina": a label with a task word before
    a colon says that what follows is work, whatever it is about."""
    colon = clause.text.folded.find(":")
    if colon <= 0:
        return False
    label = [t.text for t in clause.tokens if t.end <= colon]
    return len(label) <= _LABEL_WORDS and clause.lex.has("task_word", label)


_LABEL_WORDS = 5
"""A label before a colon is short: "new task for me", "tarea para Luis"."""


def _fact_asked(clause: Clause) -> bool:
    """ "remind me what we're paying per month?", "recuérdame cuánto pagamos": the
    reminder verb, its person, then a question word, and no time to remind at: the
    sender asks to be told now."""
    lex, words = clause.lex, clause.words
    verbs = lex.hits("reminder_verb", words[:2])
    if not verbs:
        return False
    # The person is a word of its own ("remind me what") or a clitic ("recuérdame cuánto").
    after = verbs[0].last
    hits = lex.hits("fact_asked", words[after:])
    return bool(hits) and hits[0].first <= 1 and not _scheduled(clause)


def _payment_asked_about(clause: Clause) -> bool:
    """ "my payment failed, what do I do?", "el pago salió rechazado", "¿me mandás el
    comprobante del último pago?": one payment to us that failed, or the proof of one, is
    a billing question whatever else the message says."""
    if clause.has("payment_noun") and clause.has("payment_failed"):
        return True
    return _acted_on(clause, "proof_word", "payment_noun")


def _money_asked_about(clause: Clause) -> bool:
    """A sum we took, a way to pay us or the tax in our price (minkops/domain/charges.py)."""
    lex, words = clause.lex, clause.words
    return (
        charges.charge_asked(lex, words, clause.text.folded)
        or charges.way_to_pay_asked(lex, words)
        or charges.tax_of_price_asked(lex, words, clause.question)
    )


def _allowance_asked(clause: Clause) -> bool:
    """ "have we gone over our allowance?", "me quedan audios?", "how many more tasks can I
    create this month": what the plan counts, asked about as what is left or its limit."""
    if _acted_on(clause, "exceed", "allowance_noun"):
        return True
    if clause.question and _owned(clause, "allowance_noun"):
        return True  # "what's our monthly limit?"
    if clause.has("metered") and (
        clause.has("running_low") or clause.has("how_many") or clause.has("allowance_noun")
    ):
        return True  # voice notes and messages are only ever counted: "hay límite de audios?"
    if clause.has("plan") and clause.has("running_low"):
        return True  # "what's left on our plan this month?"
    # Tasks are work as well as what is counted: "how many tasks do I have left" lists
    # them; how many MORE can be made, or in the plan's month, is the allowance.
    counted = clause.has("metered") or clause.has("metered_work")
    return (
        counted
        and clause.has("how_many")
        and clause.has("more")
        and (clause.has("plan_period") or clause.has("create_verb"))
    )


_BUSINESS_WORDS = 4
""""my print shop", "our little dog grooming salon": a business is named in a few words."""


def _business_brought_on(clause: Clause) -> bool:
    """ "how do I get my print shop on this?", "can we put our salon on here": the sender's
    own business brought onto the service is signing it up, whatever the business is."""
    lex, words = clause.lex, clause.words
    for verb in lex.hits("bring_onto", words):
        owner = verb.last
        if not lex.hits("possessive", words[owner : owner + 1]):
            continue
        for place in lex.hits("onto_service", words):
            if owner + 1 < place.first <= owner + 1 + _BUSINESS_WORDS and place.last == len(words):
                return True
    return False


_OWNER_REACH = 2
"""Words between an owner and what is owned: "our monthly limit"."""


def _owned(clause: Clause, noun: str) -> bool:
    owners = clause.lex.hits("possessive", clause.words)
    return any(
        0 <= n.first - o.last <= _OWNER_REACH
        for n in clause.lex.hits(noun, clause.words)
        for o in owners
    )


def _tried_or_used_by_mine(clause: Clause) -> bool:
    """ "want to test it with my hostel staff", "quiero probar el servicio con mi equipo",
    "cómo hago para que mi guardería use esto": the service tried out with the sender's
    own people, or used by the sender's own business, is signing it up."""
    lex, words = clause.lex, clause.words
    refs = lex.hits("service_ref", words)
    tried = [v for v in lex.hits("try_verb", words) if any(r.first == v.last for r in refs)]
    for verb in tried + lex.hits("try_it", words):
        if lex.hits("possessive", words[verb.last :]):
            return True
    for owner in lex.hits("possessive", words):
        reach = words[owner.last : owner.last + 1 + _BUSINESS_WORDS]
        for use in lex.hits("use_verb", reach):
            at = owner.last + use.last
            if use.first and any(r.first == at and r.last == len(words) for r in refs):
                return True
        # "que mi taller lo use": the service as the clitic before the verb
        for use in lex.hits("use_it", words[owner.last : owner.last + 2 + _BUSINESS_WORDS]):
            if use.first and owner.last + use.last == len(words):
                return True
    return False


def _scheduled(clause: Clause) -> bool:
    context = clause.context
    zone = ZoneInfo(context.timezone)
    said = clause.text.original
    if find_recurrence(said, now=context.now.astimezone(zone)) is not None:
        return True
    return find_time(said, timezone=context.timezone, now=context.now) is not None


def _preferences(clause: Clause) -> IntentType | None:
    if clause.has("digest"):
        hour = _hour(clause)
        enabled = not clause.has("off") or hour is not None
        return SetPreference(setting="digest", enabled=enabled, hour=hour if enabled else None)
    overdue_alerts = clause.has("overdue") and (clause.has("notify") or clause.has("reminder_verb"))
    if not overdue_alerts and _when_overdue(clause):
        overdue_alerts = clause.has("contact")
    if overdue_alerts and _hour(clause) is not None:
        overdue_alerts = False  # "remind the team tomorrow at 9 that we open late"
    escalation = clause.has("escalation") and not _others_chasing(clause)
    if escalation or (overdue_alerts and not clause.question):
        # "avísame cuando alguien no haga su tarea a tiempo": the "no" of being late is
        # not turning the alerts off.
        lex, words = clause.lex, clause.words
        off = lex.has_outside("off", ("overdue",), words) or lex.has_outside(
            "cancel", ("overdue",), words
        )
        return SetPreference(setting="escalation", enabled=not off)
    return None


def _others_chasing(clause: Clause) -> bool:
    """ "send me the invoice, the accountant's chasing me": every chasing word is a
    progressive whose subject is someone other than MinkOps; the sender reports being
    chased, they do not set how MinkOps chases."""
    lex, words = clause.lex, clause.words
    hits = lex.hits("escalation", words)
    for hit in hits:
        if not words[hit.first].endswith("ing") or hit.first == 0:
            return False
        if not lex.hits("progressive_be", words[hit.first - 1 : hit.first]):
            return False
        if lex.hits("addressee", words[max(0, hit.first - 2) : hit.first - 1]):
            return False
    return bool(hits)


def _when_overdue(clause: Clause) -> bool:
    """ "don't message the staff when their stuff is late", "avísame si algo se atrasa": a
    condition whose clause says work is late asks about messages sent whenever it is."""
    if clause.people:
        return False  # "if Tom is late, message me": one person's day, not a setting
    conditions = clause.lex.hits("condition", clause.words)
    lates = clause.lex.hits("overdue", clause.words)
    return any(c.last <= late.first for c in conditions[:1] for late in lates)


def _hour(clause: Clause) -> int | None:
    found = find_time(
        clause.text.original, timezone=clause.context.timezone, now=clause.context.now
    )
    if found is None or not found.explicit_time:
        return None
    # "every morning at 6": the part of the day of a recurrence places the hour, as it
    # does for a recurring reminder (a bare "at 6" alone is the afternoon's).
    # The digest's own name ("daily summary") is not its schedule.
    said = clause.text
    for hit in clause.lex.hits("digest", clause.words):
        said = said.blank(clause.tokens[hit.first].start, clause.tokens[hit.last - 1].end)
    recurring = find_recurrence(said.original, now=clause.context.now)
    if recurring is not None:
        hour = recurring.cron.split()[1]
        if hour.isdigit():
            return int(hour)
    return found.at.astimezone(ZoneInfo(clause.context.timezone)).hour


def _corrections(clause: Clause) -> IntentType | None:
    """ "Write to me in Spanish", "no audios, only text", "my name is wrong, it's …"."""
    others = _names(clause)
    language = _language_named(clause)
    delivery = _delivery_chosen(clause)
    if others:
        if clause.context.role != "admin" or clause.has("reminder_verb"):
            return None
        name = others[0]
        if _order_after_a_scene(clause):
            return None  # "sorry for the voice note, María call …": the voice is the sender's
        if delivery is not None and not clause.has("schedule_words"):
            return UpdateMember(name=name, delivery=delivery)
        return None
    if clause.has("phone_change") and not others:
        digits = [i for i, t in enumerate(clause.tokens) if t.text.isdigit()]
        if digits:
            start = clause.tokens[digits[0]].start
            if start > 0 and clause.text.folded[start - 1] == "+":
                start -= 1
            value = tidy(clause.text.original[start : clause.tokens[digits[-1]].end])
            if sum(ch.isdigit() for ch in value) >= 6:
                return CorrectData(field="phone", value=value)
    if language is not None and (clause.has("language_change") or clause.has("prefer")):
        return CorrectData(field="language", value=language)
    # "… en audio a partir de ahora": a way of sending kept from now on is a preference.
    if delivery is not None and (
        clause.has("mine")
        or clause.has("text_only")
        or clause.has("prefer")
        or clause.has("from_now")
        or clause.has("receive_verb")  # "quero receber mensagens de voz"
    ):
        if find_time(
            clause.text.original, timezone=clause.context.timezone, now=clause.context.now
        ):
            return None
        return CorrectData(field="delivery", value=delivery)
    return None


def _delivery_chosen(clause: Clause) -> str | None:
    """Text or voice; a way set aside for the other ("des vocaux plutôt que du texte",
    "voice notes rather than texts") is not the one chosen."""
    lex, words = clause.lex, clause.words
    denied = lex.hits("denied_alternative", words)

    def chosen(name: str) -> bool:
        return any(
            not any(d.first < h.first and h.first - d.last <= _DENIED_REACH for d in denied)
            for h in lex.hits(name, words)
        )

    if clause.has("text_only") and (chosen("text_only") or not chosen("voice")):
        return "text"
    if not clause.has("voice"):
        return None
    return "voice" if chosen("voice") else "text"  # "in text, not voice": voice set aside


_DENIED_REACH = 2
"""Words between "rather than"/"instead of" and the way set aside: "rather than the texts"."""


def _language_named(clause: Clause) -> str | None:
    for word in clause.words:
        code = clause.lex.languages.get(word)
        if code is not None:
            return code
    return None


_COPULAS = frozenset(
    {"is", "it's", "its", "es", "e", "est", "c'est", "s", "soy", "sou", "llamo", "chamo"}
)


def _after_last_copula(clause: Clause) -> str:
    for index in range(len(clause.words) - 1, 0, -1):
        if clause.words[index] in _COPULAS and index + 1 < len(clause.words):
            first = index + 1
            hedge = clause.lex.hits("hedge", clause.words[first : first + 2])
            if hedge and hedge[0].first == 0 and first + hedge[0].last < len(clause.words):
                first += hedge[0].last  # "my name is actually Thomas Baker"
            value = clause.original(first, len(clause.words))
            value = tidy(value.split(",")[0].split(" not ")[0].split(" no ")[0])
            said = value.split()
            if len(said) > 1 and clause.lex.has("hedge", words_of(said[-1])):
                value = " ".join(said[:-1])  # "my full name's Claire Martin actually"
            if value and value[0].isupper():
                return value
    return ""


_PHONE_DIGITS = 7
"""A phone number has at least this many digits (groups may be split by spaces)."""


def _phone(clause: Clause) -> str | None:
    """The first run of number groups with enough digits, as written ("07700 900123",
    "+33 6 12 34 56 78", "622 33 44 55")."""
    run: list[int] = []
    for index, token in enumerate([*clause.tokens, None]):
        if token is not None and token.text.isdigit():
            between = clause.text.folded[clause.tokens[run[-1]].end : token.start] if run else ""
            if not run or between.strip(" .-()") == "":
                run.append(index)
                continue
        if run and sum(len(clause.words[i]) for i in run) >= _PHONE_DIGITS:
            start = clause.tokens[run[0]].start
            if start > 0 and clause.text.folded[start - 1] == "+":
                start -= 1
            return tidy(clause.text.original[start : clause.tokens[run[-1]].end])
        run = [index] if token is not None and token.text.isdigit() else []
    return None


def _new_name(clause: Clause) -> str | None:
    """The first run of capitalized words that is no weekday, language or lexicon word
    and not the message's first word: "new waiter starting monday: Mark Evans, …"."""
    lex = clause.lex
    known = set(_WEEKDAYS) | set(lex.languages)
    runs: list[list[int]] = [[]]
    for index, token in enumerate(clause.tokens):
        said = clause.text.original[token.start : token.end]
        # The first word is capitalized anyway: a name only if the next one is too
        # ("Sofía Navarro empieza el lunes …").
        following = clause.tokens[index + 1] if index + 1 < len(clause.tokens) else None
        named_first = following is not None and clause.text.original[following.start].isupper()
        first_ok = index > 0 or named_first
        capital = said[:1].isupper() and first_ok and not token.text.isdigit()
        if capital and _concept(token.text) not in known and token.text not in known:
            if runs[-1] and runs[-1][-1] != index - 1:
                runs.append([])
            runs[-1].append(index)
        elif runs[-1]:
            runs.append([])
    for run in runs:
        if run:
            return clause.original(run[0], run[-1] + 1)
    return None


def _namesake(clause: Clause, person: Person) -> bool:
    """ "Ana Ruiz" when the roster has "Ana García": a first name followed by a surname
    nobody of that first name has is someone else."""
    if person.last - person.first != 1 or person.last >= len(clause.tokens):
        return False
    following = clause.tokens[person.last]
    written = clause.text.original[following.start : following.end]
    if not written[:1].isupper():
        return False
    first = clause.words[person.first]
    surnames = {
        part
        for entry in clause.context.roster
        for parts in [roster_fold(entry.name).split()]
        if parts and _name_word(first, parts[0])
        for part in parts[1:]
    }
    return following.text not in surnames


def _new_member(clause: Clause) -> IntentType | None:
    """ "tenemos una nueva cocinera, Fernanda Costa, … 622 33 44 55", "new waiter starting
    monday: Mark Evans, 07700 900123, he speaks English": someone new, a name nobody on the
    roster has, and a phone number. Read before the fixed rules, which would take the
    language or "audios" for a change to someone already there."""
    if clause.context.role != "admin" or not clause.has("newcomer"):
        return None
    if clause.has("reminder_noun") or clause.has("task_word"):
        return None
    phone = _phone(clause)
    name = _new_name(clause)
    known = [p for p in clause.people if not _namesake(clause, p)]
    if phone is None or name is None or known:
        return None
    delivery = "text" if clause.has("text_only") else "voice" if clause.has("voice") else None
    role = "admin" if clause.has("admin_word") and not clause.has("staff_word") else "staff"
    return AddMember(
        name=name, phone=phone, role=role, language=_language_named(clause), delivery=delivery
    )


_SETTING_REST = 4
"""Words beyond the person, the setting and its verb: more is work, not a setting."""


def _member_settings(clause: Clause) -> IntentType | None:
    """An admin setting how someone is written to or what they may do, in prose: "a Lucía
    escríbele en inglés", "a Pedro mándale los mensajes en audio a partir de ahora", "haz
    admin a Luis". Read before the fixed rules, which take "Lucía … escríbele" for a task."""
    if clause.context.role != "admin" or len(clause.people) != 1:
        return None
    if clause.has("reminder_noun") or clause.has("task_word") or clause.has("schedule_words"):
        return None
    name = _written(clause, clause.people[0])
    if clause.has("admin_word") and clause.has("make_role"):
        demoted = clause.has("cancel") or clause.has("staff_word")
        return UpdateMember(name=name, role="staff" if demoted else "admin")
    if not clause.has("address"):
        return None
    language = _language_named(clause)
    delivery = "text" if clause.has("text_only") else "voice" if clause.has("voice") else None
    if language is None and delivery is None:
        return None
    rest = clause.content(
        ("address", "voice", "text_only", "language_change", "message_noun", "from_now")
    )
    rest = [w for w in rest if w not in clause.lex.languages]
    if len(rest) > _SETTING_REST:
        return None
    if find_time(clause.text.original, timezone=clause.context.timezone, now=clause.context.now):
        return None
    return UpdateMember(name=name, language=language, delivery=delivery)


_PASSED_ON_REACH = 3
"""Where a passed-on order's verb stands after the verb of saying: "dice que (lo) anules"."""


def _reported_done(clause: Clause) -> IntentType | None:
    """ "Luis says the freezer temp is fine", "pedro dice que ya terminó con el extractor":
    someone reporting work finished is a completion, not work for them."""
    # Only a question mark makes it a question: "dice que" is no interrogative "qué".
    if not clause.people or clause.people[0].first > 1 or clause.asked:
        return None
    after = clause.people[0].last
    report = clause.lex.hits("report", clause.words[after : after + 3])
    if not report or report[0].first != 0:
        return None
    rest = clause.words[after + report[0].last :]
    passed_on = clause.lex.hits("cancel_passed_on", rest[:_PASSED_ON_REACH])
    if passed_on:
        # "Ana dice que anules lo de la leche, que el proveedor ya lo trae": the order to
        # call the task off, passed on; "ya lo trae" after it is why, not work done.
        said = [w for w in rest[passed_on[0].last :] if not clause.lex.has("filler", [w])]
        matches = _resolve_task(said, clause.context)
        return CancelTask(number=matches[0].number) if len(matches) == 1 else None
    if not clause.lex.has("done", rest):
        return None
    dropped: set[int] = set()
    for name in ("done", "filler", "report"):
        for hit in clause.lex.hits(name, rest):
            dropped.update(range(hit.first, hit.last))
    said = [w for i, w in enumerate(rest) if i not in dropped]
    matches = _resolve_task(said, clause.context)
    return CompleteTask(number=matches[0].number) if len(matches) == 1 else None


def _remove_member(clause: Clause) -> IntentType | None:
    if clause.context.role != "admin" or not clause.people:
        return None
    membership = clause.has("remove_person") and not clause.has("task_word")
    if membership and _ordered_of_people(clause) and not clause.has("cancel"):
        # "Lucía tiene que hacer el check-in del grupo de Erasmus": work ordered of her,
        # where "del grupo" is the work's object, not the team she leaves.
        membership = False
    if (
        clause.has("remove_pronoun")
        or membership
        or (
            clause.has("leave")
            and (clause.has("remove_person") or clause.has("cancel") or clause.has("anymore"))
        )
    ):  # "Claire doesn't work here anymore": gone for good, not gone for the day;
        # "take Luis off the team": out of the team, whatever the verb
        return RemoveMember(name=_names(clause)[0])
    return None


def _member_phone(clause: Clause) -> IntentType | None:
    """ "Tom's new number is +44 7700 900123", "el número nuevo de Pedro es 699 888 777":
    one person, a phone noun and a phone number are that person's new number."""
    if clause.context.role != "admin" or len(clause.people) != 1 or not clause.has("phone_noun"):
        return None
    person = clause.people[0]
    after = clause.words[person.last : person.last + 1]
    before = clause.words[max(0, person.first - 1) : person.first]
    if after != ["s"] and before not in (["de"], ["of"]) and not _owns_a_phone(clause, person):
        return None  # the number must be theirs: "Tom's number", "el número de Pedro"
    phone = _phone(clause)
    if phone is None or clause.has("reminder_verb") or clause.has("task_word"):
        return None
    return UpdateMember(name=_written(clause, clause.people[0]), phone=phone)


_OWNER_REACH = 2
"""Words between the person and their verb of having ("Luis now has …"), and between that
verb and the phone noun ("has got a brand new number")."""


def _owns_a_phone(clause: Clause, person: Person) -> bool:
    """ "luis has a new number: …", "Pedro ha cambiado de número, ahora es el …": the
    person is the subject of having or changing a phone."""
    lex, words = clause.lex, clause.words
    start = person.last
    for owner in lex.hits("phone_owner", words[start : start + _OWNER_REACH + 3]):
        if owner.first > _OWNER_REACH:
            break
        after = start + owner.last
        nouns = lex.hits("phone_noun", words[after : after + _OWNER_REACH + 2])
        if nouns and nouns[0].first <= _OWNER_REACH:
            return True
    return False


# --- giving work --------------------------------------------------------------------------


def _create_reminder(clause: Clause) -> IntentType | None:
    """Schedules without the word "remind": "each weekday at 7:30 send Pedro a voice note
    to …", "every friday at 4pm tell Luis and María to …"."""
    context = clause.context
    zone = ZoneInfo(context.timezone)
    lead = (
        clause.has("reminder_lead")
        or clause.has("reminder_noun")
        or (clause.has("send_verb") and clause.has("message_noun"))
    )
    nudged = _asks_for_a_nudge(clause) or _reminder_arrives(clause)
    lead = lead or nudged
    if not clause.has("reminder_verb") and not clause.has("schedule_words") and not lead:
        return None
    if not lead and _a_thing_sent(clause):
        return None  # "mándale el presupuesto a la clínica": the quote is sent, as work
    verb = clause.lex.hits("reminder_verb", clause.words[:1])
    if clause.question and not clause.has("reminder_lead") and not verb and not nudged:
        return None  # "¿(me puedes) avisar a las 5 …?" asks for the reminder, it is one
    recurrence = find_recurrence(clause.text.original, now=context.now.astimezone(zone))
    if recurrence is None and not (clause.has("reminder_verb") or lead):
        return None
    recipients = _recipients(clause)
    rest = Text.of(recurrence.rest) if recurrence else clause.text
    what = _reminder_text(rest, clause)
    delivery = "voice" if clause.has("voice") else None
    if recurrence is not None:
        made = CreateReminder(
            text=what, recipients=recipients, cron=recurrence.cron, delivery=delivery
        )
        return refine_reminder(made, context, clause.language)
    found = find_time(clause.text.original, timezone=context.timezone, now=context.now)
    if found is None:
        return None
    what = _reminder_text(Text.of(found.rest), clause)
    made = CreateReminder(text=what, recipients=recipients, at=found.at, delivery=delivery)
    return refine_reminder(made, context, clause.language)


def _a_thing_sent(clause: Clause) -> bool:
    """Every verb of reminding is one that only sends, and a determiner follows it: a
    thing sent ("mándale el presupuesto"), not a message ("mándale un mensaje")."""
    lex, words = clause.lex, clause.words
    verbs = lex.hits("reminder_verb", words)
    return bool(verbs) and all(
        lex.has("sending_reminder_verb", words[hit.first : hit.last])
        and words[hit.last : hit.last + 1]
        and words[hit.last] in ES_DETERMINERS
        for hit in verbs
    )


_NUDGE_REACH = 4
"""Who is told, between the giving verb and the nudge: "give Tom and Lucía a shout"."""


def _asks_for_a_nudge(clause: Clause) -> bool:
    """ "give me a shout in 2 hours about …", "give Maria a nudge tomorrow to …": a giving
    verb opening the request and, after who is told, a nudge is a reminder asked for."""
    lex, words = clause.lex, clause.words
    give = lex.hits("give_verb", words[:3])
    if not give:
        return False
    after = give[0].last
    nudge = lex.hits("nudge", words[after : after + _NUDGE_REACH + 2])
    if nudge and nudge[0].first == 0:
        return _clitic(words[after - 1]) is not None  # "mándame un recordatorio …"
    return bool(nudge) and 0 < nudge[0].first <= _NUDGE_REACH


def _reminder_arrives(clause: Clause) -> bool:
    """ "make sure Tom gets a reminder at 2:45 to …", "que le llegue a Tom un aviso el
    miércoles …": a reminder said to reach someone, a few words after the verb of
    arriving, is a reminder asked for, not a question about one."""
    lex, words = clause.lex, clause.words
    if clause.asked or lex.has("question_start", words[:1]):
        return False  # "did Tom get the reminder at 9?" asks about one
    for verb in lex.hits("reminder_arrives", words):
        after = words[verb.last : verb.last + _NUDGE_REACH + 2]
        if lex.has("nudge", after) or lex.has("reminder_noun", after[:_NUDGE_REACH]):
            return True
    return False


_DATIVE_CLITICS = ("les", "nos", "me", "le")
"""Who a Spanish order is for, written onto its verb ("mándame", "dale", "ponles")."""


def _clitic(word: str) -> str | None:
    return next((c for c in _DATIVE_CLITICS if word.endswith(c) and len(word) - len(c) >= 2), None)


def _sender_told(clause: Clause) -> int | None:
    """Where a giving verb with "me"/"nos" on it opens a reminder asked for ("mándame un
    recordatorio …"): the sender is who gets it."""
    give = clause.lex.hits("give_verb", clause.words[:3])
    if not give or not _asks_for_a_nudge(clause):
        return None
    return give[0].first if _clitic(clause.words[give[0].last - 1]) in {"me", "nos"} else None


_TOLD_HEADS = ("nudge", "reminder_lead", "reminder_noun", "message_noun")


def _content_start(clause: Clause) -> int:
    """Where what to remember starts: the first "to"/"que"/"para" after the reminder's verb
    (or its noun) that no one told follows ("remind Tom to …", but "a note to Lucía …",
    "para que Juan …")."""
    lex, words = clause.lex, clause.words
    verb = lex.hits("reminder_verb", words)
    heads = verb or sorted(
        (h for name in _TOLD_HEADS for h in lex.hits(name, words)), key=lambda h: h.first
    )
    if not heads:
        return len(words)
    named = {i for p in clause.people for i in range(p.first, p.last)}
    for index in range(heads[0].last, len(words) - 1):
        if words[index] not in _REMINDER_CUT:
            continue
        following = index + 1
        if words[following] in _BARE_QUE:
            following += 1
        if following in named or words[following] in {"me", "mi", "us", "nos"}:
            continue
        return index
    return len(words)


def _reminder_asked(clause: Clause) -> IntentType | None:
    """ "I need a reminder on friday at 5 to …", "que no se me olvide …", "pon una alarma …"."""
    lead = clause.lex.hits("reminder_lead", clause.words[:6])
    if not lead or (clause.question and lead[0].first > 0):
        return None
    return _create_reminder(clause)


def _scheduled_message(clause: Clause) -> IntentType | None:
    """ "mándale un audio a Pedro cada mañana a las 7 para que …": a message sent on a
    schedule is a reminder, read before the fixed rules take "audio" for a preference."""
    if not clause.has("send_verb") or not (clause.people or clause.everyone):
        return None
    if not clause.has("schedule_words") and not clause.has("message_noun"):
        return None
    return _create_reminder(clause)


def _recipients(clause: Clause) -> list[str]:
    if clause.everyone and not _everyone_in_the_text(clause):
        return ["everyone"]
    if addressed := _addressed_given(clause):
        return addressed
    # "send me a reminder on friday to close the till with Tom": a name inside what to
    # remember is not who is told.
    content = _content_start(clause)
    told = [p for p in clause.people if p.first < content]
    # "Tom keeps forgetting, send Tom a reminder …": one person named twice is told once.
    names = _once_each([_written(clause, p) for p in told])
    # "yo can you ping Claire …": a greeting that opens the message is not Spanish "yo".
    mine = [
        hit
        for hit in clause.lex.hits("mine", clause.words[:4])
        if hit.first or not clause.lex.hits("greeting", clause.words[:1])
    ]
    also_me = _a_mi(clause)
    clitic = _sender_told(clause)
    if mine or "me" in clause.words or also_me is not None or clitic is not None:
        # In the order said: "recuérdanos a mí y a Luis" is ["me", "Luis"].
        first_me = (
            mine[0].first
            if mine
            else clause.words.index("me")
            if "me" in clause.words
            else also_me
            if also_me is not None
            else clitic or 0
        )
        before = bool(told) and first_me < told[0].first
        if names and before:
            return ["me", *names]
        names = [*names, "me"] if names else ["me"]
    return names or ["me"]


def _once_each(names: Sequence[str]) -> list[str]:
    """Each person once, where first named ("tom" and "Tom" are the same person)."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(roster_fold(name), name)
    return list(seen.values())


_NOT_POSSESSED = frozenset({"el", "la", "los", "las", "que", "y", "e", "para", "de", "del"})


def _addressed_given(clause: Clause) -> list[str]:
    """ "Tom, I'll set you a reminder: …", "Lucía, te pongo un aviso …": the sender sets
    one for "you", and "you" is who the message opened by naming; the sender is not told."""
    given = clause.lex.hits("gives_you", clause.words)
    if not given or not clause.people or clause.people[0].first != 0:
        return []
    return [_written(clause, p) for p in clause.people if p.last <= given[0].first]


def _a_mi(clause: Clause) -> int | None:
    """Where "a mí" names the sender among who is told ("recuérdanos a Lucía y a mí el
    miércoles …"): "mí" with its accent, or "mi" that no noun follows (the possessive "a
    mi casa" has one), before what is to be remembered starts."""
    words = clause.words
    for index in range(1, len(words)):
        if words[index] in _REMINDER_CUT and index > 1 and words[index - 1] != "a":
            return None
        if words[index] != "mi" or words[index - 1] != "a":
            continue
        token = clause.tokens[index]
        accented = clause.text.original[token.start : token.end].lower() == "mí"
        following = words[index + 1] if index + 1 < len(words) else ""
        if accented or not following or following in _NOT_POSSESSED:
            return index
    return None


def _everyone_in_the_text(clause: Clause) -> bool:
    """ "ping me on sunday about the staff rota": "the staff" after the sender and "about"
    is part of what to remember, not who gets it."""
    verb = clause.lex.hits("reminder_verb", clause.words)
    if not verb or clause.words[verb[0].last : verb[0].last + 1] != ["me"]:
        return False
    cut = next(
        (i for i in range(verb[0].last, len(clause.words)) if clause.words[i] in _REMINDER_CUT),
        None,
    )
    everyone = clause.lex.hits("everyone", clause.words)
    return cut is not None and all(hit.first > cut for hit in everyone)


_REMINDER_CUT = frozenset(
    {"to", "that", "about", "que", "para", "de", "sobre", "saying", "diciendo", "diciendole"}
)  # "… a voice message saying the delivery is late": what the message says


_NAME_ARTICLES = frozenset({"o", "a", "el", "la", "al"})


def _reminder_text(rest: Text, clause: Clause) -> str:
    tokens = tokens_of(rest.folded)
    words = [t.text for t in tokens]
    lex = clause.lex
    skip: set[int] = set()
    told = () if _everyone_in_the_text(clause) else ("everyone",)
    for name in (
        "reminder_verb", "voice", *told, "schedule_words", "assign", "send_verb",
        "message_noun", "reminder_lead", "reminder_noun", "give_verb", "nudge",
        "title_filler", "reminder_arrives", "gives_you",
    ):  # fmt: skip
        for hit in lex.hits(name, words):
            skip.update(range(hit.first, hit.last))
    people = _people(tokens, clause.context)
    named: set[int] = set()
    for person in people:
        named.update(range(person.first, person.last))
    skip |= named
    # "lembra o Pedro …", "recuérdale al Pedro …": an article before a name is the name's
    skip.update(i for i in range(len(words) - 1) if words[i] in _NAME_ARTICLES and i + 1 in named)
    skip.update(_address_before_the_verb(words, lex))
    # "remind Claire to send the weekly log": after the reminder verb and its "to", the
    # words are what to remember, its own verb ("send", "text") included.
    reminded = {hit.first for hit in lex.hits("reminder_verb", words)}
    sent = {hit.first for hit in lex.hits("send_verb", words)}
    own_verbs = _own_giving_verbs(words, lex)
    start = 0
    for index, word in enumerate(words):
        if word == "mi" and index and words[index - 1] == "a":
            start = index + 1  # "a mí": the sender, said again
            continue
        if index in sent and any(first < index for first in reminded) and index - 1 in skip:
            break  # "recuérdale a Pedro enviar el pedido": sending is what to remember
        if index in skip or word in {
            "me",
            "send",
            "a",
            "an",
            "note",
            "y",
            "and",
            "mandale",
            "un",
            "audio",
            "tell",
            "him",  # "a voice message to remind him to open"
            "her",
            "them",
            "us",
        }:
            start = index + 1
            continue
        if (word in _REMINDER_CUT and _plain_word(rest.original, tokens[index])) or _elided_de(
            rest.folded, tokens[index]
        ):
            start = index + 1
            after_verb = any(first < index for first in reminded)
            if index + 1 in own_verbs:
                break  # "a voice note at 8 to set up the stall": setting up is the work
            if index + 1 in skip and (index + 1 in named or not after_verb):
                continue  # "a voice note to Lucía about …", "a message to remind him to …"
        break
    # "Tom keeps forgetting, can you send Tom a reminder … to turn on the sauna": the
    # reminder named, as much as the verb of reminding, ends the scene said before it.
    named_reminder = {hit.first for hit in lex.hits("reminder_noun", words)}
    start = _after_the_scene(rest.original, tokens, words, reminded | named_reminder, start)
    if start >= len(tokens):
        return ""
    body = tidy(rest.original[tokens[start].start :])
    return infinitive_first(
        drop_support_verb(body, clause.language), clause.language, subjunctive=True
    )


_GIVEN_REACH = 3
"""Words from a verb of giving to what it gives: "set me a reminder", "make us a note"."""


def _own_giving_verbs(words: Sequence[str], lex: Lexicon) -> set[int]:
    """ "… to set up the market stall", "… to make the sauces": a verb of giving
    ("set", "make") that gives no reminder or message soon after is the work's own verb,
    not the sender's way of asking for the reminder ("set me a reminder to …")."""
    given = [
        hit.first
        for name in ("reminder_noun", "message_noun", "voice")
        for hit in lex.hits(name, words)
    ]
    return {
        hit.first
        for hit in lex.hits("give_verb", words)
        if not any(0 < at - hit.first <= _GIVEN_REACH for at in given)
    }


def _after_the_scene(
    said: str, tokens: Sequence[Word], words: Sequence[str], reminded: set[int], start: int
) -> int:
    """ "Luis always forgets so remind him to turn off the irrigation", "the registrations
    always catch me out, can you ping me to check them": a scene said before the first
    reminder verb is not what to remember; that starts after the verb's own "to"/"que"."""
    if not reminded or min(reminded) < start:
        return start
    for index in range(min(reminded) + 1, len(words) - 1):
        if words[index] in _REMINDER_CUT and _plain_word(said, tokens[index]):
            if all(word in _OBJECT_PRONOUNS for word in words[index + 1 :]):
                return start  # "book the van, ping me about that": the request said again
            return index + 1
    return start


def _address_before_the_verb(words: Sequence[str], lex: Lexicon) -> set[int]:
    """ "yo can you remind me …", "mate, could you remind me …": a greeting, a vocative or
    the asking of a favour before the reminder verb is said to MinkOps, not remembered.
    After the verb the same words are the reminder's ("remind Tom you owe him")."""
    verb = lex.hits("reminder_verb", words) or lex.hits("reminder_lead", words)
    if not verb:
        return set()
    head = words[: verb[0].first]
    favour = ("favour_asked", "favour_link") if lex.has("favour_asked", head) else ()
    return {
        index
        for name in ("greeting", "ability", "vocative", *favour)
        for hit in lex.hits(name, head)
        for index in range(hit.first, hit.last)
    }


def _note_to_self(clause: Clause) -> IntentType | None:
    """ "add to my list: …", "apunta: …": a task for nobody in particular, read before
    the fixed rules take "add" for a new member."""
    note = clause.lex.hits("note_to_self", clause.words[:5])
    if note and note[0].first == 0 and ":" in clause.text.folded:
        return _create_task(clause)
    colon = clause.text.folded.find(":")
    if colon > 0 and clause.lex.covers("self_label", words_of(clause.text.folded[:colon])):
        # "for me: ring the client …", "para mí: llamar al gestor …": labelled as the
        # sender's own, a note to self.
        body = tidy(clause.text.original[colon + 1 :])
        return _task_from(clause, body, [], subjunctive=False) if body else None
    return None


_NAME_LINKS = frozenset(
    {"y", "e", "and", "n", "a", "or", "o", "with", "con", "plus", "also", "i"}  # "i": Catalan
)
"""What joins the names of a group ("Lucía y a Pedro"); a verb between two names ("Luis
should send Ana …") makes the second the work's object, not one more doer."""
_OBJECT_REACH_OF_A_PASSIVE = 12
"""How many words the object before a passive's modal may run to."""
_AGENT = frozenset({"by", "por"})
_BARE_OBJECTS = _SUBJECT_PRONOUNS | {"it", "this", "that", "esto", "eso", "todo", "everything"}
"""A passive's object that says nothing by itself ("it has to be done by Tom")."""
_SENTENCE_MARKS = (".", "!", "?", ":", "\n")


def _verb_of_state(word: str, language: str) -> str | None:
    """The verb whose work leaves a thing as `word` says: a participle ("checked" →
    "check", "revisada" → "revisar") or a state the lexicon lists ("limpia" → "limpiar")."""
    lex = lexicon()
    if word in lex.result_states:
        return lex.result_states[word]
    if language == "es":
        for ending in ("ado", "ada", "ados", "adas"):
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[: -len(ending)] + "ar"
        return None
    if word.endswith("ed"):
        return english_base(word)
    if word in lex.lemmas and not word.endswith(("ing", "s")):
        return lex.lemmas[word]  # "done", "taken", "sent"
    return None


def _passive_task(clause: Clause) -> IntentType | None:
    """Work said as the state its object must be left in, with who does it after "by"
    or named apart: "the medication log for flat 4 has to be checked by Claire tomorrow
    at 8am", "la nevera tiene que ser limpiada por Juan", "la vitrina tiene que quedar
    limpia hoy, João". The title is the verb of that state, then the object."""
    lex, words = clause.lex, clause.words
    if clause.question or clause.has("reminder_verb") or clause.has("reminder_noun"):
        return None
    for hit in lex.hits("modal", words):
        be = hit.last
        if hit.first == 0 or be + 1 >= len(words) or not lex.has("passive_be", words[be : be + 1]):
            continue
        verb = _verb_of_state(words[be + 1], clause.language)
        return None if verb is None else _passive_from(clause, hit.first, be + 2, verb)
    return None


def _passive_from(clause: Clause, modal: int, after: int, verb: str) -> IntentType | None:
    tokens, words, folded = clause.tokens, clause.words, clause.text.folded
    start = 0
    for index in range(1, modal):
        # "Our DBS checks are due. The list has to be sent …": the object is in the
        # sentence of its modal.
        if any(
            mark in folded[tokens[index - 1].end : tokens[index].start] for mark in _SENTENCE_MARKS
        ):
            start = index
    assignees: list[str] = []
    before = [p for p in clause.people if start <= p.first < modal]
    if before:
        lead = before[0]
        pause = folded[tokens[lead.last - 1].end : tokens[lead.last].start]
        if len(before) > 1 or lead.first != start or "," not in pause:
            return None  # a name inside the object: whose, not who
        assignees, start = [_written(clause, lead)], lead.last  # "João, the yard has to …"
    if not 0 < modal - start <= _OBJECT_REACH_OF_A_PASSIVE:
        return None
    if modal - start == 1 and words[start] in _BARE_OBJECTS:
        return None
    rest_start, rest_end = after, len(words)
    later = [p for p in clause.people if p.first >= after]
    if later and after < len(words) and words[after] in _AGENT and later[0].first == after + 1:
        assignees.append(_written(clause, later[0]))
        rest_start, later = later[0].last, later[1:]
    if later:
        named = _named_at_end(clause)
        if named is None or len(later) > len(named[1]) or assignees:
            return None  # someone else the work is about ("before Tom arrives")
        assignees, rest_end = named[1], later[0].first
    thing = clause.original(start, modal)
    if words[start] in DETERMINERS | ES_DETERMINERS:
        thing = thing[:1].lower() + thing[1:]  # "The list" opens the sentence, not the title
    rest = clause.original(rest_start, rest_end).rstrip(" ,-–:")
    return _task_from(clause, f"{verb} {thing} {rest}", assignees, subjunctive=False)


_VOLUNTEER_REACH = 3
"""How far into the message the call for a volunteer may start: "Che, ¿quién puede …?"."""


def _volunteer_asked(clause: Clause) -> int | None:
    """Where the work starts in a call for a volunteer ("is anyone free to pick up the
    pallets at 4?", "¿quién puede pasar a buscar las macetas?"): a question that asks
    for a doer, then the verb of the work (not a subject: "who can I ask" asks who)."""
    if clause.people:
        return None
    calls = clause.lex.hits("volunteer_asked", clause.words)
    if not calls or calls[0].last >= len(clause.words):
        return None
    if calls[0].first > _VOLUNTEER_REACH:
        # "we're out of milk, anyone able to grab some?": after a scene, a mark first.
        tokens, at = clause.tokens, calls[0].first
        if not any(
            mark in clause.text.folded[tokens[at - 1].end : tokens[at].start] for mark in ",.;:!?"
        ):
            return None
    after = clause.words[calls[0].last]
    if after in _SUBJECT_PRONOUNS or after in _BARE_YOU or clause.lex.has("question", [after]):
        return None
    return calls[0].last


def _create_task(clause: Clause) -> IntentType | None:
    lex = clause.lex
    words = clause.words
    if (volunteer := _volunteer_asked(clause)) is not None:
        body = tidy(clause.text.original[clause.tokens[volunteer].start :])
        made = _task_from(clause, body, [], subjunctive=False)
        # "¿quién puede venir mañana?" asks who is around: work has a verb and its object.
        if isinstance(made, CreateTask) and len(made.title.split()) > 1:
            return made
        return None
    # "can you …?" is a request; "what …?" is not, nor "qué hace Luis hoy?".
    if lex.hits("question", words[:3]) and not clause.has("assign"):
        return None
    if clause.asked and words[0] in _WH_WORDS:
        return None
    if clause.question and lex.has("question_start", words[:1]) and not clause.has("assign"):
        return None  # "is Luis done with the terrace": a yes/no question gives no work
    start: int | None = None
    assignees: list[str] = []
    subjunctive = False
    lead: datetime | None = None
    note = lex.hits("note_to_self", words[:5])
    if note and clause.people and clause.people[0].first - note[0].last in (0, 1):
        # "apunta que Juan Pérez tiene que llevar las cajas": noted for someone else.
        note = []
    if note:
        # "apunta una tarea: renovar el carnet": a short label, then the work.
        start = _colon_after(clause, note[0].last) or note[0].last
        if words[start : start + 2] == ["a", "mi"] and start + 2 < len(words):
            assignees, start = ["me"], start + 2  # "apúntame a mí lo de …": the sender's
    elif clause.people:
        first = clause.people[0]
        after = first.last
        if first.first > _OBJECT_BEFORE_A_NAME and (ended := _order_then_name(clause)):
            # "limpia la plancha Pedro, que está fatal": what follows the name is said
            # about the work, whatever word opens it.
            return _task_from(clause, ended[0], [ended[1]], subjunctive=False)
        # "Lucía y Pedro: …", "María López y Tom Baker que hagan …"
        group = [first]
        for person in clause.people[1:]:
            between = words[after : person.first]
            if len(between) <= 2 and _NAME_LINKS.issuperset(between):
                group.append(person)
                after = person.last
        assignees = [_written(clause, p) for p in group]
        if lex.hits("contracted_aux", words[after : after + 1]) and (
            (modal := lex.hits("modal", words[after + 1 : after + 4])) and modal[0].first == 0
        ):
            after += 1  # "Tom's gotta drop off the keys": "'s" is "has", not whose
        follow = lex.hits("assign", words[after : after + 4])
        labelled = _colon_after(clause, after)
        if labelled is not None and not follow:
            follow_start = labelled  # "Maria's job today: wipe all the menus"
            body_text = tidy(clause.text.original[clause.tokens[follow_start].start :])
            return _task_from(clause, body_text, assignees, subjunctive=False)
        timed = (
            first.first > 1
            and (
                _time_before(clause) is not None
                # "when you're done, Tom, mop the floor": a time clause said before the name
                or lex.covers("time_residue", words[: first.first])
            )
        )
        window = words[max(0, first.first - 3) : first.first]
        before = lex.hits("assign", window) or lex.hits("assign_before", window)
        # "right lads, Juan and Pedro, pick …", "we're out again 🙄 Pedro grab …": who is
        # addressed after words said to all, or after a scene ended by a mark, opens the
        # order as a name at the start does.
        addressed = first.first > 1 and _addressed_after(clause, first.first, after)
        if follow and follow[0].first == 0:
            start = after + follow[0].last
            # "(Tom,) necesito que mires …": a phrase ending in "que" asks a subjunctive too
            subjunctive = words[after] == "que" or words[start - 1] in _BARE_QUE
            if _causative_with_an_object(clause, start):
                start -= 1  # "Tom can you get the milk order in": "get" is the work
        elif before:
            start = after
            subjunctive = words[first.first - 1] == "que"
            if after < len(words) and words[after] in {"to", "que"}:
                start += 1
                subjunctive = subjunctive or words[after] == "que"
        elif first.first > 1 and after < len(words) and timed:
            start = after  # "el lunes a las 4 Tom hace el inventario"
        elif (first.first <= 1 or addressed) and after < len(words):
            start = after  # "João please clean …", "maria - buy …", "juan perez limpia …"
            if words[after] in {"to", "que"}:  # "Lucia to restock …"
                start += 1
                subjunctive = words[after] == "que"
            start += _you_are_doing(clause, start)
        asked_of = lex.hits("ability", words[after : after + 3])
        if start is None and asked_of and asked_of[0].first == 0 and first.first > 1:
            start = after + asked_of[0].last  # "the oven needs cleaning, Pedro can you …"
        resumed = first.first > 1 and _resumes_a_topic(clause, first.first, after)
        if start is None and resumed:
            start = after  # "the glasses, Tom put them away": the name, then the order
        if (
            start is not None
            and first.first > 1
            and not (before or follow or timed or asked_of or addressed)
        ):
            start = after if resumed else None
        if start is None and (inverted := _verb_before_the_doer(clause, first.first, after)):
            # "este sábado a las 9 abre Pedro el gimnasio": the verb said before its doer
            lead = _time_in(clause, 0, first.first - 1)
            return _task_from(clause, inverted, assignees, subjunctive=False, lead=lead)
    else:
        someone = lex.hits("someone", words)
        if someone and clause.question and _perfect_around(clause, someone[0].first):
            return None  # "has anyone seen my jacket?", "¿alguien ha visto mis llaves?"
        if (work := _work_before_anyone(clause)) is not None:
            return _task_from(clause, work, [], subjunctive=False)
        if someone and (
            someone[0].first - _thought_lead(clause) <= _SOMEONE_REACH
            or _only_a_time_before(clause, someone[0].first)
        ):
            start = _after_indefinite_subject(clause, someone[0].first, someone[0].last)
            subjunctive = True
            lead = _time_in(clause, 0, start)
            if _idle_verb_at(clause, start):
                return None  # "anyone see the match last night": chat, no work
        elif someone and _asked_after_a_scene(clause, someone[0]):
            # "laundry pickup is this afternoon, can someone count the towels": what is
            # so comes first; the work (and its time) is the request's alone.
            start = _after_indefinite_subject(clause, someone[0].first, someone[0].last)
            subjunctive = True
        elif clause.language == "en" and not clause.question:
            whole = clause.original(0, len(words))
            if object_first(whole, "en") != whole:
                start = 0  # "we need the windows cleaned before friday"
            elif _bare_order(clause):
                start = 0  # "write up the incident report from last night's visit"
    tail = _named_at_end(clause)
    if tail is not None and (start is None or start >= clause.people[-1].first):
        # "…, que lo haga Tom mañana": the work is before the name, not after it.
        return _task_from(clause, tail[0], tail[1], subjunctive=False)
    if start is None and (ended := _order_then_name(clause)) is not None:
        # "give the reception desk a wipe down João, it's all sticky": the order, then
        # who does it, unmarked.
        return _task_from(clause, ended[0], [ended[1]], subjunctive=False)
    if start is None or start >= len(words):
        return None
    if lex.has("soft_modal", words[start : start + 1]) and words[start + 1 : start + 2] in (
        ["t"],
        ["not"],
    ):
        return None  # "(reckon) Luis can't come in": what someone cannot do is no work
    reminded = lex.has("reminder_verb", words) and not _a_thing_sent(clause)
    if reminded or clause.has("reminder_noun"):
        return None
    body_text = tidy(clause.text.original[clause.tokens[start].start :])
    timed_out = find_time(
        body_text,
        timezone=clause.context.timezone,
        now=clause.context.now,
        default_time=_due_time(),
    )
    said_work = words_of(timed_out.rest if timed_out is not None else body_text)
    if clause.people and lex.covers("generic_work", said_work):
        # "the terrace awning needs fixing, can Juan Mora take a look (tomorrow)": the work
        # is the clause before, said about its object; the time stays with it.
        head = tidy(clause.text.original[: clause.tokens[clause.people[0].first].start])
        first_clause = tidy(head.split(",")[0])
        if first_clause and (
            object_first(first_clause, clause.language) != first_clause
            or _said_as_a_duty(first_clause)
        ):
            made = _task_from(clause, first_clause, assignees, subjunctive=subjunctive)
            if isinstance(made, CreateTask) and made.due is None and timed_out is not None:
                made = made.model_copy(update={"due": timed_out.at})
            return made
    if clause.people and clause.language == "en":
        body_text = _topic_for_pronoun(clause, body_text)
    return _task_from(clause, body_text, assignees, subjunctive=subjunctive, lead=lead)


_SOMEONE_REACH = 4
"""How far in the indefinite doer may stand: "we really need someone to …"."""


def _thought_lead(clause: Clause) -> int:
    """How many words the sender's thinking aloud takes at the start ("I was thinking we
    need someone to …"): said before the request, no part of its reach."""
    lead = clause.lex.hits("thought_lead", clause.words[:_SOMEONE_REACH])
    return lead[0].last if lead and lead[0].first == 0 else 0


_ANYONE_TAIL = 3
"""Words after "whoever" that say who it is: "whoever's free", "quien tenga un rato"."""


def _work_before_anyone(clause: Clause) -> str | None:
    """ "we need to get the ice machine serviced, whoever's free", "hace falta comprar
    bombillas, quien pueda": the work said first, then after a comma that anyone may do
    it. What the obligation ("we need to", "hace falta") is said of is the work."""
    lex, words, tokens = clause.lex, clause.words, clause.tokens
    someone = lex.hits("someone", words)
    if not someone or someone[-1].first < 2 or len(words) - someone[-1].first > _ANYONE_TAIL + 1:
        return None
    at = tokens[someone[-1].first].start
    comma = clause.text.original.rfind(",", tokens[someone[-1].first - 1].end, at)
    if comma < 0:
        return None
    duty = lex.hits("obligation", words[:3])
    start = duty[0].last if duty and duty[0].first == 0 else 0
    if start == 0 and not _bare_order(clause):
        return None  # "the fridge is dirty, anyone?": no work said
    return tidy(clause.text.original[tokens[start].start : comma])


_ADDRESS_LEADS = ("greeting", "vocative", "discourse_lead")
_MARKS_OF_A_BREAK = frozenset(".!?;")


_OBJECT_LINKS = frozenset(
    {"to", "for", "with", "from", "at", "by", "of", "about", "and", "or", "a", "para", "con"}
    | {"de", "al", "del", "por", "y", "e", "o", "tell", "ask", "call", "ring", "phone"}
)
"""Words after which a name is the work's object ("give the keys to João", "call Tom")."""
_OBJECT_BEFORE_A_NAME = 2
"""An order names its object before the one who does it: "clean the counter Maria"."""


def _order_then_name(clause: Clause) -> tuple[str, str] | None:
    """ "give the reception desk a wipe down João, it's all sticky", "clean the fish
    counter maria before close": an order opening the message, one name after its
    object with no mark, then nothing, a time, a comment after a pause, or a clause of
    time. The work (with the time) and the name."""
    if len(clause.people) != 1 or clause.question:
        return None
    person, words = clause.people[0], clause.words
    handed = words[person.first - 1] in _DONE_FOR
    if person.first <= _OBJECT_BEFORE_A_NAME or not (
        _an_order_verb(words[0]) or (handed and _an_infinitive(clause, words[0]))
    ):
        return None
    end = person.first
    if words[person.first - 1] in _OBJECT_LINKS:
        if not handed:
            return None
        end = person.first - 1  # "restock the napkins for Luis": who the order is for
    work = clause.original(0, end)
    if person.last >= len(words):
        return work, _written(clause, person)
    tokens = clause.tokens
    after = clause.text.original[tokens[person.last].start :]
    context = clause.context
    found = find_time(after, timezone=context.timezone, now=context.now)
    if found is not None and not tidy(found.rest):
        # "…for pedro, by 12 tmrw": a time after the name, pause or not, is the work's.
        return f"{work} {after}", _written(clause, person)
    pause = clause.text.folded[tokens[person.last - 1].end : tokens[person.last].start]
    if any(mark in pause for mark in _PAUSES):
        return work, _written(clause, person)  # the comment after the pause is no work
    if end < person.first:
        return None  # "buy flowers for Maria who is leaving": more than the order follows
    clause_of_time = clause.lex.hits("time_clause", words[person.last : person.last + 1])
    if clause_of_time or clause.lex.has("condition", words[person.last : person.last + 1]):
        return work, _written(clause, person)
    return None


_DONE_FOR = frozenset({"for", "para"})
"""A link after which the name ending an order is who does it ("print the flyers for
Lucia"): the order is handed to them."""


def _an_infinitive(clause: Clause, word: str) -> bool:
    """A Spanish infinitive the lexicon knows opens an order as a note does ("limpiar
    los cristales para Lucía")."""
    return (
        clause.language == "es"
        and word.endswith(INFINITIVE_ENDINGS)
        and (word in _known_infinitives())
    )


@cache
def _known_infinitives() -> frozenset[str]:
    lex = lexicon()
    return frozenset(lex.lemmas.values()) | frozenset(lex.imperative_lemmas.values())


def _you_are_doing(clause: Clause, at: int) -> int:
    """ "Claire you're taking the bins out tonight": a duty told as what the one spoken to
    is doing; the words of "you are" before the progressive, which is the work."""
    said = clause.lex.hits("you_are", clause.words[at : at + 3])
    if not said or said[0].first != 0:
        return 0
    verb = clause.words[at + said[0].last : at + said[0].last + 1]
    return said[0].last if verb and verb[0].endswith("ing") else 0


def _addressed_after(clause: Clause, name_at: int, after: int) -> bool:
    """The name opens the order though words come before it: words said to everyone
    ("right lads", "oye mira que el"), or a scene that a mark or an emoji ends ("we're out
    again 🙄 Pedro grab …"). After a scene, what follows the name must not be said of
    them ("…, Pedro is off", "…. Pedro said it's fine")."""
    words, tokens = clause.words, clause.tokens
    if clause.lex.covers_all(_ADDRESS_LEADS, words[:name_at]):
        return True
    between = clause.text.original[tokens[name_at - 1].end : tokens[name_at].start]
    broken = any(
        mark in _MARKS_OF_A_BREAK or not (mark.isalnum() or mark.isspace() or mark in ",'’\"-")
        for mark in between
    )
    if after >= len(words):
        return False
    said = words[after]
    if not broken and _paused_before_an_order(clause, name_at, after, between):
        return True
    if not broken:
        return False
    return not (
        clause.lex.has("comment_verb", [said])
        or clause.lex.has("past_simple", [said])
        or said.endswith("ed")
        or said in _COPULAS_OF_A_REPORT
    )


_COPULAS_OF_A_REPORT = frozenset({"is", "was", "s", "esta", "es", "estaba", "dijo", "said", "says"})


def _order_after_a_scene(clause: Clause) -> bool:
    """A name after a scene and a break, then an order's verb: work said to them, whatever
    nouns it has ("the allergy list")."""
    if not clause.people or clause.people[0].first < 1:
        return False
    first = clause.people[0]
    if not _opens_an_order(clause, first.last):
        return False
    tokens = clause.tokens
    between = clause.text.original[tokens[first.first - 1].end : tokens[first.first].start]
    return _addressed_after(clause, first.first, first.last) or _paused_before(
        clause, first.first, between
    )


def _opens_an_order(clause: Clause, at: int) -> bool:
    """The words at `at` open an order: its verb, "can you", "I need you to"."""
    said, lex = clause.words[at : at + 4], clause.lex
    if not said:
        return False
    if _an_order_verb(said[0]):
        return True
    return any(
        hits and hits[0].first == 0
        for hits in (lex.hits("ability", said), lex.hits("assign", said))
    )


def _paused_before_an_order(clause: Clause, name_at: int, after: int, between: str) -> bool:
    """ "the supplier dropped the ball again lol, María order 5 kilos of rice", "… im
    driving so Tom sweep the yard": a scene, a comma or a "so", then a name and the verb
    of an order said to them. A comma alone is no end of a scene ("the fridge, Pedro is
    off"): the order after the name must say so. ("can you", "I need you to" after the
    name are read where they are asked.)"""
    return _paused_before(clause, name_at, between) and _an_order_verb(clause.words[after])


def _paused_before(clause: Clause, name_at: int, between: str) -> bool:
    """A comma, or a "so" ("así que"), just before the name."""
    reach = max(0, name_at - _BREAK_REACH)
    breaks = clause.lex.hits("scene_break", clause.words[reach:name_at])
    return "," in between or bool(breaks and reach + breaks[-1].last == name_at)


def _bare_order(clause: Clause) -> bool:
    """A bare order with its object ("write up the incident report", "order more gloves")
    is work nobody is named for yet (an admin's to give, a staff member's own note): the
    verb of work opens the message, a thing follows it."""
    words = clause.words
    if len(words) < 2:
        return False
    verb = clause.lex.hits("work_verb", words[:3])
    if not verb or verb[0].first != 0 or verb[0].last >= len(words):
        return False
    return words[verb[0].last] not in _CAUSEE_PRONOUNS


_CAUSEE_PRONOUNS = frozenset({"him", "her", "them", "us", "me", "you", "it"})


def _causative_with_an_object(clause: Clause, start: int) -> bool:
    """A causative verb ("get", "have", "make") that ends the request wraps the work only
    when who is made to do it follows ("get Tom to …"); before an object it is the work
    itself ("can you get the croissant trays out of storage")."""
    words = clause.words
    if not 0 < start < len(words) or not clause.lex.has("causative", words[start - 1 : start]):
        return False
    if words[start] in _CAUSEE_PRONOUNS or any(p.first == start for p in clause.people):
        return False
    return not clause.lex.hits("someone", words[start : start + 1]) and not clause.lex.hits(
        "everyone", words[start : start + 2]
    )


def keeps_particle(text: str) -> bool:
    """ "switch the ovens on", "get the milk order in", "sign in": an English phrasal
    verb's particle (after its object, if any) is part of the work, not a preposition a
    time left behind."""
    words = words_of(text)
    lex = lexicon()
    for name in ("ability", "title_filler", "obligation"):  # "(can you) put the heating on"
        lead = lex.hits(name, words[:4])
        if lead and lead[0].first == 0:
            words = words[lead[0].last :]
    if words[:1] == ["to"]:
        words = words[1:]
    return (
        len(words) >= 2  # "sign in", "cash up": with no object between, too
        and lex.has("phrasal_verb", words[:1])
        and lex.has("particle", words[-1:])
        and not lex.has("particle", words[-2:-1])
        and not lex.has("dangling", words[-2:-1])
    )


_RELATIVES = frozenset({"whoever", "quien", "quienquiera"})
_SUBJECT_REACH = 6
"""How many words a relative subject may run to before its modal: "whoever is in first
tomorrow has to …", "el que entre primero mañana tiene que …"."""


def _after_indefinite_subject(clause: Clause, first: int, last: int) -> int:
    """Where the work starts after an indefinite or relative subject: after its contracted
    auxiliary and its modal ("someone's gotta restock …" → "restock …"); a relative
    subject has a verb of its own before the modal ("whoever closes tonight needs to mop
    …" → "mop …"), which is who, not what."""
    lex, words = clause.lex, clause.words
    start = last
    said = words[first:last]
    relative = bool(_RELATIVES.intersection(said)) or any(
        said[i] in _ARTICLES and said[i + 1] == "que" for i in range(len(said) - 1)
    )
    if relative or words[last : last + 1] in (["who"], ["that"], ["que"]):
        # "whoever closes tonight needs to mop …", "alguien que tenga coche tiene que ir
        # …": the relative clause is who; the work starts after the main modal.
        reach = lex.hits("modal", words[start : start + _SUBJECT_REACH + 2])
        if reach and reach[0].first <= _SUBJECT_REACH and start + reach[0].last < len(words):
            return start + reach[0].last
        if relative and (ordered := _order_after_a_relative(clause, start)) is not None:
            return ordered
    contracted = lex.hits("contracted_aux", words[start : start + 1])
    if contracted and start + 1 < len(words) and lex.hits("assign", words[start + 1 : start + 4]):
        start += 1
    modal = lex.hits("assign", words[start : start + 3])
    if modal and modal[0].first == 0:
        after = start + modal[0].last
        return after - 1 if _causative_with_an_object(clause, after) else after
    if start < len(words) and words[start] in _TO:
        return start + 1
    if start < len(words) and words[start] in _POST_LINKS:
        # "we need someone on the phone to call back …", "someone at the desk to greet
        # …": where they stand says who; the work starts after the "to".
        for at in range(start + 1, min(len(words) - 1, start + _POST_REACH + 1)):
            if words[at] in _TO:
                return at + 1
    return start


_TO = frozenset({"to", "2"})
_POST_LINKS = frozenset({"on", "in", "at", "behind"})
_POST_REACH = 4
"""How long the place a person is wanted at may be: "on the front desk"."""
"""The "to" before the work, as typed in a hurry: "need someone 2 fix …"."""


def _idle_verb_at(clause: Clause, at: int) -> bool:
    """A verb of knowing or seeing after an indefinite subject asks about the world
    ("anyone know if …", "alguien vio …"), unless "to" makes it work ("see to the boiler")."""
    words = clause.words
    return clause.lex.has("idle_verb", words[at : at + 1]) and words[at + 1 : at + 2] != ["to"]


def _asked_after_a_scene(clause: Clause, someone: Hit) -> bool:
    """An indefinite doer asked for after a scene: "… can someone …" (the modal before
    its subject opens a request of its own, even run on), or a break (a mark, a "so",
    an "así que") and then "someone has to …". Without the break the words before may
    be its own clause ("I doubt anyone has to …")."""
    words, tokens = clause.words, clause.tokens
    asked = someone.first - 1 if words[someone.first - 1] in _REQUEST_MODALS else someone.first
    modal = clause.lex.hits("modal", words[someone.last : someone.last + 3])
    # "the bin store really stinks, someone hose it down": after a break, the bare order
    # said to anyone, as after a name.
    ordered = someone.last < len(words) and _an_order_verb(words[someone.last])
    if asked == someone.first and not (modal and modal[0].first == 0) and not ordered:
        return False
    if asked < 1:
        return False
    if asked < someone.first:
        return True  # the modal before its subject opens a request of its own: no break
    between = clause.text.folded[tokens[asked - 1].end : tokens[asked].start]
    if any(mark in between for mark in ",.;:!?"):
        return True
    reach = max(0, asked - _BREAK_REACH)
    breaks = clause.lex.hits("scene_break", words[reach:asked])
    return any(reach + hit.last == asked for hit in breaks)


_BREAK_REACH = 2
"""The words of a break before a request: "so", "así que"."""


def _order_after_a_relative(clause: Clause, start: int) -> int | None:
    """ "whoever gets in first, put the kettle on": with no modal, the relative clause
    ends at a comma, and the order starts there."""
    words, tokens = clause.words, clause.tokens
    for at in range(start + 1, min(len(words), start + _SUBJECT_REACH + 2)):
        if "," in clause.text.folded[tokens[at - 1].end : tokens[at].start]:
            return at
    return None


def _verb_before_the_doer(clause: Clause, name_at: int, after: int) -> str | None:
    """ "este sábado a las nueve abre Pedro el gimnasio": a Spanish order verb between a
    whole time and the name, its object after the name: the work, verb first."""
    words = clause.words
    if clause.language != "es" or name_at < 2 or after >= len(words):
        return None
    if words[after] not in ES_DETERMINERS or not _an_order_verb(words[name_at - 1]):
        return None
    if not _only_a_time_before(clause, name_at - 1):
        return None
    return tidy(f"{clause.original(name_at - 1, name_at)} {clause.original(after, len(words))}")


def _only_a_time_before(clause: Clause, at: int) -> bool:
    """ "el domingo a las 10 que alguien riegue …": a whole time (and the "que" that
    follows it) before an indefinite subject, however many words it takes."""
    zone, now = clause.context.timezone, clause.context.now
    found = find_time(clause.original(0, at), timezone=zone, now=now)
    if found is None:
        return False
    left = [w for w in words_of(found.rest) if w not in _BARE_QUE]
    return not left or clause.lex.covers_all(("time_residue", "greeting"), left)


def _time_in(clause: Clause, first: int, last: int) -> datetime | None:
    """The time said among the words before the work ("in 20 min someone has to …",
    "whoever's in first tomorrow has to …"): the work's due time if it has none."""
    head = clause.original(first, last)
    if not head:
        return None
    found = find_time(
        head, timezone=clause.context.timezone, now=clause.context.now, default_time=_due_time()
    )
    return found.at if found is not None else None


_RESUMING = frozenset({"it", "them"})


def _resumes_a_topic(clause: Clause, name_at: int, after: int) -> bool:
    """A topic, a comma, a name, then work whose one "it"/"them" takes the topic up."""
    if clause.language != "en" or clause.question or after >= len(clause.words):
        return False
    head = clause.text.original[: clause.tokens[name_at].start].rstrip()
    if not head.endswith((",", "-", "–", ":")):
        return False
    return sum(w in _RESUMING for w in clause.words[after:]) == 1


def _topic_for_pronoun(clause: Clause, body: str) -> str:
    """ "the bins, Pedro can you take them out": a topic said first, before a comma and
    the name, is what the work's one "it"/"them" stands for."""
    name_at = clause.people[0].first
    if name_at < 1:
        return body
    head = clause.text.original[: clause.tokens[name_at].start].rstrip()
    if not head.endswith((",", "-", "–", ":")):
        return body
    topic = tidy(head.rstrip(",-–: "))
    if not topic or "," in topic or len(words_of(topic)) > 6:
        return body
    # "the fridge is filthy, Sam clean it out": the pronoun stands for the thing the
    # comment is about, not for the whole comment.
    topic = english_subject(topic) or topic
    said = body.split()
    spots = [i for i, w in enumerate(said) if w.lower().strip(".,!?") in _RESUMING]
    work = words_of(body)
    asked = clause.lex.hits("ability", work[:3])
    if asked and asked[0].first == 0:
        work = work[asked[0].last :]
    if not spots and len(work) == 1 and english_base(work[0]) is None:
        return f"{body} {topic}"  # "napkins - Tom please restock": the topic is the object
    if len(spots) != 1:
        return body
    said[spots[0]] = topic + said[spots[0]][len(said[spots[0]].rstrip(".,!?")) :]
    return " ".join(said)


def _perfect_around(clause: Clause, index: int) -> bool:
    near = clause.words[max(0, index - 1) : index + 2]
    return clause.lex.has("perfect_aux", near)


_LABEL_REACH = 4
"""How many words may label a task before its colon: "Maria's job today: …"."""


def _colon_after(clause: Clause, after: int) -> int | None:
    """The index of the first word after a colon that closes a short label following
    the people, or None."""
    if after >= len(clause.tokens) or after == 0:
        return None
    start = clause.tokens[after - 1].end
    for index in range(after, min(len(clause.tokens), after + _LABEL_REACH + 1)):
        between = clause.text.folded[start : clause.tokens[index].start]
        # "a las 12:45", "at 8:30am": a colon between hours and minutes (the minutes may
        # carry their "am") tells the time, no label
        clock = between == ":" and clause.tokens[index].text[:1].isdigit() and index > 0
        if ":" in between and not (clock and clause.tokens[index - 1].text.isdigit()):
            return index if index > after else None
        start = clause.tokens[index].end
    return None


def _said_as_a_duty(said: str) -> bool:
    """ "hay que limpiar la vitrina", "il faut nettoyer …", "we have to clean …": the
    work said as what must be done, by nobody named (a taker follows)."""
    words = words_of(said)
    duty = lexicon().hits("obligation", words[:3])
    return bool(duty) and duty[0].first == 0 and duty[0].last < len(words)


def _turn_to(words: Sequence[str]) -> int | None:
    """ "toca limpiar la parrilla": Spanish "it is time to" before an infinitive, which is
    the work ("toca el timbre" is an order of its own, kept)."""
    turn = lexicon().hits("turn_to", words[:2])
    if not turn or turn[0].first != 0 or turn[0].last >= len(words):
        return None
    return turn[0].last if words[turn[0].last].endswith(INFINITIVE_ENDINGS) else None


def _named_at_end(clause: Clause) -> tuple[str, list[str]] | None:
    """ "clean the grill - Juan", "limpiar la parrilla: Juan Mora y Pedro Sánchez": the
    work, then who does it (one person or several joined), after a dash, comma or colon."""
    if not clause.people or clause.question:
        return None
    group = _group_at_end(clause)
    if len(group) != len(clause.people):
        return None
    last = group[0]
    after = ""
    if group[-1].last < len(clause.words) and not clause.lex.covers(
        "time_residue", clause.words[group[-1].last :]
    ):
        # "…, que lo haga Tom mañana": a time may follow the name; it goes with the work.
        # "…, Juan Mora cuando puedas": whenever suits says no time, and goes.
        after = clause.text.original[clause.tokens[group[-1].last].start :]
        context = clause.context
        found = find_time(after, timezone=context.timezone, now=context.now)
        if found is None or tidy(found.rest):
            return None
    if last.first < 2:
        return None
    cut = clause.tokens[last.first].start
    # "…, give it to Juan Mora", "…, que lo haga Pedro": the handing-over words go too.
    handed = clause.lex.hits("hand_to", clause.words[max(0, last.first - 4) : last.first])
    verb = ""
    handed_over = bool(handed) and max(0, last.first - 4) + handed[-1].last == last.first
    if handed_over:
        cut = clause.tokens[max(0, last.first - 4) + handed[-1].first].start
    elif (resumed := _resumed_object(clause, last.first)) is not None:
        cut, verb = resumed
    head = clause.text.original[:cut].rstrip()
    topic = clause.lex.hits("referred", clause.words[:2])
    if (
        topic
        and topic[0].first == 0
        and clause.words[topic[0].last].endswith(INFINITIVE_ENDINGS)
        and clause.tokens[topic[0].last].start < cut
    ):
        # "lo de llamar al proveedor que lo haga Pedro": the work set up as a topic needs
        # no comma, and "lo de" is no part of it.
        head = f"{head[clause.tokens[topic[0].last].start :].rstrip(' -,:–')},"
    # "… los sillones. Que lo haga María": handed over in words, a sentence of its own
    # names who as well as a comma would.
    ends = ("-", ",", ":", "–", ".") if handed_over else ("-", ",", ":", "–")
    if not head.endswith(ends):
        return None
    if verb:
        # "servilletas, que las reponga Tom": the topic is the object of the verb.
        head = f"{verb} {head.rstrip('-,:– ')}"
    names = [_written(clause, person) for person in group]
    return tidy(f"{head} {after}" if after else head), names


def _group_at_end(clause: Clause) -> list[Person]:
    """The people named last, joined by "y"/"and" or commas: "Juan Mora y Pedro Sánchez"."""
    group = [clause.people[-1]]
    for person in reversed(clause.people[:-1]):
        between = clause.words[person.last : group[0].first]
        if len(between) > 1 or not _NAME_LINKS.issuperset(between):
            break
        group.insert(0, person)
    return group


def _resumed_object(clause: Clause, name_at: int) -> tuple[int, str] | None:
    """ "las copas, que las limpie Juan": a topic said first, then taken up again by an
    object pronoun before a subjunctive verb; the cut before "que" and the infinitive."""
    lead = name_at - 3
    words = clause.words
    if clause.language != "es" or lead < 1 or words[lead] not in {"que", "q"}:
        return None
    if words[lead + 1] not in OBJECT_CLITICS:
        return None
    said = clause.original(lead + 2, lead + 3)
    verb = infinitive_first(said, "es", subjunctive=True)
    if verb == tidy(said):
        return None
    return clause.tokens[lead].start, verb


def _task_from(
    clause: Clause,
    body_text: str,
    assignees: list[str],
    *,
    subjunctive: bool,
    lead: datetime | None = None,
) -> IntentType | None:
    context = clause.context
    due = None
    body_text = time_put_right(body_text, timezone=context.timezone, now=context.now)
    found = find_time(
        body_text, timezone=context.timezone, now=context.now, default_time=_due_time()
    )
    if found is not None and (own := _time_before_a_comment(body_text, clause)) is not None:
        found = own  # "…, the evening rush starts at 5": the comment's time is its own
    if found is not None and _genitive_time(body_text, found.rest):
        found = None  # "las fichas de los pacientes de hoy": today's files, no due
    if found is not None and found.rest:
        rest = drop_reason_after_time(body_text, found.rest)
        if clause.language == "en":
            rest = _comment_after_the_time(body_text, rest)
        body_text, due = drop_dated_occasion(body_text, rest), found.at
        head = _time_before(clause) or lead
        if head is not None and found.explicit_time and not found.explicit_date:
            # "for tomorrow Luis should prep the salads by 11": the day said before the
            # name, the hour after it: one due time.
            zone = ZoneInfo(context.timezone)
            day = head.astimezone(zone).date()
            due = datetime.combine(day, found.at.astimezone(zone).timetz().replace(tzinfo=None))
            due = due.replace(tzinfo=zone)
    elif (head := _time_before(clause) or lead) is not None:
        due = head
    title = infinitive_first(
        object_first(drop_support_verb(_trim_title(body_text), clause.language), clause.language),
        clause.language,
        subjunctive=subjunctive,
        imperative=True,
    )
    if not title:
        return None
    if clause.people:
        # "la bomba pierde agua. Juan, que la revise": the clitic is the pump.
        said_before = clause.text.original[: clause.tokens[clause.people[0].first].start]
        title = antecedent_in_place(title, said_before, clause.language)
    if clause.language == "es":
        # "los tintes caducados hay que tirarlos": the object said before the duty.
        title = fronted_object_in_place(title, clause.text.original)
    # "Pedro... no, mejor Tom. Tom, encuaderna …": the name put right, then said again to
    # address the order, is one doer.
    assignees = list(dict.fromkeys(assignees))
    return CreateTask(title=title, assignees=assignees, due=due)


def _comment_after_the_time(said: str, rest: str) -> str:
    """ "hoover the lobby rug b4 3 the coach group checks in then": the time said between
    the work and a comment ends the work as a comma would; `rest` (the time taken out)
    without the comment, or as it was when what follows is no comment."""
    cut = 0
    for a, b in zip(said, rest, strict=False):
        if a != b:
            break
        cut += 1
    head, tail = rest[:cut].rstrip(), rest[cut:].strip()
    if not words_of(head) or not words_of(tail) or head.endswith(tuple(_PAUSES)):
        return rest
    return head if _drop_comment(f"{head}, {tail}") == tidy(head) else rest


def _time_before_a_comment(body: str, clause: Clause) -> FoundTime | None:
    """The hour said in the work when a comment after it says a time of its own
    ("refill the stations at half four, the evening rush starts at 5"); None when the
    comment is not cut or the work says no hour without it."""
    work = _drop_comment(body)
    if work == body:
        return None
    context = clause.context
    own = find_time(work, timezone=context.timezone, now=context.now, default_time=_due_time())
    # "wrap the 30 bouquets, they need to be done by noon": a number is no hour, and the
    # comment's hour is the work's.
    return own if own is not None and own.explicit_time else None


def _last_sentence(said: str) -> str:
    """ "Buenas. El cliente está molesto. Mañana a las 4" → "Mañana a las 4": what the
    sentences before it told is no part of the one that names the person."""
    cut = max(said.rfind(f"{mark} ") for mark in _SENTENCE_MARKS[:3])
    return said[cut + 2 :] if cut >= 0 else said


_GENITIVE_TIMES = (
    ("de", "hoy"),
    ("de", "la", "manana"),
    ("de", "la", "tarde"),
    ("de", "la", "noche"),
)


def _genitive_time(body: str, rest: str) -> bool:
    """ "el instrumental de la mañana", "las fichas de los pacientes de hoy": a day or a
    part of it after a noun, ending the work and all the time found in it, says which
    things (the morning's), not when; with an hour ("a las nueve de la mañana") the time
    found is more than it, and it is time."""
    words = words_of(Text.of(body).folded)
    kept = words_of(Text.of(rest).folded)
    for phrase in _GENITIVE_TIMES:
        cut = len(words) - len(phrase)
        if cut < 2 or tuple(words[cut:]) != phrase or kept != words[:cut]:
            continue
        return True
    return False


def _time_before(clause: Clause) -> datetime | None:
    """A time said before the people, and nothing else but the "que" that introduces
    them ("mañana a las 7 y media que Pedro dé de comer …")."""
    first = clause.people[0].first if clause.people else 0
    if first and clause.words[first - 1] in _BARE_QUE:
        first -= 1
    head = _last_sentence(clause.original(0, first))
    if not head:
        return None
    zone, now = clause.context.timezone, clause.context.now
    head = time_put_right(head, timezone=zone, now=now)  # "at 7 no wait 7:30, Pedro …"
    found = find_time(head, timezone=zone, now=now)
    if found is None:
        return None
    # "mañana a las 7 y media que Pedro dé de comer…": the "que" that opens the clause
    # with the person is no word of the time's, and none of the work's.
    left = [w for w in words_of(found.rest) if w not in _BARE_QUE]
    # "first thing tomorrow Pedro unload …": a time of the day said in words is time too;
    # "Ei! Mañana a las 10 Claire …": a greeting before it is said to everyone.
    if not left or clause.lex.covers_all(("time_residue", "greeting"), left):
        return found.at
    # "Tomorrow 6:30 am batch, Lucía to open …": a short label with its time, set off by
    # a comma or a colon, says when (a verb in it would make it a scene).
    tokens = clause.tokens
    pause = clause.text.folded[tokens[first - 1].end : tokens[first].start]
    labelled = "," in pause or ":" in pause
    short = len(left) <= _LABEL_NOUNS and not clause.lex.has("comment_verb", left)
    return found.at if labelled and short and found.explicit_time else None


_LABEL_NOUNS = 2
"""How many words besides its time a label before the name may have: "6:30 batch"."""


def _due_time() -> time:
    """A task due "tomorrow" is due by the end of that day."""
    return time(23, 59)


_ARTICLES = frozenset({"el", "la", "los", "las", "the"})
"""A leading article belongs to the work ("se encargan de la terraza" → "la terraza")."""

# How soon or how kindly, said last: "llama al cerrajero ya" is "llamar al cerrajero".
_TITLE_TAIL = (
    "asap",
    "urgente",
    "urgent",
    "porfa",
    "please",
    "pls",
    "por favor",
    "thanks",
    "ya",
    "ya mismo",
)


_OF = frozenset({"de", "del"})
_TIME_LINKS_OF = frozenset({"antes", "despues", "partir", "cerca", "alrededor", "luego"})


def _said_of_a_noun(words: Sequence[str], at: int) -> bool:
    """ "(la pizarra de clases) de la semana que viene": a time after a noun and "de"
    says which thing (next week's), not when; "antes de esta tarde" is when."""
    return at >= 3 and words[at - 1] in _OF and words[at - 2] not in _TIME_LINKS_OF


def _drop_edges(body: str, names: Sequence[str]) -> str:
    """Drop phrases of the word classes `names` from both ends of `body`."""
    lex = lexicon()
    for _ in range(8):
        body = tidy(body)
        tokens = tokens_of(Text.of(body).folded)
        words = [t.text for t in tokens]
        if not words:
            return body
        cut = False
        for name in names:
            hits = lex.hits(name, words)
            article = words[0] in _ARTICLES and hits and hits[0].last == 1
            if hits and hits[0].first == 0 and not article and _plain_word(body, tokens[0]):
                body = body[tokens[hits[0].last - 1].end :] if hits[0].last < len(words) else ""
                cut = True
                break
            joined = (
                body[tokens[hits[-1].first].start - 1 : tokens[hits[-1].first].start]
                if hits
                else ""
            )
            if hits and hits[-1].last == len(words) and joined != "-":
                # "the walk-in", "the set-up": a word joined by a hyphen is no preposition
                if hits[-1].first == len(words) - 1 and keeps_particle(body):
                    continue  # "bring the deliveries in": the verb's particle
                if _said_of_a_noun(words, hits[-1].first):
                    continue  # "la pizarra de clases de la semana que viene": whose
                if _names_an_event(words, hits[-1]):
                    continue  # "for parents evening": the event, not when
                body = body[: tokens[hits[-1].first].start]
                cut = True
                break
        if not cut:
            return tidy(body)
    return tidy(body)


def _names_an_event(words: Sequence[str], hit: Hit) -> bool:
    """A part of the day after a plural noun names an event ("parents evening", "members
    morning"); after a day, a "this" or a preposition it is when ("friday evening")."""
    if hit.first != len(words) - 1 or hit.first < 1:
        return False
    said = words[hit.first - 1]
    return (
        lexicon().has("day_part", words[hit.first :])
        and len(said) > _SHORT_PLURAL
        and said.endswith("s")
        and not said.endswith("days")
        and not lexicon().has("time_residue", [said])
    )


_SHORT_PLURAL = 3
""""its", "was", "has": too short to be a plural noun naming an event."""


def _elided(folded: str, token: Word) -> bool:
    """A word that lost its vowel to the next word's ("d'appeler", "l'entrée"); "pa'
    mañana", with a space after, is a word cut short on its own."""
    after = folded[token.end : token.end + 2]
    return after[:1] in _APOSTROPHES and after[1:].isalpha()


def _elided_de(folded: str, token: Word) -> bool:
    """French "de" before a vowel, "d'" ("rappelle-moi d'appeler …"): the same link."""
    return token.text == "d" and _elided(folded, token)


def _plain_word(body: str, token: Word) -> bool:
    """The word is written as its folded form reads: "dé" (give) is not the link "de"."""
    return body[token.start : token.end].lower() not in lexicon().accented_lemmas


_OBJECT_PRONOUNS = frozenset(
    {"me", "us", "him", "her", "them", "it", "that", "this", "about", "of"}
)
"""What may follow a request said again: its object, and what it is about ("remind me
about it")."""


def _drop_tail(body: str, names: Sequence[str]) -> str:
    """Drop a phrase of the classes `names` that ends `body`: "llamar al banco, que no se
    me olvide", "regar los semilleros, avísame" (the request said again after the work)."""
    tokens = tokens_of(Text.of(body).folded)
    words = [t.text for t in tokens]
    end = len(words)
    while end > 1 and words[end - 1] in _OBJECT_PRONOUNS:
        end -= 1  # "renew the licence, remind me": the verb's object is the sender
    for name in names:
        hits = lexicon().hits(name, words)
        if hits and hits[-1].last in (end, len(words)) and hits[-1].first > 0:
            gap = body[tokens[hits[-1].first - 1].end : tokens[hits[-1].first].start]
            paused = any(mark in gap for mark in ",;?!¿¡")  # "… pa', ¿oíste?": set off
            if words[hits[-1].first - 1] in _LEADING_LINKS | _PLACE_LINKS and not paused:
                continue  # "set up the hall for PE": a preposition's object, no tag
            if words[hits[-1].first - 1] in DETERMINERS | _ARTICLES:
                continue  # "sign the PO": a determiner's noun, not the tag "po"
            return tidy(body[: tokens[hits[-1].first].start].rstrip(" ,;-"))
    return body


def _modifies_a_noun(body: str, tokens: Sequence[Word], after: int) -> bool:
    """ "the staff rota": the group names a thing here, it is not who is told (who is
    told is followed by a link, "and", a punctuation mark, or nothing)."""
    if after >= len(tokens) or tokens[after].text in _LEADING_LINKS | _AND:
        return False
    return not body[tokens[after - 1].end : tokens[after].start].strip() and after > 0


_AND = frozenset({"y", "and", "e", "&"})
_CHAT_AND = frozenset({"n"})
"""Between two names only: "Lucia n Maria"."""
_TOPIC = frozenset({"about", "sobre"})
_CHAT_TO = frozenset({"2"})
_LEADING_LINKS = frozenset(
    {"to", "that", "que", "q", "para", "about", "de", "sobre", "for", "a", "on", "at", "saying"}
    | {"diciendo", "diciendole", "por"}
)  # "on", "at": left by a time taken out ("set a weekly reminder on fridays for …")


def _asks_for_voice(message: Text) -> bool:
    """ "remind me by voice …", "mándale un audio …": the reminder goes as a voice note,
    unless voice is refused ("no audio")."""
    words = words_of(message.folded)
    lex = lexicon()
    return lex.has("voice", words) and not lex.has("text_only", words)


_COUNTS = ("schedule_words",)
"""Classes in which "todos"/"every" counts times ("todos los sábados"), not people."""


def refine_reminder(
    intent: CreateReminder,
    context: UnderstandingContext,
    language: str,
    message: Text | None = None,
) -> CreateReminder:
    """Finish a reminder the fixed rules read: "remind everyone to …" is for everyone,
    "recuérdale a maria y a tom …" for both, and the text starts at its verb ("que pida
    el vino" → "pedir el vino")."""
    lex = lexicon()
    body = intent.text
    if len(body.split()) > MAX_WORDS:
        return intent
    recipients = list(intent.recipients)
    said_me = False
    for _ in range(6):
        tokens = tokens_of(Text.of(body).folded)
        words = [t.text for t in tokens]
        if not words:
            break
        everyone = lex.hits("everyone", words)
        people = _people(tokens, context)
        if (
            everyone
            and everyone[0].first <= 1
            and lex.has_outside("everyone", _COUNTS, words)
            and (
                lex.covers("everyone_pronoun", words[everyone[0].first : everyone[0].last])
                or not _modifies_a_noun(body, tokens, everyone[0].last)
            )
        ):
            recipients = ["everyone"]
            end = everyone[0].last
        elif words[0] in {"y", "and", "e", "a", "for", "para"} and people and people[0].first <= 2:
            named = tidy(body[tokens[people[0].first].start : tokens[people[0].last - 1].end])
            if recipients == ["me"] and not said_me:
                recipients = [named]
            elif roster_fold(named) not in {roster_fold(r) for r in recipients}:
                recipients = [*recipients, named]
            end = people[0].last
        elif words[:2] in (["a", "mi"], ["to", "me"], ["for", "me"], ["para", "mi"]) or (
            words[0] in _AND and words[1:3] in (["a", "mi"], ["me"], ["to", "me"])
        ):
            recipients = recipients if "me" in recipients else [*recipients, "me"]
            said_me = True  # "recuérdame a mí y a Pedro", "… a Tom y a mí": the sender
            end = 2 + (words[0] in _AND and words[1] != "me")
        elif (
            (residue := lex.hits("time_residue", words[:3]))
            and residue[0].first == 0
            and words[0] not in _BARE_QUE  # "que viene el inspector": a clause, not a time
        ):
            end = residue[0].last
        elif (lead := lex.hits("reminder_lead", words[:5])) and lead[0].first == 0:
            end = lead[0].last
        elif (
            (filler := lex.hits("title_filler", words[:3]))
            and filler[0].first == 0
            and filler[0].last < len(words)
        ):
            end = filler[0].last  # "remind me like every friday … (like) to do the wages"
        elif lex.has("frequency", words[:1]):
            end = 1  # "(recordatorio) semanal los lunes …": the schedule said it
        elif (voiced := lex.hits("by_voice", words[:6])) and voiced[0].first == 0:
            end = voiced[0].last  # "remind me by voice … to open": how, not what
        elif (
            (
                words[0] in _LEADING_LINKS
                and _plain_word(body, tokens[0])
                and not _opens_a_time(body, context)
            )
            or lex.hits("reminder_noun", words[:1])
            or ((verb := lex.hits("reminder_verb", words[:2])) and verb[0].first == 0)
        ):
            end = 1
        elif words[0] in _CHAT_TO and len(words) > 1 and lex.has("work_verb", words[1:2]):
            end = 1  # "remind maria 2 check the till": chat's "2" for "to" before a verb
        elif words[0] in {"a", "an", "un", "una"} and lex.hits("reminder_noun", words[1:2]):
            end = 2
        elif (duty := lex.hits("obligation", words[:3])) and duty[0].first == 0:
            end = duty[0].last  # "que hay que recoger el pedido", "that I have to call …";
            # "que hay reunión" keeps its "hay"
        else:
            break
        body = body[tokens[end - 1].end :] if end < len(tokens) else ""
        if end == 1 and words[0] in _TOPIC:
            break  # "about the staff rota": what follows is the topic, not who is told
    told = [(p.first, p.last) for p in _people(tokens_of(Text.of(body).folded), context)]
    body = reminder_tails.doers_before_the_work(reminder_tails.request_after_the_work(body, told))
    body = infinitive_first(
        drop_support_verb(
            _drop_tail(
                _drop_edges(_without_delivery_clause(body), ("time_residue", "by_voice")),
                ("reminder_lead", "reminder_verb", "tail_filler"),
            ),
            language,
        ),
        language,
        subjunctive=True,
    )
    # "… to check the ladder straps, we had a near miss last week": a comment after what
    # to remember says why, as after a task's work.
    body = _drop_comment(body, cut_when=False) or body
    if message is not None and intent.delivery is None and _asks_for_voice(message):
        intent = intent.model_copy(update={"delivery": "voice"})
    if body == intent.text and recipients == list(intent.recipients):
        return intent
    return intent.model_copy(update={"text": body, "recipients": recipients})


def _without_delivery_clause(body: str) -> str:
    """ "collect the uniforms, and send it as a voice message, he doesn't read texts": a
    clause after a comma saying how to send the reminder is not what it says, and what
    follows it comments on that."""
    lex = lexicon()
    tokens = tokens_of(Text.of(body).folded)
    words = [t.text for t in tokens]
    for hit in lex.hits("by_voice", words):
        comma = body.rfind(",", 0, tokens[hit.first].start)
        if comma <= 0:
            continue
        between = [i for i, t in enumerate(tokens) if comma < t.start < tokens[hit.first].start]
        said = [words[i] for i in between]
        if said and lex.covers_all(("delivery_link", "send_verb"), said):
            return tidy(body[:comma])
    # "renew the van insurance, voice message please coz …": the medium named alone,
    # straight after a comma, is how to send it.
    for hit in lex.hits("voice", words):
        before = body[: tokens[hit.first].start].rstrip()
        if hit.first > 1 and before.endswith(",") and _only_comment_after(words, hit.last):
            return tidy(before[:-1])
    return body


def _only_comment_after(words: Sequence[str], end: int) -> bool:
    """Nothing after the medium, or a reason opening ("coz i never read texts")."""
    return end == len(words) or lexicon().has("because", words[end : end + 1])


_TIME_LINKS = frozenset({"a", "on", "at"})


def _opens_a_time(body: str, context: UnderstandingContext) -> bool:
    """ "(que) a las 10 viene el camión", "(that) on saturday we open": the link opens a
    time inside what is said, which the reminder keeps whole. (A time already taken out
    leaves its link alone: "remind me on | to …".)"""
    said = words_of(body)
    if not said or said[0] not in _TIME_LINKS:
        return False
    found = find_time(body, timezone=context.timezone, now=context.now)
    return found is not None and words_of(found.rest)[:1] != said[:1]


def refine_member_name(name: str, context: UnderstandingContext) -> str:
    """A name the fixed rules read too far ("Tom del equipo, ya no viene") cut to the
    roster person it starts with."""
    tokens = tokens_of(Text.of(name).folded)
    people = _people(tokens, context)
    if people and people[0].first == 0 and people[0].last < len(tokens):
        return tidy(name[: tokens[people[0].last - 1].end])
    return name


def refine_task(
    intent: CreateTask, message: Text, language: str, context: UnderstandingContext
) -> CreateTask:
    """Finish a task the fixed rules read: a Spanish subjunctive after "que" becomes its
    infinitive ("encárgale a Tom que compre el pan" → "comprar el pan"), English work
    said about its object reads verb-first ("the grease trap needs emptying"), and a name
    set off at the end ("task: defrost the freezer, Pedro") is who does it."""
    if not intent.assignees and (given := _given_in_a_sentence_after(intent.title, context)):
        # "crea una tarea: reponer los bidones. Para Lucía, el martes"
        intent = intent.model_copy(update={"title": given[0], "assignees": given[1]})
    if not intent.assignees and len(intent.title.split()) <= MAX_WORDS:
        tokens = tokens_of(Text.of(intent.title).folded)
        clause = Clause(
            Text.of(intent.title),
            tokens,
            [t.text for t in tokens],
            _people(tokens, context),
            context,
            lexicon(),
            language,
        )
        named = _named_at_end(clause)
        if named is not None:
            intent = intent.model_copy(update={"title": named[0], "assignees": named[1]})
    if (repaired := _repaired(intent.title)) != intent.title:
        intent = intent.model_copy(update={"title": repaired})  # "… tres no espera … cuatro"
    title = intent.title
    # "tarea: pedir papel A3 para la semana que viene": a time said in words at the end
    # of a labelled task is when, as after any other order ("every morning" says how
    # often, which the title keeps).
    schedule = lexicon().has("schedule_words", words_of(Text.of(title).folded))
    if not schedule and (timed := _drop_edges(title, ("time_residue",))) != title and timed:
        intent = intent.model_copy(update={"title": timed})
        title = timed
    if (commented := _drop_comment(title)) != title and commented:
        intent = intent.model_copy(update={"title": commented})
        title = commented
    if language == "es" and (unbound := _without_own_duty(title)) != title:
        # "que yo mañana a las 9 tengo que ir al banco, apúntamelo": with the time out, the
        # sender's "yo tengo que" is left before the work, and is none of it.
        intent = intent.model_copy(update={"title": unbound})
        title = unbound
    if language == "es" and (fronted := fronted_object_in_place(title, title)) != title:
        intent = intent.model_copy(update={"title": fronted})  # "la nevera hay que limpiarla"
        title = fronted
    if (based := _progressive_base(title)) != title:
        # "I'll take care of restocking the shelf, put it under my name": the labelled
        # work said as a gerund reads as the order it is ("restock the shelf").
        intent = intent.model_copy(update={"title": based})
        title = based
    folded_title = Text.of(title).folded
    at = message.folded.find(folded_title) if folded_title else -1
    before = words_of(message.folded[max(0, at - 12) : at]) if at > 0 else []
    subjunctive = bool(before) and before[-1] in {"que", "q"}
    refined = object_first(title, language)
    if subjunctive:
        refined = infinitive_first(refined, language, subjunctive=True)
    if refined == title or not refined:
        return intent
    return intent.model_copy(update={"title": refined})


def _without_own_duty(title: str) -> str:
    tokens = tokens_of(Text.of(title).folded)
    duty = lexicon().hits("obligation", [t.text for t in tokens][:_DUTY_REACH])
    if duty and duty[0].first == 0 and duty[0].last < len(tokens):
        return tidy(title[tokens[duty[0].last].start :])
    return title


_BENEFICIARY = frozenset({"para", "for"})


def _given_in_a_sentence_after(
    title: str, context: UnderstandingContext
) -> tuple[str, list[str]] | None:
    """ "reponer los bidones. Para Lucía": a sentence after the work that is only "for"
    and names says who does it."""
    head, mark, tail = title.rpartition(". ")
    tokens = tokens_of(Text.of(tail).folded)
    if not mark or not head.strip() or len(tokens) < 2 or tokens[0].text not in _BENEFICIARY:
        return None
    people = _people(tokens, context)
    said = {i for p in people for i in range(p.first, p.last)}
    if not people or any(
        i not in said and t.text not in _NAME_LINKS for i, t in enumerate(tokens[1:], 1)
    ):
        return None
    return tidy(head), [tidy(tail[tokens[p.first].start : tokens[p.last - 1].end]) for p in people]


def _an_order_verb(word: str) -> bool:
    """A word the lexicon knows as the verb of an order: "empty", "wash", "barre"."""
    lex = lexicon()
    return (
        lex.has("work_verb", [word])
        or lex.has("phrasal_verb", [word])
        or word in lex.imperative_lemmas
        or word in lex.lemmas
    )


def _order_after_scene(title: str) -> str:
    """ "(Tom is on) bath duty today, wash the two schnauzers", "the dryers are full of
    lint, empty the filters": what is so, said first, then a comma and an order: the
    work is the order. A title that opens with its own verb ("clean the fridge, wipe the
    shelves") is all work and stays whole."""
    tokens = tokens_of(Text.of(title).folded)
    if len(tokens) < 3 or _an_order_verb(tokens[0].text) or "," not in title:
        return title
    words = [t.text for t in tokens]
    for at in range(1, len(tokens) - 1):
        if "," not in title[tokens[at - 1].end : tokens[at].start]:
            continue
        verb = at + _asked_of_them(words, at)
        if verb < len(words) and _an_order_verb(words[verb]):
            return tidy(title[tokens[verb].start :]) if _a_scene(words[:at]) else title
    return title


def _asked_of_them(words: Sequence[str], at: int) -> int:
    """How many words ask for the order at `at`: "can you (both)", "could you all"."""
    asked = lexicon().hits("ability", words[at : at + 3])
    if not asked or asked[0].first != 0:
        return 0
    return asked[0].last + (
        words[at + asked[0].last : at + asked[0].last + 1] in (["both"], ["all"])
    )


_SCENE_REACH = 3
"""How long a bare noun phrase set before an order may be: "bath duty today"."""


def _a_scene(words: Sequence[str]) -> bool:
    """What is so: a clause with a verb of being or happening ("the dryers are full"),
    or a few words naming a thing ("bath duty today", "(on) the bar tonight"). A verb the
    lexicon does not know, then its object's article ("wax the floor"), is none."""
    if lexicon().has("comment_verb", words):
        return True
    return len(words) <= _SCENE_REACH and not set(words[1:]) & (DETERMINERS | _ARTICLES)


_BARE_YOU = frozenset({"you", "u", "tu"})
_SUBORDINATE = frozenset({"when", "once", "after", "cuando", "en", "despues", "quand", "quando"})


_CAUSAL = frozenset({"since", "as"})
_CLAUSE_SUBJECTS = frozenset(
    {"it", "its", "they", "theyre", "we", "were", "he", "hes", "she", "shes", "i", "im", "there"}
    | {"the", "that", "thats", "this"}
)


_PRONOUN_SUBJECTS = frozenset(
    {"i", "you", "u", "we", "they", "he", "she", "it", "there", "were", "theyre", "its"}
)


def _opens_a_clause(words: Sequence[str], hit: Hit) -> bool:
    """ "… antes de que llueva", "… before we open": a conjunction of time after the work
    (never its first words) that opens a clause of its own, which says when, not what.
    "Before" with a noun ("before the inspection") may name the work's occasion; only a
    pronoun subject after it, or a "que", marks a clause."""
    if hit.first < 2 or hit.last >= len(words):
        return False
    if words[hit.last] in DETERMINERS | _ARTICLES:
        # "before the inspector comes": a subject with its verb, not an occasion; "before
        # the lunch rush", "before the evening classes": a time of the day, not an occasion
        at = hit.last + 2
        return lexicon().has(
            "comment_verb", words[at : at + _SUBJECT_REACH_AFTER_PAUSE]
        ) or lexicon().has("day_part", words[hit.last + 1 : hit.last + 3])
    return (
        words[hit.last - 1] in _BARE_QUE | {"cuando"}
        or words[hit.last] in _PRONOUN_SUBJECTS
        # "help out on the job after your first one": the doer's own round dates the work
        or words[hit.last] in _YOUR
    )


_YOUR = frozenset({"your", "ur", "yr"})


def _drop_comment(title: str, *, cut_when: bool = True) -> str:
    """ "take the bins out, they stink", "llama al cerrajero urgente que no cierra la
    puerta": a clause after the work that says why or comments on it (after a comma, or
    straight after a word of urgency) is not part of the title. A "que" that hands the
    work on ("…, que lo haga Tom", "que se encargue Pedro") is not a comment. A reminder
    keeps a clause of when (`cut_when` False): "sweep the yard before the shop opens" is
    what to remember."""
    lex = lexicon()
    tokens = tokens_of(Text.of(title).folded)
    words = [t.text for t in tokens]
    urgent = {hit.last for hit in lex.hits("urgency", words)}
    # "…or they won't get collected": a warning of what follows if the work is not done
    # is a reason given backwards, cut as one.
    reason = sorted(
        hit.first
        for name in ("because", "or_else")
        for hit in lex.hits(name, words)
        if hit.first >= 2
    )
    if reason:
        title = tidy(title[: tokens[reason[0] - 1].end])
        tokens, words = tokens[: reason[0]], words[: reason[0]]
    happened = _what_happened_to_it(title, tokens, words)
    if happened:
        title = tidy(title[: tokens[happened - 1].end])
        tokens, words = tokens[:happened], words[:happened]
    when = [hit.first for hit in lex.hits("time_clause", words) if _opens_a_clause(words, hit)]
    if when and cut_when:
        title = tidy(title[: tokens[when[0] - 1].end])
        tokens, words = tokens[: when[0]], words[: when[0]]
    leads = _comment_leads(title, tokens, words)
    # "…, que se mueren": what befalls the thing, a lead of its own right after the "que"
    befalls = {hit.first - 1 for hit in leads}
    for hit in leads:
        at = hit.first
        if (
            at < 2
            or (
                words[at] in _BARE_QUE
                and words[at + 1 : at + 2]
                and (words[at + 1] in CLITICS)
                and at not in befalls
                and not _says_how_much_it_is(words, at)
                # "…, que las viejas están rotas": an article, its noun, then a verb of being
                # says why; "que las lave Tom" hands the work on.
                and not lex.has("comment_verb", words[at + 3 : at + 3 + _SUBJECT_REACH_AFTER_PAUSE])
            )
        ):
            continue
        pause = _paused(title, tokens, at)
        # "fix the door since it's stuck": "since"/"as" before a subject give a reason
        # ("since monday", "as soon as" do not: no subject follows).
        causal = (
            words[at] in _CAUSAL and words[at + 1 : at + 2] and (words[at + 1] in _CLAUSE_SUBJECTS)
        )
        stated = _says_how_much_it_is(words, at)
        # "llama al técnico a ver si puede venir": a hope said after the work needs no comma
        hoped = lex.covers("hope_lead", words[at : hit.last])
        looks = _how_it_looks(words, hit)
        if (
            pause
            or hoped
            or at in urgent
            or causal
            or stated
            or looks
            or _says_what_is_going_on(words, hit)
        ):
            return tidy(title[: tokens[at - 1].end])
    said = _said_about_something(title, tokens, words, urgent)
    return tidy(title[: tokens[said - 1].end]) if said else title


def _comment_leads(title: str, tokens: Sequence[Word], words: Sequence[str]) -> list[Hit]:
    """The lexicon's `comment_lead`s, a phrase read across a comma split at it: in "llama
    al cerrajero ya, no podemos abrir" the "ya no" is an urgency, then the comment's "no"."""
    lex = lexicon()
    leads: list[Hit] = []
    for hit in lex.hits("comment_lead", words):
        split = next((i for i in range(hit.first + 1, hit.last) if _paused(title, tokens, i)), 0)
        if split and lex.covers("comment_lead", words[split : hit.last]):
            hit = Hit(split, hit.last)
        leads.append(hit)
    return leads


_DATIVES = frozenset({"me", "te", "le", "nos", "os", "les"})
_PERFECT = frozenset({"ha", "han", "habia", "habian"})
"""A "que se ha dejado la cartera" is done already: what befell, as a past would say."""


def _what_happened_to_it(title: str, tokens: Sequence[Word], words: Sequence[str]) -> int:
    """ "cambiar la lamparita que se quemó", "podar los olivos, que se nos echa el tiempo
    encima": a "que se" with a verb in the past ("quemó") or with whom it happens to
    ("nos") says what befell the thing or the speaker; a "que se" that hands the work on
    takes a subjunctive ("que se encargue Tom"). 0 when there is none."""
    for at in range(2, len(words) - 2):
        if words[at] not in _BARE_QUE:
            continue
        # "…, que siempre se me pasa": a word of how often may stand before the "se"
        often = lexicon().hits("how_often", words[at + 1 : at + 3])
        se = at + 1 + (often[0].last if often and often[0].first == 0 else 0)
        if se + 1 >= len(words) or words[se] != "se":
            continue
        verb = title[tokens[se + 1].start : tokens[se + 1].end].lower()
        if words[se + 1] in _DATIVES | _PERFECT or (verb.endswith("ó") and len(verb) > len("dió")):
            return at
    return 0


_CONTRACTED_BE = frozenset({"s", "re"})
_COMPLEMENTIZERS = frozenset({"sure", "whether", "if", "that", "when", "what", "how", "why"})


_INTENSIFIERS = frozenset({"muy", "super", "re", "tan", "demasiado", "bastante", "mas"})
_SUPERLATIVES = ("isimo", "isima", "isimos", "isimas")


_JUDGED_REACH = 4
"""How far a judgement may stand after its verb: "que hacen un ruido rarísimo"."""


def _says_how_much_it_is(words: Sequence[str], at: int) -> bool:
    """ "corta el césped que está altísimo", "…que están muy sucias", "…que huelen fatal",
    "…que hacen un ruido rarísimo": a "que" and a verb of being or doing with an
    intensified state or a judgement is the speaker's why; a plain one ("la plancha que
    está sucia") tells which thing, and stays. So does what someone said ("… que la
    dueña dijo que …")."""
    lex = lexicon()
    if words[at] not in _BARE_QUE or at + 1 >= len(words):
        return False
    if lex.has("report", words[at + 1 : at + 1 + _JUDGED_REACH]):
        return True
    if not lex.has("comment_verb", words[at + 1 : at + 2]):
        return False
    said = words[at + 2 : at + 2 + _JUDGED_REACH]
    if words[at + 1] in ("esta", "estan") and said[:1] and said[0] in _INTENSIFIERS:
        return True
    return any(w.endswith(_SUPERLATIVES) for w in said) or lex.has("judgement", said)


def _says_what_is_going_on(words: Sequence[str], hit: Hit) -> bool:
    """ "call the repair lads about the cooler it's making that noise again": a pronoun
    and a contracted "is"/"are" with a verb in -ing (or "been") say what is happening,
    with no comma needed; "make sure it's working" asks for that state."""
    after = words[hit.last : hit.last + 1]
    if _in_a_bad_state(words, hit):
        return True
    return (
        hit.last - hit.first == 2
        and words[hit.last - 1] in _CONTRACTED_BE
        and words[hit.first - 1] not in _COMPLEMENTIZERS
        and bool(after)
        and (after[0].endswith("ing") or after[0] == "been")
    )


def _how_it_looks(words: Sequence[str], hit: Hit) -> bool:
    """ "wash the vans they look a state": a pronoun and a verb of how a thing looks,
    smells or seems say why, no comma needed; "check if they look ok" asks for it."""
    return (
        hit.first >= 2
        and words[hit.first] in _CLAUSE_SUBJECTS
        and words[hit.first - 1] not in _COMPLEMENTIZERS
        and lexicon().has("appearance_verb", words[hit.last : hit.last + 1])
    )


def _in_a_bad_state(words: Sequence[str], hit: Hit) -> bool:
    """ "refill the sugar pots theyre all empty": a pronoun with "is"/"are" (run together
    or not), a word of degree, then a bad state ending the message says why, no comma
    needed."""
    lex = lexicon()
    if hit.first < 2 or not lex.has("pronoun_be", words[hit.first : hit.last]):
        return False
    rest = words[hit.last :]
    if rest[:1] and lex.has("degree", rest[:1]):
        rest = rest[1:]
    return len(rest) == 1 and lex.has("bad_state", rest)


_SUBJECT_REACH_AFTER_PAUSE = 4
"""How many words a subject said after a comma may run to: "the guests in room 5"."""


def _said_about_something(
    title: str, tokens: Sequence[Word], words: Sequence[str], urgent: set[int]
) -> int:
    """Where a clause about something else starts after a comma ("change the sheets, the
    guests arrive at 3", "barre la entrada, los clientes llegan a las 9"): a determiner, a
    few words, then one of the lexicon's `comment_verb`s. A list after the comma ("the
    shelves and the door") has no such verb and stays. 0 when there is none."""
    lex = lexicon()
    for at in range(2, len(words) - 1):
        # "call the repair guy ASAP the big printer is jammed": a word of urgency ends
        # the order as a comma would.
        if not _paused(title, tokens, at) and at not in urgent:
            continue
        if words[at] in DETERMINERS | _ARTICLES:
            verb = lex.hits("comment_verb", words[at + 2 : at + 2 + _SUBJECT_REACH_AFTER_PAUSE])
            if verb:
                return at
        elif _bare_subject_clause(words, at) or _part_or_name_said_about(title, tokens, at):
            return at
        if _contracted_state(words, at):
            return at
    return 0


def _contracted_state(words: Sequence[str], at: int) -> bool:
    """ "…, next group's booked in", "…, the new lot're delivered at 3": a few words of
    subject, a contracted "is"/"are", then a participle: how things stand, not work (no
    verb of work or "sure"/"if" before it: "…, make sure it's cleaned" asks for it)."""
    lex = lexicon()
    for k in range(at + 1, min(at + 1 + _SUBJECT_REACH_AFTER_PAUSE, len(words) - 1)):
        said = words[k - 1]
        if (
            said in _COMPLEMENTIZERS
            or lex.has("work_verb", [said])
            or lex.has("phrasal_verb", [said])
        ):
            return False
        if words[k] in _CONTRACTED_BE:
            state = words[k + 1]
            return len(state) > 4 and state.endswith("ed")
    return False


def _part_or_name_said_about(title: str, tokens: Sequence[Word], at: int) -> bool:
    """ "…, half of them are shot", "…, Juan did it the last 3 times": a part of what was
    named, or a person named in capitals, as the subject of a `comment_verb`."""
    lex = lexicon()
    words = [t.text for t in tokens]
    part = lex.hits("part_of", words[at : at + 3])
    if part and part[0].first == 0:
        reach = words[at + part[0].last : at + part[0].last + _SUBJECT_REACH_AFTER_PAUSE]
        return lex.has("comment_verb", reach)
    named = title[tokens[at].start : tokens[at].start + 1].isupper()
    return named and lex.has("comment_verb", words[at + 1 : at + 2])


_PAUSES = (",", "\u2014", "\u2013", " - ", ";")


def _paused(title: str, tokens: Sequence[Word], at: int) -> bool:
    """A comma, a dash or a semicolon before the word: where a comment may start ("reset
    the lockers — guests lost the codes")."""
    between = title[tokens[at - 1].end : tokens[at].start]
    return any(mark in between for mark in _PAUSES)


def _bare_subject_clause(words: Sequence[str], at: int) -> bool:
    """A clause with no article after the comma: a plural noun with its verb ("…,
    colours came out wrong", "…, stains stayed in"), or in Spanish the verb alone in the plural, its subject
    the things just named ("revisa las lavadoras, hacen un ruido raro"); an order to many
    is said in the subjunctive ("limpien"), which no `comment_verb` is."""
    lex = lexicon()
    word = words[at]
    if lex.has("comment_verb", words[at : at + 1]) and word.endswith("n"):
        return True
    if at + 2 < len(words) and plural(words[at + 1]) and lex.has("comment_verb", [words[at + 2]]):
        word, at = words[at + 1], at + 1  # "…, new guests arriving at noon": one adjective
    many = plural(word)
    verb = words[at + 1]
    if _singular_says(word, verb):
        return True  # "…, client wants a quote friday": its article dropped in a hurry
    # "colours came out wrong", "guests checking in at 2": a past or a bare progressive
    said = len(verb) > 4 and verb.endswith(("ed", "ing"))
    return many and not lex.has("work_verb", [word]) and (said or lex.has("comment_verb", [verb]))


def _singular_says(word: str, verb: str) -> bool:
    """A noun that is no verb of an order, then a comment verb in the third person
    ("client wants", "van needs"): a clause about something."""
    return (
        verb.endswith("s")
        and len(verb) > _SHORT_VERB
        and not plural(word)
        and not _an_order_verb(word)
        and lexicon().has("comment_verb", [verb])
    )


_SHORT_VERB = 3
""""is", "has", "was" are said of anything; a verb of what someone does is longer."""


def _order_after_a_sentence(title: str) -> str:
    """ "(Lucía,) grand job yesterday. Today can you do the bouquets": praise or a scene
    said as a sentence of its own, then the order: the work is the order."""
    head, mark, tail = title.partition(". ")
    if not mark or not tail.strip():
        return title
    words = words_of(Text.of(head).folded)
    if not words or _an_order_verb(words[0]):
        return title
    # praise opens with a word of thanks ("grand", "lovely", "great"); a scene is short
    praised = lexicon().has("ack", words[:1])
    return tidy(tail) if (praised or _a_scene(words)) and _asks_for_work(tail) else title


def _asks_for_work(said: str) -> bool:
    """The sentence asks for work: after any words of time ("today", "tomorrow"), a
    request ("can you") or the verb of an order; "see you tomorrow" is no work."""
    lex = lexicon()
    words = words_of(Text.of(said).folded)
    at = 0
    while at < len(words) and (
        lex.has("today", words[at : at + 1]) or lex.has("time_residue", words[at : at + 1])
    ):
        at += 1
    rest = words[at:]
    asked = lex.hits("ability", rest[:3])
    if asked and asked[0].first == 0 and rest[0] not in _BARE_YOU:
        return True
    return bool(rest) and _an_order_verb(rest[0])


_DUTY_REACH = 6
"""How long a duty said before the work may be: "tu tarea de mañana es (ordenar …)"."""


def _repaired(title: str) -> str:
    """ "… de Pocitos no perdón de Carrasco" → "… de Carrasco": the words after a slip
    put right replace those before it from where both open alike; with nothing
    after it (the right time was read out of the title), the number before it goes."""
    tokens = tokens_of(Text.of(title).folded)
    words = [t.text for t in tokens]
    repair = lexicon().hits("self_repair", words)
    if not repair or repair[0].first < 2:
        return title
    first, last = repair[0].first, repair[0].last
    if last >= len(words):
        # "… for the Edinburgh job at 7 no wait (half 7)": the slip was the hour
        end = first
        while end > 1 and (words[end - 1].isdigit() or words[end - 1] in _TIME_LINKS_BEFORE):
            end -= 1
        return tidy(title[: tokens[end - 1].end]) if end < first else title
    # where the words before share the longest opening with the words after; the
    # latest such place when several do ("de la mudanza de Pocitos … de Carrasco")
    best, shared = 0, 0
    for at in range(1, first):
        same = 0
        while at + same < first and last + same < len(words):
            if words[at + same] != words[last + same]:
                break
            same += 1
        if same and same >= shared:
            best, shared = at, same
    if not shared:
        return title
    return tidy(f"{title[: tokens[best].start]}{title[tokens[last].start :]}")


def _trim_title(title: str) -> str:
    title = _drop_greeting(title)
    title = _drop_finish_by(_repaired(_order_after_a_sentence(without_stammers(title))))
    title = _drop_tail(title, ("tail_filler", "note_again"))  # "… instruments so yeah"
    # "a ver si (esta tarde) limpias …": a wrapper that opens with a preposition goes
    # before the edges are trimmed, or its "a" would go alone.
    title = _drop_aside(title)
    title = _drop_lead(title, "title_filler")
    title = _drop_vocative(title)  # "(Lucía,) mi arma, riega los geranios"
    title = _drop_comment(_drop_edges(title, ("time_residue", "dangling")))
    # "limpie la sala ahorita, hay pelos por todos lados": the time said before the
    # comment ends the work once the comment is out.
    title = _order_after_scene(_drop_edges(title, ("time_residue", "dangling")))
    # "tell Pedro at 6 to start the dough": once the time is out, the "to" that joined
    # the person to the work is left in front of it; so is an obligation ("que tengo que").
    for _ in range(2):
        tokens = tokens_of(Text.of(title).folded)
        words = [t.text for t in tokens]
        duty = lexicon().hits("obligation", words[:_DUTY_REACH])
        if len(words) > 1 and words[0] in {"to", "que", "that"}:
            title = title[tokens[1].start :]
        elif duty and duty[0].first == 0 and duty[0].last < len(words):
            title = title[tokens[duty[0].last].start :]
        elif (turn := _turn_to(words)) is not None:
            title = title[tokens[turn].start :]
    title = _progressive_base(title)
    # "when you get in, can you check the oil": the work is after the clause.
    first = title.split(" ", 1)[0].casefold()
    if roster_fold(first) in _SUBORDINATE and "," in title:
        title = tidy(title.split(",", 1)[1])
    elif roster_fold(first) in _SUBORDINATE:
        # "when you're at the shop this afternoon could you get milk": no comma, but the
        # request's own "could you" opens the main clause.
        tokens = tokens_of(Text.of(title).folded)
        said = [t.text for t in tokens]
        asked = lexicon().hits("ability", said)
        # the pronoun alone ("when you're in") is the clause's subject, not the request
        request = [
            hit
            for hit in asked
            if said[hit.first] not in _BARE_YOU or hit.last - hit.first > 1
            if hit.first > 0 and hit.last < len(tokens)
        ]
        if request:
            title = title[tokens[request[0].first].start :]
        elif len(said) > 2 and said[1] in _YOUR and (verb := _order_after_an_occasion(said)):
            # "after your morning delivery drop the keys off": the doer's own round,
            # then the order's verb with its object.
            title = title[tokens[verb].start :]
    tokens = tokens_of(Text.of(title).folded)
    words = [t.text for t in tokens]
    for name in ("ability", "title_filler"):
        lead = lexicon().hits(name, words[:5])
        if lead and lead[0].first == 0 and lead[0].last < len(words):
            title = title[tokens[lead[0].last].start :]
            tokens = tokens_of(Text.of(title).folded)
            words = [t.text for t in tokens]
    if words[:2] == ["lo", "de"] and len(words) > 2 and words[2].endswith(INFINITIVE_ENDINGS):
        title = title[tokens[2].start :]  # "lo de cambiar las sábanas": the work as a topic
    # "(Claire) you're taking the bins out": the "you" went as a request's; the rest is
    # a progressive like any other.
    title = _progressive_base(title)
    tokens = tokens_of(Text.of(title).folded)
    words = [t.text for t in tokens]
    urgent = lexicon().hits("urgency", words[1:4])
    if urgent and urgent[0].first == 0 and urgent[0].last + 1 < len(words):
        # "fumigue al tiro el patio", "limpia ya mismo la plancha": how soon, said after
        # the verb, is none of the work.
        title = f"{title[: tokens[0].end]} {title[tokens[urgent[0].last + 1].start :]}"
    modal = lexicon().hits("soft_modal", words[:1])
    if modal and len(words) > 1 and words[1] not in {"t", "not"}:
        # "(María) podrá hacer la caja?", "(Tom) could give the van a wash": the modal
        # asks for the work; the work is the verb after it.
        title = title[tokens[1].start :]
    tokens = tokens_of(Text.of(title).folded)
    title = _polite_gerund(title, tokens)
    changed = True
    while changed:
        changed = False
        folded = title.casefold()
        for tail in _TITLE_TAIL:
            if folded.endswith(" " + tail) or folded == tail:
                title = tidy(title[: len(title) - len(tail)])
                changed = True
                break
    for cut in ("?", "!"):
        title = title.split(cut)[0]
    for opening in ("¿", "¡"):
        # "pintar la pared, ¿alguien se apunta?": a question of its own after the work.
        head, mark, _ = title.partition(opening)
        if mark and head.rstrip().endswith((",", ".", ";")) and words_of(head):
            title = head.rstrip(" ,.;")
    # "book the truck, if possible? they moved the date": a hedge that closed the
    # question is only found once the sentence after it is gone.
    return tidy(_drop_tail(_drop_sign_off(title), ("tail_filler",)))


_GREETING_ENDS = ("!", ",", ".", ":")


def _drop_greeting(title: str) -> str:
    """ "(hola Lucía) buenos días!! porfa haz el pedido": a greeting said to the person
    after their name, closed by a mark, is no part of the work."""
    tokens = tokens_of(Text.of(title).folded)
    said = lexicon().hits("greeting", [t.text for t in tokens][:3])
    if not said or said[0].first != 0 or said[0].last >= len(tokens):
        return title
    between = title[tokens[said[0].last - 1].end : tokens[said[0].last].start]
    return (
        tidy(title[tokens[said[0].last].start :])
        if between.strip().startswith(_GREETING_ENDS)
        else title
    )


_OCCASION_WORDS = 5
"""How long the doer's own occasion may run: "after your second drop of the day"."""


def _order_after_an_occasion(words: Sequence[str]) -> int | None:
    """Where the order starts after "after your …": the first verb of work that takes
    an object ("drop the keys", "hose down the yard"), so a noun that may be a verb
    ("break") is passed."""
    lex = lexicon()
    for at in range(2, min(len(words) - 1, 2 + _OCCASION_WORDS)):
        verb = lex.has("work_verb", words[at : at + 1]) or lex.has(
            "phrasal_verb", words[at : at + 1]
        )
        thing = at + 1 + lex.has("particle", words[at + 1 : at + 2])  # "hose down the yard"
        if verb and words[thing : thing + 1] and words[thing] in DETERMINERS:
            return at
    return None


def _drop_finish_by(title: str) -> str:
    """ "bake the cake, have it ready (tomorrow by 4)", "montar los centros, (a las 5) los
    quiero listos": with its time gone, a clause after a comma that only says the work
    must be finished by then is no part of the work ("get the room ready" is)."""
    for _ in range(_FINISH_CLAUSES):
        head, mark, tail = title.rpartition(",")
        if not (mark and words_of(head) and lexicon().covers("finish_by", words_of(tail))):
            break
        title = tidy(head)
    return title


_FINISH_CLAUSES = 2
"""", done by 4, is that ok": at most two such clauses close the work (a bound, so a run
of ", done" costs no more)."""


def _drop_sign_off(title: str) -> str:
    """ "wrap the cabinet, ideally, tidy": a sign-off set off by a comma at the end."""
    head, mark, tail = title.rpartition(",")
    said = words_of(Text.of(tail).folded)
    if mark and words_of(Text.of(head).folded) and lexicon().covers("sign_off", said):
        return tidy(head)
    return title


def _progressive_base(title: str) -> str:
    """ "(Juan) is doing the terrace tomorrow", "(Tom)'s doing the van": a present
    progressive arranges future work, which the title says in the base form ("do the
    terrace"); so does a gerund with its object ("(in charge of) restocking the bar")."""
    tokens = tokens_of(Text.of(title).folded)
    words = [t.text for t in tokens]
    # "re-string the cable": a prefix joined by a hyphen is no contracted "are"
    joined = len(words) > 1 and bool(title[tokens[0].end : tokens[1].start].strip())
    be = {"is", "are"} | (set() if joined else _CONTRACTED_BE)
    if len(words) > 2 and words[0] in be and words[1].endswith("ing"):
        base = english_base(words[1])
        if base is not None:
            return tidy(f"{base} {title[tokens[2].start :]}")
    elif len(words) > 2 and words[0].endswith("ing") and words[1] in DETERMINERS:
        base = english_base(words[0])
        if base is not None:
            return tidy(f"{base} {title[tokens[1].start :]}")
    return title


def _drop_vocative(title: str) -> str:
    """A word of address set off by a comma before the work ("mi amor, riega …", "che,
    barré …") is said to the person, not part of the work."""
    tokens = tokens_of(Text.of(title).folded)
    lead = lexicon().hits("vocative", [t.text for t in tokens][:3])
    if not lead or lead[0].first != 0 or lead[0].last >= len(tokens):
        return title
    between = title[tokens[lead[0].last - 1].end : tokens[lead[0].last].start]
    # "(Tom) lad can u get the boards out": no comma, but the request that follows says
    # the word was one of address.
    asked = lexicon().hits("ability", [t.text for t in tokens][lead[0].last : lead[0].last + 3])
    request = bool(asked) and asked[0].first == 0
    return tidy(title[tokens[lead[0].last].start :]) if "," in between or request else title


def _drop_aside(title: str) -> str:
    """ "(Luis,) ya pues, hay que lavar …": an agreeing word said alone before a comma
    opens no work."""
    folded = Text.of(title).folded
    tokens = tokens_of(folded)
    words = [t.text for t in tokens]
    end = 0
    while end < len(words) - 1 and lexicon().has("aside_word", words[end : end + 1]):
        end += 1
    if end and "," in folded[tokens[end - 1].end : tokens[end].start]:
        return title[tokens[end].start :]
    return title


def _drop_lead(title: str, name: str) -> str:
    """The title without a phrase of class `name` that opens it (when work follows)."""
    tokens = tokens_of(Text.of(title).folded)
    lead = lexicon().hits(name, [t.text for t in tokens][:5])
    if lead and lead[0].first == 0 and lead[0].last < len(tokens):
        return title[tokens[lead[0].last].start :]
    return title


def _polite_gerund(title: str, tokens: Sequence[Word]) -> str:
    """ "(would Pedro) mind taking the bins out": a polite wrapper that asks for the work
    as a gerund; the work is the gerund's verb in the base form."""
    words = [t.text for t in tokens]
    lead = lexicon().hits("gerund_wrapper", words[:3])
    if not lead or lead[0].first != 0 or lead[0].last + 1 >= len(words):
        return title
    gerund = words[lead[0].last]
    base = english_base(gerund) if gerund.endswith("ing") else None
    if base is None:
        return title
    return tidy(f"{base} {title[tokens[lead[0].last + 1].start :]}")


def _absence_stated(clause: Clause) -> IntentType | None:
    """ "Juan is off sick today", "María no viene hoy": where someone is, said right after
    their name, asks nothing of them; with nobody else named there is no order at all
    ("Juan está de baja, que Pedro haga lo suyo" still gives Pedro work)."""
    for hit in clause.lex.hits("absent_state", clause.words):
        stated = [p for p in clause.people if p.last == hit.first]
        if stated and len(stated) == len(clause.people):
            return Unknown()
    return None


_EARLY: tuple[Frame, ...] = (
    _messages,
    _messages_restarted,
    _messages_stopped,
    _cancel_with_reason,
    _done_by_state,
    _new_member,
    _member_settings,
    _member_phone,
    _reported_done,
    reminder_moved,
    _reminder_asked,
    _scheduled_message,
    _done_number,
    _done_number_then_comment,
    _name_correction,
    _note_to_self,
    _remove_member,
    _preferences,
    _data_requests,
    _list_reminders,
    _reminders_by_description,
    _help_question,
    _chat,
    _task_status,
    _list_tasks,
    _passive_task,
)
_LATE: tuple[Frame, ...] = (
    _corrections,
    _help,
    _talk,
    _taken_over,
    _edit_task,
    _cancel_task,
    _complete_by_description,
    _create_reminder,
    _absence_stated,
    _create_task,
)


def described_task(description: str, context: UnderstandingContext) -> int | None:
    """The number of the one open task a description fits ("the wine stock check" → the
    task "revisar el stock de vino"), or None when none or several do."""
    if not description or len(description.split()) > MAX_WORDS:
        return None
    said = [w for w in words_of(description) if not lexicon().has("filler", [w])]
    matches = _resolve_task(said, context)
    return matches[0].number if len(matches) == 1 else None


def task_done_as_said(topic: str, verb: str, context: UnderstandingContext) -> int | None:
    """The one open task a topic names when the verb said of it is the task's own ("el
    stock de vino, que lo revise Tom" of "revisar el stock de vino"): the same work, said
    again for someone else, not new work."""
    number = described_task(topic, context)
    if number is None:
        return None
    infinitive = infinitive_first(verb, "es", subjunctive=True)
    title = next(t.title for t in context.tasks if t.number == number)
    return number if _score(words_of(infinitive), words_of(title)) > 0 else None


def resolve_task_description(
    intent: CompleteTask | CancelTask, context: UnderstandingContext
) -> CompleteTask | CancelTask:
    """A task named by description ("finished the fridge") gets the number of the one
    open task it fits; several fit: the handler asks which, listing them."""
    if intent.number is not None or not intent.description:
        return intent
    if len(intent.description.split()) > MAX_WORDS:
        return intent
    said = [w for w in words_of(intent.description) if not lexicon().has("filler", [w])]
    matches = _resolve_task(said, context)
    if len(matches) == 1:
        return intent.model_copy(update={"number": matches[0].number})
    return intent
