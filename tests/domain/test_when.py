from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter

from minkops.domain.when import find_recurrence, find_time
from tests.domain.rules_support import MEXICO, NOW, madrid


def at(text: str, now: datetime = NOW, timezone: str = "Europe/Madrid") -> datetime:
    found = find_time(text, timezone=timezone, now=now)
    assert found is not None, text
    return found.at


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow at 9", madrid(2025, 3, 28, 9)),
        ("mañana a las 9", madrid(2025, 3, 28, 9)),
        ("by 5pm", madrid(2025, 3, 27, 17)),
        ("at 8", madrid(2025, 3, 28, 8)),  # 08:00 has passed today
        ("a las 5", madrid(2025, 3, 27, 17)),  # a bare 1–6 is afternoon
        ("a las 6", madrid(2025, 3, 27, 18)),
        ("at 6:45", madrid(2025, 3, 28, 6, 45)),  # on the minute, 6 starts the day
        ("a las 5 de la mañana", madrid(2025, 3, 28, 5)),
        ("a las ocho y media de la tarde", madrid(2025, 3, 27, 20, 30)),
        ("a las 10 menos cuarto", madrid(2025, 3, 28, 9, 45)),
        ("at 17:00", madrid(2025, 3, 27, 17)),
        ("at noon", madrid(2025, 3, 27, 12)),
        ("el viernes a las 10", madrid(2025, 3, 28, 10)),
        ("on Thursday at 9", madrid(2025, 4, 3, 9)),  # today's 9:00 is gone: next week
        ("on Thursday at 11", madrid(2025, 3, 27, 11)),
        ("next monday at 9am", madrid(2025, 3, 31, 9)),
        ("el lunes que viene a las 11", madrid(2025, 3, 31, 11)),
        ("pasado mañana a las 12", madrid(2025, 3, 29, 12)),
        ("on March 30 at 11", madrid(2025, 3, 30, 11)),
        ("el 3 de abril a las 17:00", madrid(2025, 4, 3, 17)),
        ("25/12 at 10", madrid(2025, 12, 25, 10)),
        ("the 15th", madrid(2025, 4, 15, 9)),
        ("in 2 hours", madrid(2025, 3, 27, 12)),
        ("en media hora", madrid(2025, 3, 27, 10, 30)),
        ("dentro de 3 días", madrid(2025, 3, 30, 9)),
        ("tonight", madrid(2025, 3, 27, 21)),
        ("esta tarde", madrid(2025, 3, 27, 16)),
        ("tomorrow morning", madrid(2025, 3, 28, 9)),
        ("mañana por la tarde", madrid(2025, 3, 28, 16)),
    ],
)
def test_one_off_times_in_madrid(text: str, expected: datetime) -> None:
    assert at(text) == expected


def test_phrase_is_cut_out_of_the_sentence() -> None:
    found = find_time("order milk by 5pm", timezone="Europe/Madrid", now=NOW)
    assert found is not None
    assert (found.rest, found.at, found.explicit_time) == (
        "order milk",
        madrid(2025, 3, 27, 17),
        True,
    )
    found = find_time("limpiar la nevera mañana", timezone="Europe/Madrid", now=NOW)
    assert found is not None
    assert found.rest == "limpiar la nevera"
    assert not found.explicit_time


def test_day_without_time_uses_the_default() -> None:
    found = find_time("friday", timezone="Europe/Madrid", now=NOW, default_time=time(23, 59))
    assert found is not None
    assert found.at == madrid(2025, 3, 28, 23, 59)


def test_no_time_phrase() -> None:
    assert find_time("order 5 boxes of milk", timezone="Europe/Madrid", now=NOW) is None
    assert find_time("limpiar la nevera", timezone="Europe/Madrid", now=NOW) is None


def test_mexico_city_is_its_own_clock() -> None:
    now = datetime(2025, 3, 27, 22, 30, tzinfo=MEXICO)
    assert at("tomorrow at 9", now, "America/Mexico_City") == datetime(
        2025, 3, 28, 9, tzinfo=MEXICO
    )
    assert at("at 8", now, "America/Mexico_City") == datetime(2025, 3, 28, 8, tzinfo=MEXICO)
    assert at("mañana a las 9", now, "America/Mexico_City").utcoffset() == timedelta(hours=-6)


def test_now_in_another_zone_is_converted_first() -> None:
    # 23:30 UTC is already Friday 00:30 in Madrid: "tomorrow" is Saturday.
    now = datetime(2025, 3, 27, 23, 30, tzinfo=UTC)
    assert at("tomorrow at 9", now) == madrid(2025, 3, 29, 9)


def test_spring_forward_gap_moves_to_a_real_instant() -> None:
    # 02:30 does not exist in Madrid on 30 March 2025; it becomes 03:30 CEST.
    result = at("on March 30 at 2:30 am")
    assert result == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert result.utcoffset() == timedelta(hours=2)


def test_wall_clock_is_kept_across_the_dst_change() -> None:
    now = madrid(2025, 3, 29, 10)
    assert at("tomorrow at 9", now).utcoffset() == timedelta(hours=2)
    assert at("tomorrow at 9", now).hour == 9


def test_relative_hours_are_real_elapsed_time_across_the_gap() -> None:
    now = madrid(2025, 3, 30, 1, 30)
    # Same-zone subtraction in Python is wall-clock, so compare in UTC.
    assert at("in 2 hours", now).astimezone(UTC) - now.astimezone(UTC) == timedelta(hours=2)
    assert at("in 2 hours", now).hour == 4


def test_fall_back_overlap_takes_the_first_occurrence() -> None:
    now = madrid(2025, 10, 25, 12)
    result = at("tomorrow at 2:30 am", now)
    # Interzone equality is always False inside a fold (PEP 495): compare in UTC.
    assert result.astimezone(UTC) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert result.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("text", "cron", "rest"),
    [
        ("every Monday at 9 check the stock", "0 9 * * 1", "check the stock"),
        ("every day at 8", "0 8 * * *", ""),
        ("weekdays at 7:30", "30 7 * * 1-5", ""),
        ("cada lunes a las 9", "0 9 * * 1", ""),
        ("cada día a las 8 revisar la caja", "0 8 * * *", "revisar la caja"),
        ("todos los días a las 8", "0 8 * * *", ""),
        ("de lunes a viernes a las 7:30", "30 7 * * 1-5", ""),
        ("every 1st of the month at 10", "0 10 1 * *", ""),
        ("el día 15 de cada mes a las 10", "0 10 15 * *", ""),
        ("every monday and thursday at 5pm", "0 17 * * 1,4", ""),
        ("los martes y jueves a las 18:00", "0 18 * * 2,4", ""),
        ("every sunday at 8pm", "0 20 * * 0", ""),
        ("los fines de semana a las 10", "0 10 * * 0,6", ""),
        ("every morning", "0 9 * * *", ""),
        ("every evening", "0 19 * * *", ""),
        ("cada 2 horas", "0 */2 * * *", ""),
        ("fridays", "0 9 * * 5", ""),
    ],
)
def test_recurrences_become_valid_cron(text: str, cron: str, rest: str) -> None:
    found = find_recurrence(text)
    assert found is not None, text
    assert (found.cron, found.rest) == (cron, rest)
    assert croniter.is_valid(found.cron)


def test_weekly_without_a_day_uses_todays_weekday() -> None:
    found = find_recurrence("every week at 10", now=NOW)
    assert found is not None
    assert found.cron == "0 10 * * 4"


@pytest.mark.parametrize(
    "text", ["on Sunday at 11", "tomorrow at 9", "el lunes a las 9", "buy milk"]
)
def test_one_off_phrases_are_not_recurrences(text: str) -> None:
    assert find_recurrence(text) is None


def test_cron_fires_at_local_wall_clock_after_dst() -> None:
    found = find_recurrence("every day at 9")
    assert found is not None
    fires = croniter(found.cron, madrid(2025, 3, 29, 10)).get_next(datetime)
    assert fires == madrid(2025, 3, 30, 9)
    assert fires.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sam, bins out tonight", datetime(2026, 12, 1, 23, 59, tzinfo=ZoneInfo("Europe/Madrid"))),
        (
            "esta noche cerrar la caja",
            datetime(2026, 12, 1, 23, 59, tzinfo=ZoneInfo("Europe/Madrid")),
        ),
        # An hour said is kept, past or not: the reader is told it has passed.
        ("tonight at 9 lock up", datetime(2026, 12, 1, 21, 0, tzinfo=ZoneInfo("Europe/Madrid"))),
    ],
)
def test_tonight_said_after_its_usual_hour_is_by_the_end_of_today(
    text: str, expected: datetime
) -> None:
    late = datetime(2026, 12, 1, 22, 15, tzinfo=ZoneInfo("Europe/Madrid"))
    found = find_time(text, timezone="Europe/Madrid", now=late)
    assert found is not None and found.at == expected
