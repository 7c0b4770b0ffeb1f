"""`minkops replay`: generate traffic, or replay it against the real service on this machine.

A replay is self-contained: a throwaway PostgreSQL cluster, the Twilio stand-in in this
process (it records every reply with the time it was asked to send it), and the real
`minkops serve` as a child process. Nothing is left behind.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from minkops import admin
from minkops.logs import configure_logging
from minkops.replay.generate import generate, peak_rate
from minkops.replay.report import Outbound, Summary, format_summary, plot, summarize
from minkops.replay.send import Account, Pace, Sent, replay
from minkops.replay.traffic import (
    Record,
    RosterMember,
    RosterOrg,
    TrafficError,
    read_records,
    read_roster,
    roster_path,
    write_records,
    write_roster,
)

NUMBER = "+14155238886"
QUIET_SECONDS = 5.0  # no new reply for this long after the last send: the rest are lost


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "replay",
        help="replay recorded traffic against the real service, or generate some",
        description="Replay JSON Lines traffic against `minkops serve` on a throwaway "
        "PostgreSQL with the Twilio stand-in, as Twilio would post it; print acknowledgement "
        "and reply latencies, throughput, and lost or doubled replies.",
    )
    parser.add_argument("traffic", nargs="?", type=Path, help="JSON Lines to replay")
    parser.add_argument(
        "--target",
        metavar="URL",
        help="a running MinkOps (e.g. http://127.0.0.1:8080) instead of one started here; signs"
        " with TWILIO_AUTH_TOKEN for MINKOPS_PUBLIC_URL and reads replies from TWILIO_API_BASE."
        " Its organizations must exist already",
    )
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument(
        "--rate", type=float, help="messages a second, ignoring the recording's timing"
    )
    pace.add_argument("--speedup", type=float, default=1.0, help="play the recording N× faster")
    parser.add_argument("--plot", type=Path, metavar="OUT.png", help="latency and throughput plot")
    parser.add_argument("--plan", default="business", help="plan for the replayed organizations")
    parser.add_argument("--settle", type=float, default=60.0, help="seconds to wait for replies")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--generate", type=Path, metavar="OUT.jsonl", help="write synthetic traffic"
    )
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--members-per-org", type=int, default=10)
    parser.add_argument("--duration", type=float, help="seconds the generated day lasts")
    parser.add_argument("--seed", type=int, default=1)
    parser.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace, settings: Any, environ: Mapping[str, str]) -> int:
    configure_logging("json", "warning")  # the figures are the output; only trouble is logged
    try:
        if args.generate is not None:
            return _generate(args)
        if args.traffic is None:
            print("minkops replay: give a traffic file, or --generate OUT.jsonl", file=sys.stderr)
            return 2
        if (args.rate is not None and args.rate <= 0) or args.speedup <= 0:
            print("minkops replay: --rate and --speedup must be above 0", file=sys.stderr)
            return 2
        if args.plan not in admin.plan_names():
            print(f"minkops replay: no plan {args.plan!r}", file=sys.stderr)
            return 2
        records = read_records(args.traffic)
        roster_file = roster_path(args.traffic)
        roster = read_roster(roster_file) if roster_file.exists() else default_roster(records)
    except (TrafficError, ValueError, OSError) as error:
        print(f"minkops replay: {error}", file=sys.stderr)
        return 2
    if args.target:
        try:
            summary = asyncio.run(
                replay_against(
                    args.target, settings, records, Pace(args.rate, args.speedup), args.settle,
                    progress=not args.no_progress,
                )
            )  # fmt: skip
        except TrafficError as error:
            print(f"minkops replay: {error}", file=sys.stderr)
            return 2
        print(json.dumps(summary_json(summary)) if args.json else format_summary(summary))
        if args.plot is not None:
            plot(summary, str(args.plot))
        return 0 if summary.lost == 0 and summary.doubled == 0 else 1
    summary, cost = run_replay(
        records,
        roster,
        Pace(args.rate, args.speedup),
        plan=args.plan,
        settle=args.settle,
        progress=not args.no_progress,
    )
    if args.json:
        print(json.dumps(summary_json(summary) | {"cpu_ms_per_message": cost.per_message(summary)}))
    else:
        print(format_summary(summary) + "\n" + cost.describe(summary))
    if args.plot is not None:
        plot(summary, str(args.plot))
        print(f"plot written to {args.plot}", file=sys.stderr)
    return 0 if summary.lost == 0 and summary.doubled == 0 else 1


def _generate(args: argparse.Namespace) -> int:
    roster, records = generate(
        args.orgs,
        args.messages,
        members_per_org=args.members_per_org,
        duration=args.duration,
        seed=args.seed,
    )
    write_records(args.generate, records)
    write_roster(roster_path(args.generate), roster)
    span = records[-1].offset if records else 0.0
    print(
        f"{len(records):,} messages from {sum(len(o.members) for o in roster):,} people in "
        f"{len(roster)} organizations over {span:,.0f} s (peak {peak_rate(records):,.0f}/s): "
        f"{args.generate}, {roster_path(args.generate)}"
    )
    return 0


def default_roster(records: Sequence[Record]) -> list[RosterOrg]:
    """Without a roster, every sender owns an organization of their own."""
    senders = sorted({r.sender for r in records})
    return [
        RosterOrg(f"Replay {n}", "UTC", (RosterMember(f"Person {n}", phone, "admin", "en"),))
        for n, phone in enumerate(senders, start=1)
    ]


def summary_json(summary: Summary) -> dict[str, object]:
    from minkops.replay.report import percentile

    def pcts(samples: Sequence[float]) -> dict[str, float]:
        return {f"p{p}_ms": round(percentile(samples, p) * 1000, 2) for p in (50, 90, 99)}

    return {
        "sent": summary.sent,
        "acknowledged": summary.acknowledged,
        "refused": summary.refused,
        "unanswered": summary.unanswered,
        "replied": len(summary.answered),
        "lost": summary.lost,
        "doubled": summary.doubled,
        "slow_downs": summary.slow_downs,
        "notices": summary.notices,
        "offered_per_s": round(summary.offered_rate, 2),
        "replied_per_s": round(summary.reply_rate, 2),
        "ack_latency": pcts(summary.ack_latencies),
        "reply_latency": pcts(summary.reply_latencies),
    }


@dataclass(frozen=True)
class Cost:
    """CPU seconds spent during the replay (first send to last reply), by process."""

    service: float
    postgres: float
    replayer: float  # this process: the load generator and the Twilio stand-in
    loop: float = 0.0  # the service's event loop thread alone
    wall: float = 0.0

    @property
    def loop_busy(self) -> float:
        """The service's event loop thread's share of one core over the run."""
        return 0.0 if self.wall <= 0 else self.loop / self.wall

    def per_message(self, summary: Summary) -> dict[str, float]:
        n = max(len(summary.answered), 1)
        return {
            "service": round(self.service * 1000 / n, 2),
            "postgres": round(self.postgres * 1000 / n, 2),
            "replayer": round(self.replayer * 1000 / n, 2),
        }

    def describe(self, summary: Summary) -> str:
        ms = self.per_message(summary)
        return (
            f"CPU per reply   service {ms['service']:.2f} ms, PostgreSQL {ms['postgres']:.2f} ms,"
            f" load generator + Twilio stand-in {ms['replayer']:.2f} ms;"
            f" event loop thread busy {self.loop_busy:.0%} of one core"
        )


def _cpu(service_pid: int, postgres_pid: int) -> tuple[float, float, float, float, float]:
    from minkops.bench.machine import (
        cpu_seconds,
        main_thread_cpu_seconds,
        process_tree_cpu_seconds,
    )

    return (
        process_tree_cpu_seconds(service_pid),
        process_tree_cpu_seconds(postgres_pid),
        cpu_seconds(),
        main_thread_cpu_seconds(service_pid),
        time.monotonic(),
    )


def run_replay(
    records: Sequence[Record],
    roster: Sequence[RosterOrg],
    pace: Pace,
    *,
    plan: str = "business",
    settle: float = 60.0,
    progress: bool = False,
) -> tuple[Summary, Cost]:
    # Imported here: the sandbox and the embedded cluster are not part of `minkops serve`.
    from minkops.bench.server import ServerOptions, ServerProcess
    from minkops.bench.webhooks import Twilio
    from minkops.sandbox.twilio_api import TwilioStandIn, TwilioStandInThread
    from minkops.store.cluster import EmbeddedPostgres
    from minkops.store.migrate import apply_migrations

    account = Account("AC" + secrets.token_hex(16), secrets.token_hex(16), NUMBER)
    root = Path(tempfile.mkdtemp(prefix="minkops-replay-"))
    root.chmod(0o755)  # the cluster may run as another user when we are root
    cluster = EmbeddedPostgres(root / "pg", fast=True)
    try:
        cluster.start()
        dsn = cluster.create_database("replay")
        # Replies are posted straight to the service here, not through Twilio: no window.
        stand_in = TwilioStandIn(account.sid, account.auth_token, whatsapp_window=False)
        with TwilioStandInThread(stand_in) as running:
            work_dir = root / "work"
            work_dir.mkdir()
            twilio = Twilio(account.sid, account.auth_token, account.number)
            server = ServerProcess(ServerOptions(dsn, twilio, running.base_url, work_dir, 100_000))

            async def go() -> tuple[Summary, Cost]:
                await apply_migrations(dsn)
                await create_roster(dsn, roster, plan)
                await server.start()
                try:
                    postgres_pid = cluster.postmaster_pid()
                    before = _cpu(server.pid, postgres_pid)
                    sents = await _send_with_progress(server.url, account, records, pace, progress)
                    outbound = await _wait_for_replies(stand_in, sents, settle)
                    after = _cpu(server.pid, postgres_pid)
                finally:
                    await server.stop()
                spent = [b - a for a, b in zip(before, after, strict=True)]
                return summarize(sents, outbound), Cost(*spent)

            return asyncio.run(go())
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


async def replay_against(
    target: str,
    settings: Any,
    records: Sequence[Record],
    pace: Pace,
    settle: float,
    *,
    progress: bool = False,
) -> Summary:
    """Replay against a service that runs elsewhere, with its Twilio account's settings."""
    from minkops.replay.readback import TwilioReadBack
    from minkops.twilio_client import make_twilio_client

    twilio = settings.twilio
    if not (twilio.account_sid and twilio.auth_token and twilio.whatsapp_number):
        raise TrafficError("--target needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
                           "TWILIO_WHATSAPP_NUMBER: the account the service answers with")  # fmt: skip
    account = Account(twilio.account_sid, twilio.auth_token, twilio.whatsapp_number)
    client = make_twilio_client(twilio.account_sid, twilio.auth_token, twilio.api_base)
    readback = TwilioReadBack(client)
    await asyncio.to_thread(readback.prime)
    public_url = settings.public_url or target
    done = asyncio.Event()

    async def keep_polling() -> None:
        while not done.is_set():
            await asyncio.to_thread(readback.poll)
            await asyncio.sleep(0.5)

    poller = asyncio.create_task(keep_polling())
    try:
        sents = await _send_with_progress(target, account, records, pace, progress, public_url)
        await _settle(readback.replies, sents, settle)
    finally:
        done.set()
        await poller
    await asyncio.to_thread(readback.poll)
    return summarize(sents, readback.replies())


async def create_roster(dsn: str, roster: Sequence[RosterOrg], plan: str) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        for org in roster:
            owner, *rest = org.members
            created, _ = await admin.create_organization(
                pool,
                name=org.name,
                timezone=org.timezone,
                owner=admin.NewMember(owner.name, owner.phone, owner.role, owner.language, "text"),
                plan=plan,
                language=owner.language,
            )
            await admin.add_members(
                pool,
                created.id,
                [admin.NewMember(m.name, m.phone, m.role, m.language, "text") for m in rest],
            )
    finally:
        await pool.close()


async def _send_with_progress(
    url: str,
    account: Account,
    records: Sequence[Record],
    pace: Pace,
    progress: bool,
    public_url: str | None = None,
) -> list[Sent]:
    bar: Any = None
    if progress:
        try:
            from tqdm import tqdm

            bar = tqdm(total=len(records), unit="msg", desc="replay", file=sys.stderr)
        except ImportError:  # an optional part: pip install 'minkops[bench]'
            bar = None
    try:
        return await replay(
            url,
            public_url or url,
            account,
            records,
            pace,
            on_answer=lambda _s: bar.update() if bar else None,
        )
    finally:
        if bar is not None:
            bar.close()


async def _wait_for_replies(stand_in: Any, sents: Sequence[Sent], settle: float) -> list[Outbound]:
    def replies() -> list[Outbound]:
        accepted = stand_in.accepted_at()
        return [
            Outbound(m.to.removeprefix("whatsapp:"), accepted[m.sid], m.body)
            for m in stand_in.messages()
            if m.sid in accepted
        ]

    return await _settle(replies, sents, settle)


async def _settle(
    read: Callable[[], list[Outbound]], sents: Sequence[Sent], settle: float
) -> list[Outbound]:
    """Wait until every acknowledged message has its reply (and a second for doubles),
    nothing new came for a while, or `settle` seconds passed; return what came."""
    senders = {s.sender for s in sents}
    expected = sum(1 for s in sents if s.acknowledged)
    deadline = time.monotonic() + settle
    last_count, last_change = -1, time.monotonic()
    while True:
        messages = read()
        count = sum(1 for m in messages if m.to in senders)
        if count != last_count:
            last_count, last_change = count, time.monotonic()
        now = time.monotonic()
        if count >= expected and now - last_change >= 1.0:  # a second for any doubles
            return messages
        if now >= deadline or now - last_change >= QUIET_SECONDS:
            return messages
        await asyncio.sleep(0.2)
