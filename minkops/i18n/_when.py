"""When something is due, as the reader says it: 'today 17:00', 'demain 17:00'."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time

from minkops.i18n._locales import locale_for, whatsapp_text
from minkops.i18n._translate import translate

_RELATIVE_DAYS = {0: "today", 1: "tomorrow", -1: "yesterday"}
# Further away than this (and in another year), a date shows its year.
_YEAR_AFTER_DAYS = 182


def format_when(
    language: str,
    moment: datetime,
    now: datetime,
    timezone: str,
    *,
    country: str | None = None,
) -> str:
    """'today 17:00', 'tomorrow 5:00 PM', 'mañana 17:00', 'Thu, 26 Nov, 17:00': `moment` in
    the organization's `timezone`, relative to the day `now` is there, in the reader's locale.
    Both datetimes must be aware."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    today = now.astimezone(zone).date()
    locale = locale_for(language, country, timezone)
    time = whatsapp_text(format_time(local, "short", tzinfo=zone, locale=locale))
    days = (local.date() - today).days
    relative = _RELATIVE_DAYS.get(days)
    if relative is not None:
        return translate(language, relative, time=time)
    skeleton = "MMMEd"
    if local.year != today.year and abs(days) > _YEAR_AFTER_DAYS:
        skeleton = "yMMMEd"
    date = format_skeleton(skeleton, local, tzinfo=zone, locale=locale)
    # How this locale joins a date and a time ("{1}, {0}" in English, "{1} {0}" in French).
    pattern = str(locale.datetime_formats["short"]).replace("'", "")
    return whatsapp_text(pattern.replace("{1}", date).replace("{0}", time))
