"""An author's words in other languages: what was translated, and picking from it. Pure.

A task title or a reminder's text is written in the author's language. For a recipient
who speaks another, the OpenAI side may have translated it before the handler ran
(`minkops.ai.translating`); whatever it could not translate is quoted as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

Translations = Mapping[str, Mapping[str, str]]
"""The words as written (whitespace folded) → language (ISO 639-1) → those words in it."""

NONE: Translations = MappingProxyType({})


def folded(words: str) -> str:
    """The words as the handlers keep them: runs of whitespace become one space."""
    return " ".join(words.split())


def words_in(translations: Translations, words: str, language: str, author: str) -> str:
    """`words` (written in `author`'s language) as a reader of `language` gets them."""
    if language == author:
        return words
    return translations.get(folded(words), {}).get(language, words)
