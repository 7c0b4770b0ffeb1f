"""Many organizations at once, in a few SQL statements (admin functions would take minutes).

Each organization has an admin (Ana, who writes) and one staff member (Juan, who gets
tasks), on the `team` plan so that caps never shape the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

# Spanish mobile numbers: +34 61x xxx xxx for admins, +34 62x xxx xxx for staff.
_ADMIN_BASE = 610_000_000
_STAFF_BASE = 620_000_000
MAX_ORGS = _STAFF_BASE - _ADMIN_BASE


@dataclass(frozen=True)
class BenchOrg:
    org_id: int
    admin_phone: str
    staff_phone: str


def admin_phone(index: int) -> str:
    return f"+34{_ADMIN_BASE + index}"


def staff_phone(index: int) -> str:
    return f"+34{_STAFF_BASE + index}"


async def create_orgs(dsn: str, count: int) -> list[BenchOrg]:
    """Create `count` organizations through a superuser connection (row-level security
    does not bind it), and return them in creation order."""
    if not 0 < count <= MAX_ORGS:
        raise ValueError(f"between 1 and {MAX_ORGS} organizations, not {count}")
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction():
            first = await connection.fetchval("SELECT coalesce(max(id), 0) FROM organizations")
            ids: list[int] = [
                record["id"]
                for record in await connection.fetch(
                    "INSERT INTO organizations (name, timezone, language, country, plan)"
                    " SELECT 'Bench ' || g, 'Europe/Madrid', 'es', 'ES', 'team'"
                    " FROM generate_series(1, $1) AS g ORDER BY g RETURNING id",
                    count,
                )
            ]
            ids.sort()
            offset = int(first)
            orgs = [
                BenchOrg(org_id, admin_phone(offset + i), staff_phone(offset + i))
                for i, org_id in enumerate(ids)
            ]
            await connection.execute(
                "INSERT INTO members (org_id, name, phone, role, language)"
                " SELECT o, 'Ana García', a, 'admin', 'es' FROM unnest($1::bigint[], $2::text[])"
                " AS t(o, a)"
                " UNION ALL"
                " SELECT o, 'Juan Pérez', s, 'staff', 'es' FROM unnest($1::bigint[], $3::text[])"
                " AS t(o, s)",
                [org.org_id for org in orgs],
                [org.admin_phone for org in orgs],
                [org.staff_phone for org in orgs],
            )
    finally:
        await connection.close()
    return orgs
