"""`translate(language, key, **values)`: one reply from the catalogues."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from minkops.i18n._catalogues import (
    DEFAULT_LANGUAGE,
    english_keys,
    pick_language,
    translations,
)
from minkops.i18n._locales import format_number
from minkops.logs import get_logger

log = get_logger(__name__)

# Placeholders that name a thing rather than count it: task numbers are what people type
# back ("done 1234"), so they are never grouped ("1,234") or otherwise localized.
IDENTIFIERS = frozenset({"number"})
# The placeholder whose value picks a plural form.
COUNT = "count"


class UnknownMessage(KeyError):
    """A key that is not in the English catalogue: a programming error, not a missing
    translation (those fall back to English)."""


def has_message(key: str) -> bool:
    """Whether `key` is in the English catalogue (and so readable in every language)."""
    return key in english_keys()[0]


def translate(language: str, key: str, /, **values: object) -> str:
    """The text of `key` in `language` with `values` in its placeholders.

    - An unknown language reads English.
    - A key the language lacks, or has but untranslated or fuzzy, reads English.
    - A translation whose placeholders do not fit the values (a translator's typo) reads
      English, with a warning in the log; people never see a raw key or a traceback.
    - A key English lacks is a bug: `UnknownMessage`. So is English not fitting `values`
      (KeyError from str.format), as it always was.
    - Plural entries pick their form with `values["count"]` by the language's Plural-Forms.
    - Quantities (numbers in any placeholder but `number`) are written the reader's way.
    """
    language = pick_language(language)
    keys, plural = english_keys()
    if key not in keys:
        raise UnknownMessage(key)
    count = _count(key, values) if key in plural else None
    shown = _localized(language, values)
    if language != DEFAULT_LANGUAGE:
        text = _lookup(language, key, count)
        try:
            return text.format(**shown)
        except (KeyError, IndexError, ValueError, AttributeError) as error:
            log.warning("i18n.bad_translation", language=language, key=key, error=repr(error))
    return _lookup(DEFAULT_LANGUAGE, key, count).format(**shown)


def _lookup(language: str, key: str, count: int | None) -> str:
    gettext = translations(language)
    return gettext.gettext(key) if count is None else gettext.ngettext(key, key, count)


def _count(key: str, values: Mapping[str, object]) -> int:
    count = values.get(COUNT)
    if not isinstance(count, int) or isinstance(count, bool):
        raise TypeError(f"{key} is plural: it needs an integer {COUNT}=, got {count!r}")
    return count


def _localized(language: str, values: Mapping[str, object]) -> dict[str, object]:
    return {
        name: format_number(language, value)
        if isinstance(value, int | float | Decimal)
        and not isinstance(value, bool)
        and name not in IDENTIFIERS
        else value
        for name, value in values.items()
    }
