"""The `minkops` command line. Exit status: 0 success, 2 bad arguments, 1 anything else."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

from minkops import admin, cli_billing, cli_privacy, cli_reminders
from minkops.logs import configure_logging
from minkops.replay import command as replay
from minkops.settings import Settings, SettingsError, load_settings
from minkops.store.database import create_pool
from minkops.store.migrate import apply_migrations

T = TypeVar("T")


class UsageError(Exception):
    """Bad arguments: exit status 2."""


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(environ)
        configure_logging(_log_format(settings), settings.log.level)
        result: int = args.handler(args, settings, environ)
        return result
    except (UsageError, admin.InvalidInput) as error:
        print(f"minkops: {error}", file=sys.stderr)
        return 2
    except (SettingsError, admin.Conflict) as error:
        print(f"minkops: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except (OSError, asyncpg.PostgresError) as error:
        print(f"minkops: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


def _log_format(settings: Settings) -> str:
    if settings.log.format:
        return settings.log.format
    return "console" if sys.stderr.isatty() else "json"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minkops", description="MinkOps, the WhatsApp operations assistant"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("serve", help="run the service").set_defaults(handler=_serve)
    commands.add_parser("dev", help="serve on embedded defaults with local stand-ins").set_defaults(
        handler=_dev
    )
    commands.add_parser("migrate", help="apply database migrations").set_defaults(handler=_migrate)

    org = commands.add_parser("org", help="organizations").add_subparsers(
        dest="org_command", required=True
    )
    create = org.add_parser("create", help="create an organization and its owner")
    create.add_argument("--name", required=True)
    create.add_argument("--owner-name", required=True)
    create.add_argument("--owner-phone", required=True, help="E.164, e.g. +34600123456")
    create.add_argument("--timezone", required=True, help="IANA name, e.g. Europe/Madrid")
    create.add_argument("--country", help="ISO 3166 two-letter code")
    create.add_argument("--city")
    create.add_argument("--email")
    create.add_argument("--plan", default="free")
    create.add_argument("--language", help="default language of the organization (en, es…)")
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=_org_create)

    member = commands.add_parser("member", help="members").add_subparsers(
        dest="member_command", required=True
    )
    add = member.add_parser("add", help="add a member")
    add.add_argument("--org", required=True, type=int)
    add.add_argument("--name", required=True)
    add.add_argument("--phone", required=True)
    add.add_argument("--role", required=True, choices=admin.ROLES)
    add.add_argument("--language")
    add.add_argument("--delivery", default="text", choices=admin.DELIVERIES)
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=_member_add)
    imp = member.add_parser("import", help="add members from a CSV (all or none)")
    imp.add_argument("--org", required=True, type=int)
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=_member_import)
    cli_privacy.register(commands, org)  # org terminate/reactivate, retention, policy

    chat = commands.add_parser("chat", help="talk to a running service as a WhatsApp user")
    chat.add_argument("--as", dest="phone", required=True, help="E.164 number to write from")
    chat.add_argument("--voice", type=Path, metavar="FILE.ogg", help="send this voice note")
    chat.set_defaults(handler=_chat)

    understand = commands.add_parser("understand", help="print the intent read from TEXT")
    understand.add_argument("text")
    understand.add_argument("--role", default="admin", choices=admin.ROLES)
    understand.add_argument("--timezone", default="UTC")
    understand.add_argument("--language", default="en")
    understand.add_argument("--json", action="store_true")
    understand.set_defaults(handler=_understand)

    replay.add_parser(commands)
    cli_reminders.register(commands)
    cli_billing.register(commands)
    return parser


# --- service ---------------------------------------------------------------------------------


def _serve(args: argparse.Namespace, settings: Settings, environ: Mapping[str, str]) -> int:
    from minkops.service import serve

    return serve(settings)


def _dev(args: argparse.Namespace, settings: Settings, environ: Mapping[str, str]) -> int:
    from minkops.sandbox.dev import run_dev

    return run_dev(environ)


def _migrate(args: argparse.Namespace, settings: Settings, environ: Mapping[str, str]) -> int:
    from minkops.service import database_dsn

    with database_dsn(settings) as dsn:
        applied = asyncio.run(apply_migrations(dsn))
    print(f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else ""))
    return 0


# --- administration --------------------------------------------------------------------------


def _with_pool(settings: Settings, work: Callable[[asyncpg.Pool], Awaitable[T]]) -> T:
    from minkops.service import database_dsn

    async def run(dsn: str) -> T:
        await apply_migrations(dsn)
        pool = await create_pool(dsn, 1, 2)
        try:
            return await work(pool)
        finally:
            await pool.close()

    with database_dsn(settings) as dsn:
        return asyncio.run(run(dsn))


def _print_record(args: argparse.Namespace, record: dict[str, Any], line: str) -> None:
    print(json.dumps(record, default=str) if args.json else line)


def _org_create(args: argparse.Namespace, settings: Settings, environ: Mapping[str, str]) -> int:
    timezone = admin.check_timezone(args.timezone)
    country = args.country.upper() if args.country else None
    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise UsageError(f"--country must be a two-letter code, not {args.country!r}")
    if args.plan not in admin.plan_names():
        raise UsageError(f"unknown plan {args.plan!r}; plans: {', '.join(admin.plan_names())}")
    language = (args.language or "").lower() or None
    owner = admin.check_member(
        args.owner_name, args.owner_phone, "admin", language or "en", "text", country
    )
    language = language or admin.default_language(country, owner.phone)
    owner = admin.NewMember(owner.name, owner.phone, "admin", language, "text")
    org, member = _with_pool(
        settings,
        lambda pool: admin.create_organization(
            pool,
            name=args.name.strip(),
            timezone=timezone,
            owner=owner,
            country=country,
            city=args.city,
            email=args.email,
            plan=args.plan,
            language=language,
        ),
    )
    _print_record(
        args,
        {
            "id": org.id,
            "name": org.name,
            "timezone": org.timezone,
            "plan": org.plan,
            "owner_id": member.id,
        },
        f"created organization {org.id} ({org.name}) with owner {member.name}",
    )
    return 0


def _member_add(args: argparse.Namespace, settings: Settings, environ: Mapping[str, str]) -> int:
    async def work(pool: asyncpg.Pool) -> list[Any]:
        org = await admin.organization_of(pool, args.org)
        if org is None:
            raise admin.InvalidInput(f"no organization {args.org}")
        new = admin.check_member(
            args.name,
            args.phone,
            args.role,
            args.language or org.language,
            args.delivery,
            org.country,
        )
        return await admin.add_members(pool, args.org, [new])

    (member,) = _with_pool(settings, work)
    _print_record(
        args,
        {"id": member.id, "org_id": member.org_id, "name": member.name, "role": member.role},
        f"added {member.name} ({member.role}) to organization {member.org_id} as member {member.id}",
    )
    return 0


def _member_import(args: argparse.Namespace, settings: Settings, environ: Mapping[str, str]) -> int:
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {args.file}: {error}") from None

    async def work(pool: asyncpg.Pool) -> list[Any]:
        org = await admin.organization_of(pool, args.org)
        if org is None:
            raise admin.InvalidInput(f"no organization {args.org}")
        members = admin.parse_member_csv(text, org.language, org.country)
        return await admin.add_members(pool, args.org, members)

    added = _with_pool(settings, work)
    _print_record(
        args,
        {"org_id": args.org, "ids": [m.id for m in added], "count": len(added)},
        f"added {len(added)} member(s) to organization {args.org}",
    )
    return 0


# --- talking to it ---------------------------------------------------------------------------


def _chat(args: argparse.Namespace, settings: Settings, environ: Mapping[str, str]) -> int:
    from minkops.domain.phones import InvalidPhone, normalize_phone
    from minkops.sandbox.chat import ChatTarget, run_chat
    from minkops.sandbox.dev_state import load_dev_state

    try:
        phone = normalize_phone(args.phone)
    except InvalidPhone as error:
        raise UsageError(str(error)) from None
    twilio = settings.twilio
    target = ChatTarget(
        public_url=settings.public_url,
        account_sid=twilio.account_sid,
        auth_token=twilio.auth_token,
        whatsapp_number=twilio.whatsapp_number,
        twilio_api_base=twilio.api_base,
    )
    if not twilio.auth_token:
        dev = load_dev_state(settings.data_dir)
        if dev is None:
            raise UsageError(
                "no Twilio credentials: set TWILIO_* or start `minkops dev` first (it writes "
                f"{settings.data_dir}/dev.json)"
            )
        target = ChatTarget(
            settings.public_url,
            dev.account_sid,
            dev.auth_token,
            dev.whatsapp_number,
            dev.twilio_api_base,
        )
    if args.voice is not None and not args.voice.is_file():
        raise UsageError(f"no such voice note: {args.voice}")
    try:
        return run_chat(target, phone, sys.stdin, sys.stdout, voice=args.voice)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _understand(args: argparse.Namespace, settings: Settings, environ: Mapping[str, str]) -> int:
    from minkops.domain.understanding import UnderstandingContext
    from minkops.service import choose_engines

    timezone = admin.check_timezone(args.timezone)
    context = UnderstandingContext(
        role=args.role, language=args.language, timezone=timezone, now=datetime.now(UTC), roster=()
    )
    understood = choose_engines(settings).understanding.understand(args.text, context)
    intent = understood.intent.model_dump(mode="json")
    if args.json:
        print(json.dumps({**intent, "language": understood.language}, ensure_ascii=False))
    else:
        details = ", ".join(
            f"{k}={v!r}" for k, v in intent.items() if k != "kind" and v not in (None, [])
        )
        print(f"{intent['kind']} ({understood.language})" + (f": {details}" if details else ""))
    return 0
