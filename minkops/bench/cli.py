"""`scripts/benchmark`: throughput, memory per live org actor and activation latency.

Everything runs on this machine and is thrown away afterwards: a private PostgreSQL
cluster (no fsync) in a temporary directory, the Twilio stand-in in a thread, and the
real `minkops serve` process for each number of organizations.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import asyncpg

from minkops.bench.latency import format_runs, measure
from minkops.bench.machine import describe
from minkops.bench.report import format_run
from minkops.bench.run import RunOptions, run
from minkops.bench.webhooks import Twilio
from minkops.logs import configure_logging
from minkops.sandbox.twilio_api import TwilioStandIn, TwilioStandInThread
from minkops.settings import load_settings
from minkops.store.cluster import EmbeddedPostgres
from minkops.store.migrate import apply_migrations

DEFAULT_ORGS = (1000, 10000)
DEFAULT_MESSAGES = 2000
DEFAULT_SAMPLES = 500
QUICK_ORGS = (50, 500)
QUICK_MESSAGES = 500
QUICK_SAMPLES = 100


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scripts/benchmark",
        description="Measure MinkOps end to end on a throwaway PostgreSQL and print the figures "
        "with their ratio to a baseline measured in the same run.",
    )
    parser.add_argument(
        "--orgs",
        type=int,
        nargs="+",
        help=f"organization counts, one run each (default {DEFAULT_ORGS})",
    )
    parser.add_argument(
        "--messages", type=int, help=f"messages in each warm pass (default {DEFAULT_MESSAGES})"
    )
    parser.add_argument("--concurrency", type=int, default=32, help="webhooks in flight (32)")
    parser.add_argument(
        "--activation-samples",
        type=int,
        help=f"organizations activated one by one for latency (default {DEFAULT_SAMPLES})",
    )
    parser.add_argument(
        "--pool-max", type=int, help="override the service's database pool size (setting: 10)"
    )
    parser.add_argument(
        "--log-level", default="info", choices=("debug", "info", "warning", "error")
    )
    parser.add_argument(
        "--rates",
        type=float,
        nargs="*",
        help="offered rates for the reply-latency replay, messages/s (default 200 400;"
        " none to skip)",
    )
    parser.add_argument(
        "--rate-seconds", type=float, help="seconds each offered rate lasts (default 15)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"small numbers for a quick look: orgs {QUICK_ORGS}, {QUICK_MESSAGES} messages",
    )
    return parser


def _options(args: argparse.Namespace) -> list[RunOptions]:
    settings = load_settings({})
    orgs = args.orgs or (QUICK_ORGS if args.quick else DEFAULT_ORGS)
    messages = args.messages or (QUICK_MESSAGES if args.quick else DEFAULT_MESSAGES)
    samples = args.activation_samples or (QUICK_SAMPLES if args.quick else DEFAULT_SAMPLES)
    if min(orgs) < 2 or messages < 1 or samples < 1 or args.concurrency < 1:
        raise SystemExit("scripts/benchmark: --orgs at least 2, other numbers at least 1")
    return [
        RunOptions(
            orgs=count,
            messages=messages,
            concurrency=args.concurrency,
            activation_samples=samples,
            stack_kib=settings.actors.thread_stack_kib,
            pool_max=args.pool_max or settings.database.pool_max,
            pool_override=args.pool_max,
            log_level=args.log_level,
        )
        for count in orgs
    ]


async def _postgres_version(dsn: str) -> str:
    connection = await asyncpg.connect(dsn)
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()


async def _run_all(
    cluster: EmbeddedPostgres,
    stand_in: TwilioStandInThread,
    twilio: Twilio,
    root: Path,
    runs: list[RunOptions],
) -> None:
    print(describe(await _postgres_version(cluster.dsn())), flush=True)
    for options in runs:
        print(f"\nrunning {options.orgs:,} organizations ...", file=sys.stderr, flush=True)
        name = f"bench_{options.orgs}"
        dsn = cluster.create_database(name)
        work_dir = root / name
        work_dir.mkdir()
        work_dir.chmod(0o755)
        try:
            await apply_migrations(dsn)
            result = await run(dsn, twilio, stand_in.base_url, work_dir, options)
        finally:
            cluster.drop_database(name)
        print("\n" + format_run(result), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    runs = _options(args)
    # Our own in-process actors log like the service, on stderr, and only what matters.
    configure_logging("json", "warning")
    shown = shlex.join(sys.argv[1:] if argv is None else list(argv))
    print(f"command: scripts/benchmark {shown}".rstrip(), flush=True)
    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="minkops-bench-"))
    root.chmod(0o755)  # the cluster may run as another user when we are root
    cluster = EmbeddedPostgres(root / "pg", fast=True)
    twilio = Twilio("AC" + secrets.token_hex(16), secrets.token_hex(16), "+14155238886")
    try:
        cluster.start()
        # The load generator posts webhooks itself: Twilio saw no one write, so no window.
        twilio_api = TwilioStandIn(twilio.account_sid, twilio.auth_token, whatsapp_window=False)
        with TwilioStandInThread(twilio_api) as stand_in:
            asyncio.run(_run_all(cluster, stand_in, twilio, root, runs))
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
    rates = args.rates if args.rates is not None else ([200.0] if args.quick else [200.0, 400.0])
    if rates:
        seconds = args.rate_seconds or (5.0 if args.quick else 15.0)
        print(f"\nreplaying at {', '.join(f'{r:g}' for r in rates)} msg/s ...", file=sys.stderr)
        print("\n" + format_runs([measure(rate, seconds) for rate in rates]), flush=True)
    print(f"\ntotal {time.perf_counter() - started:.0f} s", flush=True)
    return 0
