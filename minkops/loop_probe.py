"""How busy the event loop is: every HTTP request and every query passes its one thread, so
when it is near a full core, that is where throughput stops (issue 13).

Two gauges, updated every interval from the loop itself: the loop thread's CPU time over the
wall time that passed (``time.thread_time`` read on the loop thread), and how late a
scheduled wake-up ran (what a callback waits for the loop, at that moment).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from aiohttp import web

from minkops.http.keys import METRICS
from minkops.metrics import Metrics

INTERVAL_SECONDS = 1.0


def busy_ratio(cpu_seconds: float, wall_seconds: float) -> float:
    """The share of one core the thread used; 0 for no time passed."""
    return 0.0 if wall_seconds <= 0 else min(1.0, max(0.0, cpu_seconds / wall_seconds))


async def probe(metrics: Metrics, interval: float = INTERVAL_SECONDS) -> None:
    loop = asyncio.get_running_loop()
    cpu, wall = time.thread_time(), loop.time()
    while True:
        await asyncio.sleep(interval)
        now_cpu, now_wall = time.thread_time(), loop.time()
        metrics.loop_lag_seconds.set(max(0.0, now_wall - wall - interval))
        metrics.loop_busy_ratio.set(busy_ratio(now_cpu - cpu, now_wall - wall))
        cpu, wall = now_cpu, now_wall


async def probe_ctx(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(probe(app[METRICS]))
    yield
    task.cancel()
