"""`minkops retention run`, `minkops org terminate`, `minkops policy announce`.

Registered from cli.py (`register`). Messages these commands write (the notice of a
termination, announcements) are outbox rows; a running service sends them with its
periodic outbox sweep, and the STOP gate applies to them as to everything else.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from minkops.domain.models import OutboundMessage
from minkops.domain.replies import pick_language, say
from minkops.settings import Settings
from minkops.store import outbox, privacy, queries
from minkops.store.database import org_transaction
from minkops.voice.media_store import MediaStore


def register(commands: Any, org: Any) -> None:
    """Add the privacy commands to the `minkops` parser (`org` is `minkops org`'s subparsers)."""
    terminate = org.add_parser("terminate", help="end an account now; purged after the grace")
    terminate.add_argument("--org", required=True, type=int)
    terminate.add_argument("--json", action="store_true")
    terminate.set_defaults(handler=_org_terminate)

    reactivate = org.add_parser("reactivate", help="undo a termination within the grace")
    reactivate.add_argument("--org", required=True, type=int)
    reactivate.add_argument("--json", action="store_true")
    reactivate.set_defaults(handler=_org_reactivate)

    retention = commands.add_parser("retention", help="retention jobs").add_subparsers(
        dest="retention_command", required=True
    )
    run = retention.add_parser("run", help="run every retention job now")
    run.add_argument("--as-of", type=_moment, help="ISO-8601; default now")
    run.add_argument("--dry-run", action="store_true", help="count, remove nothing")
    run.add_argument("--json", action="store_true")
    run.set_defaults(handler=_retention_run)

    policy = commands.add_parser("policy", help="the privacy policy").add_subparsers(
        dest="policy_command", required=True
    )
    announce = policy.add_parser("announce", help="tell every account admin once, over WhatsApp")
    announce.add_argument("--summary", required=True)
    announce.add_argument("--url")
    announce.add_argument("--json", action="store_true")
    announce.set_defaults(handler=_policy_announce)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _with_pool(settings: Settings, work: Any) -> Any:
    from minkops.cli import _with_pool as with_pool

    return with_pool(settings, work)


# --- retention -----------------------------------------------------------------------------


class _DryRun(Exception):
    def __init__(self, removed: dict[str, int]) -> None:
        self.removed = removed


async def run_retention(
    pool: asyncpg.Pool, as_of: datetime, grace: timedelta, *, dry_run: bool = False
) -> dict[str, int]:
    """Every job as of `as_of`; a dry run counts in a transaction it then rolls back."""
    try:
        async with org_transaction(pool, None) as connection:
            removed = await privacy.retention(connection, as_of, grace)
            if dry_run:
                raise _DryRun(removed)
    except _DryRun as rolled_back:
        return rolled_back.removed
    return removed


def _retention_run(args: argparse.Namespace, settings: Settings, env: Mapping[str, str]) -> int:
    as_of = args.as_of or datetime.now(UTC)
    grace = timedelta(days=settings.privacy.termination_grace_days)
    removed = _with_pool(
        settings, lambda pool: run_retention(pool, as_of, grace, dry_run=args.dry_run)
    )
    if not args.dry_run:  # voice notes past their lifetime (files; a dry run leaves them)
        removed["media_files"] = MediaStore.in_data_dir(settings.data_dir).purge_expired(as_of)
    if args.json:
        print(json.dumps({"as_of": as_of.isoformat(), "dry_run": args.dry_run, "removed": removed}))
    else:
        verb = "would remove" if args.dry_run else "removed"
        for job, count in removed.items():
            print(f"{job}: {verb} {count}")
    return 0


# --- termination ---------------------------------------------------------------------------


async def terminate_org(pool: asyncpg.Pool, org_id: int, now: datetime) -> int:
    """Close the account: every member told once (before the gate shuts), then closed.
    Returns the number of members told; -1 when there is no such organization."""
    async with org_transaction(pool, org_id) as connection:
        state = await queries.load_org_state(connection, org_id)
        if state is None:
            return -1
        told = 0
        if state.org.status != "closed":
            notices = [
                OutboundMessage(
                    f"terminate:{org_id}:{m.id}",
                    m.phone,
                    say(pick_language(m.language), "account_closed_notice", org=state.org.name),
                )
                for m in state.members
                if not m.opted_out
            ]
            told = len(await outbox.insert_outbox(connection, org_id, notices))
        await privacy.terminate(connection, org_id, now)
        await queries.notify_org_changed(connection, org_id)
    return told


def _org_terminate(args: argparse.Namespace, settings: Settings, env: Mapping[str, str]) -> int:
    from minkops.admin import InvalidInput

    told = _with_pool(settings, lambda pool: terminate_org(pool, args.org, datetime.now(UTC)))
    if told < 0:
        raise InvalidInput(f"no organization {args.org}")
    days = settings.privacy.termination_grace_days
    record = {"id": args.org, "status": "closed", "members_told": told, "purged_after_days": days}
    line = f"terminated organization {args.org}; its data is purged in {days} days"
    print(json.dumps(record) if args.json else line)
    return 0


async def reactivate_org(pool: asyncpg.Pool, org_id: int) -> bool:
    """A terminated account, before its purge, runs again (members are not told)."""
    async with org_transaction(pool, org_id) as connection:
        status = await connection.execute(
            "UPDATE organizations SET status = 'active', terminated_at = NULL"
            " WHERE id = $1 AND status = 'closed'",
            org_id,
        )
        await queries.notify_org_changed(connection, org_id)
    return bool(status == "UPDATE 1")


def _org_reactivate(args: argparse.Namespace, settings: Settings, env: Mapping[str, str]) -> int:
    from minkops.admin import InvalidInput

    if not _with_pool(settings, lambda pool: reactivate_org(pool, args.org)):
        raise InvalidInput(f"no terminated organization {args.org}")
    record = {"id": args.org, "status": "active"}
    print(json.dumps(record) if args.json else f"reactivated organization {args.org}")
    return 0


# --- announcements -------------------------------------------------------------------------


async def announce_policy(pool: asyncpg.Pool, summary: str, url: str | None) -> dict[str, Any]:
    """Every admin of every live account, once per announcement (idempotent)."""
    announcement = privacy.announcement_id(summary, url)
    async with org_transaction(pool, None) as connection:
        org_ids = await privacy.active_org_ids(connection)
    told = 0
    for org_id in org_ids:
        async with org_transaction(pool, org_id) as connection:
            admins = await privacy.admins_not_told(connection, org_id, announcement)
            notices = []
            for admin in admins:
                language = pick_language(admin.language)
                link = say(language, "policy_announcement_link", url=url) if url else ""
                body = say(language, "policy_announcement", summary=summary, link=link)
                notices.append((admin, body))
            told += len(await privacy.announce(connection, org_id, announcement, notices))
    return {"id": announcement, "organizations": len(org_ids), "admins_told": told}


def _policy_announce(args: argparse.Namespace, settings: Settings, env: Mapping[str, str]) -> int:
    from minkops.admin import InvalidInput

    summary = " ".join(args.summary.split())
    if not summary:
        raise InvalidInput("--summary must say something")
    result = _with_pool(settings, lambda pool: announce_policy(pool, summary, args.url))
    line = f"announcement {result['id']}: told {result['admins_told']} admin(s)"
    print(json.dumps(result) if args.json else line)
    return 0
