"""What a replay measured: latencies, throughput, and replies lost or doubled.

Replies are read back from the Twilio stand-in's message list. One sender's messages are
answered in the order they arrived, so the n-th reply to a number answers the n-th
acknowledged message from it. The one "you are sending faster than I can answer" notice a
flooding sender gets (back-pressure, `sender_slow_down`) is not an answer: it is counted
apart, so it is neither taken for a reply nor for a double.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from minkops.i18n import SUPPORTED_LANGUAGES, translate
from minkops.replay.send import Sent

SLOW_DOWN_TEXTS = frozenset(translate(lang, "sender_slow_down") for lang in SUPPORTED_LANGUAGES)


@dataclass(frozen=True)
class Outbound:
    to: str
    at: float  # wall clock, seconds since the epoch
    body: str = ""

    @property
    def is_slow_down(self) -> bool:
        return self.body in SLOW_DOWN_TEXTS


@dataclass(frozen=True)
class Answered:
    sent: Sent
    replied: float


@dataclass(frozen=True)
class Summary:
    sent: int
    acknowledged: int
    refused: dict[int, int]  # HTTP status other than 200 -> count
    unanswered: int  # no HTTP answer at all, after Twilio's one retry
    retried: int
    answered: tuple[Answered, ...]
    lost: int
    doubled: int
    notices: int  # messages to people who sent nothing: task notices
    slow_downs: int  # back-pressure notices to flooding senders, once per flood
    ack_latencies: tuple[float, ...]
    reply_latencies: tuple[float, ...]
    first_sent: float
    last_sent: float
    last_reply: float | None

    @property
    def offered_rate(self) -> float:
        span = self.last_sent - self.first_sent
        return self.sent / span if span > 0 else float(self.sent)

    @property
    def reply_rate(self) -> float:
        if self.last_reply is None or not self.answered:
            return 0.0
        span = self.last_reply - self.first_sent
        return len(self.answered) / span if span > 0 else float(len(self.answered))


def percentile(samples: Sequence[float], pct: float) -> float:
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return ordered[rank]


def summarize(sents: Sequence[Sent], outbound: Sequence[Outbound]) -> Summary:
    refused: dict[int, int] = defaultdict(int)
    by_sender: dict[str, list[Sent]] = defaultdict(list)
    for sent in sents:
        if sent.acknowledged:
            by_sender[sent.sender].append(sent)
        elif sent.status is not None:
            refused[sent.status] += 1
    replies: dict[str, list[float]] = defaultdict(list)
    notices = slow_downs = 0
    for message in outbound:
        if message.is_slow_down:
            slow_downs += 1
        elif message.to in by_sender:
            replies[message.to].append(message.at)
        else:
            notices += 1
    answered, lost, doubled = [], 0, 0
    for sender, acked in by_sender.items():
        acked.sort(key=lambda s: s.started)
        times = sorted(replies.get(sender, []))
        for sent, replied in zip(acked, times, strict=False):
            answered.append(Answered(sent, replied))
        lost += max(0, len(acked) - len(times))
        doubled += max(0, len(times) - len(acked))
    acked_all = [s for s in sents if s.acknowledged]
    started = [s.started for s in sents]
    return Summary(
        sent=len(sents),
        acknowledged=len(acked_all),
        refused=dict(refused),
        unanswered=sum(1 for s in sents if s.status is None),
        retried=sum(1 for s in sents if s.attempts > 1),
        answered=tuple(sorted(answered, key=lambda a: a.sent.started)),
        lost=lost,
        doubled=doubled,
        notices=notices,
        slow_downs=slow_downs,
        ack_latencies=tuple(s.answered - s.started for s in acked_all if s.answered),
        reply_latencies=tuple(a.replied - a.sent.started for a in answered),
        first_sent=min(started, default=0.0),
        last_sent=max(started, default=0.0),
        last_reply=max((a.replied for a in answered), default=None),
    )


def _ms(samples: Sequence[float]) -> str:
    if not samples:
        return "—"
    return (
        "  ".join(f"p{p} {percentile(samples, p) * 1000:,.1f}" for p in (50, 90, 99))
        + f"  max {max(samples) * 1000:,.1f} ms"
    )


def format_summary(summary: Summary) -> str:
    refused = ", ".join(f"{n} × {status}" for status, n in sorted(summary.refused.items()))
    lines = [
        f"sent            {summary.sent:,} at {summary.offered_rate:,.1f}/s offered",
        f"acknowledged    {summary.acknowledged:,} (200)"
        + (f"; refused {refused}" if refused else "")
        + (f"; no answer {summary.unanswered:,}" if summary.unanswered else "")
        + (f"; retried after a connection failure {summary.retried:,}" if summary.retried else ""),
        f"ack latency     {_ms(summary.ack_latencies)}",
        f"replied         {len(summary.answered):,} at {summary.reply_rate:,.1f}/s",
        f"reply latency   {_ms(summary.reply_latencies)}",
        f"lost            {summary.lost:,}   doubled {summary.doubled:,}"
        f"   (task notices to others: {summary.notices:,}"
        + (f"; slow-down notices: {summary.slow_downs:,}" if summary.slow_downs else "")
        + ")",
    ]
    return "\n".join(lines)


def plot(summary: Summary, path: str) -> None:
    """Reply latency over the run, and messages sent and replied per second."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:  # an optional part: pip install 'minkops[bench]'
        raise RuntimeError("--plot needs matplotlib: pip install 'minkops[bench]'") from error
    start = summary.first_sent
    figure, (latency, rate) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    latency.scatter(
        [a.sent.started - start for a in summary.answered],
        [(a.replied - a.sent.started) * 1000 for a in summary.answered],
        s=2,
    )
    latency.set_ylabel("reply latency (ms)")
    latency.set_yscale("log")
    end = max(summary.last_sent, summary.last_reply or summary.last_sent) - start
    seconds = int(end) + 1
    sent_per_s = [0] * seconds
    replied_per_s = [0] * seconds
    for a in summary.answered:
        sent_per_s[min(int(a.sent.started - start), seconds - 1)] += 1
        replied_per_s[min(int(a.replied - start), seconds - 1)] += 1
    rate.plot(range(seconds), sent_per_s, label="acknowledged, by send time")
    rate.plot(range(seconds), replied_per_s, label="replied")
    rate.set_ylabel("messages / s")
    rate.set_xlabel("seconds into the replay")
    rate.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
