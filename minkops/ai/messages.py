"""What the AI layer says itself, when it cannot hand over an understood message.

The texts live with every other reply, in the catalogues of `minkops.i18n`.
"""

from __future__ import annotations

from typing import Literal

from minkops.domain.rules_text import detect_language, fold
from minkops.i18n import translate

Message = Literal["try_again", "rephrase", "voice_unavailable"]


def say(language: str, message: Message) -> str:
    """The text in `language`, or in English when we do not speak it. (Language first, as
    in every other `say`, so one scan of the code finds every key.)"""
    return translate(language, message)


def language_of(text: str, fallback: str) -> str:
    """The language of `text` when its words tell, else `fallback`."""
    return detect_language(fold(text), fallback)


def voice_unavailable_reply(language: str) -> str:
    """The polite answer to a voice note we could not transcribe: please write instead."""
    return say(language, "voice_unavailable")
