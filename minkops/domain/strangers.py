"""Numbers no organization knows: one short explanation a day, and nothing more.

Three hundred messages from one unknown number get one answer, not three hundred.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from minkops.domain import effects as fx
from minkops.domain.inbound import InboundMessage
from minkops.domain.phones import language_for_phone
from minkops.domain.replies import pick_language, say

EXPLAIN_EVERY = timedelta(days=1)


def answer_stranger(
    message: InboundMessage, last_explained: datetime | None, now: datetime
) -> tuple[fx.Send, ...]:
    """The explanation, unless this number had one within the last day."""
    if last_explained is not None and now - last_explained < EXPLAIN_EVERY:
        return ()
    language = pick_language(language_for_phone(message.sender))
    return (fx.Send(f"{message.sid}:0", message.sender, say(language, "stranger")),)
