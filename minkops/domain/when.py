"""Times and recurrences inside a sentence, in English and Spanish.

`find_time` finds a one-off time phrase ("tomorrow at 9", "el viernes a las 10",
"by 5pm", "in 2 hours", "on March 30") and returns the instant in the
organization's timezone plus the sentence without the phrase. `find_recurrence`
turns "every Monday at 9" / "de lunes a viernes a las 7:30" into a 5-field cron.

The phrase is located with our own patterns: `dateparser.search` alone misreads
common phrasings ("viernes a las 10" came back as 28 October, "tomorrow at 9" as
10:00). Calendar dates with month names or digits are handed to `dateparser`.
Wall-clock times are built with `zoneinfo`, so DST gaps and overlaps resolve the
standard way (a time in a gap moves forward by the gap's length).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser
from croniter import croniter

from minkops.domain.lexicon import lexicon, tokens_of
from minkops.domain.rules_text import NUMBER, UNITS, Text, tidy, to_int


@dataclass(frozen=True)
class FoundTime:
    at: datetime
    """Aware, in the organization's timezone."""
    rest: str
    """The original text without the time phrase."""
    explicit_time: bool
    """False when only a day was given and `default_time` filled in the hour."""
    explicit_date: bool = True
    """False when only a time of day was given and the day is the next one it fits."""


@dataclass(frozen=True)
class FoundRecurrence:
    cron: str
    """5-field cron in the organization's wall-clock time."""
    rest: str


_HOUR_WORDS = [w for w, n in UNITS.items() if 1 <= n <= 12 and w not in {"un", "first"}]
_HOUR = r"(?:\d{1,2}|" + "|".join(sorted(_HOUR_WORDS, key=len, reverse=True)) + r")"
_AMPM = r"(?P<ap>a\s?m|p\s?m)\b"
_EN_AT = r"(?:at|by|@|around|before|until|till)"
_SHARP = r"(?:\s+sharp\b)?"
"""'7am sharp': on the dot, as 'en punto' says; part of the time, not of the work."""
_ES_AT = r"(?:a|antes\s+de|hacia|sobre|para|hasta|desde|cuando\s+sean?)"
_POD_EN = r"(?:in\s+the|this|at)\s+(?P<pod_en>morning|afternoon|evening|night)"
_POD_ES = (
    r"(?:(?:de|en|por)\s+la\s+(?P<pod_es>manana|tarde|noche|madrugada)|del\s+(?P<noon>mediodia))"
)
_POD = rf"(?:\s+(?:{_POD_EN}|{_POD_ES}))?"
_POD_TAIL = (
    r"\s+(?:(?:in\s+the|this)\s+(?:morning|afternoon|evening)|tonight|today|tomorrow"
    r"|(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
)
"""A part of the day after a time, looked ahead to only (the time's own phrase ends before
it, so "tonight" stays for `_later_in_the_day`)."""

_MINUTES = {"fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_MINUTE_WORDS = r"(?:forty\s*-?\s*five|fifteen|twenty|thirty|forty|fifty)"
"""Minutes said as a word after the hour: "at eleven thirty", "at 7 forty-five"."""

_TIME_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        # British and Irish "half four" is half past four: "at half six in the morning",
        # "tonight at half eight". Said after "at"/"by" or before a part of the day, so
        # "half one of the trays" stays a quantity.
        rf"\b(?:(?P<half_at>{_EN_AT})\s+)?(?P<half>half)\s+(?P<h>{_HOUR})\b(?!\s*(?:%|/|\d))"
        rf"(?:\s*{_AMPM})?{_POD}(?P<tail>(?={_POD_TAIL}))?",
        # "a las 8 y media de la tarde", "antes de las 10", "a la una"
        rf"\b{_ES_AT}\s+(?P<article>las?)\s+(?P<h>{_HOUR})"
        rf"(?:[:.h](?P<m>\d{{2}})|\s+y\s+(?P<plus>media|cuarto|{NUMBER})"
        rf"|\s+menos\s+(?P<less>cuarto|{NUMBER}))?"
        rf"(?:\s*(?:{_AMPM}|h\b|hrs\b|horas\b|en\s+punto\b))?{_POD}",
        # "5pm", "at 7:30 am", "by 5 p.m."
        rf"\b(?:{_EN_AT}\s+)?(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}}))?\s*{_AMPM}{_SHARP}{_POD}",
        # "17:00", "at 7:30", "17h30"
        rf"\b(?:(?:{_EN_AT}|{_ES_AT}(?:\s+las?)?)\s+)?(?P<h>\d{{1,2}})[:h](?P<m>\d{{2}})\b"
        rf"(?:\s*h\b)?{_POD}",
        # "at 9", "at nine o'clock", "at 9 in the morning"
        rf"\b{_EN_AT}\s+(?P<h>{_HOUR})(?:\s+(?P<mw>{_MINUTE_WORDS})\b|\s*(?:o\s?'?\s?clock|h|hrs)\b)?"
        rf"(?:\s*{_AMPM})?{_POD}(?!\s*(?:%|/|\d))",
        # "tomorrow 7 in the morning": a bare hour with its part of the day, after a day
        # (checked in `_time_of`; "room 7 in the morning" is a room)
        rf"\b(?P<bare>)(?P<h>\d{{1,2}})\s+{_POD_EN}\b",
        # "17h", "9 o'clock"; Portuguese "às 18h", French "à 9h": the "at" is the time's
        rf"\b(?:(?:{_EN_AT}|{_ES_AT}|as)\s+)?(?P<h>\d{{1,2}})\s*(?:h|hrs|o\s?'?\s?clock)\b{_POD}",
        # "half past 7", "quarter past 9", "quarter to 9"
        rf"\b(?:{_EN_AT}\s+)?(?P<plus_en>half|quarter)\s+past\s+(?P<h>{_HOUR})\b{_POD}",
        rf"\b(?:{_EN_AT}\s+)?(?P<less_en>quarter)\s+(?:to|til)\s+(?P<h>{_HOUR})\b{_POD}",
        r"\b(?:(?:at|a|al|by|para\s+el|before|antes\s+del)\s+)?(?P<named>noon|midday|midnight"
        r"|mediodia|medianoche)\b",
    )
)

_WD_NAMES = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_POD_ALONE = re.compile(
    r"\b(?:(?:in\s+the|this)\s+(?P<pod_en>morning|afternoon|evening)|(?P<tonight>tonight)"
    r"|(?:de|en|por)\s+la\s+(?P<pod_es>manana|tarde|noche|madrugada)"
    r"|(?P<esta>esta)\s+(?P<pod_esta>manana|tarde|noche)"
    rf"|(?:tomorrow|today|{_WD_NAMES})\s+(?P<pod_day>morning|afternoon|evening|night)"
    # the end of the working day: "by the end of the day", "EOD", "a final del día"
    r"|(?:(?:by|before|at|for|until|till|around)\s+)?(?:the\s+)?(?P<eod>end\s+of\s+(?:the\s+)?"
    r"(?:day|business\s+day|working\s+day|shift)|eod|cob|(?:(?:a|al|para|antes\s+del?|hasta)\s+)?"
    r"(?:el\s+)?(?:final|fin)\s+del?\s+(?:dia|jornada|turno)|antes\s+de\s+que\s+(?:acabe|termine)"
    r"\s+el\s+(?:dia|turno)))\b"
)

_POD_HOURS = {
    "morning": 9, "manana": 9, "madrugada": 6, "afternoon": 16, "tarde": 16,
    "evening": 19, "night": 21, "noche": 21, "eod": 18,
}  # fmt: skip

_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6, "lunes": 0, "martes": 1, "miercoles": 2,
    "jueves": 3, "viernes": 4, "sabado": 5, "domingo": 6,
    # French names are no other word; Portuguese "segunda" … "sexta" are Spanish
    # ordinals, read only after a word of "every" (`_WEEKDAYS_PT_FR`).
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
    "dimanche": 6,
}  # fmt: skip
_WD = r"(?:" + "|".join(_WEEKDAYS) + r")"
_WD_SHORT = {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4,
    "sat": 5, "sun": 6,
}  # fmt: skip
"""Chat abbreviations of the weekdays, read only after "every"/"each" ("every sat at 8"):
alone, "sat", "wed" and "sun" are other words."""
_WD_SHORT_ONLY = ("thurs", "tues", "thur", "mon", "tue", "thu", "fri")
"""The abbreviations that are no other word ("sat", "wed", "sun" are)."""
_SHORT_WEEKDAY = re.compile(
    r"\b(?:on\s+)?(?:(?P<wd>" + "|".join(sorted(_WD_SHORT, key=len, reverse=True)) + r")"
    r"(?=\s+(?:at\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:a\s?m|p\s?m|h)\b)"
    r"|(?P<only>" + "|".join(_WD_SHORT_ONLY) + r")(?=\s+at\s+\d{1,2}(?:[:.]\d{2})?\b))"
)
"""A chat weekday right before a clock time ("deep clean the dryers sat 9am", "fri at
9"); read
before the time is taken out, as it is known by the time after it."""
_WD_EVERY = r"(?:" + "|".join([*_WEEKDAYS, *_WD_SHORT]) + r")"
_NOT_A_NOUN = r"(?<!\bel\s)(?<!\bdel\s)(?<!\bun\s)(?<!\bal\s)(?<!\bde\s)"
"""The Spanish adjectives of frequency ("recordatorio diario", "aviso semanal") say how
often; after an article or "de" "diario" is a newspaper or "de diario" weekdays."""
_WEEKDAYS_PT_FR = {
    "segunda": 0, "terca": 1, "quarta": 2, "quinta": 3, "sexta": 4, "sabado": 5, "domingo": 6,
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
}  # fmt: skip
"""Portuguese and French weekdays, read only after a word of "every" ("toda sexta", "tous
les lundis"): alone, the Portuguese ones are Spanish ordinals ("la segunda planta")."""
_WD_PT_FR = r"(?:" + "|".join(_WEEKDAYS_PT_FR) + r")s?(?:\s*-\s*feiras?)?"
_DAY_LINK = r"(?:\s*[,&/]\s*|\s+(?:and|y|e)\s+|\s+)"
"""What joins the days of a list: a comma, a slash, "and", or a space."""

_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|enero|febrero|marzo|abril"
    r"|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)"
)
_ORD = r"(?:st|nd|rd|th|o|a|º|ª)?"
_DATE_PREFIX = (
    r"(?:(?:by|before|until|on|for|this|next|coming|the|para|antes\s+de|antes\s+del|hasta"
    r"|el|este|proximo|siguiente|de"
    # "pal viernes": "para el" run together, before a Spanish day only ("my pal" is a friend)
    r"|pal(?=\s+(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo|manana)\b))\s+)*"
)

_RELATIVE = re.compile(
    rf"\b(?:in|within|en|dentro\s+de)\s+"
    # "in the next 2 hours", "en las próximas 2 horas": the same span, counted from now
    r"(?:(?:the\s+)?next\s+|(?:las|los)\s+proxim[ao]s\s+)?"
    rf"(?P<n>{NUMBER}|an?|half\s+an|media|un)\s+"
    r"(?P<unit>minutes?|mins?|hours?|hrs?|days?|weeks?|minut(?:it)?os?|hor(?:it)?as?|di(?:it)?as?"
    r"|seman(?:it)?as?)\b"
    # "in an hour and a half", "dentro de dos horas y media": half of the unit more
    r"(?P<and_half>\s+(?:and\s+a\s+half|y\s+media)\b)?"
    # "within the hour", "in the next hour", "en la próxima hora": one of the unit
    r"|\b(?:within\s+the(?:\s+next)?|in\s+the\s+next|(?:en|dentro\s+de)\s+la\s+proxima)\s+"
    r"(?P<one>hour|hora)\b"
    # "dentro de hora y media": Spanish drops the "una" before an hour and a half
    r"|\b(?:en|dentro\s+de)\s+(?P<hour_and_half>hora\s+y\s+media)\b"
)

_EARLY = r"(?:\s+(?:temprano|early)\b)?"
"""'mañana temprano', 'tomorrow early': the day, said early in it; no work of its own."""

_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(p))
    for kind, p in (
        (
            "plus2",
            rf"\b{_DATE_PREFIX}(?:pasado\s+manana|(?:the\s+)?day\s+after\s+tomorrow)\b{_EARLY}",
        ),
        # Scots "the morra" (only with its article: Mexican "la morra" is a girl).
        ("plus1", rf"\b{_DATE_PREFIX}(?:tomorrow|tmrw|tmr|the\s+morra)\b{_EARLY}"),
        # "mañana" is "tomorrow" except in "la mañana" (the morning).
        ("plus1", rf"\b{_DATE_PREFIX}(?<!\bla\s)manana\b{_EARLY}"),
        # Portuguese "amanhã", French "demain"
        ("plus1", rf"\b{_DATE_PREFIX}(?:amanha|demain)\b{_EARLY}"),
        ("plus0", rf"\b{_DATE_PREFIX}(?:today|hoy)\b{_EARLY}"),
        (
            "calendar",
            # "the day 2 April", "el día 2 de abril": the day said before its number
            rf"\b{_DATE_PREFIX}(?:day\s+|dia\s+)?(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+|de\s+)?"
            rf"{_MONTHS}\b"
            r"(?:\s+(?:de\s+)?\d{4})?",
        ),
        ("calendar", rf"\b{_DATE_PREFIX}{_MONTHS}\s+(?P<d>\d{{1,2}}){_ORD}\b(?:,?\s+\d{{4}})?"),
        ("numeric", rf"\b{_DATE_PREFIX}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?:/(?P<y>\d{{2,4}}))?\b"),
        (
            "weekday",
            # One space before "que viene": a wider gap is a time taken out from between
            # ("el lunes a las 9 que viene el inspector": "viene" is the inspector's verb).
            rf"\b{_DATE_PREFIX}(?P<wd>{_WD})(?P<coming>\s(?:que\s+viene|proximo|next))?\b",
        ),
        ("monthday", rf"\b{_DATE_PREFIX}(?:the|el\s+dia|dia)\s+(?P<d>\d{{1,2}}){_ORD}\b"),
    )
)


_DAY_STARTS = 6
"""The hour a working day may start at: "6:45" on a clock is the morning's opening time,
a bare "6" (like "5") the afternoon's."""


def _hour_with_meridiem(
    hour: int, ap: str | None, pod: str | None, *, on_the_minute: bool = False
) -> int:
    meridiem = (ap or "").replace(" ", "")
    if meridiem == "pm" or pod in {"afternoon", "evening", "tarde", "noche"}:
        return hour + 12 if hour < 12 else hour
    if pod == "night" and hour < 12:
        return hour + 12 if hour >= 6 else hour
    if meridiem == "am" or pod in {"morning", "manana", "madrugada"}:
        return 0 if hour == 12 else hour
    # A bare "at 5" in a working day is 17:00, not 05:00; "at 6:45" is when it starts.
    if hour == _DAY_STARTS and on_the_minute:
        return hour
    return hour + 12 if 1 <= hour <= _DAY_STARTS else hour


_END_OF_DAY = time(23, 59)


def _first_clock(text: Text) -> tuple[time, re.Match[str]] | None:
    """The first hour said in `text` ("at 9", "17h"), not a part of the day ("tonight")."""
    for pattern in _TIME_PATTERNS:
        for match in pattern.finditer(text.folded):
            if _house_number(text, match):
                continue
            value = _time_of(match)
            if value is not None:
                return value, match
    return None


def _take_time(text: Text) -> tuple[time | None, bool, Text]:
    """The first time of day in `text`; the flag says the phrase also meant "today"."""
    clock = _first_clock(text)
    if clock is not None:
        value, match = clock
        return _later_in_the_day(value, match, text.blank(*match.span()))
    found = _POD_ALONE.search(text.folded)
    if found is None:
        return None, False, text
    if found.group("pod_day"):
        # Keep "tomorrow"/"Monday" for the date pass.
        hour = _POD_HOURS[found.group("pod_day")]
        return time(hour, 0), False, text.blank(*found.span("pod_day"))
    if found.group("eod"):
        # The close of the working day: the date, if any, is said apart ("Friday by EOD").
        return time(_POD_HOURS["eod"], 0), False, text.blank(*found.span())
    pod = found.group("pod_en") or found.group("pod_es") or found.group("pod_esta") or "night"
    today = bool(found.group("tonight") or found.group("esta"))
    return time(_POD_HOURS[pod], 0), today, text.blank(*found.span())


_STREET_NAME_WORDS = 2
"""A street's name is a word or two between the house number and "St"/"Road"."""


def _house_number(text: Text, match: re.Match[str]) -> bool:
    """ "at 14 Oak St": a bare number followed by a capitalised name and a street noun is
    where, not when. Only the few words after the number are read: linear."""
    groups = match.groupdict()
    if groups.get("m") or groups.get("ap") or groups.get("pod_en") or groups.get("pod_es"):
        return False
    end = match.end()
    after = tokens_of(text.folded[end : end + 60])[: _STREET_NAME_WORDS + 1]
    streets = lexicon().classes.get("street", {})
    for index, word in enumerate(after):
        if index and (word.text,) in streets:
            return True
        said = text.original[end + word.start : end + word.end]
        if not said[:1].isupper() or word.text in _WEEKDAYS or word.text.isdigit():
            return False
    return False


def _later_in_the_day(value: time, match: re.Match[str], rest: Text) -> tuple[time, bool, Text]:
    """ "tonight at 11", "esta noche a las 11": the part of the day said apart from the
    time makes 11 the evening's; the phrase also means today."""
    groups = match.groupdict()
    if groups.get("pod_en") or groups.get("pod_es"):
        return value, False, rest
    found = _POD_ALONE.search(rest.folded)
    if found is None:
        return value, False, rest
    if groups.get("ap"):
        # "at 9pm tonight": the meridiem said the hour already; "tonight" still says today.
        if found.group("tonight") or found.group("esta"):
            return value, True, rest.blank(*found.span())
        return value, False, rest
    pod = (
        found.group("pod_en")
        or found.group("pod_es")
        or found.group("pod_esta")
        or ("night" if found.group("tonight") else found.group("pod_day"))
    )
    if pod in {"afternoon", "evening", "night", "tarde", "noche"} and value.hour < 12:
        value = value.replace(hour=value.hour + 12)
    elif pod in {"morning", "manana", "madrugada"} and 12 < value.hour <= 12 + _DAY_STARTS:
        # "at 6 tomorrow morning": the bare hour taken for the afternoon is the morning's.
        value = value.replace(hour=value.hour - 12)
    if found.group("pod_day"):
        return value, False, rest.blank(*found.span("pod_day"))
    today = bool(found.group("tonight") or found.group("esta"))
    return value, today, rest.blank(*found.span())


def _time_of(match: re.Match[str]) -> time | None:
    groups = match.groupdict()
    named = groups.get("named")
    if named:
        return time(0, 0) if named in {"midnight", "medianoche"} else time(12, 0)
    if groups.get("bare") is not None and not _after_a_day(match):
        return None
    if groups.get("half"):
        said_as_time = groups.get("half_at") or groups.get("ap") or groups.get("pod_en")
        if not said_as_time and groups.get("tail") is None and not _after_a_day(match):
            return None
    hour = to_int(groups["h"])
    if groups.get("article") == "la" and hour != 1:
        # Only one o'clock takes the singular ("a la una"); "de la 1 a la 6" counts rooms.
        return None
    minute = int(groups["m"]) if groups.get("m") else 0
    plus, less = groups.get("plus"), groups.get("less")
    if said := groups.get("mw"):
        minute = 45 if said.startswith("forty") and said.endswith("five") else _MINUTES[said]
    if groups.get("half"):
        minute = 30
    if groups.get("plus_en"):
        minute = 30 if groups["plus_en"] == "half" else 15
    if groups.get("less_en"):
        less = "cuarto"
    if plus:
        minute = {"media": 30, "cuarto": 15}.get(plus) or to_int(plus)
    pod = groups.get("pod_en") or groups.get("pod_es")
    hour = _hour_with_meridiem(hour, groups.get("ap"), pod, on_the_minute=minute > 0)
    if less:
        hour, minute = hour - 1, 60 - ({"cuarto": 15}.get(less) or to_int(less))
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


_DAY_WORDS = frozenset({"today", "tonight", "tomorrow", *_WD_NAMES.split("|")})
_DAY_WORD_REACH = 12
"""The longest day word and its space: "wednesday "."""


def _after_a_day(match: re.Match[str]) -> bool:
    """ "tomorrow half seven": a day said right before "half" makes it a time."""
    before = match.string[max(0, match.start() - _DAY_WORD_REACH) : match.start()].split()
    return bool(before) and before[-1] in _DAY_WORDS


def _take_relative(text: Text, now: datetime) -> tuple[datetime | date | None, Text]:
    match = _RELATIVE.search(text.folded)
    if match is None:
        return None, text
    if match.group("one"):
        return _elapsed(now, timedelta(hours=1)), text.blank(*match.span())
    if match.group("hour_and_half"):
        return _elapsed(now, timedelta(hours=1.5)), text.blank(*match.span())
    raw = match.group("n")
    amount = 0.5 if raw in {"half an", "media"} else 1 if raw in {"a", "an", "un"} else to_int(raw)
    unit = match.group("unit")
    if match.group("and_half"):
        amount += 0.5
    cut = text.blank(*match.span())
    if unit.startswith("min"):
        return _elapsed(now, timedelta(minutes=amount)), cut
    if unit.startswith(("h", "hora")):
        return _elapsed(now, timedelta(hours=amount)), cut
    days = amount * (7 if unit.startswith(("week", "seman")) else 1)
    return now.date() + timedelta(days=int(days)), cut


def _elapsed(now: datetime, delta: timedelta) -> datetime:
    # Aware arithmetic in Python is wall-clock; "in 2 hours" means real elapsed time.
    zone = now.tzinfo
    if zone is None:
        raise ValueError("now must be timezone-aware")
    return (now.astimezone(UTC) + delta).astimezone(zone)


def _take_date(
    text: Text, now: datetime, date_order: str, *, clock: bool = False
) -> tuple[date | None, int | None, Text]:
    """The first calendar day in `text`; the int is a weekday still to be placed. With
    a `clock` time said, a weekday is when, even before a noun."""
    for kind, pattern in _DATE_PATTERNS:
        match = pattern.search(text.folded)
        if match is not None and kind == "weekday" and _names_a_thing(text.folded, match, clock):
            # "las reservas del sábado": the day says which reservations, not when.
            match = pattern.search(text.folded, match.end())
        if match is not None and kind == "plus1" and _of_tomorrow(text.folded, match):
            # "los pacientes de mañana": tomorrow's patients, not when to call them.
            match = pattern.search(text.folded, match.end())
        if match is not None and kind == "monthday" and _ordinal_of_a_thing(text.folded, match):
            # "swap the locker on the 2nd floor": which floor, not the 2nd of the month.
            match = pattern.search(text.folded, match.end())
        if match is not None and kind.startswith("plus") and _whose_day(text.folded, match):
            # "confirm tomorrow's appointments": whose appointments, not when.
            match = pattern.search(text.folded, match.end())
        if match is None:
            continue
        cut = text.blank(*match.span())
        today = now.date()
        if kind.startswith("plus"):
            return today + timedelta(days=int(kind[-1])), None, cut
        if kind == "weekday":
            weekday = _WEEKDAYS[match.group("wd")]
            if weekday == today.weekday() and _said_as_coming(match):
                # "el jueves que viene", "next Thursday" said on a Thursday: next week's
                return today + timedelta(days=7), None, cut
            dated = _weekday_with_its_date(cut, match.end(), today, weekday)
            if dated is not None:
                return dated
            return None, weekday, cut
        if kind == "monthday":
            found = _next_month_day(today, int(match.group("d")))
        else:
            found = _calendar(match, kind, now, date_order)
        if found is not None:
            return found, None, cut
    return None, None, text


_MONTH_DAY_AFTER = re.compile(rf"\s+(?P<d>\d{{1,2}}){_ORD}\b(?![:.,]\d)")
_DATED_WEEKS = 3
"""How far ahead a weekday and its day of the month are looked for together."""


def _weekday_with_its_date(
    cut: Text, after: int, today: date, weekday: int
) -> tuple[date, None, Text] | None:
    """ "el lunes 31", "friday 4th": a weekday followed by its day of the month names
    that one date, and the number goes with it. A number that is not the day of any
    coming such weekday is something else (an hour, a quantity) and stays."""
    number = _MONTH_DAY_AFTER.match(cut.folded, after)
    if number is None:
        return None
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    for _ in range(_DATED_WEEKS):
        if day.day == int(number.group("d")):
            return day, None, cut.blank(*number.span())
        day += timedelta(days=7)
    return None


_TIME_LINKS = frozenset({"antes", "despues", "partir", "desde", "hasta", "fecha", "dia", "plazo"})
"""Words before "de mañana" that make it a time ("antes de mañana", "fecha de mañana")."""


def _of_tomorrow(folded: str, match: re.Match[str]) -> bool:
    """ "de mañana" after a noun says which ones ("los pacientes de mañana", "el pedido de
    mañana"), as "del sábado" does; after a word of time it is when."""
    if match.group().split() != ["de", "manana"]:
        return False
    before = folded[max(0, match.start() - 12) : match.start()].split()
    return bool(before) and before[-1] not in _TIME_LINKS and not before[-1].isdigit()


_ENGLISH_ORDINALS = ("st", "nd", "rd", "th")
_MONTH_WORD = re.compile(_MONTHS)
_DAY_OF = frozenset({"of", "then", "latest", "at", "by", "before", "and", "or", "for"})


def _ordinal_of_a_thing(folded: str, match: re.Match[str]) -> bool:
    """ "the 2nd floor", "the 3rd shelf": an English ordinal followed by a noun ranks the
    thing; a day of the month stands alone or before a word of time ("the 2nd at 9")."""
    if not match.group().endswith(_ENGLISH_ORDINALS):
        return False
    after = folded[match.end() : match.end() + 24].split()
    return (
        bool(after)
        and after[0].isalpha()
        and after[0] not in _DAY_STAYS | _DAY_OF
        and _MONTH_WORD.fullmatch(after[0]) is None
    )


def _whose_day(folded: str, match: re.Match[str]) -> bool:
    """ "tomorrow's appointments", "today's menu": the day in the possessive owns a noun."""
    return folded[match.end() : match.end() + 2] in _POSSESSIVE


_COMING = frozenset({"next", "proximo", "siguiente", "coming"})


def _said_as_coming(match: re.Match[str]) -> bool:
    """The weekday is said as the next one to come ("next", "que viene", "próximo"),
    which on that very weekday is not today."""
    return bool(match.group("coming")) or bool(_COMING.intersection(match.group().split()))


_OF_A_DAY = ("del", "of")
"""A weekday after these modifies a noun ("the reservations of Saturday")."""


_DAY_STAYS = frozenset(
    {"at", "by", "in", "on", "and", "or", "to", "the", "a", "before", "after", "till", "until"}
    | {"morning", "afternoon", "evening", "night", "am", "pm", "next", "coming", "week"}
)
"""Words after "the Saturday" that leave it a day ("the Saturday at 9", "the Saturday
morning"): any other word is the noun it names ("the Saturday wedding")."""


_POSSESSIVE = frozenset({"'s", "\u2019s"})


def _names_a_thing(folded: str, match: re.Match[str], clock: bool) -> bool:
    before = folded[max(0, match.start() - 5) : match.start()].split()
    if before and before[-1] in _OF_A_DAY:
        return True
    if folded[match.end() : match.end() + 2] in _POSSESSIVE:
        return True  # "print the menus for Sunday's brunch": whose brunch, not when
    if clock:
        return False  # "for the monday meeting at 10": the day of that hour
    said = folded[: match.start("wd")].split()
    after = folded[match.end() : match.end() + 24].split()
    # "fold the napkins for the Saturday wedding": which wedding, not when.
    return (
        bool(said)
        and said[-1] == "the"
        and bool(after)
        and after[0].isalpha()
        and after[0] not in _DAY_STAYS
    )


def _next_month_day(today: date, day: int) -> date | None:
    for offset in range(0, 13):
        month_index = today.month - 1 + offset
        year, month = today.year + month_index // 12, month_index % 12 + 1
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


_DAY_WORD = re.compile(r"^(?:day|dia)\s+")
"""The word "day" said before a date's number ("the day 2 April"): not the date's."""


def _calendar(match: re.Match[str], kind: str, now: datetime, date_order: str) -> date | None:
    phrase = match.group()
    # Strip our own prefixes ("by", "el", "para"…) before handing the date to dateparser.
    if kind == "numeric":
        phrase = match.group("a") + "/" + match.group("b")
        if match.group("y"):
            phrase += "/" + match.group("y")
    else:
        phrase = _DAY_WORD.sub("", re.sub(rf"^{_DATE_PREFIX}", "", phrase))
    parsed = dateparser.parse(
        phrase,
        languages=["en", "es"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": now.replace(tzinfo=None),
            "DATE_ORDER": date_order,
            "PREFER_DAY_OF_MONTH": "first",
        },
    )
    return parsed.date() if parsed is not None else None


def _wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    # Round-trip through UTC so a time in a spring-forward gap becomes a real instant.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC).astimezone(zone)


def find_time(
    text: str,
    *,
    timezone: str,
    now: datetime,
    default_time: time = time(9, 0),
    date_order: str = "DMY",
) -> FoundTime | None:
    """Find a one-off time in `text`, relative to `now`, preferring the future.

    A day without a time of day gets `default_time`; a time without a day is the
    next such time (today or tomorrow).
    """
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    work = Text.of(text)
    relative, work = _take_relative(work, local_now)
    if isinstance(relative, datetime):
        return FoundTime(relative, tidy(work.original), True)
    short = _SHORT_WEEKDAY.search(work.folded)
    if short is not None:
        work = work.blank(*short.span())
    said_time = work
    tod, today_hint, work = _take_time(work)
    day: date | None = None
    weekday: int | None = _WD_SHORT[short.group("wd") or short.group("only")] if short else None
    if not today_hint:
        # "tonight at 8 … that we start at 6 tomorrow": "tonight" is the day already; a
        # day said later belongs to the message, not to when it is sent.
        day, said, work = _take_date(work, local_now, date_order, clock=tod is not None)
        weekday = said if said is not None or day is not None else weekday
    if isinstance(relative, date):
        day = relative
    if day is None and weekday is None and tod is None:
        return None
    explicit_date = day is not None or weekday is not None or today_hint
    if day is None and weekday is None and today_hint:
        day = local_now.date()
    clock = tod if tod is not None else default_time
    if weekday is not None:
        ahead = (weekday - local_now.weekday()) % 7
        day = local_now.date() + timedelta(days=ahead)
        if _wall_clock(day, clock, zone) <= local_now:
            day += timedelta(days=7)
    if day is None:
        day = local_now.date()
        if _wall_clock(day, clock, zone) <= local_now:
            day += timedelta(days=1)
    if (
        today_hint
        and _wall_clock(day, clock, zone) <= local_now < _wall_clock(day, _END_OF_DAY, zone)
        and _first_clock(said_time) is None
    ):
        # "bins out tonight" at 22:00: still today, its usual hour already past; due by
        # the end of the day, not overdue the moment it is given.
        clock = _END_OF_DAY
    return FoundTime(
        _wall_clock(day, clock, zone), tidy(work.original), tod is not None, explicit_date
    )


_CRON_DOW = {0: 1, 1: 2, 2: 3, 3: 4, 4: 5, 5: 6, 6: 0}  # Python Monday=0 → cron Sunday=0
_ORDINAL_UNITS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
)  # fmt: skip
_ORDINAL_TEENS = (
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth",
)  # fmt: skip
_ORDINALS: dict[str, int] = {
    **{word: n for n, word in enumerate(_ORDINAL_UNITS, start=1)},
    **{word: n for n, word in enumerate(_ORDINAL_TEENS, start=10)},
    "twentieth": 20, "thirtieth": 30, "thirty first": 31, "primero": 1, "primer": 1, "uno": 1,
    **{f"twenty {word}": 20 + n for n, word in enumerate(_ORDINAL_UNITS, start=1)},
}  # fmt: skip
"""The days of the month said as ordinal words ("the second of every month"); hyphens are
spaces by the time we read ("twenty-first")."""
_DAY_NUMBER = (
    r"(?P<d>\d{1,2}|"
    + "|".join(w.replace(" ", r"(?:\s*-\s*|\s+)") for w in sorted(_ORDINALS, key=len, reverse=True))
    + r")"
    + _ORD
)

_RECURRENCES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(p))
    for kind, p in (
        (
            "hours",
            rf"\b(?:every|each|cada)\s+(?P<n>{NUMBER})\s+(?:hours|hrs|horas)\b",
        ),
        ("hourly", r"\b(?:every\s+hour|each\s+hour|hourly|cada\s+hora|todas\s+las\s+horas)\b"),
        (
            # "every other day", "un día sí y otro no": every second day of the month
            "alternate",
            r"\b(?:every\s+(?:other|second)\s+day|each\s+other\s+day|cada\s+dos\s+dias"
            r"|un\s+dia\s+si\s+y\s+otro\s+no|dia\s+si\s+dia\s+no|(?:en\s+)?dias\s+alternos)\b",
        ),
        (
            "monthly",
            # "the 1st of every month", and without the article: "first of every month"
            rf"\b(?:on\s+)?(?:(?:every|each|the)\s+)?{_DAY_NUMBER}\s+(?:day\s+)?(?:of\s+)?"
            r"(?:the|every|each)\s+month\b",
        ),
        ("monthly", rf"\b(?:every|each)\s+month\s+on\s+the\s+{_DAY_NUMBER}\b"),
        ("monthly", rf"\bmonthly\s+on\s+the\s+{_DAY_NUMBER}\b"),
        # "every 15th", "cada 1 de mes": a day of the month, said short
        ("monthly", r"\b(?:every|each)\s+(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)\b"),
        ("monthly", rf"\bcada\s+(?:dia\s+)?{_DAY_NUMBER}\s+de\s+(?:cada\s+)?mes\b"),
        (
            "monthly",
            rf"\b(?:el\s+|cada\s+)?(?:dia\s+)?{_DAY_NUMBER}\s+(?:de\s+cada\s+mes|de\s+todos\s+los"
            r"\s+meses|del\s+mes)\b",
        ),
        # "cada primer día del mes": the ordinal before the day ("primer" as before a noun)
        (
            "monthly",
            rf"\b(?:el\s+|cada\s+)?{_DAY_NUMBER}\s+dia\s+(?:de\s+cada\s+mes|de\s+todos\s+los"
            r"\s+meses|del\s+mes)\b",
        ),
        # "cada día 1", "todos los días 1": the day of the month after "cada día"; an hour
        # there is not one
        # ("cada día 8 y media", "cada día 7:30" are daily)
        (
            "monthly",
            r"\b(?:cada\s+dia|todos\s+los\s+dias)\s+(?P<d>\d{1,2})\b(?!\s*(?::|\.\d|h\b|hs\b|am\b|pm\b|horas?\b"
            r"|y\s|menos\s|de\s+la\b|en\s+punto\b))",
        ),
        (
            "monthly",
            rf"\b(?:cada\s+mes|todos\s+los\s+meses|mensualmente)\s+(?:el\s+)?(?:dia\s+)?"
            rf"{_DAY_NUMBER}\b",
        ),
        (
            "monthly1",
            r"\b(?:every\s+month|each\s+month|monthly|cada\s+mes|todos\s+los\s+meses"
            rf"|mensualmente|{_NOT_A_NOUN}mensual)\b",
        ),
        (
            "weekdays",
            # "weekday mornings": the day's adjective before its part of the day
            r"\b(?:(?:every|each)\s+weekday|(?:on\s+)?weekdays|(?:on\s+)?weekday(?=\s+(?:morning"
            r"|afternoon|evening|night)s?\b)|(?:from\s+)?monday\s+(?:to|through|thru"
            r"|till|until|-)\s+friday|mon\s*-\s*fri|(?:de|desde\s+el)\s+lunes\s+(?:a|al|hasta"
            r"(?:\s+el)?)\s+viernes|entre\s+semana|(?:todos\s+los\s+|cada\s+)?dias?\s+laborables?"
            r"|(?:todos\s+los\s+|cada\s+)dias?\s+de\s+diario)\b",
        ),
        (
            # "monday to saturday", "de martes a domingo": every day of the span
            "span",
            rf"\b(?:from\s+|(?:de|desde)\s+(?:el\s+)?)?(?P<a>{_WD})s?\s+(?:to|through|thru|till"
            rf"|until|-|a|al|hasta(?:\s+el)?)\s+(?P<b>{_WD})s?\b",
        ),
        (
            "weekends",
            r"\b(?:every\s+weekend|(?:on\s+)?weekends|(?:on\s+)?weekend(?=\s+(?:morning|afternoon"
            r"|evening|night)s?\b)|(?:todos\s+)?los\s+fines\s+de\s+semana"
            r"|cada\s+fin\s+de\s+semana)\b",
        ),
        (
            "days",
            rf"\b(?:every|each)\s+(?P<first>{_WD_EVERY})s?"
            rf"(?P<more>(?:\s*(?:,|and|&|y|e)\s*{_WD_EVERY}s?)*)\b",
        ),
        (
            "days",
            # "todos los sábados": the plural, whose "-s" the weekday alone leaves over
            rf"\b(?:cada|todos\s+los|los)\s+(?P<first>{_WD})s?"
            rf"(?P<more>(?:\s*(?:,|y|e)\s*(?:los\s+)?{_WD}s?)*)\b",
        ),
        ("days", rf"\b(?P<first>{_WD})s(?P<more>(?:\s*(?:,|and|&)\s*{_WD}s)*)\b"),
        (
            "days_pt_fr",
            rf"\b(?:toda|todas\s+as|tous\s+les|chaque)\s+(?P<first>{_WD_PT_FR})"
            rf"(?P<more>(?:\s*(?:,|e|et)\s*(?:as\s+|les\s+)?{_WD_PT_FR})*)\b",
        ),
        # "Mon Wed Fri at 6", "lunes, miércoles y viernes a las 8": several days listed
        # are each of them, as "every" would say; one day alone is once.
        (
            "days",
            rf"\b(?P<first>{_WD_EVERY})(?P<more>(?:{_DAY_LINK}{_WD_EVERY}){{1,6}})\b",
        ),
        (
            "daily",
            r"\b(?:every\s*day|each\s+day|daily|(?:every|each)\s+(?P<pod_en>morning|afternoon|evening|night)"
            rf"|cada\s+dia|todos\s+los\s+dias|diariamente|a\s+diario|{_NOT_A_NOUN}diari[oa]"
            r"|todos\s+os\s+dias|todo\s+dia|tous\s+les\s+jours|chaque\s+jour"
            r"|(?:cada|todas\s+las)\s+(?P<pod_es>manana|tarde|noche)s?)\b",
        ),
        (
            "weekly",
            r"\b(?:every\s+week|each\s+week|weekly|cada\s+semana|todas\s+las\s+semanas"
            rf"|semanalmente|{_NOT_A_NOUN}semanal)\b",
        ),
    )
)


_POD_AFTER = re.compile(
    r"[\s,]*(?:in\s+the\s+|por\s+la\s+|de\s+la\s+|a\s+la\s+)?"
    r"(?P<pod>morning|afternoon|evening|night|manana|tarde|noche)s?\b"
)
"""A part of the day right after a recurrence: "every Friday afternoon", "los lunes por
la tarde". Anchored where the recurrence ends, so it is tried once: linear."""
_PM_PARTS = frozenset({"afternoon", "evening", "night", "tarde", "noche"})
_AM_PARTS = frozenset({"morning", "manana"})


def _part_of_day_after(work: Text, end: int) -> tuple[str | None, Text]:
    found = _POD_AFTER.match(work.folded, end)
    if found is None:
        return None, work
    return found.group("pod"), work.blank(*found.span())


def _with_part_of_day(clock: time, pod: str | None) -> time:
    """ "every night at 11" is 23:00; "todas las noches a las 12" midnight; "every morning
    at 6" 06:00 (a bare 6 alone would be the afternoon's)."""
    if pod in _AM_PARTS and 12 < clock.hour <= 12 + _DAY_STARTS:
        return clock.replace(hour=clock.hour - 12)
    if pod not in _PM_PARTS:
        return clock
    if pod in {"night", "noche"} and clock.hour == 12:
        return clock.replace(hour=0)
    if pod in {"night", "noche"} and clock.hour < 6:
        return clock  # "at 2 at night"
    return clock.replace(hour=clock.hour + 12) if clock.hour < 12 else clock


def find_recurrence(text: str, *, now: datetime | None = None) -> FoundRecurrence | None:
    """Find a recurrence ("every Monday at 9", "cada día a las 8") and return its cron.

    Without a time of day the cron fires at 09:00 (or the part of day named).
    `now` picks the weekday of a plain "every week" (default Monday).
    """
    work = Text.of(text)
    for kind, pattern in _RECURRENCES:
        match = pattern.search(work.folded)
        if match is None:
            continue
        work = work.blank(*match.span())
        if kind == "hours":
            cron = f"0 */{to_int(match.group('n'))} * * *"
            return _checked(cron, work)
        if kind == "hourly":
            return _checked("0 * * * *", work)
        groups = match.groupdict()
        pod = groups.get("pod_en") or groups.get("pod_es")
        if not pod:
            pod, work = _part_of_day_after(work, match.end())
        tod, _, work = _take_time(work)
        if tod is not None:
            clock = _with_part_of_day(tod, pod)
        elif pod:
            clock = time(_POD_HOURS[pod], 0)
        else:
            clock = time(9, 0)
        if kind in {"monthly", "monthly1"}:
            raw = groups.get("d") or "1"
            day = int(raw) if raw.isdigit() else _ORDINALS[" ".join(raw.replace("-", " ").split())]
            if not 1 <= day <= 31:
                return None
            fields = f"{day} * *"
        elif kind == "alternate":
            fields = "*/2 * *"
        elif kind == "weekdays":
            fields = "* * 1-5"
        elif kind == "span":
            first, last = (_CRON_DOW[_WEEKDAYS[match.group(g)]] for g in ("a", "b"))
            if first == last:
                return None
            # cron counts Sunday as 0 and as 7: "friday to sunday" is 5-7
            fields = f"* * {first}-{last if last > first else last + 7}"
        elif kind == "weekends":
            fields = "* * 0,6"
        elif kind == "days":
            said = match.group("first") + " " + (match.group("more") or "")
            found = re.findall(rf"\b{_WD_EVERY}", said)
            days = sorted(
                {_CRON_DOW[_WEEKDAYS.get(name, _WD_SHORT.get(name, 0))] for name in found}
            )
            fields = "* * " + ",".join(str(d) for d in days)
        elif kind == "days_pt_fr":
            said = match.group("first") + " " + (match.group("more") or "")
            names = re.findall(r"[a-z]+", said)
            singular = [n if n in _WEEKDAYS_PT_FR else n[:-1] for n in names]
            days = sorted({_CRON_DOW[_WEEKDAYS_PT_FR[n]] for n in singular if n in _WEEKDAYS_PT_FR})
            fields = "* * " + ",".join(str(d) for d in days)
        elif kind == "weekly":
            weekday = now.weekday() if now is not None else 0
            fields = f"* * {_CRON_DOW[weekday]}"
        else:
            fields = "* * *"
        return _checked(f"{clock.minute} {clock.hour} {fields}", work)
    return None


def _checked(cron: str, rest: Text) -> FoundRecurrence | None:
    if not croniter.is_valid(cron):
        return None
    return FoundRecurrence(cron, tidy(rest.original))
