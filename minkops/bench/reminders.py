"""`scripts/benchmark-reminders`: the reminder scheduler under 100,000 reminders.

A throwaway PostgreSQL (no fsync) holds N organizations with R reminders each; most are
weeks away, and a wave of D one-off reminders falls due over S seconds shortly after the
real `minkops serve` process starts. Measured:

- **dispatch lag**: `reminder_firings.fired_at - scheduled_for` per fired reminder, i.e.
  from the due time to the org actor's transaction that marks it fired and writes its
  outbox row (p50, p99, max);
- **idle CPU**: the service process's CPU while nothing is due, with every reminder still
  scheduled (the scheduler sleeps until the next due time; nothing polls the table).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import asyncpg

from minkops.bench.machine import cpu_seconds, describe
from minkops.bench.server import ServerOptions, ServerProcess
from minkops.bench.webhooks import Twilio
from minkops.sandbox.twilio_api import TwilioStandIn, TwilioStandInThread
from minkops.store.cluster import EmbeddedPostgres
from minkops.store.migrate import apply_migrations


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/benchmark-reminders", description=__doc__)
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--per-org", type=int, default=10, help="reminders per organization")
    parser.add_argument("--due", type=int, default=2_000, help="reminders in the due wave")
    parser.add_argument("--spread", type=float, default=20.0, help="seconds the wave spans")
    parser.add_argument("--lead", type=float, default=12.0, help="seconds before the wave")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of idle CPU sampling")
    parser.add_argument("--log-level", default="warning", help="the service's log level")
    parser.add_argument("--keep-log", type=Path, help="copy the service's log here")
    return parser


async def populate(dsn: str, orgs: int, per_org: int, due: int, lead: float, spread: float) -> None:
    """orgs x per_org reminders; `due` of them one-off, spread over [lead, lead + spread) s
    from now, one per organization round-robin; the rest weekly crons, first due in weeks."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "INSERT INTO organizations (id, name, timezone, language)"
            " SELECT g, 'Org ' || g, 'Europe/Madrid', 'es' FROM generate_series(1, $1) g;".replace(
                "$1", str(orgs)
            )
        )
        await connection.execute(f"SELECT setval('organizations_id_seq', {orgs})")
        await connection.execute(
            "INSERT INTO members (org_id, name, phone, role, language, delivery)"
            " SELECT g, 'Owner ' || g, '+3460' || lpad(g::text, 7, '0'), 'admin', 'es', 'text'"
            f" FROM generate_series(1, {orgs}) g"
        )
        await connection.execute(
            "INSERT INTO reminders (org_id, number, text, everyone, recipient_ids, created_by,"
            " language, cron, once_at, status, next_fire_at)"
            " SELECT m.org_id, n, 'recordatorio ' || n, false, ARRAY[m.id], m.id, 'es',"
            "   CASE WHEN w THEN NULL ELSE '0 8 * * 1' END,"
            "   CASE WHEN w THEN at END, 'active',"
            "   CASE WHEN w THEN at ELSE now() + interval '14 days' + n * interval '1 hour' END"
            " FROM members m CROSS JOIN generate_series(1, $1) n,"
            " LATERAL (SELECT ((n - 1) * $2 + m.org_id - 1) < $3 AS w,"
            "   now() + make_interval(secs => $4 + $5 * random()) AS at) x",
            per_org,
            orgs,
            due,
            lead,
            spread,
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def measure(dsn: str, due: int, timeout: float) -> tuple[int, dict[str, float]]:
    connection = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout
        fired = 0
        while time.monotonic() < deadline:
            fired = int(await connection.fetchval("SELECT count(*) FROM reminder_firings"))
            if fired >= due:
                break
            await asyncio.sleep(0.5)
        row = await connection.fetchrow(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS p50,"
            " percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99, max(lag) AS max"
            " FROM (SELECT extract(epoch FROM fired_at - scheduled_for) AS lag"
            " FROM reminder_firings) l"
        )
        return fired, {k: float(row[k] or 0.0) for k in ("p50", "p99", "max")}
    finally:
        await connection.close()


async def wait_drained(dsn: str, timeout: float) -> int:
    connection = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout
        left = 0
        while time.monotonic() < deadline:
            left = int(
                await connection.fetchval(
                    "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"
                )
            )
            if left == 0:
                break
            await asyncio.sleep(0.5)
        return left
    finally:
        await connection.close()


async def run(args: argparse.Namespace, cluster: EmbeddedPostgres, root: Path) -> None:
    twilio = Twilio("AC" + secrets.token_hex(16), secrets.token_hex(16), "+14155238886")
    dsn = cluster.create_database("bench_reminders")
    await apply_migrations(dsn)
    connection = await asyncpg.connect(dsn)
    version = await connection.fetchval("SHOW server_version")
    await connection.close()
    print(describe(str(version)), flush=True)
    total = args.orgs * args.per_org
    started = time.perf_counter()
    await populate(dsn, args.orgs, args.per_org, args.due, args.lead, args.spread)
    print(f"{total:,} reminders over {args.orgs:,} organizations written in "
          f"{time.perf_counter() - started:.1f} s; {args.due:,} fall due over {args.spread:.0f} s",
          flush=True)  # fmt: skip
    with TwilioStandInThread(
        TwilioStandIn(twilio.account_sid, twilio.auth_token, whatsapp_window=False)
    ) as stand_in:
        work = root / "serve"
        work.mkdir()
        work.chmod(0o755)
        server = ServerProcess(
            ServerOptions(dsn, twilio, stand_in.base_url, work, max_live=args.orgs,
                          log_level=args.log_level)
        )  # fmt: skip
        try:
            ready = await server.start()
            print(f"minkops serve ready in {ready:.1f} s", flush=True)
            fired, lag = await measure(dsn, args.due, args.lead + args.spread + 60)
            print(f"fired {fired:,}/{args.due:,}; dispatch lag p50 {lag['p50'] * 1000:.0f} ms,"
                  f" p99 {lag['p99'] * 1000:.0f} ms, max {lag['max'] * 1000:.0f} ms", flush=True)  # fmt: skip
            left = await wait_drained(dsn, 120)
            print(f"outbox drained ({left} left); sent through the Twilio stand-in: "
                  f"{len(stand_in.stand_in.messages()):,}", flush=True)  # fmt: skip
            before, clock = cpu_seconds(server.pid), time.perf_counter()
            await asyncio.sleep(args.idle)
            used = cpu_seconds(server.pid) - before
            elapsed = time.perf_counter() - clock
            print(f"idle with {total - fired:,} reminders scheduled: {used:.2f} s CPU in "
                  f"{elapsed:.0f} s = {100 * used / elapsed:.1f} % of one core", flush=True)  # fmt: skip
            await server.stop()
            if args.keep_log:
                shutil.copy(server.log_path, args.keep_log)
        except BaseException:
            server.kill()
            print(server.log_tail(), file=sys.stderr)
            raise


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="minkops-bench-reminders-"))
    root.chmod(0o755)
    cluster = EmbeddedPostgres(root / "pg", fast=True)
    started = time.perf_counter()
    try:
        cluster.start()
        asyncio.run(run(args, cluster, root))
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
    print(f"total {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
