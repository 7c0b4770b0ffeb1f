"""Messages between actors: plain frozen records, told, never asked across the loop."""

from __future__ import annotations

from dataclasses import dataclass

from minkops.db.queries import InboxRow


@dataclass(frozen=True)
class Deliver:
    """An accepted inbound message for the directory, then for its org actor."""

    row: InboxRow


@dataclass(frozen=True)
class OrgChanged:
    """An organization's roster or settings changed outside its actor (CLI, another process)."""

    org_id: int


@dataclass(frozen=True)
class SendOutbox:
    org_id: int | None
    outbox_ids: tuple[int, ...]
