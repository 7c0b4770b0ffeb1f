"""Shared setup for the understanding tests: one engine, a fixed clock and roster."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from minkops.domain.intents import Understood
from minkops.domain.rules import RuleEngine
from minkops.domain.understanding import RosterEntry, Turn, UnderstandingContext

MADRID = ZoneInfo("Europe/Madrid")
MEXICO = ZoneInfo("America/Mexico_City")
# Thursday, three days before the spring DST change in Europe.
NOW = datetime(2025, 3, 27, 10, 0, tzinfo=MADRID)
ROSTER = (
    RosterEntry("Ana García", "admin", "es"),
    RosterEntry("Juan Pérez", "staff", "es"),
    RosterEntry("Juan Mora", "staff", "es"),
    RosterEntry("Luis Fernández", "staff", "es"),
    RosterEntry("Tom Baker", "staff", "en"),
)
ENGINE = RuleEngine()


def context(
    *,
    role: Literal["admin", "staff"] = "admin",
    language: str = "en",
    timezone: str = "Europe/Madrid",
    now: datetime = NOW,
    history: tuple[Turn, ...] = (),
) -> UnderstandingContext:
    return UnderstandingContext(
        role=role, language=language, timezone=timezone, now=now, roster=ROSTER, history=history
    )


def understand(
    text: str,
    *,
    language: str = "en",
    role: Literal["admin", "staff"] = "admin",
    history: tuple[Turn, ...] = (),
) -> Understood:
    return ENGINE.understand(text, context(language=language, role=role, history=history))


def madrid(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MADRID)
