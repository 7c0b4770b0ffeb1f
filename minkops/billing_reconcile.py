"""`minkops billing reconcile`: our daily usage, the meter events we sent, and Stripe's record.

Three figures per organization, meter and day, which must agree:

- ours: the day's usage_daily counter (what the caps counted);
- queued / sent: the meter events written with those counts, and those Stripe took (201,
  or "already exists": taken earlier);
- Stripe's: what Stripe aggregated, from its meter event summaries. Stripe validates events
  after accepting them, so an accepted event can still be dropped there; and anything
  else sending to the same meter and customer shows up here too.

Our days are the organization's local days; Stripe's `value_grouping_window=day` is UTC
days. So each local day is asked for as its own window (any minute-aligned window is
allowed without a grouping window): exact in every timezone, at one request per day and
meter. Summaries lag a little behind accepted events: a difference on today's events
just sent may clear on the next run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import stripe

from minkops.domain import billing as b
from minkops.store import billing as store
from minkops.store import queries
from minkops.store.database import org_transaction

COLUMNS: dict[str, str] = {
    "messages": "messages_in",
    "tasks": "tasks_created",
    "voice_notes": "voice_notes_in",
}
"""The usage_daily column each metered counter is."""


@dataclass(frozen=True)
class DayLine:
    org: int
    day: date
    event: str
    ours: int
    queued: int
    sent: int
    stripe: int | None
    """None: Stripe was not asked (no key, no customer, or no such meter at Stripe)."""

    @property
    def differs(self) -> tuple[str, ...]:
        """Which step lost or gained something: 'queued' (a count with no meter event),
        'sent' (events not delivered yet), 'stripe' (Stripe's total is not what we sent)."""
        found = []
        if self.queued != self.ours:
            found.append("queued")
        if self.sent != self.queued:
            found.append("sent")
        if self.stripe is not None and self.stripe != self.sent:
            found.append("stripe")
        return tuple(found)

    def as_json(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "day": self.day.isoformat(),
            "event": self.event,
            "ours": self.ours,
            "queued": self.queued,
            "sent": self.sent,
            "stripe": self.stripe,
            "differs": list(self.differs),
        }


@dataclass(frozen=True)
class OrgBook:
    """One organization's side of the month, read from PostgreSQL."""

    org: int
    timezone: str
    customer: str | None
    days: tuple[date, ...]
    """Every day of the month up to today (organization's time)."""
    ours: Mapping[tuple[date, str], int]
    """(day, event name) -> the usage_daily counter."""
    outbox: Mapping[tuple[date, str], tuple[int, int]]
    """(day, event name) -> (value queued, value sent)."""


def month_days(month: date, today: date) -> tuple[date, ...]:
    """The month's days, none after `today` (Stripe has nothing from the future)."""
    days, day = [], month
    while day.month == month.month and day <= today:
        days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def day_window(day: date, timezone: str) -> tuple[int, int]:
    """[local midnight, next local midnight) as Unix times, for a summary request."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return int(start.timestamp()), int(end.timestamp())


async def read_books(
    pool: asyncpg.Pool,
    month: date,
    meters: Mapping[str, str],
    now: datetime,
    org: int | None = None,
) -> list[OrgBook]:
    async with org_transaction(pool, None) as connection:
        orgs = [org] if org is not None else await store.billed_orgs(connection)
    books = []
    for org_id in orgs:
        async with org_transaction(pool, org_id) as connection:
            organization = await queries.organization(connection, org_id)
            if organization is None:
                continue
            billing = await store.billing_of(connection, org_id)
            rows = await store.daily_rows(connection, org_id, month)
            outbox = await store.sent_per_day(connection, org_id, month)
        ours = {
            (row["day"], event): int(row[COLUMNS[what]])
            for row in rows
            for what, event in meters.items()
        }
        today = b.local_day(now, organization.timezone)
        books.append(
            OrgBook(
                org_id,
                organization.timezone,
                billing.customer_id if billing else None,
                month_days(month, today),
                ours,
                outbox,
            )
        )
    return books


def stripe_meters(client: stripe.StripeClient) -> dict[str, str]:
    """Event name -> id of Stripe's active meters."""
    listed = client.v1.billing.meters.list({"status": "active", "limit": 100})
    return {meter.event_name: meter.id for meter in listed.auto_paging_iter()}


def stripe_total(
    client: stripe.StripeClient, meter_id: str, customer: str, window: tuple[int, int]
) -> int:
    """What Stripe aggregated for the customer on one meter over [start, end)."""
    start, end = window
    summaries = client.v1.billing.meters.event_summaries.list(
        meter_id, {"customer": customer, "start_time": start, "end_time": end}
    )
    return round(sum(s.aggregated_value for s in summaries.auto_paging_iter()))


def day_lines(
    books: Iterable[OrgBook],
    meters: Mapping[str, str],
    client: stripe.StripeClient | None,
) -> list[DayLine]:
    """Every (org, meter, day) with anything in it, Stripe's figure asked for each day."""
    at_stripe = stripe_meters(client) if client is not None else {}
    lines = []
    for book in books:
        for event in meters.values():
            meter_id = at_stripe.get(event)
            for day in book.days:
                queued, sent = book.outbox.get((day, event), (0, 0))
                recorded = None
                if client is not None and meter_id is not None and book.customer:
                    window = day_window(day, book.timezone)
                    recorded = stripe_total(client, meter_id, book.customer, window)
                line = DayLine(
                    book.org, day, event, book.ours.get((day, event), 0), queued, sent, recorded
                )
                if line.ours or line.queued or line.sent or line.stripe:
                    lines.append(line)
    return lines


async def reconcile(
    pool: asyncpg.Pool,
    month: date,
    meters: Mapping[str, str],
    *,
    client: stripe.StripeClient | None = None,
    org: int | None = None,
    now: datetime | None = None,
) -> list[DayLine]:
    """The month's lines for every metered organization (or `org`); Stripe asked when a
    client is given. The lines with `differs` are what reconcile reports."""
    books = await read_books(pool, month, meters, now or datetime.now(UTC), org)
    # The stripe SDK blocks: off the loop.
    return await asyncio.to_thread(day_lines, books, meters, client)


def table(lines: Iterable[DayLine]) -> list[str]:
    """The lines as an operator reads them (plain English, like the other CLI output)."""
    out = [
        f"{'org':>6}  {'day':10}  {'meter':22} {'ours':>7} {'queued':>7} {'sent':>7} {'stripe':>7}"
    ]
    for line in lines:
        stripe_figure = "-" if line.stripe is None else str(line.stripe)
        differs = f"  differs: {', '.join(line.differs)}" if line.differs else ""
        out.append(
            f"{line.org:>6}  {line.day.isoformat():10}  {line.event:22} {line.ours:>7}"
            f" {line.queued:>7} {line.sent:>7} {stripe_figure:>7}{differs}"
        )
    return out
