"""The printed table: figure, value, baseline, ratio, and what the baseline is."""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from minkops.bench.run import Pass, RunResult

_MS = "{:,.2f}"


@dataclass(frozen=True)
class Row:
    figure: str
    value: float
    baseline: float | None
    baseline_is: str
    unit_format: str = "{:,.0f}"

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None


def percentile(samples: Sequence[float], pct: int) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def rows(result: RunResult) -> list[Row]:
    raw = result.accept_baseline
    warm, cold = result.warm, result.cold
    accept_alone = "accept statement alone"
    table = [
        Row("webhook acceptance (all 200s), msg/s", warm.accept_rate, raw, accept_alone),
        Row("webhook -> org actor -> outbox, msg/s", warm.processed_rate, raw, accept_alone),
        Row("  ... -> sent to Twilio stand-in, msg/s", warm.sent_rate, raw, accept_alone),
        Row("  -> outbox, first message per org, msg/s", cold.processed_rate, raw, accept_alone),
        Row(
            "resident memory per live org actor, KiB",
            result.rss_per_org_kib,
            result.idle_actor_kib,
            "idle pykka actor, same stack",
            "{:,.1f}",
        ),
    ]
    latencies = result.latencies
    for pct in (50, 95, 99):
        table.append(
            Row(
                f"activation from PostgreSQL p{pct}, ms",
                percentile(latencies.activation, pct) * 1000,
                percentile(latencies.live_ask, pct) * 1000,
                "ask to the live actor",
                _MS,
            )
        )
    return table


def _cell(value: float | None, unit_format: str) -> str:
    return "-" if value is None else unit_format.format(value)


def _cpu_line(warm: Pass) -> str:
    cpu, n, cores = warm.cpu, warm.messages, os.cpu_count() or 1
    others = max(0.0, cpu.machine - cpu.service - cpu.postgres - cpu.bench)
    return (
        f"  CPU per message, ms (warm pass, until sent): service {cpu.service / n * 1000:.2f} "
        f"(event loop thread {cpu.service_loop / n * 1000:.2f}), PostgreSQL "
        f"{cpu.postgres / n * 1000:.2f}, load generator + Twilio stand-in "
        f"{cpu.bench / n * 1000:.2f}\n"
        f"  event loop thread busy {cpu.service_loop / warm.sent_s:.0%} of one core; machine "
        f"busy {cpu.machine / (warm.sent_s * cores):.0%} of {cores} cores "
        f"({others / max(cpu.machine, 1e-9):.0%} of that by other processes)"
    )


def format_run(result: RunResult) -> str:
    o = result.options
    lines = [
        f"== {o.orgs:,} organizations: {o.messages:,} messages warm + {result.cold.messages:,} "
        f"cold, concurrency {o.concurrency}, pool_max {o.pool_max}, stack {o.stack_kib} KiB, "
        f"{len(result.latencies.activation):,} activations timed ==",
        f"{'figure':<42} {'value':>10} {'baseline':>10} {'ratio':>7}  baseline is",
    ]
    for row in rows(result):
        ratio = "-" if row.ratio is None else f"{row.ratio:.3f}"
        lines.append(
            f"{row.figure:<42} {_cell(row.value, row.unit_format):>10} "
            f"{_cell(row.baseline, row.unit_format):>10} {ratio:>7}  {row.baseline_is}"
        )
    failures = result.cold.failures + result.warm.failures
    late = result.cold.unprocessed + result.warm.unprocessed
    warm = result.warm
    lines += [
        f"  warm pass: all 200s after {warm.accept_s:.1f} s, every outbox row after "
        f"{warm.processed_s:.1f} s, every row sent after {warm.sent_s:.1f} s",
        _cpu_line(warm),
        f"  service RSS {result.rss_before_kib / 1024:,.0f} MiB warmed up, "
        f"{result.rss_after_kib / 1024:,.0f} MiB with {result.live:,} org actors live; "
        f"{result.threads:,} threads",
        f"  the service's own minkops_org_activation_seconds mean (on_start load): "
        f"{result.directory_start_mean_s * 1000:.3f} ms",
        f"  failed webhooks {failures}, messages not acted on in time {late}; "
        f"{result.warm.outbox_rows / result.warm.messages:.2f} outbox rows per message",
        f"  orgs created in {result.create_orgs_s:.1f} s; service start {result.server_start_s:.1f} s, "
        f"stop (drain + {result.live:,} actors) {result.server_stop_s:.1f} s",
    ]
    return "\n".join(lines)
