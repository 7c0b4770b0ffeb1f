"""What the AI layer says itself, when it cannot hand over an understood message.

The texts live with every other reply, in `minkops.domain.replies`.
"""

from __future__ import annotations

from typing import Literal

from minkops.domain import replies
from minkops.domain.rules_text import detect_language, fold

Message = Literal["try_again", "rephrase", "voice_unavailable"]


def say(message: Message, language: str) -> str:
    """The text in `language`, or in English when we do not speak it."""
    return replies.say(language, message)


def language_of(text: str, fallback: str) -> str:
    """The language of `text` when its words tell, else `fallback`."""
    return detect_language(fold(text), fallback)


def voice_unavailable_reply(language: str) -> str:
    """The polite answer to a voice note we could not transcribe: please write instead."""
    return say("voice_unavailable", language)
