"""Reply latency at fixed offered rates, by replaying generated traffic (`minkops replay`)
open-loop: 20 organizations of 50 people, as the load goals are stated."""

from __future__ import annotations

from dataclasses import dataclass

from minkops.replay.command import Cost, run_replay
from minkops.replay.generate import generate
from minkops.replay.report import Summary, percentile
from minkops.replay.send import Pace

ORGS = 20
MEMBERS_PER_ORG = 50
GOAL_P99_MS = 50.0  # at 200 messages a second


@dataclass(frozen=True)
class LatencyRun:
    rate: float
    seconds: float
    summary: Summary
    cost: Cost

    @property
    def backlog_at_end(self) -> int:
        """Acknowledged messages still unanswered when the last one was sent."""
        answered_by_then = sum(
            1 for a in self.summary.answered if a.replied <= self.summary.last_sent
        )
        return self.summary.acknowledged - answered_by_then

    @property
    def keeps_up(self) -> bool:
        # Half a second of traffic in hand at the end is keeping up; more is falling behind.
        return self.summary.lost == 0 and self.backlog_at_end <= self.rate / 2


def measure(rate: float, seconds: float, seed: int = 11) -> LatencyRun:
    roster, records = generate(
        ORGS, int(rate * seconds), members_per_org=MEMBERS_PER_ORG, duration=seconds, seed=seed
    )
    summary, cost = run_replay(records, roster, Pace(rate=rate), settle=max(60.0, seconds * 4))
    return LatencyRun(rate, seconds, summary, cost)


def format_runs(runs: list[LatencyRun]) -> str:
    lines = [
        f"== reply latency at fixed offered rates: {ORGS} organizations, "
        f"{ORGS * MEMBERS_PER_ORG:,} members, open loop ==",
        "offered/s  replied/s  ack p50/p99 ms   reply p50/p99 ms  backlog  keeps up"
        "  CPU/reply ms: service, PostgreSQL, generator+stand-in  loop busy",
    ]
    for run in runs:
        s = run.summary
        ms = run.cost.per_message(s)
        lines.append(
            f"{s.offered_rate:9.0f}  {s.reply_rate:9.0f}"
            f"  {percentile(s.ack_latencies, 50) * 1000:6.1f}/{percentile(s.ack_latencies, 99) * 1000:<8.1f}"
            f"  {percentile(s.reply_latencies, 50) * 1000:7.1f}/{percentile(s.reply_latencies, 99) * 1000:<8.1f}"
            f"  {run.backlog_at_end:7d}  {'yes' if run.keeps_up else 'NO':>8}"
            f"  {ms['service']:.2f}, {ms['postgres']:.2f}, {ms['replayer']:.2f}"
            f"  {run.cost.loop_busy:9.0%}"
            + (f"  (lost {s.lost}, doubled {s.doubled})" if s.lost or s.doubled else "")
        )
    lines.append(f"  goal: reply p99 <= {GOAL_P99_MS:.0f} ms at 200/s, and keeping up at 400/s")
    return "\n".join(lines)
