"""`minkops templates sync` and `minkops reminders list`. Registered from cli.py (`register`)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import asyncpg

from minkops.domain.replies import format_when
from minkops.settings import Settings
from minkops.store import queries
from minkops.store import reminders as store
from minkops.store.database import org_transaction


def register(commands: Any) -> None:
    """Add the reminder and template commands to the `minkops` parser."""
    templates = commands.add_parser("templates", help="WhatsApp templates").add_subparsers(
        dest="templates_command", required=True
    )
    sync = templates.add_parser(
        "sync", help="create the templates through Twilio's Content API and request approval"
    )
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=_templates_sync)

    reminders = commands.add_parser("reminders", help="reminders").add_subparsers(
        dest="reminders_command", required=True
    )
    listing = reminders.add_parser("list", help="an organization's reminders")
    listing.add_argument("--org", required=True, type=int)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_reminders_list)


def _templates_sync(args: argparse.Namespace, settings: Settings, _: Mapping[str, str]) -> int:
    from minkops.templates import sync
    from minkops.twilio_client import make_twilio_client

    twilio = settings.twilio
    if not twilio.account_sid or not twilio.auth_token:
        print("minkops: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed", flush=True)
        return 1
    client = make_twilio_client(twilio.account_sid, twilio.auth_token, twilio.api_base)
    synced = sync(client)
    if args.json:
        print(json.dumps({"templates": [vars(s) for s in synced]}))
    else:
        for s in synced:
            print(f"{s.name}\t{s.sid}\t{'created' if s.created else 'exists'}\t{s.approval}")
    return 0


def _reminders_list(args: argparse.Namespace, settings: Settings, _: Mapping[str, str]) -> int:
    from minkops.cli import UsageError, _with_pool

    async def read(pool: asyncpg.Pool) -> tuple[Any, list[Any]]:
        async with org_transaction(pool, args.org) as connection:
            org = await queries.organization(connection, args.org)
            return org, await store.all_reminders(connection, args.org)

    org, reminders = _with_pool(settings, read)
    if org is None:
        raise UsageError(f"no organization {args.org}")
    now = datetime.now(UTC)
    records = [
        {
            "id": r.id,
            "number": r.number,
            "text": r.text,
            "status": r.status,
            "cron": r.cron,
            "once_at": r.once_at.isoformat() if r.once_at else None,
            "next_fire_at": r.next_fire_at.isoformat() if r.next_fire_at else None,
            "everyone": r.everyone,
            "recipient_ids": list(r.recipient_ids),
        }
        for r in reminders
    ]
    if args.json:
        print(json.dumps({"org": org.id, "reminders": records}))
        return 0
    for r in reminders:
        when = (
            format_when(org.language, r.next_fire_at, now, org.timezone, country=org.country)
            if r.next_fire_at
            else "-"
        )
        schedule = r.cron or "once"
        print(f"#{r.number}\t{r.status}\t{schedule}\t{when}\t{r.text}")
    return 0
