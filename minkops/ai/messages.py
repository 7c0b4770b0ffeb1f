"""What the AI layer says itself, when it cannot hand over an understood message."""

from __future__ import annotations

from typing import Literal

from minkops.domain.rules_text import detect_language, fold

Message = Literal["try_again", "rephrase", "write_instead"]

_TEXTS: dict[str, dict[Message, str]] = {
    "en": {
        "try_again": "I could not understand that just now, please try again.",
        "rephrase": "Sorry, I'm not sure what you mean. Could you say it another way?",
        "write_instead": (
            "Sorry, I can't listen to voice notes right now. Could you write it as a message?"
        ),
    },
    "es": {
        "try_again": "No he podido entenderlo ahora mismo, por favor inténtalo de nuevo.",
        "rephrase": "Perdona, no estoy seguro de lo que quieres decir. ¿Puedes decirlo de otra forma?",
        "write_instead": (
            "Perdona, ahora mismo no puedo escuchar notas de voz. ¿Me lo puedes escribir?"
        ),
    },
}


def say(message: Message, language: str) -> str:
    """The text in `language`, or in English when we do not speak it."""
    return _TEXTS.get(language, _TEXTS["en"])[message]


def language_of(text: str, fallback: str) -> str:
    """The language of `text` when its words tell, else `fallback`."""
    return detect_language(fold(text), fallback)


def voice_unavailable_reply(language: str) -> str:
    """The polite answer to a voice note we could not transcribe: please write instead."""
    return say("write_instead", language)
