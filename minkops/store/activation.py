"""What an org actor loads when it starts, in one round trip (`minkops_load_org`).

Run it alone (`Persistence.run_alone`): the function sets its organization itself, so
row-level security scopes it as `org_transaction` would, and one pooled connection is
held for one round trip instead of three transactions of ~14.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from minkops.domain.conversation import Conversation
from minkops.domain.inbound import InboundMessage
from minkops.domain.state import OrgState
from minkops.store.inbox import InboxRow
from minkops.store.queries import (
    conversation_from_row,
    member_from_row,
    organization_from_row,
    task_from_row,
)
from minkops.store.reminders import reminder_from_row


@dataclass(frozen=True)
class Loaded:
    state: OrgState | None
    """None when the organization does not exist (any more)."""
    conversations: dict[int, Conversation]
    unprocessed: list[InboxRow]
    """Accepted and never acted on, oldest first; quarantined rows are the sweeper's."""


async def load_org(connection: asyncpg.Connection, org_id: int) -> Loaded:
    record = await connection.fetchrow("SELECT * FROM minkops_load_org($1)", org_id)
    assert record is not None  # the function always returns one row
    org = record["org_row"]
    state = None
    if org is not None:
        state = OrgState(
            org=organization_from_row(org),
            members=tuple(member_from_row(r) for r in record["member_rows"]),
            open_tasks=tuple(task_from_row(r) for r in record["task_rows"]),
            next_task_number=int(record["last_task"]) + 1,
            reminders=tuple(reminder_from_row(r) for r in record["reminder_rows"]),
            next_reminder_number=int(record["last_reminder"]) + 1,
        )
    conversations = {r["member_id"]: conversation_from_row(r) for r in record["conversation_rows"]}
    unprocessed = [
        InboxRow(r["id"], r["org_id"], InboundMessage.from_json(r["message"]), r["received_at"])
        for r in record["inbox_rows"]
    ]
    return Loaded(state, conversations, unprocessed)
