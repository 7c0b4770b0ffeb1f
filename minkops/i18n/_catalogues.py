"""The catalogues: one `.po` per language under `locale/<lang>/LC_MESSAGES/minkops.po`.

Message ids are stable keys (`task_created`), not English sentences: English is a
translation like any other, so rewording an English reply never orphans the others.
The `.po` files are the only source: they are compiled in memory when first used
(babel's mofile writer into `babel.support.Translations`), so there is no `.mo` to
ship, rebuild or forget, and `gettext`/`ngettext` run with each catalogue's own
Plural-Forms.
"""

from __future__ import annotations

import functools
import io
from importlib import resources
from importlib.resources.abc import Traversable

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

DOMAIN = "minkops"
DEFAULT_LANGUAGE = "en"
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "es", "pt", "fr")
# Every language must have these complete: what staff (anyone who is not an admin) can
# receive. Marked with a flag on the entry in the English catalogue, the one place that
# says so; the other catalogues inherit it from there when updated.
STAFF_FLAG = "staff"
# Every entry is a str.format template ("{name}"), and says so to translators' tools.
BRACE_FLAG = "python-brace-format"


def locale_dir() -> Traversable:
    return resources.files(__package__) / "locale"


def catalogue_file(language: str) -> Traversable:
    return locale_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> Catalog:
    """The catalogue of `language` as written, read afresh (callers may change it)."""
    with catalogue_file(language).open("rb") as source:
        return read_po(source, locale=language, domain=DOMAIN)


def write_catalogue(catalog: Catalog, target: io.BufferedIOBase) -> None:
    """The one way catalogues are written, so that tools and people produce the same text."""
    # Every text is a str.format template. Babel decides this flag from the msgid and drops
    # it when the msgid has no braces, as our keys never do; so it is put back here.
    for message in catalog:
        if message.id:
            message.flags.add(BRACE_FLAG)
    # No wrapping: one line per line of text reads and diffs better than 76-column chunks.
    write_po(target, catalog, width=0, sort_output=False, omit_header=False)


def is_translated(message: Message) -> bool:
    """Every form has text and nobody marked it fuzzy (fuzzy = 'check me', so not used)."""
    if message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(strings) and all(strings)


@functools.cache
def translations(language: str) -> Translations:
    """gettext for `language`, compiled once per process, with English behind it for
    whatever it lacks. Untranslated and fuzzy entries are left out so that they fall back."""
    catalog = read_catalogue(language)
    for message in [m for m in catalog if m.id and not is_translated(m)]:
        catalog.delete(message.id)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    result = Translations(compiled, domain=DOMAIN)
    if language != DEFAULT_LANGUAGE:
        result.add_fallback(translations(DEFAULT_LANGUAGE))
    return result


def reload() -> None:
    """Forget what was compiled, so the next reply reads the .po files again (for tests
    that work on a copy of the catalogues, and tools that rewrite them)."""
    translations.cache_clear()
    english_keys.cache_clear()


@functools.cache
def english_keys() -> tuple[frozenset[str], frozenset[str]]:
    """(every key English has text for, the keys among them that are plural)."""
    catalog = read_catalogue(DEFAULT_LANGUAGE)
    usable = [m for m in catalog if m.id and is_translated(m)]
    return (
        frozenset(_key(m) for m in usable),
        frozenset(_key(m) for m in usable if m.pluralizable),
    )


def _key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def pick_language(*candidates: str | None) -> str:
    """The first candidate we speak ('pt-BR' and 'PT' count as 'pt'); English when none is."""
    for candidate in candidates:
        if candidate:
            language = candidate.strip().lower()[:2]
            if language in SUPPORTED_LANGUAGES:
                return language
    return DEFAULT_LANGUAGE
