"""The pure parts of reconcile: the organization's days as Stripe windows, and what differs."""

from __future__ import annotations

from datetime import UTC, date, datetime

from minkops.billing_reconcile import DayLine, day_window, month_days


def _utc(stamp: int) -> str:
    return datetime.fromtimestamp(stamp, UTC).isoformat()


def test_a_local_day_is_asked_for_as_its_own_window() -> None:
    # Madrid on the spring-forward day: 23 hours, from 23:00 UTC the day before.
    start, end = day_window(date(2026, 3, 29), "Europe/Madrid")
    assert (_utc(start), _utc(end)) == ("2026-03-28T23:00:00+00:00", "2026-03-29T22:00:00+00:00")
    # Half-hour offsets, where a UTC-day or even an hourly grouping could not be split.
    start, end = day_window(date(2026, 3, 2), "Asia/Kolkata")
    assert (_utc(start), end - start) == ("2026-03-01T18:30:00+00:00", 86400)
    assert start % 60 == 0 and end % 60 == 0  # Stripe wants minute-aligned windows


def test_the_months_days_stop_at_today() -> None:
    assert len(month_days(date(2026, 2, 1), date(2026, 5, 1))) == 28
    assert month_days(date(2026, 3, 1), date(2026, 3, 2)) == (date(2026, 3, 1), date(2026, 3, 2))
    assert month_days(date(2026, 4, 1), date(2026, 3, 31)) == ()


def test_each_step_that_loses_or_gains_is_named() -> None:
    day = date(2026, 3, 2)
    assert DayLine(1, day, "m", 5, 5, 5, 5).differs == ()
    assert DayLine(1, day, "m", 5, 5, 5, None).differs == ()  # Stripe not asked
    assert DayLine(1, day, "m", 5, 4, 4, 4).differs == ("queued",)
    assert DayLine(1, day, "m", 5, 5, 3, 3).differs == ("sent",)
    assert DayLine(1, day, "m", 5, 5, 5, 4).differs == ("stripe",)
    assert DayLine(1, day, "m", 5, 5, 5, 7).differs == ("stripe",)
