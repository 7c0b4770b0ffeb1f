"""Organizations and members from the command line: validation (pure) and writes (one transaction)."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg

from minkops.domain.models import Member, Organization
from minkops.domain.phones import (
    InvalidPhone,
    language_for_phone,
    language_for_region,
    normalize_phone,
)
from minkops.settings import CONFIG_DIR
from minkops.store import queries
from minkops.store.database import org_transaction

ROLES = ("admin", "staff")
DELIVERIES = ("text", "voice")
CSV_HEADER = ["name", "phone", "role", "language", "delivery"]
_LANGUAGE = re.compile(r"^[a-z]{2}$")


class InvalidInput(ValueError):
    """What a person typed or uploaded is wrong; the message says what and where."""


class Conflict(Exception):
    """The request is well-formed but clashes with what is stored (a phone already in use)."""


@dataclass(frozen=True)
class NewMember:
    name: str
    phone: str
    role: str
    language: str
    delivery: str


def plan_names(config_dir: Path = CONFIG_DIR) -> list[str]:
    with (config_dir / "plans.toml").open("rb") as file:
        return list(tomllib.load(file)["plans"])


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"unknown timezone {name!r} (use an IANA name like Europe/Madrid)"
        ) from None
    return name


def check_member(
    name: str, phone: str, role: str, language: str, delivery: str, region: str | None
) -> NewMember:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("name is empty")
    if len(name) > 200:
        raise InvalidInput("name is longer than 200 characters")
    try:
        e164 = normalize_phone(phone, region)
    except InvalidPhone as error:
        raise InvalidInput(str(error)) from None
    if role not in ROLES:
        raise InvalidInput(f"role must be admin or staff, not {role!r}")
    language = language.lower()
    if not _LANGUAGE.match(language):
        raise InvalidInput(f"language must be a two-letter code like en or es, not {language!r}")
    if delivery not in DELIVERIES:
        raise InvalidInput(f"delivery must be text or voice, not {delivery!r}")
    return NewMember(name, e164, role, language, delivery)


def parse_member_csv(text: str, default_language: str, region: str | None) -> list[NewMember]:
    """Every row, or InvalidInput naming each bad row (by line number) and why."""
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if header != CSV_HEADER:
        raise InvalidInput(f"the first line must be {','.join(CSV_HEADER)}")
    members: list[NewMember] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(CSV_HEADER):
            problems.append(f"line {line_number}: expected 5 columns, found {len(cells)}")
            continue
        name, phone, role, language, delivery = (cell.strip() for cell in cells)
        try:
            member = check_member(
                name,
                phone,
                role or "staff",
                language or default_language,
                delivery or "text",
                region,
            )
        except InvalidInput as error:
            problems.append(f"line {line_number}: {error}")
            continue
        if member.phone in seen:
            problems.append(f"line {line_number}: phone repeats line {seen[member.phone]}")
            continue
        seen[member.phone] = line_number
        members.append(member)
    if problems:
        raise InvalidInput("; ".join(problems))
    if not members:
        raise InvalidInput("the file has no members")
    return members


def default_language(country: str | None, owner_phone: str) -> str:
    return language_for_region(country) or language_for_phone(owner_phone) or "en"


async def create_organization(
    pool: asyncpg.Pool,
    *,
    name: str,
    timezone: str,
    owner: NewMember,
    country: str | None = None,
    city: str | None = None,
    email: str | None = None,
    plan: str = "free",
    language: str = "en",
) -> tuple[Organization, Member]:
    async with pool.acquire() as connection:
        org_id = await queries.new_org_id(connection)
    async with org_transaction(pool, org_id) as connection:
        await _refuse_taken_phones(connection, [owner])
        org = await queries.insert_organization(
            connection,
            org_id,
            name=name,
            timezone=timezone,
            country=country,
            city=city,
            email=email,
            plan=plan,
            language=language,
        )
        member = await _insert(connection, org_id, owner)
    return org, member


async def add_members(pool: asyncpg.Pool, org_id: int, members: list[NewMember]) -> list[Member]:
    """All of them in one transaction, or none."""
    async with org_transaction(pool, org_id) as connection:
        if await queries.organization(connection, org_id) is None:
            raise InvalidInput(f"no organization {org_id}")
        await _refuse_taken_phones(connection, members)
        added = [await _insert(connection, org_id, member) for member in members]
        await queries.notify_org_changed(connection, org_id)
    return added


async def organization_of(pool: asyncpg.Pool, org_id: int) -> Organization | None:
    async with org_transaction(pool, org_id) as connection:
        return await queries.organization(connection, org_id)


async def _refuse_taken_phones(connection: asyncpg.Connection, members: list[NewMember]) -> None:
    taken = [
        m.phone
        for m in members
        if await connection.fetchval("SELECT count(*) FROM minkops_member_by_phone($1)", m.phone)
    ]
    if taken:
        raise Conflict(f"already a member of an organization: {', '.join(taken)}")


async def _insert(connection: asyncpg.Connection, org_id: int, member: NewMember) -> Member:
    try:
        return await queries.insert_member(
            connection,
            org_id,
            name=member.name,
            phone=member.phone,
            role=member.role,
            language=member.language,
            delivery=member.delivery,
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(f"already a member of an organization: {member.phone}") from None
