"""Text helpers for the rule engine: folding that keeps offsets, number words, typos.

Every transformation keeps the folded text exactly as long as the original, so a
span matched in the folded text slices the original (names and titles keep their
accents and case).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

_KEEP_PUNCTUATION = set(":,.;!?#+/-'()@&%\"")


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in "’‘`´":
        return "'"
    lower = ch.lower()
    if len(lower) != 1:
        lower = ch
    base = unicodedata.normalize("NFD", lower)[0]
    if base.isalnum() or base.isspace() or base in _KEEP_PUNCTUATION:
        return base if base.isascii() or base.isalnum() else " "
    # Emoji, ¿¡, symbols: noise for understanding.
    return " "


def fold(text: str) -> str:
    """Lowercase, accent-free, emoji-free copy of `text` with the same length."""
    return "".join(map(_fold_char, text))


@dataclass(frozen=True)
class Text:
    """An original message and its folded twin, always the same length."""

    original: str
    folded: str

    @classmethod
    def of(cls, text: str) -> Text:
        return cls(text, fold(text))

    def blank(self, start: int, end: int) -> Text:
        pad = " " * (end - start)
        return Text(
            self.original[:start] + pad + self.original[end:],
            self.folded[:start] + pad + self.folded[end:],
        )

    def replace(self, start: int, end: int, word: str) -> Text:
        """Put `word` in both copies (used for typo fixes of keywords)."""
        return Text(
            self.original[:start] + word + self.original[end:],
            self.folded[:start] + word + self.folded[end:],
        )

    def slice(self, start: int, end: int) -> Text:
        return Text(self.original[start:end], self.folded[start:end])

    def strip(self) -> Text:
        """Drop blanks and punctuation at both ends (offsets restart at 0)."""
        start, end = 0, len(self.folded)
        while start < end and self.folded[start] in _EDGE_NOISE + "?":
            start += 1
        while end > start and self.folded[end - 1] in _EDGE_NOISE + "?":
            end -= 1
        return self.slice(start, end)

    def group(self, match: re.Match[str], name: str | int) -> str:
        """The original text of a group matched in `folded`, tidied."""
        start, end = match.span(name)
        return tidy(self.original[start:end]) if start >= 0 else ""


_EDGE_NOISE = " \t\r\n:,.;!?-–—→⇒➡\"'()"


_EMPTY_ASIDE = re.compile(r"\s*,(?:\s*,)+\s*")
"""Two commas with nothing left between them: a word set off by them was taken out."""


def tidy(text: str) -> str:
    """Collapse spaces and trim punctuation at both ends of an extracted phrase. Commas
    that fenced off a word taken out ("call the parents, uh, about the menu") go with it;
    a space left before a comma goes too."""
    text = " ".join(text.split())
    if "," in text:
        text = _EMPTY_ASIDE.sub(" ", text).replace(" ,", ",")
    text = text.strip(_EDGE_NOISE)
    if text and (_is_symbol(text[0]) or _is_symbol(text[-1])):
        # "count the float 🙈": an emoji at an edge is how the sender felt, not the work.
        start, end = 0, len(text)
        while start < end and (_is_symbol(text[start]) or text[start] in _EDGE_NOISE):
            start += 1
        while end > start and (_is_symbol(text[end - 1]) or text[end - 1] in _EDGE_NOISE):
            end -= 1
        text = text[start:end]
    return text


def _is_symbol(char: str) -> bool:
    """An emoji, its joiner or variation selector, or another pictograph."""
    return char in _SELECTORS or unicodedata.category(char) in _SYMBOL_CATEGORIES


_SYMBOL_CATEGORIES = frozenset({"So", "Sk", "Cf", "Cs"})
_SELECTORS = frozenset({"\ufe0e", "\ufe0f"})
"""Variation selectors are marks (Mn) like an accent; only these two end an emoji."""


UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "cero": 0, "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4,
    "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11,
    "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16,
    "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "treinta": 30,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "primera": 1, "primero": 1, "segunda": 2, "segundo": 2, "tercera": 3, "tercero": 3,
    "cuarta": 4, "cuarto": 4, "quinta": 5, "quinto": 5,
}  # fmt: skip

# "once" is eleven in Spanish but "at once" in English; callers decide by context.
NUMBER = r"(?:\d{1,4}|" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")"


def to_int(word: str) -> int:
    word = word.strip().lower()
    return int(word) if word.isdigit() else UNITS[word]


# Keywords worth repairing when mistyped; only these are ever rewritten.
KEYWORDS: tuple[str, ...] = (
    "task", "tasks", "tarea", "tareas", "remind", "reminder", "reminders",
    "recuerdame", "recordar", "recuerda", "recordatorio", "recordatorios", "cancel",
    "cancela", "cancelar", "remove", "delete", "elimina", "borra", "borrar", "add",
    "anade", "agrega", "overdue", "atrasadas", "pendientes", "usage", "export",
    "correct", "language", "idioma", "tomorrow", "manana", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "lunes", "martes",
    "miercoles", "jueves", "viernes", "sabado", "domingo", "every", "today",
    "tonight", "minutes", "hours", "done", "hecho", "listo", "terminado", "help",
    "ayuda", "please", "staff", "admin", "assign", "asigna",
)  # fmt: skip

# Real words one typo away from a keyword; never "fix" these.
_NOT_TYPOS = frozenset(
    {
        "vienes", "tares", "mañana", "hoy", "some", "dine", "tone", "gone", "none",
        "bone", "lone", "help", "held", "hello", "stuff", "sharp", "eat", "dome",
        "asks", "mask", "task", "tasks", "marte", "lists", "every", "ever",
        "listos", "lista", "add", "adds", "odd", "borra", "hours", "hour", "house",
        "minute", "remain", "remains", "remote", "export", "expert", "cancer",
        "recuerdo", "recuerdas", "martes", "jueves", "usage", "sausage", "manzana",
        "hacho", "techo", "pecho", "dicho", "echo", "hechos", "listas", "anda",
        "idiom", "pendiente", "list", "recuerdale", "recuerdales", "recordarle",
        "recordarles", "avisale", "avisales", "recuerdalo", "borja", "tarek", "tarda", "tardes", "tareas", "taras", "marea", "mareas",
        "luces", "lunas", "dones", "hecha", "lisa", "listo", "liste", "listes",
        "toda", "todas", "donde", "tarta", "tartas", "tarjeta", "tarjetas",
        "recuerdes", "recuerden", "recuerde", "recordas", "recordes", "cancele", "cancelen",
        "canceles", "elimine", "eliminen", "asigne", "asignen", "agregue", "agreguen",
        # English verbs of ending, not a mistyped Spanish "terminado".
        "terminate", "terminated", "terminating",
    }
)  # fmt: skip

_WORD = re.compile(r"[a-z]+")


def fix_typos(text: Text) -> Text:
    """Rewrite words one or two edits away from a command keyword to the keyword.

    One pass, building the result from pieces: linear in the message however many words
    it fixes (rebuilding the text per fix, or restarting after one, is quadratic and
    recursed once per fix, to a RecursionError on a long run of "remnd remnd …").
    """
    originals: list[str] = []
    foldeds: list[str] = []
    done = 0
    english: bool | None = None  # asked once, and only of a Spanish keyword found
    for match in _WORD.finditer(text.folded):
        keyword = _keyword_for(text, match)
        if keyword is None:
            continue
        if keyword in _SPANISH and keyword not in _ENGLISH:
            if english is None:
                english = detect_language(text.folded, "") == "en"
            if english:
                continue  # "mark out the lines": in English no word is a mistyped "lunes"
        originals.append(text.original[done : match.start()])
        foldeds.append(text.folded[done : match.start()])
        originals.append(keyword)
        foldeds.append(keyword)
        done = match.end()
    if not done:
        return text
    originals.append(text.original[done:])
    foldeds.append(text.folded[done:])
    return Text("".join(originals), "".join(foldeds))


def _keyword_for(text: Text, match: re.Match[str]) -> str | None:
    word = match.group()
    if len(word) < 4 or word in _NOT_TYPOS or word in KEYWORDS or word in _KNOWN:
        return None  # a real word ("todas", "dones") is not a mistyped "today", "done"
    if text.original[match.start()].isupper() and text.original[: match.start()].strip():
        return None  # a capitalized word mid-sentence is most likely a name
    return _nearest_keyword(word)


@lru_cache(maxsize=8192)  # words recur from message to message; the answer is the word's
def _nearest_keyword(word: str) -> str | None:
    if any(word.startswith(k) and word[len(k) :] in _ENDINGS for k in KEYWORDS):
        return None  # "reminded", "exportar": a keyword inflected, not mistyped
    limit = 1 if len(word) < 8 else 2
    best: tuple[int, str] | None = None
    for keyword in KEYWORDS:
        if abs(len(keyword) - len(word)) > limit or keyword[0] != word[0]:
            continue
        if not _slip(word, keyword):
            continue
        distance = DamerauLevenshtein.distance(word, keyword, score_cutoff=limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, keyword)
    return best[1] if best is not None else None


_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, frozenset[str]] = {
    key: frozenset(
        _QWERTY[near][spot]
        for near in range(max(0, row - 1), min(len(_QWERTY), row + 2))
        for spot in range(max(0, column - 1), column + 2)
        if spot < len(_QWERTY[near])
    )
    for row, keys in enumerate(_QWERTY)
    for column, key in enumerate(keys)
}
_ENDINGS = (
    "s",
    "es",
    "ed",
    "d",
    "r",
    "n",
    "os",
    "as",
    "ad",
    "ado",
    "ada",
    "ar",
    "er",
    "ing",
    "do",
    "da",
    "dos",
    "das",
    "ndo",
    # Spanish object pronouns written onto an order ("elimínala", "cancélalo")
    "lo",
    "la",
    "los",
    "las",
    "le",
    "les",
)
"""Inflections: a keyword with one of these after it is another form of a real word
("eliminar", "deleted", "domingos", "elimínalo"), not a slip of the finger."""


def _slip(word: str, keyword: str) -> bool:
    """Whether `word` can be `keyword` mistyped: a letter dropped, doubled or swapped, or
    a key hit next to the right one ("tomorow", "remidn", "tadk"). A different letter
    far from the right key makes another word ("talk", "tarta", "dona"), and the keyword
    with an inflection after it is the same word inflected."""
    if len(word) != len(keyword):
        return True
    differ = [(a, b) for a, b in zip(word, keyword, strict=True) if a != b]
    if len(differ) != 1:
        return True  # a swap, or two slips in a long word
    typed, meant = differ[0]
    return typed in _NEIGHBOURS.get(meant, frozenset())


_NAME_SEPARATOR = re.compile(r"\s*(?:,|&|\+|\band\b|\by\b|\be\b)\s*")


def split_names(text: Text) -> list[str]:
    """ "Ana, Luis y Marta" → ["Ana", "Luis", "Marta"], keeping the original spelling."""
    names: list[str] = []
    start = 0
    for match in _NAME_SEPARATOR.finditer(text.folded):
        names.append(tidy(text.original[start : match.start()]))
        start = match.end()
    names.append(tidy(text.original[start:]))
    return [name for name in names if name]


LANGUAGE_NAMES: dict[str, str] = {
    "english": "en", "ingles": "en", "spanish": "es", "espanol": "es", "castellano": "es",
    "french": "fr", "frances": "fr", "portuguese": "pt", "portugues": "pt", "german": "de",
    "aleman": "de", "italian": "it", "italiano": "it", "catalan": "ca", "romanian": "ro",
    "rumano": "ro", "arabic": "ar", "arabe": "ar", "chinese": "zh", "chino": "zh",
    "russian": "ru", "ruso": "ru", "ukrainian": "uk", "ucraniano": "uk", "polish": "pl",
    "polaco": "pl", "dutch": "nl", "holandes": "nl", "basque": "eu", "euskera": "eu",
    "galician": "gl", "gallego": "gl", "hindi": "hi", "urdu": "ur", "tagalog": "tl",
    "quechua": "qu", "guarani": "gn",
}  # fmt: skip
LANGUAGE_WORD = r"(?:" + "|".join(LANGUAGE_NAMES) + r")"

_ENGLISH = frozenset(
    [
        "the",
        "to",
        "for",
        "my",
        "task",
        "tasks",
        "done",
        "remind",
        "reminder",
        "reminders",
        "every",
        "day",
        "at",
        "tomorrow",
        "today",
        "add",
        "remove",
        "delete",
        "data",
        "language",
        "name",
        "is",
        "and",
        "please",
        "help",
        "usage",
        "cancel",
        "overdue",
        "hey",
        "hi",
        "hello",
        "of",
        "in",
        "on",
        "new",
        "what",
        "show",
        "list",
        "export",
        "correct",
        "change",
        "set",
        "make",
        "as",
        "with",
        "by",
        "next",
        "week",
        "weekdays",
        "morning",
        "afternoon",
        "evening",
        "tonight",
        "mine",
        "staff",
        "voice",
        "i",
        "want",
        "need",
        "can",
        "you",
        "could",
        "would",
        "our",
        "his",
        "her",
        "their",
        "this",
        "that",
        "it",
        "be",
        "do",
        "does",
        "did",
        "finished",
        "complete",
        "completed",
        "mark",
        "call",
        "order",
        "check",
        "clean",
        "buy",
        "send",
        "get",
        "from",
        "am",
        "pm",
        "minutes",
        "hours",
        "month",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "phone",
        "number",
        "speaks",
        "prefers",
        "english",
        "spanish",
        "delivery",
        "text",
        "notes",
        "messages",
        "thanks",
        "yes",
    ]
)
_SPANISH = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "de",
        "del",
        "que",
        "y",
        "para",
        "por",
        "manana",
        "tarea",
        "tareas",
        "hecho",
        "hecha",
        "recuerdame",
        "recuerda",
        "recordar",
        "recordatorio",
        "recordatorios",
        "cada",
        "dia",
        "dias",
        "mis",
        "mi",
        "con",
        "una",
        "uno",
        "hoy",
        "ayuda",
        "anade",
        "agrega",
        "elimina",
        "borra",
        "datos",
        "idioma",
        "ingles",
        "espanol",
        "listo",
        "lista",
        "termine",
        "terminado",
        "hola",
        "gracias",
        "favor",
        "uso",
        "baja",
        "alta",
        "lunes",
        "martes",
        "miercoles",
        "jueves",
        "viernes",
        "sabado",
        "domingo",
        "nombre",
        "es",
        "esta",
        "nueva",
        "nuevo",
        "cancela",
        "cancelar",
        "quita",
        "pon",
        "cambia",
        "llamar",
        "revisar",
        "pedir",
        "limpiar",
        "comprar",
        "hacer",
        "semana",
        "mes",
        "tarde",
        "noche",
        "todos",
        "todas",
        "se",
        "le",
        "lo",
        "al",
        "voz",
        "texto",
        "notas",
        "numero",
        "telefono",
        "habla",
        "prefiere",
        "quiero",
        "necesito",
        "puedes",
        "tengo",
        "mensajes",
        "atrasadas",
        "pendientes",
        "vencidas",
        "ver",
        "acabe",
        "hice",
        "ya",
        "he",
        "como",
        "empleado",
        "si",
    ]
)
_KNOWN = _ENGLISH | _SPANISH
"""Words the language detector knows as real words: the typo fixer leaves them alone."""

_WORDS = re.compile(r"[a-z]+")


def detect_language(folded: str, fallback: str) -> str:
    """'en' or 'es' from the words used; `fallback` when the words do not tell."""
    words = _WORDS.findall(folded)
    english = sum(word in _ENGLISH for word in words)
    spanish = sum(word in _SPANISH for word in words)
    if english > spanish:
        return "en"
    if spanish > english:
        return "es"
    return fallback
