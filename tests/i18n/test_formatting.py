"""Dates, times and lists in the reader's locale and the organization's timezone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from minkops.domain.replies import join_names
from minkops.i18n import format_list, format_when, locale_for

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # Tuesday, 11:00 in Madrid
TODAY_17 = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 17:00 in Madrid
TOMORROW_17 = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
FRIDAY_17 = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
MADRID = "Europe/Madrid"


@pytest.mark.parametrize(
    ("language", "country", "today", "tomorrow", "friday"),
    [
        ("en", "US", "today 5:00 PM", "tomorrow 5:00 PM", "Fri, Nov 27, 5:00 PM"),
        ("en", "GB", "today 17:00", "tomorrow 17:00", "Fri 27 Nov, 17:00"),
        ("es", "ES", "hoy 17:00", "mañana 17:00", "vie, 27 nov, 17:00"),
        ("es", "MX", "hoy 5:00 p.m.", "mañana 5:00 p.m.", "vie 27 de nov, 5:00 p.m."),
        ("pt", "BR", "hoje 17:00", "amanhã 17:00", "sex., 27 de nov. 17:00"),
        ("pt", "PT", "hoje 17:00", "amanhã 17:00", "sexta, 27/11, 17:00"),
        ("fr", "FR", "aujourd'hui 17:00", "demain 17:00", "ven. 27 nov. 17:00"),
        ("fr", "CA", "aujourd'hui 17 h 00", "demain 17 h 00", "ven. 27 nov. 17 h 00"),
    ],
)
def test_when_in_each_language_and_country(
    language: str, country: str, today: str, tomorrow: str, friday: str
) -> None:
    # The organization's clock (Madrid) with the reader's way of writing it.
    def when(moment: datetime) -> str:
        return format_when(language, moment, NOW, MADRID, country=country)

    assert (when(TODAY_17), when(TOMORROW_17), when(FRIDAY_17)) == (today, tomorrow, friday)


def test_without_a_country_the_timezone_says_where_and_else_the_languages_usual_locale() -> None:
    # A Madrid organization with no country: English readers get en_ES, 24-hour time.
    assert format_when("en", TOMORROW_17, NOW, MADRID) == "tomorrow 17:00"
    assert format_when("en", TOMORROW_17, NOW, "America/New_York") == "tomorrow 11:00 AM"
    # UTC is nowhere: en_US, es_ES, pt_BR, fr_FR.
    assert str(locale_for("en", None, "UTC")) == "en_US"
    assert [str(locale_for(lang)) for lang in ("es", "pt", "fr")] == ["es_ES", "pt_BR", "fr_FR"]
    # A pair CLDR does not know (French in Spain) is the language's usual locale.
    assert str(locale_for("fr", "ES")) == "fr_FR"
    assert format_when("fr", TOMORROW_17, NOW, MADRID) == "demain 17:00"


def test_yesterday_and_dates_far_away_show_the_year() -> None:
    yesterday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert format_when("es", yesterday, NOW, MADRID) == "ayer 9:00"
    next_summer = datetime(2027, 7, 27, 16, 0, tzinfo=UTC)
    assert format_when("en", next_summer, NOW, MADRID, country="GB") == "Tue, 27 Jul 2027, 18:00"
    new_year = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # close enough: no year
    assert format_when("en", new_year, NOW, MADRID, country="GB") == "Mon 4 Jan, 09:00"


def test_no_narrow_or_no_break_spaces_reach_whatsapp() -> None:
    texts = [
        format_when("en", TOMORROW_17, NOW, MADRID, country="US"),
        format_when("fr", FRIDAY_17, NOW, MADRID, country="CA"),
        format_when("es", FRIDAY_17, NOW, MADRID, country="MX"),
    ]
    assert not any("\u202f" in t or "\u00a0" in t for t in texts)


# Spring forward in Madrid: 29 March 2026, 02:00 CET -> 03:00 CEST.
SATURDAY_NOON = datetime(2026, 3, 28, 11, 0, tzinfo=UTC)  # 12:00 CET


def test_across_the_spring_change_the_wall_clock_is_what_people_read() -> None:
    # 24 hours after Saturday noon is Sunday 13:00 on the clock.
    day_later = datetime(2026, 3, 29, 11, 0, tzinfo=UTC)
    assert format_when("en", day_later, SATURDAY_NOON, MADRID, country="GB") == "tomorrow 13:00"
    assert format_when("es", day_later, SATURDAY_NOON, MADRID) == "mañana 13:00"
    # Monday 17:00 CEST is 15:00 UTC.
    monday = datetime(2026, 3, 30, 15, 0, tzinfo=UTC)
    assert format_when("es", monday, SATURDAY_NOON, MADRID) == "lun, 30 mar, 17:00"
    assert format_when("fr", monday, SATURDAY_NOON, MADRID) == "lun. 30 mars 17:00"


def test_tomorrow_is_the_calendar_day_not_24_hours() -> None:
    late_saturday = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)  # 23:30 CET
    late_sunday = datetime(2026, 3, 29, 21, 30, tzinfo=UTC)  # 23:30 CEST, 23 hours later
    assert format_when("pt", late_sunday, late_saturday, MADRID) == "amanhã 23:30"
    just_after_midnight = datetime(2026, 3, 28, 23, 5, tzinfo=UTC)  # 00:05 Sunday
    assert format_when("pt", just_after_midnight, late_saturday, MADRID) == "amanhã 00:05"


def test_the_autumn_hour_that_happens_twice_reads_the_same_both_times() -> None:
    # 25 October 2026, 03:00 CEST -> 02:00 CET: 02:30 happens at 00:30 and 01:30 UTC.
    saturday = datetime(2026, 10, 24, 10, 0, tzinfo=UTC)
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert format_when("fr", first, saturday, MADRID) == "demain 02:30"
    assert format_when("fr", second, saturday, MADRID) == "demain 02:30"


@pytest.mark.parametrize(
    ("language", "country", "and_list", "or_list"),
    [
        ("en", "GB", "Ana, Luis and Marta", "Ana, Luis or Marta"),
        ("en", "US", "Ana, Luis, and Marta", "Ana, Luis, or Marta"),
        ("es", None, "Ana, Luis y Marta", "Ana, Luis o Marta"),
        ("pt", None, "Ana, Luis e Marta", "Ana, Luis ou Marta"),
        ("fr", None, "Ana, Luis et Marta", "Ana, Luis ou Marta"),
    ],
)
def test_lists(language: str, country: str | None, and_list: str, or_list: str) -> None:
    names = ["Ana", "Luis", "Marta"]
    assert format_list(language, names, country=country) == and_list
    assert format_list(language, names, style="or", country=country) == or_list
    assert join_names(language, names, country=country) == or_list


def test_short_lists() -> None:
    assert format_list("es", []) == "" and join_names("es", ["Ana"]) == "Ana"
    assert join_names("es", ["Juan Pérez", "Juan Mora"]) == "Juan Pérez o Juan Mora"
    # Spanish 'o' before an 'o' sound is 'u', 'y' before an 'i' sound is 'e'.
    assert join_names("es", ["Ana", "Olga"]) == "Ana u Olga"
    assert join_names("es", ["Ana", "Horacio"]) == "Ana u Horacio"
    assert format_list("es", ["Luis", "Inés"]) == "Luis e Inés"
    assert format_list("es", ["Luis", "Hilda"]) == "Luis e Hilda"
    assert format_list("es", ["Luis", "Hiedra"]) == "Luis y Hiedra"
    assert format_list("pt", ["Ana", "Olga"], style="or") == "Ana ou Olga"
