"""What MinkOps says: thin wrappers over `minkops.i18n`, kept so callers need not change.

The texts are in the gettext catalogues (`minkops/i18n/locale/<lang>/LC_MESSAGES/minkops.po`),
one per language; dates, times and lists are formatted there with Babel.
"""

from __future__ import annotations

from datetime import datetime

from minkops import i18n
from minkops.i18n import SUPPORTED_LANGUAGES, pick_language

__all__ = [
    "SUPPORTED_LANGUAGES",
    "describe_intent",
    "format_when",
    "join_names",
    "pick_language",
    "say",
]


def say(language: str, key: str, **values: object) -> str:
    """The reply `key` in `language` (English when that language lacks it)."""
    return i18n.translate(language, key, **values)


def describe_intent(language: str, kind: str) -> str:
    """What an intent is about, for the honest "can't do that yet" reply."""
    key = f"intent_{kind}"
    return i18n.translate(language, key) if i18n.has_message(key) else kind.replace("_", " ")


def join_names(
    language: str, names: list[str], *, country: str | None = None, timezone: str | None = None
) -> str:
    """'Juan Pérez or Juan Mora': the candidates when a name fits several people."""
    return i18n.format_list(language, names, style="or", country=country, timezone=timezone)


def format_when(
    language: str, moment: datetime, now: datetime, timezone: str, *, country: str | None = None
) -> str:
    """'today 17:00', 'tomorrow 5:00 PM', 'Thu, 26 Nov, 17:00', in the organization's time."""
    return i18n.format_when(language, moment, now, timezone, country=country)
