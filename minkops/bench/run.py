"""One benchmark run at one number of organizations, on a migrated, empty database.

1. create the organizations (batched SQL)
2. start `minkops serve`; warm it up with a few messages to a few orgs; note its memory
3. cold pass: one message to every other org (each activates its actor); note memory
   with every org live: (after - before) / orgs activated = memory per live org actor
4. warm pass: `messages` messages spread over all orgs, all actors live: throughput
5. stop the service; baselines: the accept statement alone, idle pykka actors, and
   activation latency (start + ask) against an ask to a live actor
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from minkops.bench import webhooks
from minkops.bench.activation import Latencies, activation_latencies
from minkops.bench.baseline import accept_rate
from minkops.bench.idle_actors import idle_actor_kib
from minkops.bench.machine import (
    busy_cpu_seconds,
    cpu_seconds,
    main_thread_cpu_seconds,
    parent_pid,
    process_tree_cpu_seconds,
)
from minkops.bench.orgs import BenchOrg, create_orgs
from minkops.bench.server import ServerOptions, ServerProcess
from minkops.bench.webhooks import Twilio

_WARMUP_ORGS = 20


@dataclass(frozen=True)
class RunOptions:
    orgs: int
    messages: int
    concurrency: int
    activation_samples: int
    stack_kib: int
    pool_max: int
    """The pool size the service runs with (its setting, or the override below)."""
    pool_override: int | None = None
    log_level: str = "info"


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds spent during a pass, by whom."""

    service: float
    service_loop: float
    """The service's event loop thread alone: every HTTP request and every query pass it."""
    postgres: float
    bench: float
    """This process: the load generator and the Twilio stand-in."""
    machine: float
    """Everything on the machine, these three and whatever else runs."""


class CpuMeter:
    def __init__(self, service_pid: int, postmaster_pid: int) -> None:
        self._service_pid = service_pid
        self._postmaster_pid = postmaster_pid

    def read(self) -> CpuUse:
        return CpuUse(
            service=cpu_seconds(self._service_pid),
            service_loop=main_thread_cpu_seconds(self._service_pid),
            postgres=process_tree_cpu_seconds(self._postmaster_pid),
            bench=cpu_seconds(),
            machine=busy_cpu_seconds(),
        )

    @staticmethod
    def spent(before: CpuUse, after: CpuUse) -> CpuUse:
        return CpuUse(
            service=after.service - before.service,
            service_loop=after.service_loop - before.service_loop,
            postgres=after.postgres - before.postgres,
            bench=after.bench - before.bench,
            machine=after.machine - before.machine,
        )


@dataclass(frozen=True)
class Pass:
    """One batch of webhooks: how fast they were accepted, acted on and sent."""

    messages: int
    accept_s: float
    processed_s: float
    """From the first webhook until every message's outbox rows exist."""
    sent_s: float
    """From the first webhook until every one of those outbox rows has left for Twilio."""
    outbox_rows: int
    failures: int
    unprocessed: int
    cpu: CpuUse

    @property
    def accept_rate(self) -> float:
        return self.messages / self.accept_s

    @property
    def processed_rate(self) -> float:
        return self.messages / self.processed_s

    @property
    def sent_rate(self) -> float:
        """Messages per second whose every reply had left for Twilio, from the first webhook."""
        return self.messages / self.sent_s


@dataclass(frozen=True)
class RunResult:
    options: RunOptions
    create_orgs_s: float
    server_start_s: float
    server_stop_s: float
    cold: Pass
    warm: Pass
    accept_baseline: float
    live: int
    activated: int
    rss_before_kib: int
    rss_after_kib: int
    threads: int
    idle_actor_kib: float
    directory_start_mean_s: float
    latencies: Latencies

    @property
    def rss_per_org_kib(self) -> float:
        return (self.rss_after_kib - self.rss_before_kib) / self.activated


async def _pass(
    server: ServerProcess,
    watch: asyncpg.Connection,
    cpu: CpuMeter,
    posts: list[webhooks.SignedPost],
    concurrency: int,
) -> Pass:
    inbox_mark = await webhooks.inbox_watermark(watch)
    outbox_mark = await webhooks.outbox_watermark(watch)
    timeout = 120 + len(posts) * 0.05
    cpu_before = cpu.read()
    started = time.perf_counter()
    posted = await webhooks.post_all(server.url, posts, concurrency)
    processed = await webhooks.wait_processed(watch, inbox_mark, len(posts), timeout)
    processed_s = time.perf_counter() - started
    sent = await webhooks.wait_sent(watch, outbox_mark, timeout)
    sent_s = time.perf_counter() - started
    return Pass(
        messages=len(posts),
        accept_s=posted.seconds,
        processed_s=processed_s,
        sent_s=sent_s,
        outbox_rows=sent,
        failures=posted.failures,
        unprocessed=len(posts) - processed,
        cpu=CpuMeter.spent(cpu_before, cpu.read()),
    )


async def run(
    dsn: str, twilio: Twilio, twilio_api_base: str, work_dir: Path, options: RunOptions
) -> RunResult:
    started = time.perf_counter()
    orgs = await create_orgs(dsn, options.orgs)
    create_orgs_s = time.perf_counter() - started
    warmup = max(1, min(_WARMUP_ORGS, options.orgs // 5))
    server = ServerProcess(
        ServerOptions(
            dsn=dsn,
            twilio=twilio,
            twilio_api_base=twilio_api_base,
            work_dir=work_dir,
            max_live=2 * options.orgs + 100,
            pool_max=options.pool_override,
            log_level=options.log_level,
        )
    )
    watch = await asyncpg.connect(dsn)
    try:
        server_start_s = await server.start()
        backend = await watch.fetchval("SELECT pg_backend_pid()")
        cpu = CpuMeter(server.pid, parent_pid(backend))

        def posts(targets: list[BenchOrg], count: int, start: int) -> list[webhooks.SignedPost]:
            return webhooks.build_posts(twilio, server.url, targets, count, start)

        # Code paths run once (imports, caches, pools) are not memory per org.
        await _pass(server, watch, cpu, posts(orgs[:warmup], warmup, 0), options.concurrency)
        await server.wait_live(warmup, 30)
        rss_before = server.rss_kib()
        cold_orgs = orgs[warmup:]
        cold = await _pass(
            server, watch, cpu, posts(cold_orgs, len(cold_orgs), warmup), options.concurrency
        )
        live = await server.wait_live(options.orgs, 60)
        rss_after = server.rss_kib()
        threads = server.threads()
        warm = await _pass(
            server, watch, cpu, posts(orgs, options.messages, options.orgs), options.concurrency
        )
        metrics = await server.actor_metrics()
        server_stop_s = await server.stop()
    finally:
        server.kill()
        await watch.close()

    accept_baseline = await accept_rate(
        dsn, orgs, options.messages, concurrency=options.concurrency, pool_max=options.pool_max
    )
    sample = random.Random(1).sample(orgs, min(options.activation_samples, len(orgs)))
    latencies = await activation_latencies(
        dsn, [org.org_id for org in sample], pool_max=options.pool_max, stack_kib=options.stack_kib
    )
    return RunResult(
        options=options,
        create_orgs_s=create_orgs_s,
        server_start_s=server_start_s,
        server_stop_s=server_stop_s,
        cold=cold,
        warm=warm,
        accept_baseline=accept_baseline,
        live=live,
        activated=len(cold_orgs),
        rss_before_kib=rss_before,
        rss_after_kib=rss_after,
        threads=threads,
        idle_actor_kib=idle_actor_kib(len(cold_orgs), options.stack_kib),
        directory_start_mean_s=(
            metrics.activation_seconds_sum / metrics.activations if metrics.activations else 0.0
        ),
        latencies=latencies,
    )
