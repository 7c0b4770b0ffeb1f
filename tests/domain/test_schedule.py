"""Recurring schedules: cron in the organization's zone, daylight saving as the product
promises it, dedup keys and missed firings.

The explicit cases list the UTC instants; `test_matches_a_minute_by_minute_reading` checks
the same rules against an independent reading of them (every UTC minute of the window, the
wall clock it shows, the cron matched on the naive wall clock) in zones with 1-hour,
30-minute and 2-hour shifts, midnight transitions, and a whole skipped day.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter

from minkops.domain.schedule import (
    ScheduleError,
    missed,
    next_fire,
    occurrence_key,
    upcoming,
    validate,
)

MADRID = "Europe/Madrid"
NEW_YORK = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def firings(cron: str, timezone: str, start: datetime, end: datetime) -> list[datetime]:
    """Every firing in (start, end]."""
    found: list[datetime] = []
    moment = start
    while (moment := next_fire(cron, timezone, moment)) <= end:
        found.append(moment)
    return found


# Daily reminders across both transitions in both zones ------------------------------------------


def test_daily_0230_madrid_spring_forward_fires_at_0300_once() -> None:
    # 2025-03-30 02:00 CET → 03:00 CEST: 02:30 does not exist that night.
    assert firings("30 2 * * *", MADRID, utc(2025, 3, 28, 12), utc(2025, 4, 1, 12)) == [
        utc(2025, 3, 29, 1, 30),  # 02:30 CET
        utc(2025, 3, 30, 1, 0),  # 03:00 CEST, the next valid minute
        utc(2025, 3, 31, 0, 30),  # 02:30 CEST
        utc(2025, 4, 1, 0, 30),
    ]


def test_daily_0230_madrid_fall_back_fires_at_the_first_0230_only() -> None:
    # 2025-10-26 03:00 CEST → 02:00 CET: 02:30 happens twice; croniter fires both.
    assert firings("30 2 * * *", MADRID, utc(2025, 10, 24, 12), utc(2025, 10, 28, 12)) == [
        utc(2025, 10, 25, 0, 30),  # 02:30 CEST
        utc(2025, 10, 26, 0, 30),  # 02:30 CEST, the first of the two
        utc(2025, 10, 27, 1, 30),  # 02:30 CET
        utc(2025, 10, 28, 1, 30),
    ]


def test_daily_0900_madrid_keeps_the_wall_clock_across_both_transitions() -> None:
    spring = firings("0 9 * * *", MADRID, utc(2025, 3, 29, 0), utc(2025, 3, 31, 12))
    fall = firings("0 9 * * *", MADRID, utc(2025, 10, 25, 0), utc(2025, 10, 27, 12))

    assert spring == [utc(2025, 3, 29, 8), utc(2025, 3, 30, 7), utc(2025, 3, 31, 7)]
    assert fall == [utc(2025, 10, 25, 7), utc(2025, 10, 26, 8), utc(2025, 10, 27, 8)]


def test_daily_0230_new_york_spring_forward() -> None:
    # 2025-03-09 02:00 EST → 03:00 EDT.
    assert firings("30 2 * * *", NEW_YORK, utc(2025, 3, 7, 12), utc(2025, 3, 11, 12)) == [
        utc(2025, 3, 8, 7, 30),  # 02:30 EST
        utc(2025, 3, 9, 7, 0),  # 03:00 EDT
        utc(2025, 3, 10, 6, 30),  # 02:30 EDT
        utc(2025, 3, 11, 6, 30),
    ]


def test_daily_0130_new_york_fall_back() -> None:
    # 2025-11-02 02:00 EDT → 01:00 EST: 01:30 happens twice.
    assert firings("30 1 * * *", NEW_YORK, utc(2025, 10, 31, 12), utc(2025, 11, 4, 12)) == [
        utc(2025, 11, 1, 5, 30),  # 01:30 EDT
        utc(2025, 11, 2, 5, 30),  # 01:30 EDT, the first of the two
        utc(2025, 11, 3, 6, 30),  # 01:30 EST
        utc(2025, 11, 4, 6, 30),
    ]


@pytest.mark.parametrize(
    ("timezone", "month", "day"),
    [(MADRID, 3, 30), (MADRID, 10, 26), (NEW_YORK, 3, 9), (NEW_YORK, 11, 2)],
)
@pytest.mark.parametrize("clock", ["0 0", "59 0", "0 1", "30 1", "0 2", "30 2", "59 2", "0 3"])
def test_a_daily_reminder_fires_exactly_once_per_local_day_around_a_transition(
    timezone: str, month: int, day: int, clock: str
) -> None:
    zone = ZoneInfo(timezone)
    start = datetime(2025, month, day, 12, tzinfo=zone) - timedelta(days=3)
    found = firings(f"{clock} * * *", timezone, start, start + timedelta(days=6))

    days = Counter(moment.astimezone(zone).date() for moment in found)
    assert len(found) == 6
    assert all(count == 1 for count in days.values())
    assert date(2025, month, day) in days


def test_a_start_inside_the_repeated_hour_does_not_fire_the_repeat() -> None:
    # 01:15 UTC is 02:15 CET, the second pass: 02:30 already fired at 00:30 UTC.
    assert next_fire("30 2 * * *", MADRID, utc(2025, 10, 26, 1, 15)) == utc(2025, 10, 27, 1, 30)
    # ... while in the first pass, the first 02:30 is still ahead.
    assert next_fire("30 2 * * *", MADRID, utc(2025, 10, 26, 0, 15)) == utc(2025, 10, 26, 0, 30)


# Hourly and shorter across a transition ----------------------------------------------------


def test_hourly_on_madrids_spring_forward_day_fires_23_times() -> None:
    # The local day: 00:00 CET (23:00 UTC) to 23:00 CEST (21:00 UTC); the start is exclusive.
    found = firings("0 * * * *", MADRID, utc(2025, 3, 29, 22, 59), utc(2025, 3, 30, 21, 59))

    local_hours = [moment.astimezone(ZoneInfo(MADRID)).hour for moment in found]
    assert len(found) == 23
    assert local_hours == [0, 1, *range(3, 24)]  # 02:00 does not exist


def test_hourly_on_madrids_fall_back_day_fires_once_per_wall_clock_hour() -> None:
    found = firings("0 * * * *", MADRID, utc(2025, 10, 25, 21, 59), utc(2025, 10, 26, 22, 59))

    local_hours = [moment.astimezone(ZoneInfo(MADRID)).hour for moment in found]
    assert local_hours == list(range(24))  # 24 firings on a 25-hour day, 02:00 once
    assert found[1:4] == [
        utc(2025, 10, 25, 23),  # 01:00 CEST
        utc(2025, 10, 26, 0),  # 02:00 CEST
        utc(2025, 10, 26, 2),  # 03:00 CET: two real hours after 02:00 CEST
    ]


def test_hourly_on_new_yorks_fall_back_day_fires_once_per_wall_clock_hour() -> None:
    found = firings("0 * * * *", NEW_YORK, utc(2025, 11, 2, 3, 59), utc(2025, 11, 3, 4, 59))

    local_hours = [moment.astimezone(ZoneInfo(NEW_YORK)).hour for moment in found]
    assert local_hours == list(range(24))
    assert found[1:3] == [utc(2025, 11, 2, 5), utc(2025, 11, 2, 7)]  # 01:00 EDT, 02:00 EST


def test_quarter_hours_skipped_by_spring_forward_collapse_into_one_firing() -> None:
    assert firings("*/15 * * * *", MADRID, utc(2025, 3, 30, 0, 40), utc(2025, 3, 30, 1, 20)) == [
        utc(2025, 3, 30, 0, 45),  # 01:45 CET
        utc(2025, 3, 30, 1, 0),  # 03:00 CEST: 02:00, 02:15, 02:30, 02:45 and 03:00 at once
        utc(2025, 3, 30, 1, 15),
    ]


# Weekly, weekdays, monthly ------------------------------------------------------------------


def test_weekly_monday_0900_across_spring_forward() -> None:
    assert upcoming("0 9 * * 1", MADRID, utc(2025, 3, 20), 3) == [
        utc(2025, 3, 24, 8),  # CET
        utc(2025, 3, 31, 7),  # CEST
        utc(2025, 4, 7, 7),
    ]


def test_weekly_on_the_day_of_the_fall_back_gap() -> None:
    # Sunday 02:30 on the spring-forward Sunday moves to 03:00; the next Sunday is normal.
    assert upcoming("30 2 * * 0", MADRID, utc(2025, 3, 25), 2) == [
        utc(2025, 3, 30, 1, 0),
        utc(2025, 4, 6, 0, 30),
    ]


def test_weekdays_fire_monday_to_friday_only() -> None:
    found = firings("30 7 * * 1-5", MADRID, utc(2025, 3, 23), utc(2025, 4, 6))

    local = [moment.astimezone(ZoneInfo(MADRID)) for moment in found]
    assert len(found) == 10
    assert [moment.weekday() for moment in local] == [0, 1, 2, 3, 4] * 2
    assert {(moment.hour, moment.minute) for moment in local} == {(7, 30)}
    assert found[0] == utc(2025, 3, 24, 6, 30)  # CET
    assert found[5] == utc(2025, 3, 31, 5, 30)  # CEST


def test_weekdays_by_name_are_the_same_schedule() -> None:
    start = utc(2025, 3, 23)
    assert upcoming("30 7 * * MON-FRI", MADRID, start, 7) == upcoming(
        "30 7 * * 1-5", MADRID, start, 7
    )


def test_monthly_on_the_31st_skips_months_without_one() -> None:
    found = upcoming("0 9 31 * *", MADRID, utc(2025, 1, 1), 8)

    assert [(moment.month, moment.day) for moment in found] == [
        (1, 31),
        (3, 31),
        (5, 31),
        (7, 31),
        (8, 31),
        (10, 31),
        (12, 31),
        (1, 31),  # 2026
    ]
    assert found[0] == utc(2025, 1, 31, 8)  # 09:00 CET
    assert found[1] == utc(2025, 3, 31, 7)  # 09:00 CEST


def test_last_day_of_the_month_is_L() -> None:
    found = upcoming("0 9 L * *", MADRID, utc(2028, 1, 1), 4)

    assert [moment.date() for moment in found] == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
    ]


# Occurrence keys ----------------------------------------------------------------------------


def test_both_readings_of_a_repeated_time_have_one_key() -> None:
    first, second = utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 1, 30)

    assert occurrence_key("30 2 * * *", MADRID, first) == "2025-10-26T02:30"
    assert occurrence_key("30 2 * * *", MADRID, second) == "2025-10-26T02:30"


def test_keys_are_local_wall_clock_minutes() -> None:
    assert occurrence_key("30 2 * * *", MADRID, utc(2025, 3, 30, 1, 0)) == "2025-03-30T03:00"
    assert occurrence_key("0 9 * * *", NEW_YORK, utc(2025, 11, 3, 14)) == "2025-11-03T09:00"
    assert occurrence_key("0 9 * * *", "Asia/Kolkata", utc(2025, 1, 1, 3, 30)) == (
        "2025-01-01T09:00"
    )


def test_every_firing_of_a_day_has_its_own_key() -> None:
    found = firings("*/15 * * * *", MADRID, utc(2025, 10, 25, 22), utc(2025, 10, 26, 23))

    keys = [occurrence_key("*/15 * * * *", MADRID, moment) for moment in found]
    assert len(set(keys)) == len(keys) == 96  # 24 wall-clock hours, 4 each


# Missed firings after downtime --------------------------------------------------------------


def test_after_days_of_downtime_only_the_latest_firing_is_missed() -> None:
    last = utc(2025, 3, 1, 8)  # delivered, 09:00 CET
    now = utc(2025, 3, 4, 12)

    assert missed("0 9 * * *", MADRID, last, now) == utc(2025, 3, 4, 8)
    assert next_fire("0 9 * * *", MADRID, now) == utc(2025, 3, 5, 8)  # then it continues


def test_nothing_missed_when_no_firing_fell_in_the_downtime() -> None:
    assert missed("0 9 * * *", MADRID, utc(2025, 3, 4, 8), utc(2025, 3, 4, 12)) is None
    assert missed("0 9 * * *", MADRID, utc(2025, 3, 4, 12), utc(2025, 3, 4, 12)) is None
    assert missed("0 9 * * *", MADRID, utc(2025, 3, 4, 12), utc(2025, 3, 3)) is None


def test_a_firing_exactly_at_now_is_due_and_the_last_one_is_not_missed() -> None:
    assert missed("0 9 * * *", MADRID, utc(2025, 3, 3, 8), utc(2025, 3, 4, 8)) == utc(2025, 3, 4, 8)
    assert missed("0 9 * * *", MADRID, utc(2025, 3, 4, 8), utc(2025, 3, 4, 8, 30)) is None


def test_missed_across_spring_forward_is_the_moved_firing() -> None:
    last = utc(2025, 3, 29, 1, 30)

    assert missed("30 2 * * *", MADRID, last, utc(2025, 3, 30, 6)) == utc(2025, 3, 30, 1, 0)


def test_missed_across_fall_back_never_picks_the_repeat() -> None:
    # Down from before the overlap until inside its second pass: the first 02:30 was missed.
    last = utc(2025, 10, 25, 0, 30)
    assert missed("30 2 * * *", MADRID, last, utc(2025, 10, 26, 1, 45)) == utc(2025, 10, 26, 0, 30)
    # Hourly: down through the overlap, the latest is 02:00 CEST, not the repeated 02:00.
    assert missed("0 * * * *", MADRID, utc(2025, 10, 25, 22), utc(2025, 10, 26, 1, 59)) == utc(
        2025, 10, 26, 0, 0
    )


def test_missed_from_inside_the_repeated_hour_sees_a_later_time_already_read() -> None:
    # Now is 02:30 CET (second pass); 02:45 was read an hour earlier, at 02:45 CEST.
    assert missed("45 2 * * *", MADRID, utc(2025, 10, 25, 12), utc(2025, 10, 26, 1, 30)) == (
        utc(2025, 10, 26, 0, 45)
    )


def test_missed_after_a_year_of_downtime_is_fast_and_single() -> None:
    assert missed("*/5 * * * *", MADRID, utc(2024, 1, 1), utc(2025, 6, 1, 12, 3)) == utc(
        2025, 6, 1, 12, 0
    )


# Rejected schedules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cron",
    [
        "",
        "0 9 * *",  # 4 fields
        "0 9 * * * *",  # 6: croniter would read seconds or years
        "0 0 9 1 1 * 2030",
        "@daily",
        "61 9 * * *",
        "0 24 * * *",
        "*/0 * * * *",
        "a b c d e",
        "R 9 * * *",  # croniter picks a random minute: not a pure schedule
        "H 9 * * *",
        "0 9 30 2 *",  # never fires
        "0 9 31 4 *",
    ],
)
def test_an_invalid_cron_is_rejected(cron: str) -> None:
    with pytest.raises(ScheduleError):
        validate(cron, MADRID)
    with pytest.raises(ScheduleError):
        next_fire(cron, MADRID, utc(2025, 1, 1))


@pytest.mark.parametrize("timezone", ["", "Mars/Olympus_Mons", "../../etc/passwd", "CEST"])
def test_an_unknown_timezone_is_rejected(timezone: str) -> None:
    with pytest.raises(ScheduleError, match="timezone"):
        next_fire("0 9 * * *", timezone, utc(2025, 1, 1))


@pytest.mark.parametrize("cron", ["0 9 * * MON-FRI", "0 9 * MAR THU", "0 9 L * *", "0 9 ? * *"])
def test_names_and_croniters_extensions_are_accepted(cron: str) -> None:
    validate(cron, MADRID)


def test_naive_datetimes_are_a_caller_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_fire("0 9 * * *", MADRID, datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        missed("0 9 * * *", MADRID, datetime(2025, 1, 1), utc(2025, 1, 2))


def test_results_are_utc_whatever_the_input_zone() -> None:
    after = datetime(2025, 3, 29, 12, tzinfo=ZoneInfo("Asia/Tokyo"))

    result = next_fire("0 9 * * *", MADRID, after)

    assert result.tzinfo is UTC
    assert result == utc(2025, 3, 29, 8)


# The rules against a minute-by-minute reading --------------------------------------------------


def reference_firings(cron: str, timezone: str, start: datetime, end: datetime) -> list[datetime]:
    """The product's rules read literally, one UTC minute at a time, for (start, end].

    A minute fires if its wall-clock time matches the cron and is the first reading of that
    wall-clock time, or if it is the first minute after a gap in which some wall-clock time
    matched. Matching uses croniter on naive wall-clock times only (plain calendar
    arithmetic, no zone rules).
    """
    zone = ZoneInfo(timezone)
    wall_start = start.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    wall_end = end.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    matches: set[datetime] = set()
    iterator = croniter(cron, wall_start)
    while (wall := iterator.get_next(datetime)) <= wall_end:
        matches.add(wall)
    found = []
    minute = start.replace(second=0, microsecond=0) + timedelta(minutes=1)
    previous_wall = (minute - timedelta(minutes=1)).astimezone(zone).replace(tzinfo=None)
    while minute <= end:
        wall = minute.astimezone(zone).replace(tzinfo=None)
        first_reading = wall.replace(tzinfo=zone, fold=0).astimezone(UTC) == minute
        skipped = []
        if wall - previous_wall > timedelta(minutes=1):
            step = previous_wall + timedelta(minutes=1)
            while step < wall:
                skipped.append(step)
                step += timedelta(minutes=1)
        if (wall in matches and first_reading) or any(s in matches for s in skipped):
            found.append(minute)
        previous_wall = wall
        minute += timedelta(minutes=1)
    return found


TRANSITIONS = [
    (MADRID, utc(2025, 3, 30)),
    (MADRID, utc(2025, 10, 26)),
    (NEW_YORK, utc(2025, 3, 9, 5)),
    (NEW_YORK, utc(2025, 11, 2, 5)),
    ("Australia/Lord_Howe", utc(2025, 4, 5, 14)),  # 30-minute fall-back at 02:00
    ("Australia/Lord_Howe", utc(2025, 10, 4, 14)),  # 30-minute spring-forward at 02:00
    ("America/Santiago", utc(2025, 4, 6, 3)),  # fall-back at midnight
    ("America/Santiago", utc(2025, 9, 7, 4)),  # spring-forward at midnight
    ("Antarctica/Troll", utc(2025, 3, 30)),  # 2-hour spring-forward
    ("Antarctica/Troll", utc(2025, 10, 26)),  # 2-hour fall-back
    ("Pacific/Apia", utc(2011, 12, 29, 10)),  # 30 December 2011 never happened there
    ("Asia/Kolkata", utc(2025, 3, 30)),  # no daylight saving at all
]
CRONS = [
    "30 2 * * *",
    "0 0 * * *",
    "30 0 * * *",
    "59 23 * * *",
    "0 * * * *",
    "*/20 * * * *",
    "45 1-3 * * *",
    "0 */3 * * *",
    "0 9 * * 1-5",
    "15 2 * * 0,6",
]


@pytest.mark.parametrize(("timezone", "around"), TRANSITIONS)
def test_matches_a_minute_by_minute_reading(timezone: str, around: datetime) -> None:
    start, end = around - timedelta(hours=30), around + timedelta(hours=42)
    rng = random.Random(f"{timezone}{around}")
    for cron in CRONS:
        expected = reference_firings(cron, timezone, start, end)
        assert firings(cron, timezone, start, end) == expected, cron
        for _ in range(4):  # and missed() over random downtimes in the window
            last = start + timedelta(minutes=rng.randrange(0, 72 * 60))
            now = last + timedelta(minutes=rng.randrange(0, 24 * 60), seconds=rng.randrange(60))
            before_now = [moment for moment in expected if last < moment <= now]
            if now <= end:
                latest = before_now[-1] if before_now else None
                assert missed(cron, timezone, last, now) == latest, (cron, last, now)
