"""The daily digest and overdue escalation: pure, so the store only reads, calls this, writes.

A digest is one admin's summary at an org-local hour they chose ("done today, open,
overdue"), skipped when all three are empty. Its hour is a daily cron on the organization's
wall clock (`minkops.domain.schedule`), so it is DST-correct as reminders are: an hour
skipped by spring-forward comes at the next valid minute, a repeated one once (a day's
digest is keyed by its local date).

Escalation follows one task past its due time: the assignee is nudged once at the due
time, then, if the task is still open `delay` later, its creator is told once. Each step
is recorded on the task (`nudged_at`, `escalated_at`) with the message it sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from minkops.domain import effects as fx
from minkops.domain import schedule
from minkops.domain.models import Member, Task
from minkops.domain.replies import format_when, pick_language, say
from minkops.domain.state import OrgState

MAX_LISTED = 10
"""Tasks listed per section; the count says how many there are in all."""


def digest_cron(hour: int) -> str:
    return f"0 {hour} * * *"


def next_digest(hour: int, timezone: str, after: datetime) -> datetime:
    """The first digest time strictly after `after`, in UTC."""
    return schedule.next_fire(digest_cron(hour), timezone, after)


@dataclass(frozen=True)
class Digest:
    member_id: int
    hour: int
    next_fire_at: datetime
    last_date: date | None = None


@dataclass(frozen=True)
class EscalatingTask:
    """A task whose next escalation step is due, with what the steps already did."""

    task: Task
    nudged_at: datetime | None
    escalated_at: datetime | None


def local_date(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def digest_text(
    state: OrgState, member: Member, done_today: Sequence[Task], now: datetime
) -> str | None:
    """The admin's summary in their language; None when there is nothing to say."""
    org, language = state.org, pick_language(member.language)
    overdue = [t for t in state.open_tasks if t.due_at is not None and t.due_at <= now]
    still_open = [t for t in state.open_tasks if t not in overdue]
    if not (done_today or still_open or overdue):
        return None

    def line(task: Task) -> str:
        who = state.member_by_id(task.assignee_id)
        name = who.name.split()[0] if who else say(language, "digest_nobody")
        if task.due_at is None:
            return say(language, "digest_line", number=task.number, title=task.title, name=name)
        when = format_when(language, task.due_at, now, org.timezone, country=org.country)
        return say(
            language,
            "digest_line_due",
            number=task.number,
            title=task.title,
            name=name,
            when=when,
        )

    parts = [say(language, "digest_title", org=org.name)]
    for key, tasks in (
        ("digest_done", list(done_today)),
        ("digest_overdue", overdue),
        ("digest_open", still_open),
    ):
        if tasks:
            shown = sorted(tasks, key=lambda t: t.number)[:MAX_LISTED]
            parts.append(say(language, key, count=len(tasks)))
            parts.extend(line(t) for t in shown)
    return "\n".join(parts)


def fire_digests(
    state: OrgState, due: Sequence[Digest], done_today: Sequence[Task], now: datetime
) -> list[fx.Effect]:
    """Effects for every due digest: its message (unless empty or already sent today) and
    its next time. Someone no longer an admin, or gone, gets nothing and loses the digest."""
    effects: list[fx.Effect] = []
    timezone = state.org.timezone
    for digest in due:
        if digest.next_fire_at > now:
            continue
        member = state.member_by_id(digest.member_id)
        if member is None or not member.is_admin:
            effects.append(fx.SetDigest(digest.member_id, None, None))
            continue
        # The occurrence is the local date it was due: a restart or the repeated hour of a
        # fall-back computes it again, and the date already recorded says it went.
        day = local_date(digest.next_fire_at, timezone)
        body = None if day == digest.last_date else digest_text(state, member, done_today, now)
        if body is not None and not member.opted_out:
            effects.append(
                fx.Send(
                    key=f"digest:{state.org.id}:{member.id}:{day.isoformat()}",
                    to=member.phone,
                    body=body,
                    member_id=member.id,
                    kind="reminder",
                    speak=member.delivery == "voice",
                )
            )
        effects.append(fx.FireDigest(member.id, day, next_digest(digest.hour, timezone, now)))
    return effects


def fire_escalations(
    state: OrgState, due: Sequence[EscalatingTask], delay: timedelta, now: datetime
) -> list[fx.Effect]:
    """The next step of each overdue task: nudge the assignee (then wait `delay`), or tell
    the creator; each once, recorded on the task with its message."""
    effects: list[fx.Effect] = []
    org = state.org
    for item in due:
        task = item.task
        if task.status != "open" or task.due_at is None or item.escalated_at is not None:
            effects.append(fx.EscalateTask(task.number, item.nudged_at, item.escalated_at, None))
            continue
        assignee = state.member_by_id(task.assignee_id)
        creator = state.member_by_id(task.created_by)
        if item.nudged_at is None:
            if assignee is not None and not assignee.opted_out:
                language = pick_language(assignee.language)
                when = format_when(language, task.due_at, now, org.timezone, country=org.country)
                effects.append(
                    fx.Send(
                        key=f"escalation:{org.id}:{task.number}:{task.due_at.isoformat()}:nudge",
                        to=assignee.phone,
                        body=say(
                            language,
                            "escalation_nudge",
                            number=task.number,
                            title=task.title,
                            when=when,
                        ),
                        member_id=assignee.id,
                        kind="notice",
                        speak=assignee.delivery == "voice",
                    )
                )
            effects.append(fx.EscalateTask(task.number, now, None, now + delay))
            continue
        tell_creator = (
            creator is not None
            and not creator.opted_out
            and (assignee is None or creator.id != assignee.id)
        )
        if tell_creator:
            assert creator is not None
            language = pick_language(creator.language)
            when = format_when(language, task.due_at, now, org.timezone, country=org.country)
            name = assignee.name.split()[0] if assignee else say(language, "digest_nobody")
            effects.append(
                fx.Send(
                    key=f"escalation:{org.id}:{task.number}:{task.due_at.isoformat()}:creator",
                    to=creator.phone,
                    body=say(
                        language,
                        "escalation_creator",
                        number=task.number,
                        title=task.title,
                        name=name,
                        when=when,
                    ),
                    member_id=creator.id,
                    kind="notice",
                    speak=creator.delivery == "voice",
                )
            )
        effects.append(fx.EscalateTask(task.number, item.nudged_at, now, None))
    return effects
