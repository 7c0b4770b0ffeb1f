"""`minkops usage` and `minkops billing …`: the month against the caps, and Stripe metering.

minkops usage --org ORG [--month YYYY-MM] [--json]
minkops billing reconcile [--org ORG] [--month YYYY-MM] [--json]
minkops billing send-meters [--every SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from minkops.billing_reconcile import DayLine, reconcile, table
from minkops.domain import billing as b
from minkops.settings import CONFIG_DIR, Settings
from minkops.store import billing as store
from minkops.store import queries
from minkops.store.database import create_pool, org_transaction
from minkops.store.migrate import apply_migrations


def register(commands: Any) -> None:
    """Add the commands to the main parser's subcommands (called from cli.py)."""
    usage = commands.add_parser("usage", help="an organization's month against its plan's caps")
    usage.add_argument("--org", type=int, required=True)
    usage.add_argument("--month", type=_month, help="YYYY-MM (default: this month)")
    usage.add_argument("--json", action="store_true")
    usage.set_defaults(handler=_usage)

    billing = commands.add_parser("billing", help="Stripe metering").add_subparsers(
        dest="billing_command", required=True, metavar="SUBCOMMAND"
    )
    reconcile = billing.add_parser(
        "reconcile", help="compare daily usage, the meter events sent and Stripe's meter summaries"
    )
    reconcile.add_argument("--org", type=int)
    reconcile.add_argument("--month", type=_month, help="YYYY-MM (default: this month)")
    reconcile.add_argument("--json", action="store_true")
    reconcile.set_defaults(handler=_reconcile)
    send = billing.add_parser("send-meters", help="send due meter events to Stripe now")
    send.add_argument("--every", type=float, help="keep sending, every SECONDS")
    send.set_defaults(handler=_send_meters)


def _month(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected YYYY-MM") from None


def _run(settings: Settings, work: Any) -> Any:
    from minkops.service import database_dsn

    async def run(dsn: str) -> Any:
        await apply_migrations(dsn)
        pool = await create_pool(dsn, 1, 4)
        try:
            return await work(pool)
        finally:
            await pool.close()

    with database_dsn(settings) as dsn:
        return asyncio.run(run(dsn))


def _plans(settings: Settings) -> b.Plans:
    return b.load_plans(CONFIG_DIR, settings.config_overlay)


# --- usage ----------------------------------------------------------------------------------


def _usage(args: argparse.Namespace, settings: Settings, environ: Mapping[str, str]) -> int:
    plans = _plans(settings)

    async def work(pool: asyncpg.Pool) -> b.MonthUsage | None:
        async with org_transaction(pool, args.org) as connection:
            org = await queries.organization(connection, args.org)
            if org is None:
                return None
            month = args.month or b.month_of(b.local_day(datetime.now(UTC), org.timezone))
            return await store.month_usage(connection, args.org, month, plans.get(org.plan))

    usage = _run(settings, work)
    if usage is None:
        print(f"minkops: no organization {args.org}")
        return 1
    if args.json:
        caps = {what: usage.plan.cap(what) for what in b.WHATS}
        print(
            json.dumps(
                {
                    "org": args.org,
                    "month": usage.month.strftime("%Y-%m"),
                    "plan": usage.plan.name,
                    "caps": caps,
                    "counted": dict(usage.counted),
                    "daily_totals": dict(usage.used),
                }
            )
        )
    else:
        print(b.usage_lines(language="en", usage=usage))
        for key, value in usage.used.items():
            print(f"  {key}: {value}")
    return 0


# --- reconcile ------------------------------------------------------------------------------


def _reconcile(args: argparse.Namespace, settings: Settings, environ: Mapping[str, str]) -> int:
    from minkops.actors.metering import make_stripe_client

    month = args.month or b.month_of(datetime.now(UTC).date())
    meters = {str(what): event for what, event in settings.billing.meters.items()}
    client = None
    if settings.stripe.api_key:
        client = make_stripe_client(settings.stripe.api_key, settings.stripe.api_base)

    async def work(pool: asyncpg.Pool) -> list[DayLine]:
        return await reconcile(pool, month, meters, client=client, org=args.org)

    lines = _run(settings, work)
    differing = [line for line in lines if line.differs]
    if args.json:
        print(
            json.dumps(
                {
                    "month": f"{month:%Y-%m}",
                    "stripe": client is not None,
                    "agree": not differing,
                    "days": [line.as_json() for line in lines],
                }
            )
        )
        return 1 if differing else 0
    for text in table(lines):
        print(text)
    asked = "and Stripe's meter summaries" if client else "(Stripe not asked: no STRIPE_API_KEY)"
    if differing:
        print(f"{month:%Y-%m}: {len(differing)} day(s) differ between usage, meter events {asked}")
        return 1
    print(f"{month:%Y-%m}: usage, meter events sent {asked} agree")
    return 0


# --- sending --------------------------------------------------------------------------------


def _send_meters(args: argparse.Namespace, settings: Settings, environ: Mapping[str, str]) -> int:
    from minkops.actors.metering import make_stripe_client, send_due
    from minkops.actors.persistence import Persistence

    if not settings.stripe.api_key:
        print("minkops: STRIPE_API_KEY is not set: nothing is metered")
        return 1
    client = make_stripe_client(settings.stripe.api_key, settings.stripe.api_base)

    async def work(pool: asyncpg.Pool) -> int:
        persistence = Persistence(asyncio.get_running_loop(), pool)
        total = 0
        while True:
            total += await asyncio.to_thread(
                send_due,
                persistence,
                client,
                now=datetime.now(UTC),
                retry_max_seconds=settings.billing.metering_retry_max_seconds,
            )
            if args.every is None:
                return total
            await asyncio.sleep(args.every)

    print(f"sent {_run(settings, work)} meter event(s)")
    return 0
