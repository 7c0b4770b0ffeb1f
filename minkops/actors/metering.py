"""Usage metering: counts what each organization uses (messages, tasks, voice notes).

Thin today: it keeps the counters that caps and Stripe metering will read. Its place
in the tree and its restart policy exist now so that usage has one owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from minkops.actors.supervisor import ChildContext, SupervisedActor
from minkops.metrics import Metrics


@dataclass(frozen=True)
class Used:
    org_id: int
    what: str  # "messages" | "tasks" | "voice_notes"
    amount: int = 1


class Metering(SupervisedActor):
    def __init__(self, context: ChildContext | None, metrics: Metrics) -> None:
        super().__init__(context)
        self._metrics = metrics

    def on_receive(self, message: Any) -> Any:
        if isinstance(message, Used):
            self._metrics.usage.labels(what=message.what).inc(message.amount)
        return None
