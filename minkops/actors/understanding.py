"""Pool member that reads messages: the rule engine, or OpenAI with the rule engine behind it.

Slow (OpenAI takes seconds), so it runs as a pool; the org actor gets the answer as a
message and never waits.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pykka

from minkops.actors.messages import Interpretation, Understand
from minkops.actors.pool import PoolMember
from minkops.actors.supervisor import ChildContext
from minkops.domain.understanding import Understanding, read


class UnderstandingMember(PoolMember):
    def __init__(self, context: ChildContext | None, engine: Understanding) -> None:
        super().__init__(context)
        self._engine = engine

    def on_job(self, message: Any) -> Any:
        if isinstance(message, Understand):
            # An engine error is a bug, and it propagates (the supervisor restarts us);
            # the org actor's deadline answers the person meanwhile.
            reading = read(self._engine, message.text, message.context)
            answer = Interpretation(
                message.message_sid, reading.understood, reading.tokens, reading.translations
            )
            with contextlib.suppress(pykka.ActorDeadError):
                message.reply_to.tell(answer)
        return None
