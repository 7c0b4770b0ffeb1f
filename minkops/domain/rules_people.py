"""Rules about people: names in a sentence, the roster (add/update/remove) and one's own data."""

from __future__ import annotations

import re
from collections.abc import Sequence

from minkops.domain.intents import (
    AddMember,
    Clarify,
    CorrectData,
    Delivery,
    RemoveMember,
    Role,
    UpdateMember,
)
from minkops.domain.lexicon import lexicon, words_of
from minkops.domain.replies import say
from minkops.domain.roster import NotFound, resolve_name
from minkops.domain.rules_text import LANGUAGE_NAMES, LANGUAGE_WORD, Text, split_names, tidy
from minkops.domain.understanding import RosterEntry

# Words that end a list of names ("remind Ana and Luis *tomorrow* to …").
_STOP_WORDS = frozenset(
    [
        "to",
        "that",
        "about",
        "at",
        "on",
        "every",
        "each",
        "tomorrow",
        "today",
        "tonight",
        "in",
        "this",
        "next",
        "by",
        "before",
        "daily",
        "weekdays",
        "weekends",
        "until",
        "que",
        "de",
        "del",
        "el",
        "la",
        "los",
        "las",
        "cada",
        "todos",
        "todas",
        "manana",
        "hoy",
        "a",
        "al",
        "para",
        "sobre",
        "en",
        "esta",
        "este",
        "con",
        "hasta",
        "antes",
        "pasado",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "lunes",
        "martes",
        "miercoles",
        "jueves",
        "viernes",
        "sabado",
        "domingo",
        "mondays",
        "tuesdays",
        "wednesdays",
        "thursdays",
        "fridays",
        "saturdays",
        "sundays",
        "the",
        "it",
        "of",
        "with",
        "for",
    ]
)
_SELF = frozenset({"me", "myself", "mi", "us", "nos"})
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'.-]*|,|&")
_JOINERS = frozenset({",", "&", "and", "y", "e"})


def take_names(text: Text, roster: Sequence[RosterEntry]) -> tuple[list[str], Text]:
    """Read a list of names at the start of `text`; return them and what follows.

    A name is the longest run (up to three words) the roster knows, else a run of
    capitalized words; "me"/"mí" is the sender and comes back as "me".
    """
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text.folded)]
    names: list[str] = []
    index, consumed = 0, 0
    while index < len(tokens):
        start, end, word = tokens[index]
        taken = 0
        if word in _SELF:
            names.append("me")
            taken = 1
        else:
            taken = _name_length(text, tokens, index, roster)
            if taken:
                end = tokens[index + taken - 1][1]
                names.append(tidy(text.original[start:end]))
        if not taken:
            break
        index += taken
        consumed = tokens[index - 1][1]
        if index + 1 < len(tokens) and tokens[index][2] in _JOINERS:
            after = tokens[index + 1][2]
            if after in _SELF or _name_length(text, tokens, index + 1, roster):
                index += 1
                continue
        break
    return names, text.slice(consumed, len(text.folded)) if names else text


def _name_length(
    text: Text, tokens: list[tuple[int, int, str]], index: int, roster: Sequence[RosterEntry]
) -> int:
    run = 0
    while (
        index + run < len(tokens)
        and run < 3
        and tokens[index + run][2] not in _STOP_WORDS | _JOINERS | _SELF
        and tokens[index + run][2][0].isalpha()
    ):
        run += 1
    for length in range(run, 0, -1):
        start, end = tokens[index][0], tokens[index + length - 1][1]
        if not isinstance(resolve_name(text.original[start:end], roster), NotFound):
            return length
    capitalized = 0
    while capitalized < run and text.original[tokens[index + capitalized][0]].isupper():
        capitalized += 1
    return capitalized


# --- roster changes ---------------------------------------------------------------

_PHONE = re.compile(r"\+?\s?\(?\d[\d\s().-]{5,}\d")
_ADMIN = re.compile(
    r"\b(?:admin|admins|administrator|administrador|administradora|manager|encargad[oa]"
    r"|gerente|jefe|jefa)\b"
)
_STAFF = re.compile(r"\b(?:staff|employee|worker|empleado|empleada|trabajador|trabajadora)\b")
_VOICE = re.compile(r"\b(?:voice|voz|audio|audios|voice\s+notes?|notas?\s+de\s+voz)\b")
_TEXT = re.compile(r"\b(?:text|texts|texto|textos|written|escrito|mensajes\s+de\s+texto)\b")
_NAME_END = re.compile(
    r"\+|\(|,|:|\d|\b(?:as|como|with|con|phone|tel|telefono|numero|number|movil|mobile|cell"
    r"|who|que|speaks|habla|language|idioma|voice|voz|text|texto|admin|staff|role|rol"
    r"|to\s+the\s+team|al\s+equipo|in\s+english|in\s+spanish|en\s+" + LANGUAGE_WORD + r")\b"
)

_ROLE_WORDS = (
    r"(?:admin|administrator|administrador|administradora|staff|member|employee|worker"
    r"|empleado|empleada|miembro|trabajador|trabajadora|persona|person)"
)
_ARTICLES = frozenset({"a", "an", "al", "un", "una", "the", "el", "la"})
_ADD = re.compile(
    # Rioplatense voseo imperatives fold to the tú forms for -ar verbs ("agregá", "sumá"),
    # not for -ir ones ("añadí"); "sumar a alguien al equipo" is adding them.
    r"^(?:(?:add|anade|anadi|agrega|anadir|agregar|suma|sumar|incorpora|incorporar|registra"
    r"|register|invite|invita|sign\s+up|da\s+de\s+alta|dar\s+de\s+alta)(?:\s+(?:a|an|al|new|nuevo|nueva|un|una|another|otro"
    rf"|otra))*|(?:new|nuev[oa])(?=\s+{_ROLE_WORDS}\b))(?:\s+(?P<role_word>{_ROLE_WORDS}))?"
    r"\s*:?\s+(?:a\s+)?(?P<rest>.+)$"
)


def _without_relation(name: str) -> str:
    """ "my partner Dan Walsh", "mi hermana Eva": who they are to the sender is not part of
    their name (the lexicon's possessive and relation classes)."""
    words = words_of(name)
    lex = lexicon()
    owner = lex.hits("possessive", words[:1])
    relation = lex.hits("relation", words[1:4]) if owner else []
    if not relation or relation[0].first != 0 or 1 + relation[0].last >= len(words):
        return name
    kept = name.split()[1 + relation[0].last :]
    return tidy(" ".join(kept)) if len(name.split()) == len(words) else name


def add_member(text: Text, language: str) -> AddMember | Clarify | None:
    match = _ADD.match(text.folded)
    if match is None:
        return None
    rest = text.slice(*match.span("rest"))
    if re.match(
        r"(?:a\s+|an\s+|una?\s+|new\s+|nueva?\s+)?(?:task|tarea|reminder|recordatorio)\b",
        rest.folded,
    ):
        return None
    end = _NAME_END.search(rest.folded)
    name = _without_relation(tidy(rest.original[: end.start()] if end else rest.original))
    if name.casefold() in _ARTICLES:
        name = ""
    phone_match = _PHONE.search(rest.folded)
    phone = tidy(rest.original[slice(*phone_match.span())]) if phone_match else None
    after = rest.folded[end.start() :] if end else ""
    lead_role = match.group("role_word") or ""
    # "como empleado normal, sin permisos de admin": a staff word says staff even when
    # "admin" is named (to deny it).
    named_admin = _ADMIN.search(lead_role) or _ADMIN.search(after)
    staff_said = _STAFF.search(lead_role) or _STAFF.search(after)
    role: Role = "admin" if named_admin and not staff_said else "staff"
    if not name:
        return Clarify(question=say(language, "ask_member_name"))
    return AddMember(
        name=name,
        phone=phone,
        role=role,
        language=_language_in(after),
        delivery=_delivery_in(after),
    )


_REMOVE = re.compile(
    r"^(?:remove|delete|kick\s+out|kick|fire|take\s+off|elimina|eliminar|borra|borrar|quita"
    r"|quitar|saca|sacar|da\s+de\s+baja|dar\s+de\s+baja|despide)\s+(?:a\s+|al\s+)?"
    r"(?:(?:the\s+)?(?:member|staff|employee|empleado|empleada|miembro)\s+)?(?P<name>.+?)"
    r"(?:\s+(?:from|of|del|de\s+la|de)\s+(?:the\s+|mi\s+|my\s+)?(?:team|org|organization"
    r"|roster|list|staff|equipo|lista|grupo|plantilla))?$"
)
_NOT_A_NAME = re.compile(
    r"\b(?:task|tasks|tarea|tareas|reminder|reminders|recordatorio|recordatorios|data|datos"
    r"|account|cuenta|message|messages|mensaje|mensajes)\b|#|\d"
    r"|^(?:lo|eso|esto)\s+del?\b"
)
"""Words no person's name has; "lo de la campana" is the matter of the hood, a thing."""


def remove_member(text: Text) -> RemoveMember | None:
    match = _REMOVE.match(text.folded)
    if match is None or _NOT_A_NAME.search(match.group("name")):
        return None
    return RemoveMember(name=text.group(match, "name"))


_FIELD = (
    r"(?P<field>language|idioma|lengua|phone\s+number|phone|number|telefono|numero|movil"
    r"|mobile|name|nombre|delivery|role|rol)"
)
_UPDATES: tuple[tuple[str | None, re.Pattern[str]], ...] = tuple(
    (implied, re.compile(p))
    for implied, p in (
        (
            None,
            rf"^(?:set|change|update|switch|make)\s+(?P<name>.+?)\s*'s\s+{_FIELD}\s+(?:to|is|as|=)\s+"
            r"(?P<value>.+)$",
        ),
        (
            None,
            rf"^(?P<name>.+?)\s*'s\s+{_FIELD}\s+(?:is|should\s+be|=|:)\s+(?:now\s+)?(?P<value>.+)$",
        ),
        (
            None,
            rf"^(?:set|change|update|switch)\s+(?:the\s+)?{_FIELD}\s+(?:of|for)\s+(?P<name>.+?)\s+"
            r"(?:to|as)\s+(?P<value>.+)$",
        ),
        (
            None,
            rf"^(?:cambia|cambiar|pon|poner|actualiza|actualizar|modifica|modificar|corrige)\s+"
            rf"(?:el|la)\s+{_FIELD}\s+(?:de|a|del)\s+(?P<name>.+?)\s+(?:a|al|por|en|como|:)\s+"
            r"(?:el\s+)?(?P<value>.+)$",
        ),
        (
            None,
            rf"^(?:el|la)\s+{_FIELD}\s+de\s+(?P<name>.+?)\s+(?:es|sera|:)\s+(?:el\s+|ahora\s+)?"
            r"(?P<value>.+)$",
        ),
        (
            "name",
            r"^(?:rename|renombra|renombrar)\s+(?:a\s+)?(?P<name>.+?)\s+(?:to|as|a|como)\s+"
            r"(?P<value>.+)$",
        ),
        (
            None,
            r"^(?:make|haz|hacer|nombra|pon|poner)\s+(?:a\s+)?(?P<name>.+?)\s+(?:an?\s+|como\s+|de\s+)?"
            r"(?P<role>admin|administrador|administradora|manager|encargad[oa]|staff|empleado"
            r"|empleada)$",
        ),
        (
            None,
            r"^(?P<name>.+?)\s+(?:is|es)\s+(?:now\s+|ahora\s+)?(?:an?\s+|el\s+|la\s+)?"
            r"(?P<role>admin|administrador|administradora|manager|encargad[oa])$",
        ),
        (
            None,
            r"^(?P<name>.+?)\s+(?:speaks|prefers|wants|should\s+get|habla|prefiere|quiere)\s+"
            r"(?:in\s+|en\s+)?(?P<value>.+)$",
        ),
        (
            "delivery",
            r"^(?:send|give|envia|enviale|manda|mandale|dale)\s+(?:a\s+)?(?P<name>.+?)\s+"
            r"(?P<value>(?:voice|text|audio|notas|mensajes|voz|texto|audios)\b.*)$",
        ),
        (
            None,
            r"^(?:switch|cambia|pasa|pon|poner|set|put)\s+(?:a\s+)?(?P<name>.+?)\s+"
            r"(?:to|a|en|on|in)\s+(?P<value>(?:voice|text|audio|notas|mensajes|voz|texto|audios"
            rf"|{LANGUAGE_WORD})\b.*)$",
        ),
    )
)


def update_member(text: Text, language: str) -> UpdateMember | Clarify | None:
    for implied, pattern in _UPDATES:
        match = pattern.match(text.folded)
        if match is None:
            continue
        groups = match.groupdict()
        name = text.group(match, "name")
        if not name or _NOT_A_NAME.search(groups["name"]) or groups["name"].split()[0] in _SELF:
            continue
        if groups.get("role"):
            return UpdateMember(
                name=name, role="admin" if _ADMIN.search(groups["role"]) else "staff"
            )
        field = _field(groups.get("field")) or implied
        value_folded = groups["value"]
        value = text.group(match, "value")
        if field in {None, "language", "delivery", "role"}:
            code = _language_in(value_folded)
            delivery = _delivery_in(value_folded)
            if (field in {None, "language"}) and code:
                return UpdateMember(name=name, language=code)
            if (field in {None, "delivery"}) and delivery:
                return UpdateMember(name=name, delivery=delivery)
            if field == "role":
                admin = _ADMIN.search(value_folded) is not None
                return UpdateMember(name=name, role="admin" if admin else "staff")
            if field == "language":
                return Clarify(
                    question=say(language, "ask_which_language"),
                )
            continue
        if field == "phone":
            return UpdateMember(name=name, phone=value)
        return UpdateMember(name=name, new_name=value)
    return None


def _field(word: str | None) -> str | None:
    if word is None:
        return None
    if word in {"language", "idioma", "lengua"}:
        return "language"
    if word in {"name", "nombre"}:
        return "name"
    if word in {"delivery"}:
        return "delivery"
    if word in {"role", "rol"}:
        return "role"
    return "phone"


def _language_in(folded: str) -> str | None:
    match = re.search(rf"\b{LANGUAGE_WORD}\b", folded)
    return LANGUAGE_NAMES[match.group()] if match else None


_REFUSED = re.compile(r"(?:\bno|\bnot|\bsin|\bwithout|\bnada\s+de|\bni)\s+$")


def _delivery_in(folded: str) -> Delivery | None:
    """The way of delivery chosen: the first named and not refused ("text messages, no
    voice notes" is text; "no audios, texto" is text too)."""
    named: list[tuple[int, Delivery]] = []
    ways: tuple[tuple[re.Pattern[str], Delivery], ...] = ((_VOICE, "voice"), (_TEXT, "text"))
    for pattern, delivery in ways:
        for match in pattern.finditer(folded):
            refused = _REFUSED.search(folded[max(0, match.start() - 12) : match.start()])
            if refused is None:
                named.append((match.start(), delivery))
                break
    return min(named)[1] if named else None


# --- one's own data -----------------------------------------------------------------

_CORRECTIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (field, re.compile(p))
    for field, p in (
        (
            "name",
            r"^(?:(?:please\s+)?(?:correct|change|update|fix|set)\s+my\s+name\s+(?:to|as|:)"
            r"|my\s+name\s+is|my\s+name\s*:|call\s+me|i\s*'?\s*m\s+called"
            r"|(?:corrige|cambia|actualiza|pon)\s+mi\s+nombre\s+(?:a|por|como|:)|mi\s+nombre\s+es"
            r"|me\s+llamo|llamame)\s+(?P<value>.+)$",
        ),
        (
            "phone",
            r"^(?:(?:correct|change|update|set)\s+my\s+(?:phone|number|phone\s+number)"
            r"\s+(?:to|:)|my\s+(?:new\s+)?(?:phone|number|phone\s+number)\s+is"
            r"|(?:corrige|cambia|actualiza|pon)\s+mi\s+(?:telefono|numero|movil)\s+(?:a|por|:)"
            r"|mi\s+(?:nuevo\s+)?(?:telefono|numero|movil)\s+es)\s+(?P<value>.+)$",
        ),
        (
            "language",
            r"^(?:(?:correct|change|update|set|switch)\s+my\s+language\s+(?:to|:)"
            r"|my\s+language\s+is|(?:speak|talk|write|answer|reply)\s+(?:to\s+)?(?:me\s+)?in"
            r"|i\s+(?:prefer|speak)|(?:corrige|cambia|actualiza|pon)\s+mi\s+idioma\s+(?:a|al|en|:)"
            r"|mi\s+idioma\s+es|hablame\s+en|escribeme\s+en|respondeme\s+en|prefiero(?:\s+el)?"
            r"|hablo)\s+(?P<value>" + LANGUAGE_WORD + r")$",
        ),
        (
            "delivery",
            r"^(?:i\s+(?:prefer|want)|send\s+me|(?:change|set|switch)\s+(?:my\s+)?"
            r"(?:delivery\s+)?to|prefiero|quiero|mandame|enviame|cambia(?:me)?\s+a|pasame\s+a)\s+"
            r"(?P<value>(?:voice|text|audio|notas|mensajes|voz|texto|audios)\b.*)$",
        ),
    )
)


def correct_data(text: Text) -> CorrectData | None:
    for field, pattern in _CORRECTIONS:
        match = pattern.match(text.folded)
        if match is None:
            continue
        value_folded = match.group("value")
        if field == "language":
            return CorrectData(field="language", value=LANGUAGE_NAMES[value_folded])
        if field == "delivery":
            delivery = _delivery_in(value_folded)
            if delivery is None:
                continue
            return CorrectData(field="delivery", value=delivery)
        value = text.group(match, "value")
        if value:
            return CorrectData(field="name" if field == "name" else "phone", value=value)
    return None


def names_from(text: Text) -> list[str]:
    """Names in a span that holds nothing else ("Ana and Luis" before a colon); the
    whole team said in any language ("todos", "el equipo") is "everyone"."""
    return [_who(name) for name in split_names(text)]


def _who(name: str) -> str:
    if name.casefold() in {"me", "mí", "mi"}:
        return "me"
    return "everyone" if lexicon().covers("everyone", words_of(name)) else name
