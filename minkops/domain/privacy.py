"""What the privacy policy promises, as pure functions: export links and what they carry.

The export document's schema is versioned (`EXPORT_SCHEMA`) and documented in
docs/export.md; the store fills it (`minkops.store.privacy.export_document`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

EXPORT_SCHEMA = "minkops.export/1"
TERMINATION_GRACE = timedelta(days=30)
DEFAULT_POLICY_URL = "https://minkops.app/privacy"


@dataclass(frozen=True)
class Links:
    """What people are told of the policy as configured: where links point
    (MINKOPS_PUBLIC_URL), how long an export link lives, the published policy, and how long
    a closed account is kept."""

    public_url: str = "http://127.0.0.1:8080"
    export_ttl: timedelta = timedelta(minutes=15)
    policy_url: str = DEFAULT_POLICY_URL
    termination_grace: timedelta = TERMINATION_GRACE
    """How long a closed account is kept before it is purged ([privacy] settings)."""

    def export_url(self, token: str) -> str:
        return f"{self.public_url.rstrip('/')}/export/{token}"


DEFAULT_LINKS = Links()


def new_export_token() -> str:
    """A token nobody can guess (256 bits); the database keeps only its hash."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
