"""The reader's locale, and lists and numbers as they write them (Babel, CLDR data).

The locale is the reader's language with the organization's country when Babel knows
that pair (en_GB writes 17:00, en_US 5:00 PM; pt_PT and pt_BR; fr_CA). Without a
country we take the territory of the organization's timezone when there is one
(Europe/Madrid → ES, so an English speaker in a Madrid café gets en_ES and 24-hour
time); failing both, the language's usual locale, `USUAL_LOCALES`.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from babel import Locale, localedata
from babel.core import get_global
from babel.lists import format_list as babel_format_list
from babel.numbers import format_decimal

from minkops.i18n._catalogues import pick_language

# The language's usual locale when nothing says which country: CLDR's likely subtags
# (en → en_US, es → es_ES, pt → pt_BR, fr → fr_FR).
USUAL_LOCALES = {"en": "en_US", "es": "es_ES", "pt": "pt_BR", "fr": "fr_FR"}


def locale_for(language: str, country: str | None = None, timezone: str | None = None) -> Locale:
    """The Babel locale for a reader of `language` in an organization in `country` (or, when
    the country is unknown, in the territory of `timezone`)."""
    territory = country or _territory_of(timezone)
    return _locale(pick_language(language), territory.upper() if territory else None)


@functools.cache
def _locale(language: str, territory: str | None) -> Locale:
    if territory and localedata.exists(f"{language}_{territory}"):
        return Locale.parse(f"{language}_{territory}")
    return Locale.parse(USUAL_LOCALES[language])


def _territory_of(timezone: str | None) -> str | None:
    if not timezone:
        return None
    territory = get_global("zone_territories").get(timezone)
    # '001' (the world) is what CLDR says for zones like Etc/UTC: no country.
    return territory if isinstance(territory, str) and territory.isalpha() else None


def whatsapp_text(text: str) -> str:
    """Babel's output with the spaces people type.

    CLDR puts a narrow no-break space (U+202F) between a time and AM/PM ("5:00 PM"), and
    no-break spaces in French numbers and Canadian times. In a WhatsApp message they buy
    little (a bubble rarely wraps there) and cost: some fonts on older phones and
    WhatsApp Desktop draw U+202F as a box or a wide gap, text-to-speech for voice delivery
    may not read it as a space, and a person who copies "5:00 PM" back to us or searches
    their chat for it types an ordinary space. So: ordinary spaces.
    """
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def format_list(
    language: str,
    items: Sequence[str],
    *,
    style: Literal["and", "or"] = "and",
    country: str | None = None,
    timezone: str | None = None,
) -> str:
    """'Ana, Luis and Marta', 'Ana, Luis o Marta' (style 'or'), 'Ana, Luis et Marta'.
    `country` and `timezone` are the organization's, as for `locale_for`."""
    if not items:
        return ""
    babel_style: Literal["standard", "or"] = "standard" if style == "and" else "or"
    locale = locale_for(language, country, timezone)
    text = babel_format_list(list(items), style=babel_style, locale=locale)
    if locale.language == "es" and len(items) > 1:
        text = _spanish_conjunction(text, items[-1])
    return whatsapp_text(text)


def _spanish_conjunction(text: str, last: str) -> str:
    """'Ana u Olga', 'Luis e Inés': Spanish changes 'o' and 'y' before the same sound, which
    CLDR's list patterns (and so Babel) leave out."""
    head, sound = text[: -len(last)], unicodedata.normalize("NFD", last.lower())
    sound = "".join(c for c in sound if not unicodedata.combining(c)).removeprefix("h")
    if head.endswith(" o ") and sound.startswith("o"):
        return head[:-3] + " u " + last
    # 'hielo' and 'hierba' keep 'y': before i + vowel the sound is a consonant.
    if head.endswith(" y ") and sound.startswith("i") and sound[1:2] not in ("a", "e", "o", "u"):
        return head[:-3] + " e " + last
    return text


def format_number(
    language: str,
    number: int | float | Decimal,
    *,
    country: str | None = None,
    timezone: str | None = None,
) -> str:
    """A quantity as the reader writes it: 12,345 (en), 12.345 (es), 12 345 (fr)."""
    if type(number) is int:  # counts and caps, in most replies: the same few, formatted once
        return _format_int(language, number, country, timezone)
    return whatsapp_text(format_decimal(number, locale=locale_for(language, country, timezone)))


@functools.lru_cache(maxsize=4096)
def _format_int(language: str, number: int, country: str | None, timezone: str | None) -> str:
    return whatsapp_text(format_decimal(number, locale=locale_for(language, country, timezone)))
