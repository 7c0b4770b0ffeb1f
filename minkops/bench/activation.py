"""Activation latency: from starting an org actor to its state being loaded from PostgreSQL.

The directory's histogram times only `OrgActor.start()`, which returns once the thread
is spawned; the loading happens in `on_start`. An `ask` is answered only after `on_start`
has finished, so start + first ask round trip is the whole activation. The baseline is
the same ask to the actor once it is live.

The actors run in this process, on the benchmark's event loop through the real
`Persistence` gateway and a pool sized like the service's; nothing is delivered to them,
so their helpers are never told anything.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from minkops.actors import messages as m
from minkops.actors.org import OrgActor, OrgDependencies
from minkops.actors.persistence import Persistence
from minkops.actors.supervisor import configure_thread_stack
from minkops.metrics import Metrics
from minkops.store.database import create_pool

_ASK_TIMEOUT_S = 30.0


class _Nobody:
    """Stands for every helper: nothing is delivered, so nothing is ever told to them."""

    def tell(self, message: Any) -> None:
        pass

    def tell_keyed(self, key: str, message: Any) -> None:
        pass


@dataclass(frozen=True)
class Latencies:
    activation: list[float]
    """Seconds from OrgActor.start() to its first answer, one per organization."""
    live_ask: list[float]
    """Seconds of the same ask to the already-live actor (the baseline)."""


def _measure(deps: OrgDependencies, org_ids: Sequence[int]) -> Latencies:
    activation: list[float] = []
    live_ask: list[float] = []
    for org_id in org_ids:
        started = time.perf_counter()
        ref = OrgActor.start(org_id, deps)
        ref.ask(m.IsBusy(), timeout=_ASK_TIMEOUT_S)
        activated = time.perf_counter()
        ref.ask(m.IsBusy(), timeout=_ASK_TIMEOUT_S)
        activation.append(activated - started)
        live_ask.append(time.perf_counter() - activated)
        ref.stop()
    return Latencies(activation, live_ask)


async def activation_latencies(
    dsn: str, org_ids: Sequence[int], *, pool_max: int, stack_kib: int
) -> Latencies:
    """Activate each org in turn (never two at once: this is latency, not throughput)."""
    configure_thread_stack(stack_kib * 1024)
    pool = await create_pool(dsn, 1, pool_max)
    try:
        nobody = _Nobody()
        deps = OrgDependencies(
            persistence=Persistence(asyncio.get_running_loop(), pool),
            outbound=nobody,
            understanding=nobody,
            voice=nobody,
            directory=nobody,
            metering=nobody,
            strangers=nobody,
            metrics=Metrics(),
        )
        # Actor threads block on this loop: measure from another thread.
        return await asyncio.to_thread(_measure, deps, org_ids)
    finally:
        await pool.close()
