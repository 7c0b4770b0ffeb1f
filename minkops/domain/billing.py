"""Plans, caps and the month's usage: pure decisions the org actor and the CLI share.

A plan's caps are per calendar month in the organization's timezone. The counting itself
is an effect (`CountUsage`) committed in the same transaction as the action it counts; its
writer raises `OverCap` when the guarded counter would pass a cap, which rolls the action
back. What to say then is decided here too (`over_cap_outcome`).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from minkops.domain import effects as fx
from minkops.domain.inbound import InboundMessage
from minkops.domain.models import Member
from minkops.domain.replies import pick_language, say
from minkops.domain.state import OrgState

What = Literal["messages", "tasks", "voice_notes"]
WHATS: tuple[What, ...] = ("messages", "tasks", "voice_notes")
WARN_AT = (80, 100)
"""Admins are warned once when a counter reaches these percentages of its cap."""
_WARN_KEYS = {80: "usage_warn_80", 100: "usage_warn_100"}
_WHAT_KEYS: dict[What, str] = {
    "messages": "usage_messages",
    "tasks": "usage_tasks",
    "voice_notes": "usage_voice_notes",
}


@dataclass(frozen=True)
class Plan:
    name: str
    messages: int
    tasks: int
    voice_notes: int
    members: int
    stripe_price: str | None = None

    def cap(self, what: What) -> int:
        value: int = getattr(self, what)
        return value


@dataclass(frozen=True)
class Plans:
    plans: tuple[Plan, ...]

    def get(self, name: str) -> Plan:
        """The named plan; an unknown name (a plan since removed) gets the free plan's caps."""
        return next((p for p in self.plans if p.name == name), self.free)

    @property
    def free(self) -> Plan:
        return next((p for p in self.plans if p.name == "free"), self.plans[0])

    def next_after(self, name: str) -> Plan | None:
        """The next paid plan up, in file order: what "upgrade" offers."""
        names = [p.name for p in self.plans]
        index = names.index(name) if name in names else 0
        return next((p for p in self.plans[index + 1 :] if p.stripe_price), None)

    def by_price(self, price: str) -> Plan | None:
        return next((p for p in self.plans if p.stripe_price == price), None)


def parse_plans(data: Mapping[str, Any]) -> Plans:
    plans = []
    for name, fields in data["plans"].items():
        plans.append(
            Plan(
                name=name,
                messages=int(fields["messages"]),
                tasks=int(fields["tasks"]),
                voice_notes=int(fields["voice_notes"]),
                members=int(fields.get("members", 1000)),
                stripe_price=fields.get("stripe_price") or None,
            )
        )
    if not plans:
        raise ValueError("plans.toml names no plan")
    return Plans(tuple(plans))


def load_plans(config_dir: Path, overlay: Path | None = None) -> Plans:
    """The packaged plans.toml, its [plans.*] tables overlaid by MINKOPS_CONFIG's."""
    with (config_dir / "plans.toml").open("rb") as file:
        data = tomllib.load(file)
    if overlay is not None:
        with overlay.open("rb") as file:
            extra = tomllib.load(file).get("plans", {})
        for name, fields in extra.items():
            data["plans"][name] = {**data["plans"].get(name, {}), **fields}
    return parse_plans(data)


def local_day(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def month_of(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True)
class Warning:
    what: What
    percent: int
    at: int
    """The count that, once reached, sends these."""
    sends: tuple[fx.Send, ...]


@dataclass(frozen=True)
class CountUsage(fx.Effect):
    """Count one acted-on message (and what it did) against the month's caps.

    Its writer raises OverCap, rolling the whole turn back, when a count would pass its cap.
    """

    day: date
    plan: str
    caps: tuple[int, int, int]  # messages, tasks, voice_notes
    messages: int = 1
    tasks: int = 0
    voice_notes_in: int = 0
    messages_out: int = 0
    warnings: tuple[Warning, ...] = ()
    meters: tuple[tuple[What, str], ...] = ()
    """(counter, Stripe meter event name) for the counters metered to Stripe."""
    at: datetime | None = None
    """When it happened (the meter events' timestamp, inside `day`); None: at commit."""

    @property
    def month(self) -> date:
        return month_of(self.day)


@dataclass(frozen=True)
class CountCost(fx.Effect):
    """What reading one message cost: seconds of audio transcribed and OpenAI tokens.

    Added to the day's usage_daily with the turn's other effects, whatever the turn did
    (acted on, over a cap, asked to rephrase): the cost was incurred. Never capped. The
    inbox row's processed mark in the same transaction makes a redelivered message count
    once, even when it was read (and paid for) twice.
    """

    day: date
    transcription_seconds: int = 0
    openai_tokens: int = 0


def count_cost(state: OrgState, now: datetime, seconds: int, tokens: int) -> tuple[fx.Effect, ...]:
    """The CountCost of a turn, or nothing when reading it cost nothing (the rule engine)."""
    if seconds <= 0 and tokens <= 0:
        return ()
    day = local_day(now, state.org.timezone)
    return (CountCost(day, max(0, seconds), max(0, tokens)),)


@dataclass(frozen=True)
class CapNotice(fx.Effect):
    """Say once per month and plan to `subject`; the writer drops the send if said before."""

    month: date
    plan: str
    subject: str
    sends: tuple[fx.Send, ...]


CapKind = Literal["messages", "tasks", "voice_notes", "members"]


@dataclass(frozen=True)
class CheckMembers(fx.Effect):
    """After new members are written: the team must still fit the plan (else OverCap)."""

    cap: int


def member_check(effects: tuple[fx.Effect, ...], plan: Plan) -> tuple[fx.Effect, ...]:
    """A CheckMembers at the end of a turn that adds anyone, none otherwise."""
    adds = any(isinstance(e, fx.AddMember) for e in effects)
    return (CheckMembers(plan.members),) if adds else ()


class OverCap(Exception):
    def __init__(self, what: CapKind) -> None:
        super().__init__(what)
        self.what = what


DEFAULT_METERS: dict[What, str] = {
    "messages": "minkops_messages",
    "tasks": "minkops_tasks",
    "voice_notes": "minkops_voice_notes",
}


@lru_cache(maxsize=1024)
def _warning_text(language: str, key: str, what: What, cap: int, plan: str) -> str:
    """Every acted-on message carries its possible warnings (the writer sends them only
    when a count crosses the line): the same few texts, formatted once, not per message."""
    return say(language, key, what=say(language, _WHAT_KEYS[what]), cap=cap, plan=plan)


def count_usage(
    state: OrgState,
    plans: Plans,
    message: InboundMessage,
    effects: tuple[fx.Effect, ...],
    now: datetime,
    meters: Mapping[What, str] = DEFAULT_METERS,
) -> CountUsage:
    """What one acted-on message counts, with the admin warnings its count may trigger."""
    plan = plans.get(state.org.plan)
    caps = (plan.messages, plan.tasks, plan.voice_notes)
    warnings: list[Warning] = []
    for what, cap in zip(WHATS, caps, strict=True):
        for percent in WARN_AT:
            at = max(1, math.ceil(cap * percent / 100))
            key = _WARN_KEYS[percent]
            sends = tuple(
                fx.Send(
                    f"{message.sid}:warn:{what}:{percent}:{admin.id}",
                    admin.phone,
                    _warning_text(pick_language(admin.language), key, what, cap, plan.name),
                    admin.id,
                    "notice",
                )
                for admin in state.admins()
                if not admin.opted_out
            )
            warnings.append(Warning(what, percent, at, sends))
    return CountUsage(
        day=local_day(now, state.org.timezone),
        plan=plan.name,
        caps=caps,
        messages=1,
        tasks=sum(isinstance(e, fx.CreateTask) for e in effects),
        voice_notes_in=1 if message.voice_note is not None else 0,
        messages_out=sum(isinstance(e, fx.Send) for e in effects),
        warnings=tuple(warnings),
        meters=tuple(meters.items()),
        at=now,
    )


def over_cap_outcome(
    state: OrgState,
    plans: Plans,
    sender: Member,
    message: InboundMessage,
    what: CapKind,
    now: datetime,
) -> tuple[fx.Effect, ...]:
    """One friendly reply to the sender per month and plan; after it, silence. A team at
    its member cap is told each time (an admin adding someone is no reply storm)."""
    plan = plans.get(state.org.plan)
    language = pick_language(sender.language)
    if what == "members":
        body = say(language, "over_cap_members", cap=plan.members, plan=plan.name)
        return (fx.Send(f"{message.sid}:0", sender.phone, body, sender.id),)
    key = "over_cap_admin" if sender.is_admin else "over_cap_member"
    if what == "voice_notes":
        key = "over_cap_voice"
    body = say(
        language,
        key,
        what=say(language, _WHAT_KEYS[what]),
        cap=plan.cap(what),
        plan=plan.name,
    )
    send = fx.Send(f"{message.sid}:0", sender.phone, body, sender.id)
    subject = f"{what}:{sender.phone}"
    day = local_day(now, state.org.timezone)
    return (CapNotice(month_of(day), plan.name, subject, () if sender.opted_out else (send,)),)


@dataclass(frozen=True)
class MonthUsage:
    month: date
    plan: Plan
    used: Mapping[str, int]
    """messages_in, messages_out, tasks_created, voice_notes_in, voice_notes_out,
    transcription_seconds, openai_tokens (summed over the month's usage_daily)."""
    counted: Mapping[What, int]
    """What the caps guard: the month's usage_period counters."""


def usage_lines(language: str, usage: MonthUsage) -> str:
    """The month against the caps, as the person reads it."""
    lines = [
        say(language, "usage_header", month=usage.month.strftime("%Y-%m"), plan=usage.plan.name)
    ]
    for what in WHATS:
        lines.append(
            say(
                language,
                "usage_line",
                what=say(language, _WHAT_KEYS[what]),
                used=usage.counted.get(what, 0),
                cap=usage.plan.cap(what),
            )
        )
    # Not capped, but what the month cost: shown once there is any (OpenAI in use).
    seconds = usage.used.get("transcription_seconds", 0)
    if seconds:
        lines.append(say(language, "usage_transcribed", minutes=round(seconds / 60, 1)))
    tokens = usage.used.get("openai_tokens", 0)
    if tokens:
        lines.append(say(language, "usage_openai_tokens", tokens=tokens))
    return "\n".join(lines)


# --- usage, upgrade and billing in chat ------------------------------------------------------


@dataclass(frozen=True)
class ReplyUsage(fx.Effect):
    """Answer "usage": the writer reads the month (this message counted) and says it."""

    key: str
    to: str
    member_id: int
    language: str
    day: date
    plan: Plan | None = None
    """Filled by the org actor, which knows the plans (`complete`)."""


@dataclass(frozen=True)
class BillingLink(fx.Effect):
    """Send an admin a link that opens Stripe Checkout (next plan) or the Customer Portal."""

    kind: Literal["checkout", "portal"]
    key: str
    to: str
    member_id: int
    language: str
    current_plan: str
    next_plan: str | None = None
    public_url: str = ""
    stripe_on: bool = False
    """Filled by the org actor (`complete`)."""


def complete(
    effects: tuple[fx.Effect, ...], plans: Plans, public_url: str, stripe_on: bool
) -> tuple[fx.Effect, ...]:
    """Give billing effects what only the running process knows: plans, URL, Stripe or not."""
    done: list[fx.Effect] = []
    for effect in effects:
        if isinstance(effect, ReplyUsage):
            effect = replace(effect, plan=plans.get(effect.plan.name if effect.plan else ""))
        elif isinstance(effect, BillingLink):
            up = plans.next_after(effect.current_plan)
            effect = replace(
                effect,
                next_plan=up.name if up else None,
                public_url=public_url.rstrip("/"),
                stripe_on=stripe_on,
            )
        done.append(effect)
    return tuple(done)


def link_text(effect: BillingLink, token: str | None) -> str:
    """What the admin reads; token None when no link is made (no Stripe, top plan)."""
    language = effect.language
    if not effect.stripe_on:
        return say(language, "billing_off")
    if effect.kind == "checkout" and effect.next_plan is None:
        return say(language, "upgrade_top_plan", plan=effect.current_plan)
    link = f"{effect.public_url}/billing/{token}"
    if effect.kind == "checkout":
        return say(language, "upgrade_link", plan=effect.next_plan, link=link)
    return say(language, "billing_link", link=link)
