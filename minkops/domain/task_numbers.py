"""More than one task number said done in one message: "done 3 and 4", "3, 5 y 7
terminadas", "fiz a 2 e a 6"."""

from __future__ import annotations

import re

from minkops.domain.intents import CompleteTask
from minkops.domain.intents import Intent as IntentType

_MAX_NUMBERS = 10
_MAX_LENGTH = 80
"""A list of finished tasks is said in a few words; a longer message says more."""
_LISTED = re.compile(
    r"(?:,|&|\+|\band\b|\by\b|\be\b|\bet\b)\s*(?:(?:the|la|el|a|le|task|tarea|tarefa|tache)\s+)?"
    r"#?(\d{1,4})\b(?![:.,]\d)"
)
"""A number after a list's link ("and 4", ", la 5", "& #6"); not a clock time ("y 5:30")."""


_ONLY_NUMBERS = re.compile(
    r"(?:(?:the|la|el|a|le|las|los|task|tarea|tarefa|tache|and|y|e|et|[#,&+])\s*|\d{1,4}\s*)+"
)


def more_done(message: str, intent: IntentType) -> CompleteTask | None:
    """The completion with every further number the message lists after the first; None
    when it lists none."""
    if not isinstance(intent, CompleteTask) or len(message) > _MAX_LENGTH:
        return None
    if intent.number is None:
        # "he terminado la 2 y la 6": read as a description made of numbers only.
        said = intent.description or ""
        if not _ONLY_NUMBERS.fullmatch(said):
            return None
        said_numbers = [int(n) for n in dict.fromkeys(re.findall(r"\d+", said))]
        if len(said_numbers) < 2 or min(said_numbers) < 1:
            return None
        return CompleteTask(number=said_numbers[0], also=said_numbers[1:])
    first = re.search(rf"(?<!\d){intent.number}(?!\d)", message)
    if first is None:
        return None
    numbers: list[int] = []
    for match in _LISTED.finditer(message, first.end()):
        number = int(match.group(1))
        if number >= 1 and number != intent.number and number not in numbers:
            numbers.append(number)
    if not numbers or len(numbers) > _MAX_NUMBERS:
        return None
    return intent.model_copy(update={"also": numbers})
