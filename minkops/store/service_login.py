"""The service's own database login: a role that owns nothing and can become nothing else.

Migrations run as the owner (DATABASE_URL, or the embedded cluster's superuser). The
service must not: from an owner's session a ``RESET ROLE`` undoes ``SET ROLE minkops_app``
and row-level security with it. So the pool logs in as ``minkops_svc_<database>``, a
LOGIN role that is only a member of ``minkops_app``. ``RESET ROLE`` then leaves it what it
was, and ``SET ROLE`` to the owner or ``minkops_definer`` is refused.

The role is per database (roles are cluster-wide); its password is generated once and kept
in ``service_login``, which only the owner can read. A DSN that already logs in as a
non-owner, non-superuser role is used as it is.
"""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

ROLE_PREFIX = "minkops_svc_"
_LOCK_KEY = 0x4D494E4C  # "MINL"


class ServiceLoginError(Exception):
    """The DSN's user cannot create the service's login role."""


async def service_dsn(dsn: str) -> str:
    """The DSN the service connects with: `dsn` with the service role's user and password."""
    connection = await asyncpg.connect(dsn)
    try:
        if await _is_plain_login(connection):
            return dsn
        async with connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)
            record = await connection.fetchrow("SELECT role, password FROM service_login")
            if record is None:
                database = await connection.fetchval("SELECT current_database()")
                digest = hashlib.sha256(str(database).encode()).hexdigest()[:20]
                role, password = ROLE_PREFIX + digest, secrets.token_hex(24)
                await connection.execute(
                    "INSERT INTO service_login (role, password) VALUES ($1, $2)", role, password
                )
            else:
                role, password = record["role"], record["password"]
            # Generated above from hex digits only: safe to place in the statement.
            assert role.startswith(ROLE_PREFIX) and role[len(ROLE_PREFIX) :].isalnum()
            assert password.isalnum()
            exists = await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            verb = "ALTER" if exists else "CREATE"
            try:
                await connection.execute(
                    f"{verb} ROLE {role} LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB"
                    " NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT"
                )
                await connection.execute(f"GRANT minkops_app TO {role}")
            except asyncpg.InsufficientPrivilegeError as error:
                raise ServiceLoginError(
                    f"cannot create the service's login role {role}: give the DATABASE_URL"
                    " user CREATEROLE, or run the service with a DSN of a role that is a"
                    " member of minkops_app only"
                ) from error
    finally:
        await connection.close()
    return _with_login(dsn, role, password)


async def _is_plain_login(connection: asyncpg.Connection) -> bool:
    """True when the session's user is neither a superuser nor the schema's owner."""
    return bool(
        await connection.fetchval(
            "SELECT NOT r.rolsuper AND NOT pg_has_role(current_user, t.tableowner, 'MEMBER')"
            " FROM pg_roles r, pg_tables t"
            " WHERE r.rolname = current_user"
            "   AND t.schemaname = 'public' AND t.tablename = 'organizations'"
        )
    )


def _with_login(dsn: str, user: str, password: str) -> str:
    parts = urlsplit(dsn)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ServiceLoginError("DATABASE_URL must be a postgresql:// URL")
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
