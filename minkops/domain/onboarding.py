"""Signing up over WhatsApp: a number no organization knows, once it asks to sign up.

Pure: `onboard` takes what the stranger said and where their sign-up stands, and returns
the reply, the sign-up as it stands after (None: forgotten) and, at the end, the
organization to create. Questions in order: name, organization, city, country (proposed
from the phone's country code), timezone (proposed from the number), email, then the
privacy policy and an explicit "18 or over?". Anyone who says no is told kindly that
MinkOps is not for them, and nothing about them is kept.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Literal

import phonenumbers
import phonenumbers.timezone
from babel import Locale
from babel.core import get_global

from minkops.domain.matching import fold
from minkops.domain.phones import language_for_phone
from minkops.domain.replies import pick_language, say

SIGN_UP_TTL = timedelta(hours=24)
"""A sign-up left half-way is forgotten after this (like any conversation)."""
MAX_ANSWER = 200

Step = Literal["name", "org", "city", "country", "timezone", "email", "age"]

_SIGN_UP = re.compile(
    r"^(?:i\s+(?:want|would\s+like)\s+to\s+)?(?:sign\s*-?\s*up|register|join\s+minkops"
    r"|create\s+(?:an?\s+)?(?:account|team|organi[sz]ation)|start\s+(?:a\s+)?(?:team|trial))"
    r"|^(?:quiero\s+)?(?:registrarme|registrarse|registrar\s+(?:mi\s+)?(?:empresa|equipo|negocio)"
    r"|crear\s+(?:una\s+)?cuenta|darme\s+de\s+alta\s+en\s+minkops|inscribirme)"
    r"|^(?:quero\s+)?(?:me\s+)?(?:cadastrar(?:-me)?|inscrever(?:-me)?|criar\s+(?:uma\s+)?conta)"
    r"|^(?:je\s+veux\s+)?(?:m'inscrire|s'inscrire|inscription|creer\s+un\s+compte)"
)
_CANCEL = frozenset({"cancel", "cancelar", "stop", "parar", "annuler", "baja", "quit"})
_YES = frozenset({"yes", "y", "yeah", "yep", "ok", "si", "sim", "oui", "claro", "correct"})
_NO = frozenset({"no", "n", "nope", "nao", "non"})
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[a-z]{2,24}$", re.IGNORECASE)


def wants_sign_up(text: str) -> bool:
    return bool(_SIGN_UP.match(fold(" ".join(text.split()))[:200]))


@dataclass(frozen=True)
class SignUp:
    """Where one number's sign-up stands."""

    phone: str
    language: str
    step: Step
    expires_at: datetime
    answers: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"language": self.language, "step": self.step, "answers": self.answers}


@dataclass(frozen=True)
class NewOrganization:
    name: str
    owner_name: str
    phone: str
    city: str
    country: str
    timezone: str
    email: str
    language: str


@dataclass(frozen=True)
class Onboarded:
    reply: str | None
    """What to say back (None: nothing; the stranger had their explanation today)."""
    sign_up: SignUp | None
    """The sign-up after this message; None when it is over (done, refused, cancelled)."""
    create: NewOrganization | None = None
    forget: bool = False
    """Under 18: their inbound rows are anonymized, and nothing else is kept."""


def onboard(
    phone: str,
    text: str,
    sign_up: SignUp | None,
    *,
    explained_today: bool,
    policy_url: str,
    now: datetime,
) -> Onboarded:
    if sign_up is not None and now >= sign_up.expires_at:
        sign_up = None
    language = pick_language(language_for_phone(phone))
    answer = " ".join(text.split())
    if sign_up is None:
        if wants_sign_up(answer):
            started = SignUp(phone, language, "name", now + SIGN_UP_TTL)
            return Onboarded(say(language, "onboarding_ask_name"), started)
        if explained_today or fold(answer).strip(" .!¡") in _CANCEL:
            return Onboarded(None, None)  # once a day; and never an answer to a STOP
        hint = say(language, "stranger_sign_up_hint")
        return Onboarded(f"{say(language, 'stranger')}\n{hint}", None)
    language = sign_up.language
    folded = fold(answer).strip(" .!¡?¿")
    if folded in _CANCEL:
        return Onboarded(say(language, "onboarding_cancelled"), None)
    if not answer:  # a photo, a sticker: the question stands
        return Onboarded(say(language, "onboarding_ask_again"), sign_up)
    if len(answer) > MAX_ANSWER:
        return Onboarded(say(language, "onboarding_too_long", limit=MAX_ANSWER), sign_up)
    sign_up = replace(sign_up, expires_at=now + SIGN_UP_TTL)
    return _STEPS[sign_up.step](sign_up, answer, folded, policy_url)


def _next(sign_up: SignUp, step: Step, reply: str, **saved: str) -> Onboarded:
    moved = replace(sign_up, step=step, answers={**sign_up.answers, **saved})
    return Onboarded(reply, moved)


def _name(sign_up: SignUp, answer: str, folded: str, policy_url: str) -> Onboarded:
    return _next(sign_up, "org", say(sign_up.language, "onboarding_ask_org"), name=answer)


def _org(sign_up: SignUp, answer: str, folded: str, policy_url: str) -> Onboarded:
    return _next(sign_up, "city", say(sign_up.language, "onboarding_ask_city"), org=answer)


def _city(sign_up: SignUp, answer: str, folded: str, policy_url: str) -> Onboarded:
    proposed = _region(sign_up.phone)
    moved = replace(sign_up, answers={**sign_up.answers, "city": answer})
    if proposed is None:
        return _next(moved, "country", say(sign_up.language, "onboarding_ask_country_again"))
    country = country_name(sign_up.language, proposed)
    reply = say(sign_up.language, "onboarding_ask_country", country=country)
    return _next(moved, "country", reply)


def _country(sign_up: SignUp, answer: str, folded: str, policy_url: str) -> Onboarded:
    proposed = _region(sign_up.phone)
    code = proposed if folded in _YES and proposed else find_country(answer)
    if code is None:
        return Onboarded(say(sign_up.language, "onboarding_ask_country_again"), sign_up)
    moved = replace(sign_up, answers={**sign_up.answers, "country": code})
    zones = timezones_for(sign_up.phone, code, sign_up.answers.get("city", ""))
    if not zones:
        return _next(moved, "timezone", say(sign_up.language, "onboarding_ask_timezone_write"))
    listed = "\n".join(f"{n}. {zone}" for n, zone in enumerate(zones, 1))
    reply = say(sign_up.language, "onboarding_ask_timezone", timezone=zones[0], choices=listed)
    return _next(moved, "timezone", reply)


def _timezone(sign_up: SignUp, answer: str, folded: str, policy_url: str) -> Onboarded:
    a = sign_up.answers
    zones = timezones_for(sign_up.phone, a.get("country", ""), a.get("city", ""))
    chosen: str | None = None
    if folded in _YES and zones:
        chosen = zones[0]
    elif folded.isdigit() and 1 <= int(folded) <= len(zones):
        chosen = zones[int(folded) - 1]
    else:
        chosen = _iana(answer)
    if chosen is None:
        return Onboarded(say(sign_up.language, "onboarding_ask_timezone_write"), sign_up)
    return _next(sign_up, "email", say(sign_up.language, "onboarding_ask_email"), timezone=chosen)


def _email(sign_up: SignUp, answer: str, folded: str, policy_url: str) -> Onboarded:
    if not _EMAIL.match(answer):
        return Onboarded(say(sign_up.language, "onboarding_bad_email"), sign_up)
    reply = say(sign_up.language, "onboarding_ask_age", url=policy_url)
    return _next(sign_up, "age", reply, email=answer)


def _age(sign_up: SignUp, answer: str, folded: str, policy_url: str) -> Onboarded:
    language = sign_up.language
    if folded in _NO or folded.startswith(("no ", "i am under", "i'm under", "soy menor")):
        return Onboarded(say(language, "onboarding_under_18"), None, forget=True)
    if folded not in _YES:
        return Onboarded(say(language, "onboarding_ask_age", url=policy_url), sign_up)
    a = sign_up.answers
    new = NewOrganization(
        name=a["org"],
        owner_name=a["name"],
        phone=sign_up.phone,
        city=a["city"],
        country=a["country"],
        timezone=a["timezone"],
        email=a["email"],
        language=language,
    )
    first = a["name"].split()[0]
    return Onboarded(say(language, "onboarding_done", name=first, org=a["org"]), None, new)


_STEPS = {
    "name": _name,
    "org": _org,
    "city": _city,
    "country": _country,
    "timezone": _timezone,
    "email": _email,
    "age": _age,
}


# --- countries and timezones ------------------------------------------------------------------


def _region(phone: str) -> str | None:
    """The number's country; for a number outside the known ranges, its country code's."""
    try:
        number = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    if (not region or region == "ZZ") and number.country_code:
        region = phonenumbers.region_code_for_country_code(number.country_code)
    return region if region and region != "ZZ" else None


def country_name(language: str, code: str) -> str:
    return str(Locale.parse(language).territories.get(code, code))


@cache
def _countries() -> dict[str, str]:
    """Folded country names in our four languages (and codes) -> ISO 3166 code."""
    names: dict[str, str] = {}
    for language in ("en", "es", "pt", "fr"):
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names[fold(name)] = code
                names[code.casefold()] = code
    return names


def find_country(text: str) -> str | None:
    return _countries().get(fold(text).strip(" .!"))


def timezones_for(phone: str, country: str, city: str = "") -> list[str]:
    """The zones the number belongs to, when it is of that country (the one named for the
    city first); else none to propose."""
    if _region(phone) != country:
        return []
    try:
        zones = phonenumbers.timezone.time_zones_for_number(phonenumbers.parse(phone))
    except phonenumbers.NumberParseException:
        return []
    if not set(zones) & _zones():
        # Not a number of a known range: the country's own zones (CLDR), if only a few.
        country_zones = get_global("territory_zones").get(country, [])
        zones = tuple(country_zones) if len(country_zones) <= 5 else ()
    here = fold(city).replace(" ", "_")
    return sorted(
        (z for z in zones if z in _zones()),
        key=lambda z: (fold(z.rsplit("/", 1)[-1]) != here, z),
    )


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _iana(text: str) -> str | None:
    wanted = text.strip().replace(" ", "_").casefold()
    return next((z for z in _zones() if z.casefold() == wanted), None)
