"""Which existing item a description means: "the fridge" → task #3.

Used by the handlers (authoritative: they see the current state) and by the rule engine
(to put the number in the intent when one item fits). Words are compared folded,
without the little words every title shares, and with small typos forgiven.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TypeVar

from rapidfuzz.distance import DamerauLevenshtein

T = TypeVar("T")

# Words that say nothing about which item is meant, in the languages people write in.
_NOISE = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "for",
        "and",
        "or",
        "with",
        "at",
        "on",
        "in",
        "by",
        "from",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "this",
        "that",
        "it",
        "task",
        "tasks",
        "job",
        "thing",
        "one",
        "reminder",
        "reminders",
        "about",
        "el",
        "la",
        "los",
        "las",
        "lo",
        "un",
        "una",
        "unos",
        "unas",
        "de",
        "del",
        "al",
        "a",
        "en",
        "con",
        "y",
        "o",
        "para",
        "por",
        "sobre",
        "mi",
        "mis",
        "su",
        "sus",
        "tu",
        "tus",
        "nuestro",
        "nuestra",
        "este",
        "esta",
        "ese",
        "esa",
        "eso",
        "tarea",
        "tareas",
        "recordatorio",
        "recordatorios",
        "cosa",
        "o",
        "os",
        "um",
        "uma",
        "do",
        "da",
        "dos",
        "das",
        "no",
        "na",
        "nos",
        "nas",
        "com",
        "e",
        "ou",
        "para",
        "meu",
        "minha",
        "tarefa",
        "lembrete",
        "le",
        "les",
        "du",
        "des",
        "au",
        "aux",
        "et",
        "ou",
        "pour",
        "avec",
        "mon",
        "ma",
        "mes",
        "ton",
        "ta",
        "sur",
        "tache",
        "rappel",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(fold(text)) if w not in _NOISE]


def _same_word(said: str, word: str) -> bool:
    if said == word:
        return True
    if len(said) >= 4 and (word.startswith(said) or said.startswith(word)) and len(word) >= 4:
        return True  # "inventor" / "inventory", "temp" / "temperature"
    limit = 0 if len(said) <= 3 else 1 if len(said) <= 6 else 2
    return limit > 0 and DamerauLevenshtein.distance(said, word, score_cutoff=limit) <= limit


def best_matches(description: str, items: Sequence[T], text_of: Callable[[T], str]) -> list[T]:
    """The items whose text shares the most of the description's words (at least one).

    Several items come back when they tie: the caller asks which one is meant.
    """
    said = content_words(description)
    if not said:
        return []
    scored: list[tuple[float, T]] = []
    for item in items:
        words = content_words(text_of(item))
        hits = sum(any(_same_word(s, w) for w in words) for s in said)
        if hits:
            scored.append((hits / len(said), item))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return [item for score, item in scored if score == best]
