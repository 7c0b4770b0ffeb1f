"""Word classes per language, read from data files (minkops/config/lexicon/<lang>.toml).

A class is a set of phrases ("needs to", "tiene que", "deja de"); the grammar asks
where in a message a class occurs. Phrases and messages are folded and split into words
the same way, so "what's" in a lexicon matches "Whats" or "what’s" in a message, and a
lookup costs one dictionary probe per word and phrase length: linear in the message.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import NamedTuple

from minkops.domain.rules_text import fold

LANGUAGES = ("en", "es", "pt", "fr")
_WORD = re.compile(r"[a-z0-9]+")
"""One character class, one quantifier: linear on any input."""


def words_of(text: str) -> list[str]:
    return _WORD.findall(fold(text))


class Word(NamedTuple):
    """A word of folded text and where it stands (a tuple: a message makes hundreds)."""

    text: str
    start: int
    end: int


def tokens_of(folded: str) -> list[Word]:
    return [Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]


@dataclass(frozen=True)
class Hit:
    first: int
    """Index of the first word of the phrase."""
    last: int
    """Index one past its last word."""

    @property
    def span(self) -> range:
        """The positions of its words."""
        return range(self.first, self.last)


@dataclass
class Lexicon:
    """Every language's classes merged (people mix languages), plus per-language maps."""

    classes: dict[str, dict[tuple[str, ...], None]] = field(default_factory=dict)
    longest: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per class, each word a phrase opens with → the most words such a phrase has: a
    position whose word opens none is passed in one probe."""
    languages: dict[str, str] = field(default_factory=dict)
    """A language's name in any of our languages → ISO 639-1."""
    lemmas: dict[str, str] = field(default_factory=dict)
    accented_lemmas: dict[str, str] = field(default_factory=dict)
    """Forms told apart from another word only by their accent ("dé" give, "de" of)."""
    """An irregular verb form → its infinitive."""
    imperative_lemmas: dict[str, str] = field(default_factory=dict)
    """A "tú" order of an -er/-ir verb ("abre", "barre") → its infinitive: the form is
    the indicative's, so it is read as an order only where an order stands."""
    irregular_orders: dict[str, str] = field(default_factory=dict)
    """A present's third person → the "tú" order when it is not that form ("hace" →
    "haz")."""
    indicative: set[str] = field(default_factory=set)
    """Forms that look subjunctive but are not ("viene"): kept as written."""
    spelling: dict[str, str] = field(default_factory=dict)
    """A chat abbreviation or common misspelling → the word ("dl" → "del")."""
    result_states: dict[str, str] = field(default_factory=dict)
    """A state the work leaves its object in → the verb of that work ("limpia" → "limpiar")."""

    def add(self, name: str, phrases: Iterable[str]) -> None:
        table = self.classes.setdefault(name, {})
        for phrase in phrases:
            words = tuple(words_of(phrase))
            if words:
                table[words] = None
                openers = self.longest.setdefault(name, {})
                openers[words[0]] = max(openers.get(words[0], 0), len(words))

    def hits(self, name: str, words: Sequence[str]) -> list[Hit]:
        """Where the class occurs, longest phrase first at each position, no overlaps."""
        openers = self.longest.get(name, {})
        if openers.keys().isdisjoint(words):
            return []  # most classes open no phrase anywhere in a message: one C-speed test
        table = self.classes.get(name, {})
        found: list[Hit] = []
        index = 0
        while index < len(words):
            longest = openers.get(words[index], 0)
            for size in range(min(longest, len(words) - index), 0, -1):
                if tuple(words[index : index + size]) in table:
                    found.append(Hit(index, index + size))
                    index += size
                    break
            else:
                index += 1
        return found

    def has(self, name: str, words: Sequence[str]) -> bool:
        return bool(self.hits(name, words))

    def covers(self, name: str, words: Sequence[str]) -> bool:
        """Every word of the message belongs to a phrase of the class."""
        if not words:
            return False
        return sum(h.last - h.first for h in self.hits(name, words)) == len(words)

    def taken(self, names: Sequence[str], words: Sequence[str]) -> set[int]:
        """The positions of the words some phrase of the classes takes."""
        return {i for name in names for hit in self.hits(name, words) for i in hit.span}

    def has_outside(self, name: str, outside: Sequence[str], words: Sequence[str]) -> bool:
        """The class occurs at a word no phrase of the `outside` classes took ("me" in
        "show me" is not the sender asking about themselves)."""
        taken = self.taken(outside, words)
        return any(not taken.intersection(hit.span) for hit in self.hits(name, words))

    def reaches_outside(self, name: str, outside: Sequence[str], words: Sequence[str]) -> bool:
        """A phrase of the class has a word no phrase of the `outside` classes took:
        "mensagens de voz" reaches past "quero receber mensagens"."""
        taken = self.taken(outside, words)
        return any(not taken.issuperset(hit.span) for hit in self.hits(name, words))

    def covers_all(self, names: Sequence[str], words: Sequence[str]) -> bool:
        """Every word belongs to a phrase of one of the classes."""
        return bool(words) and len(self.taken(names, words)) == len(words)


@cache
def lexicon() -> Lexicon:
    merged = Lexicon()
    package = resources.files("minkops.config").joinpath("lexicon")
    for language in LANGUAGES:
        data = tomllib.loads(package.joinpath(f"{language}.toml").read_text(encoding="utf-8"))
        for name, phrases in data.get("classes", {}).items():
            merged.add(name, phrases)
        for word, code in data.get("languages", {}).items():
            merged.languages[fold(word)] = code
        for form, infinitive in data.get("lemmas", {}).items():
            merged.lemmas[fold(form)] = infinitive
        for form, infinitive in data.get("accented_lemmas", {}).items():
            merged.accented_lemmas[form.lower()] = infinitive
        for form, infinitive in data.get("imperative_lemmas", {}).items():
            merged.imperative_lemmas[fold(form)] = infinitive
        for form, order in data.get("irregular_orders", {}).items():
            merged.irregular_orders[fold(form)] = order
        merged.indicative.update(fold(f) for f in data.get("indicative", {}).get("forms", []))
        for written, meant in data.get("spelling", {}).items():
            merged.spelling[fold(written)] = meant
        for state, verb in data.get("result_states", {}).items():
            merged.result_states[fold(state)] = verb
    return merged
