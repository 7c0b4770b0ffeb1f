"""The event loop's busy gauge reads the loop thread's CPU over wall time."""

from __future__ import annotations

import asyncio
import contextlib
import time

from minkops.loop_probe import busy_ratio, probe
from minkops.metrics import Metrics


def test_busy_ratio_is_a_share_of_one_core() -> None:
    assert busy_ratio(0.25, 1.0) == 0.25
    assert busy_ratio(1.5, 1.0) == 1.0  # clock granularity: never above a full core
    assert busy_ratio(0.1, 0.0) == 0.0


async def _gauges_while(work_seconds: float) -> tuple[float, float]:
    metrics = Metrics()
    task = asyncio.create_task(probe(metrics, interval=0.2))
    await asyncio.sleep(0)  # the probe takes its first reading
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        if work_seconds:
            end = time.monotonic() + work_seconds
            while time.monotonic() < end:  # the loop thread busy, as a handler on the CPU
                pass
        await asyncio.sleep(0.01 if not work_seconds else 0)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return metrics.loop_busy_ratio._value.get(), metrics.loop_lag_seconds._value.get()


async def test_a_busy_loop_reads_busy_and_an_idle_one_idle() -> None:
    busy, lag = await _gauges_while(0.05)
    idle, _ = await _gauges_while(0.0)
    # On a shared machine the busy thread may be descheduled, so no fixed bar: the order.
    assert busy > idle + 0.1, (busy, idle)
    assert lag >= 0.0
