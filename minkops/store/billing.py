"""Usage, caps, Stripe customers and the meter outbox in PostgreSQL.

The writers here run in the org actor's one transaction (see `minkops.store.writers`):
the guarded upsert on usage_period is what makes caps exact. Two transactions racing at
cap - 1 both reach the row; PostgreSQL makes the second wait for the first's row lock and
then re-checks the WHERE on the row the first left, so exactly one passes.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from minkops.domain import billing as b
from minkops.domain import effects as fx
from minkops.domain.replies import pick_language, say
from minkops.store import outbox, queries
from minkops.store.outbox import Queued
from minkops.store.writers import writes

_COLUMNS: dict[b.What, str] = {
    "messages": "messages_in",
    "tasks": "tasks_created",
    "voice_notes": "voice_notes_in",
}


@writes(b.CountUsage)
async def _count_usage(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[b.CountUsage]
) -> list[Queued]:
    queued: list[Queued] = []
    for effect in effects:
        queued.extend(await count_usage(connection, org_id, effect))
    return queued


async def count_usage(
    connection: asyncpg.Connection, org_id: int, effect: b.CountUsage
) -> list[Queued]:
    month = effect.month
    adds = (effect.messages, effect.tasks, effect.voice_notes_in)
    # One statement, not an INSERT of the month's row and then the guarded UPDATE: the
    # upsert's WHERE is checked, like the UPDATE's, on the row as the last committer left
    # it, under its row lock, so two turns racing at cap - 1 still let exactly one through.
    # A first count of the month above a cap proposes no row (the SELECT's WHERE).
    row = await connection.fetchrow(
        "INSERT INTO usage_period AS u (org_id, month, messages, tasks, voice_notes)"
        " SELECT $1::bigint, $2::date, $3::int, $4::int, $5::int"
        " WHERE $3 <= $6::int AND $4 <= $7::int AND $5 <= $8::int"
        " ON CONFLICT (org_id, month) DO UPDATE SET messages = u.messages + $3,"
        " tasks = u.tasks + $4, voice_notes = u.voice_notes + $5"
        " WHERE u.messages + $3 <= $6 AND u.tasks + $4 <= $7 AND u.voice_notes + $5 <= $8"
        " RETURNING messages, tasks, voice_notes",
        org_id,
        month,
        *adds,
        *effect.caps,
    )
    if row is None:
        now = await connection.fetchrow(
            "SELECT messages, tasks, voice_notes FROM usage_period"
            " WHERE org_id = $1 AND month = $2",
            org_id,
            month,
        )
        counted = dict.fromkeys(b.WHATS, 0) if now is None else dict(now)
        for what, add, cap in zip(b.WHATS, adds, effect.caps, strict=True):
            if add and counted[what] + add > cap:
                raise b.OverCap(what)
        raise b.OverCap("messages")  # pragma: no cover - the WHERE failed on one of them
    # The day's counters and the organization's Stripe customer (whether to meter) in one
    # round trip.
    daily = await connection.fetchrow(
        "WITH d AS (INSERT INTO usage_daily AS u (org_id, day, messages_in, messages_out,"
        " tasks_created, voice_notes_in) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (org_id, day) DO UPDATE SET"
        " messages_in = u.messages_in + EXCLUDED.messages_in,"
        " messages_out = u.messages_out + EXCLUDED.messages_out,"
        " tasks_created = u.tasks_created + EXCLUDED.tasks_created,"
        " voice_notes_in = u.voice_notes_in + EXCLUDED.voice_notes_in"
        " RETURNING messages_in, tasks_created, voice_notes_in)"
        " SELECT d.*, (SELECT stripe_customer_id FROM billing WHERE org_id = $1) AS customer"
        " FROM d",
        org_id,
        effect.day,
        effect.messages,
        effect.messages_out,
        effect.tasks,
        effect.voice_notes_in,
    )
    assert daily is not None
    await _queue_meter_events(
        connection, org_id, effect, dict(zip(b.WHATS, adds, strict=True)), daily
    )
    queued: list[Queued] = []
    for warning in effect.warnings:
        before = row[warning.what] - dict(zip(b.WHATS, adds, strict=True))[warning.what]
        if before < warning.at <= row[warning.what]:
            subject = f"warn:{warning.what}:{warning.percent}"
            queued.extend(
                await _once(connection, org_id, month, effect.plan, subject, warning.sends)
            )
    return queued


@writes(b.CountCost)
async def _count_cost(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[b.CountCost]
) -> None:
    await connection.executemany(
        "INSERT INTO usage_daily AS u (org_id, day, transcription_seconds, openai_tokens)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, day) DO UPDATE SET"
        " transcription_seconds = u.transcription_seconds + EXCLUDED.transcription_seconds,"
        " openai_tokens = u.openai_tokens + EXCLUDED.openai_tokens",
        [(org_id, e.day, e.transcription_seconds, e.openai_tokens) for e in effects],
    )


async def _queue_meter_events(
    connection: asyncpg.Connection,
    org_id: int,
    effect: b.CountUsage,
    adds: dict[b.What, int],
    daily: asyncpg.Record,
) -> None:
    """One meter event per counter raised, identified by the usage row and its new count:
    the same count of the same day is the same event, however often it is sent."""
    customer = daily["customer"]
    if not customer:
        return  # only organizations with a Stripe customer are metered
    rows = [
        (
            org_id,
            effect.day,
            event_name,
            f"minkops:{org_id}:{effect.day.isoformat()}:{what}:{daily[_COLUMNS[what]]}",
            customer,
            adds[what],
            effect.at,
        )
        for what, event_name in effect.meters
        if adds.get(what)
    ]
    if rows:
        # The event's time is the count's, so Stripe files it under the same local day.
        await connection.executemany(
            "INSERT INTO meter_outbox (org_id, day, event_name, identifier, customer_id, value,"
            " occurred_at) VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, now()))"
            " ON CONFLICT (identifier) DO NOTHING",
            rows,
        )


async def _once(
    connection: asyncpg.Connection,
    org_id: int,
    month: date,
    plan: str,
    subject: str,
    sends: Sequence[Any],
) -> list[Queued]:
    first = await connection.fetchval(
        "INSERT INTO cap_notices (org_id, month, plan, subject) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING RETURNING 1",
        org_id,
        month,
        plan,
        subject,
    )
    if first is None:
        return []
    return await outbox.insert_outbox(connection, org_id, sends)


@writes(b.CapNotice)
async def _cap_notices(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[b.CapNotice]
) -> list[Queued]:
    queued: list[Queued] = []
    for e in effects:
        queued.extend(await _once(connection, org_id, e.month, e.plan, e.subject, e.sends))
    return queued


@writes(b.CheckMembers)
async def _check_members(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[b.CheckMembers]
) -> None:
    # The organization's row lock serializes this check with any other adding members.
    await connection.execute("SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE", org_id)
    members = await connection.fetchval("SELECT count(*) FROM members WHERE org_id = $1", org_id)
    if members > min(e.cap for e in effects):
        raise b.OverCap("members")


# --- reading --------------------------------------------------------------------------------


async def month_usage(
    connection: asyncpg.Connection, org_id: int, month: date, plan: b.Plan
) -> b.MonthUsage:
    used = await connection.fetchrow(
        "SELECT coalesce(sum(messages_in), 0)::bigint AS messages_in,"
        " coalesce(sum(messages_out), 0)::bigint AS messages_out,"
        " coalesce(sum(tasks_created), 0)::bigint AS tasks_created,"
        " coalesce(sum(voice_notes_in), 0)::bigint AS voice_notes_in,"
        " coalesce(sum(voice_notes_out), 0)::bigint AS voice_notes_out,"
        " coalesce(sum(transcription_seconds), 0)::bigint AS transcription_seconds,"
        " coalesce(sum(openai_tokens), 0)::bigint AS openai_tokens"
        " FROM usage_daily WHERE org_id = $1 AND day >= $2"
        " AND day < ($2::date + interval '1 month')",
        org_id,
        month,
    )
    counted = await connection.fetchrow(
        "SELECT messages, tasks, voice_notes FROM usage_period WHERE org_id = $1 AND month = $2",
        org_id,
        month,
    )
    return b.MonthUsage(
        month=month,
        plan=plan,
        used={k: int(v) for k, v in dict(used or {}).items()},
        counted={w: int(counted[w]) if counted else 0 for w in b.WHATS},
    )


async def may_send_voice_note(
    connection: asyncpg.Connection, org_id: int, day: date, plan: b.Plan
) -> bool:
    """May this organization send (or receive) one more voice note this month? A read only:
    to count one, use `count_voice_note_out` in the transaction that queues it."""
    used = await connection.fetchval(
        "SELECT voice_notes FROM usage_period WHERE org_id = $1 AND month = $2",
        org_id,
        b.month_of(day),
    )
    return int(used or 0) < plan.voice_notes


async def count_voice_note_out(
    connection: asyncpg.Connection, org_id: int, day: date, plan: b.Plan
) -> bool:
    """Count one voice note out against the cap, exactly (guarded UPDATE, same transaction
    as the outbox row). False: the cap is reached; send the text instead."""
    month = b.month_of(day)
    await connection.execute(
        "INSERT INTO usage_period (org_id, month) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        org_id,
        month,
    )
    counted = await connection.fetchval(
        "UPDATE usage_period SET voice_notes = voice_notes + 1"
        " WHERE org_id = $1 AND month = $2 AND voice_notes < $3 RETURNING voice_notes",
        org_id,
        month,
        plan.voice_notes,
    )
    if counted is None:
        return False
    await connection.execute(
        "INSERT INTO usage_daily AS u (org_id, day, voice_notes_out) VALUES ($1, $2, 1)"
        " ON CONFLICT (org_id, day) DO UPDATE SET voice_notes_out = u.voice_notes_out + 1",
        org_id,
        day,
    )
    return True


# --- Stripe customer and plan ---------------------------------------------------------------


@dataclass(frozen=True)
class BillingRow:
    customer_id: str | None
    subscription_id: str | None
    status: str | None
    paid_plan: str | None
    past_due_since: datetime | None
    last_event_created: int


async def billing_of(connection: asyncpg.Connection, org_id: int) -> BillingRow | None:
    row = await connection.fetchrow("SELECT * FROM billing WHERE org_id = $1", org_id)
    if row is None:
        return None
    return BillingRow(
        row["stripe_customer_id"],
        row["subscription_id"],
        row["subscription_status"],
        row["paid_plan"],
        row["past_due_since"],
        int(row["last_event_created"]),
    )


async def set_customer(connection: asyncpg.Connection, org_id: int, customer_id: str) -> None:
    await connection.execute(
        "INSERT INTO billing (org_id, stripe_customer_id) VALUES ($1, $2)"
        " ON CONFLICT (org_id) DO UPDATE SET stripe_customer_id = EXCLUDED.stripe_customer_id",
        org_id,
        customer_id,
    )


async def org_by_customer(connection: asyncpg.Connection, customer_id: str) -> int | None:
    value = await connection.fetchval("SELECT minkops_org_by_customer($1)", customer_id)
    return None if value is None else int(value)


async def first_time_event(
    connection: asyncpg.Connection, org_id: int, event_id: str, kind: str
) -> bool:
    inserted = await connection.fetchval(
        "INSERT INTO stripe_events (id, org_id, type) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING RETURNING 1",
        event_id,
        org_id,
        kind,
    )
    return inserted is not None


async def apply_subscription(
    connection: asyncpg.Connection,
    org_id: int,
    *,
    created: int,
    subscription_id: str,
    status: str,
    plan: str,
    free_plan: str,
    grace_days: int = 7,
) -> bool:
    """Adopt a subscription's state as of event `created`, unless a newer one was applied.
    Past due keeps the paid plan for `grace_days` from the first failure, then the free
    plan's caps (Stripe's retries send more events; each one re-decides)."""
    row = await connection.fetchrow(
        "UPDATE billing SET subscription_id = $2, subscription_status = $3, paid_plan = $4,"
        " last_event_created = $5,"
        " past_due_since = CASE WHEN $3 = 'past_due' THEN coalesce(past_due_since, now()) END"
        " WHERE org_id = $1 AND last_event_created <= $5"
        " RETURNING past_due_since < now() - make_interval(days => $6) AS grace_over",
        org_id,
        subscription_id,
        status,
        plan,
        created,
        grace_days,
    )
    if row is None:
        return False
    active = status in ("active", "trialing") or (status == "past_due" and not row["grace_over"])
    await connection.execute(
        "UPDATE organizations SET plan = $2 WHERE id = $1", org_id, plan if active else free_plan
    )
    return True


# --- the meter outbox (cross-organization, through SECURITY DEFINER functions) -------------


@dataclass(frozen=True)
class MeterEvent:
    id: int
    org_id: int
    event_name: str
    identifier: str
    customer_id: str
    value: int
    occurred_at: datetime
    attempts: int


async def due_meter_events(
    connection: asyncpg.Connection, now: datetime, limit: int = 100
) -> list[MeterEvent]:
    rows = await connection.fetch("SELECT * FROM minkops_due_meter_events($1, $2)", now, limit)
    return [MeterEvent(**dict(r)) for r in rows]


async def meter_event_done(
    connection: asyncpg.Connection, event_id: int, failed: str | None = None
) -> None:
    await connection.execute("SELECT minkops_meter_event_done($1, $2)", event_id, failed)


async def meter_event_retry(connection: asyncpg.Connection, event_id: int, at: datetime) -> None:
    await connection.execute("SELECT minkops_meter_event_retry($1, $2)", event_id, at)


async def sent_per_day(
    connection: asyncpg.Connection, org_id: int, month: date
) -> dict[tuple[date, str], tuple[int, int]]:
    """(day, event) -> (value queued, value delivered) for the month: what reconcile compares."""
    rows = await connection.fetch(
        "SELECT day, event_name, sum(value)::bigint AS queued,"
        " coalesce(sum(value) FILTER (WHERE sent_at IS NOT NULL), 0)::bigint AS sent"
        " FROM meter_outbox WHERE org_id = $1 AND day >= $2"
        " AND day < ($2::date + interval '1 month') GROUP BY day, event_name",
        org_id,
        month,
    )
    return {(r["day"], r["event_name"]): (int(r["queued"]), int(r["sent"])) for r in rows}


async def daily_rows(
    connection: asyncpg.Connection, org_id: int, month: date
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await connection.fetch(
        "SELECT * FROM usage_daily WHERE org_id = $1 AND day >= $2"
        " AND day < ($2::date + interval '1 month') ORDER BY day",
        org_id,
        month,
    )
    return rows


# --- usage, upgrade and billing in chat -----------------------------------------------------

LINK_LIFETIME = "1 hour"


@writes(b.ReplyUsage)
async def _reply_usage(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[b.ReplyUsage]
) -> list[Queued]:
    sends = []
    for e in effects:
        assert e.plan is not None, "the org actor completes ReplyUsage with the plan"
        usage = await month_usage(connection, org_id, b.month_of(e.day), e.plan)
        body = b.usage_lines(e.language, usage)
        sends.append(fx.Send(e.key, e.to, body, e.member_id))
    return await outbox.insert_outbox(connection, org_id, sends)


@writes(b.BillingLink)
async def _billing_links(
    connection: asyncpg.Connection, org_id: int, effects: Sequence[b.BillingLink]
) -> list[Queued]:
    sends = []
    for e in effects:
        token: str | None = None
        makes_link = e.stripe_on and (e.kind == "portal" or e.next_plan is not None)
        if makes_link:
            token = secrets.token_urlsafe(24)
            await connection.execute(
                "INSERT INTO billing_links (token, org_id, member_id, kind, plan, expires_at)"
                f" VALUES ($1, $2, $3, $4, $5, now() + interval '{LINK_LIFETIME}')",
                token,
                org_id,
                e.member_id,
                e.kind,
                e.next_plan,
            )
        sends.append(fx.Send(e.key, e.to, b.link_text(e, token), e.member_id))
    return await outbox.insert_outbox(connection, org_id, sends)


@dataclass(frozen=True)
class LinkTarget:
    org_id: int
    kind: str
    plan: str | None


async def billing_link(connection: asyncpg.Connection, token: str) -> LinkTarget | None:
    row = await connection.fetchrow("SELECT * FROM minkops_billing_link($1)", token)
    if row is None or row["org_id"] is None:
        return None
    return LinkTarget(int(row["org_id"]), row["kind"], row["plan"])


async def billed_orgs(connection: asyncpg.Connection) -> list[int]:
    return [int(r["org_id"]) for r in await connection.fetch("SELECT * FROM minkops_billed_orgs()")]


async def take_voice_note_out(
    connection: asyncpg.Connection, org_id: int, plans: b.Plans, now: datetime
) -> bool:
    """For the sender of voice notes out (issue 10): count one voice note out, in the
    transaction that records it, and say whether it may go as a voice note. At the cap it
    may not (send the text instead), and the admins are told once that month; their notice
    is an outbox row the outbox sweep sends."""
    state = await queries.load_org_state(connection, org_id)
    if state is None:
        return False
    plan = plans.get(state.org.plan)
    day = b.local_day(now, state.org.timezone)
    if await count_voice_note_out(connection, org_id, day, plan):
        return True
    sends = [
        fx.Send(
            f"voice-cap:{org_id}:{b.month_of(day).isoformat()}:{admin.id}",
            admin.phone,
            say(
                pick_language(admin.language),
                "usage_warn_100",
                what=say(pick_language(admin.language), "usage_voice_notes"),
                cap=plan.voice_notes,
                plan=plan.name,
            ),
            admin.id,
            "notice",
        )
        for admin in state.admins()
        if not admin.opted_out
    ]
    await _once(connection, org_id, b.month_of(day), plan.name, "warn:voice_notes:100", sends)
    return False
