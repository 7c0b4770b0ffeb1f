"""An org actor's activation in one round trip reads what the three transactions it
replaced read (state, context, unfinished rows), for its own organization only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from minkops import admin
from minkops.domain import effects as fx
from minkops.domain.conversation import Conversation
from minkops.domain.inbound import InboundMessage
from minkops.domain.models import Task
from minkops.domain.reminders import Reminder
from minkops.domain.understanding import Turn
from minkops.store import activation, inbox, queries
from minkops.store.database import org_transaction
from minkops.store.writers import write_effects


async def _org(pool: asyncpg.Pool, phone: str) -> tuple[int, int]:
    owner = admin.NewMember("Ana Ruiz", phone, "admin", "es", "text")
    org, member = await admin.create_organization(
        pool, name="Horno", timezone="Europe/Madrid", owner=owner
    )
    return org.id, member.id


async def test_one_round_trip_loads_what_the_three_transactions_did(pool: asyncpg.Pool) -> None:
    org_id, member_id = await _org(pool, "+34600000401")
    other_id, _ = await _org(pool, "+34600000402")
    now = datetime.now(UTC)
    task = Task(org_id, 1, "limpiar la nevera", member_id, member_id, now + timedelta(hours=2))
    reminder = Reminder(
        org_id=org_id, number=1, text="inventario", recipient_ids=(member_id,), everyone=False,
        created_by=member_id, language="es", cron="0 8 * * 1", once_at=None,
        next_fire_at=now + timedelta(days=1),
    )  # fmt: skip
    talk = Conversation(member_id, (Turn("user", "tareas"),), now + timedelta(hours=1))
    async with org_transaction(pool, org_id) as connection:
        await write_effects(
            connection,
            org_id,
            [fx.CreateTask(task), fx.CreateReminder(reminder), fx.SaveConversation(talk)],
        )
    async with org_transaction(pool, None) as connection:
        waiting = await inbox.accept(connection, InboundMessage("SMload1", "+34600000401", "hola"))
        await inbox.accept(connection, InboundMessage("SMload2", "+34600000402", "hola"))
    assert waiting is not None

    async with pool.acquire() as connection:
        loaded = await activation.load_org(connection, org_id)
    async with org_transaction(pool, org_id) as connection:
        state = await queries.load_org_state(connection, org_id)
        conversations = await queries.load_conversations(connection, org_id)
        unprocessed = await inbox.unprocessed_of(connection, org_id)

    assert loaded.state == state
    assert loaded.state is not None and loaded.state.next_task_number == 2
    assert loaded.state.next_reminder_number == 2
    assert loaded.conversations == conversations
    assert list(loaded.conversations) == [member_id]
    assert loaded.unprocessed == unprocessed
    assert [row.message_sid for row in loaded.unprocessed] == ["SMload1"]
    async with pool.acquire() as connection:
        other = await activation.load_org(connection, other_id)
    assert other.state is not None and other.state.open_tasks == ()
    assert [row.message_sid for row in other.unprocessed] == ["SMload2"]


async def test_a_missing_organization_loads_nothing(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as connection:
        loaded = await activation.load_org(connection, 987654)
    assert loaded == activation.Loaded(None, {}, [])
