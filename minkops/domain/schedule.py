"""When a recurring reminder fires: a 5-field cron in the organization's wall-clock time.

Pure: no I/O, no clock. Inputs and outputs are timezone-aware; results are in UTC, as they
are stored. The product's daylight-saving rules:

- **A time skipped by spring-forward fires at the next valid minute**, the first instant
  after the gap: Europe/Madrid 2025-03-30 02:30 fires at 03:00 CEST (01:00 UTC);
  America/New_York 2025-03-09 02:30 at 03:00 EDT (07:00 UTC); Lord Howe's 02:00, in a
  30-minute gap, at 02:30. Several skipped times collapse into that one firing ("*/15"
  fires once at 03:00, not five times).
- **A time repeated by fall-back fires once, at its first occurrence** (summer time):
  Madrid 2025-10-26 02:30 fires at 02:30 CEST (00:30 UTC) only; New York 2025-11-02 01:30
  at 01:30 EDT (05:30 UTC) only. This is dedup on the local wall-clock minute
  (`occurrence_key`), and it holds for sub-daily schedules too: an hourly "0 * * * *" fires
  once per wall-clock hour, 24 times on the fall-back day (not 25), with two real hours
  between 02:00 CEST and 03:00 CET. Chosen because people read reminders by the clock on
  the wall: "it is 02:00" twice an hour apart reads as a duplicate, and one rule for every
  schedule is what a scheduler can dedup on. (On the spring-forward day an hourly cron
  fires 23 times.)

How: croniter enumerates the cron's matches on the organization's naive wall clock (plain
calendar arithmetic), and each match is placed in time here: a wall-clock time that exists
fires at its first reading (`fold=0`), one that does not at the end of its gap. That
placement never goes backwards as the wall clock goes forwards, so the first match placed
after `after` is the next firing, and the last placed at or before `now` the latest.

Why not croniter's own time-zone handling, iterating from an aware start in the zone
(checked with croniter 7.0): a gap does fire at the next valid minute for a daily cron, but
a repeated time fires twice (the second with `fold=1`); a start inside the repeated hour
yields the second reading of a time already past; `get_prev` marks unambiguous times
`fold=1`; and an hourly cron over Lord Howe's 30-minute gap skips 02:00 and fires at 03:00
instead of 02:30. `tests/domain/test_schedule.py` checks this module against a
minute-by-minute reading of the rules in zones with 1-hour, 30-minute and 2-hour shifts,
midnight transitions and a skipped day (Samoa, 2011-12-30).

Day of month and day of week follow Vixie cron (croniter's default): when both are
restricted, either matches. "0 9 31 * *" fires only in months with a 31st; "0 9 L * *" is
the last day of every month.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadCronError, CroniterBadDateError, CroniterError, croniter

# Matches skipped at most while looking for one firing: every minute of the longest
# repeated stretch of wall-clock time (2 hours, Antarctica/Troll) at "* * * * *", and more.
_MAX_CANDIDATES = 1_000
_NAMES = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun")
_REFERENCE = datetime(2000, 1, 1, tzinfo=UTC)  # where validation looks for a first occurrence


class ScheduleError(ValueError):
    """A cron expression or timezone that cannot be a reminder's schedule."""


def validate(cron: str, timezone: str) -> None:
    """Raise ScheduleError unless `cron` is a usable 5-field cron and `timezone` an IANA zone.

    Refused: anything but 5 fields (no seconds or years column, no "@daily" aliases),
    croniter's random "R" and hashed "H" (a schedule must be a pure function of its text),
    and expressions that never fire ("0 9 30 2 *").
    """
    _expression(cron)
    _zone(timezone)


def next_fire(cron: str, timezone: str, after: datetime) -> datetime:
    """The first firing strictly after `after`, in UTC (see the module's DST rules)."""
    expression, zone = _expression(cron), _zone(timezone)
    moment = _aware(after, "after")
    # Matches up to after's own reading were placed at or before `after`. Some later ones
    # were too, when `after` is in the second pass of a repeated hour: they are skipped.
    iterator = croniter(expression, _wall(moment, zone))
    for _ in range(_MAX_CANDIDATES):
        instant = _place(iterator.get_next(datetime), zone)
        if instant > moment:
            return instant
    raise ScheduleError(f"no firing found for {cron!r} after {moment.isoformat()}")


def upcoming(cron: str, timezone: str, after: datetime, count: int) -> list[datetime]:
    """The next `count` firings after `after`, in UTC (for "reminders list")."""
    firings: list[datetime] = []
    moment = after
    for _ in range(count):
        moment = next_fire(cron, timezone, moment)
        firings.append(moment)
    return firings


def occurrence_key(cron: str, timezone: str, fire_at: datetime) -> str:
    """The local wall-clock minute of a firing, e.g. "2025-10-26T02:30".

    A scheduler records (reminder, key) when it fires and skips a firing whose key is
    already recorded: however a firing is computed twice (a restart, a retried tick, the
    repeated hour of a fall-back), the same wall-clock minute is delivered once.
    """
    _expression(cron)
    moment = _aware(fire_at, "fire_at").astimezone(_zone(timezone))
    return moment.strftime("%Y-%m-%dT%H:%M")


def missed(cron: str, timezone: str, last_fired: datetime, now: datetime) -> datetime | None:
    """After downtime: the latest firing in (`last_fired`, `now`], or None.

    A recurring reminder that missed several firings fires once, for the latest, and then
    continues from `next_fire(cron, timezone, now)`; it never catches up one by one, and
    the cost does not grow with the downtime. `last_fired` is the last firing delivered (or
    the reminder's creation time if none).
    """
    expression, zone = _expression(cron), _zone(timezone)
    last = _aware(last_fired, "last_fired")
    end = _aware(now, "now")
    if end <= last:
        return None
    # Walk the wall clock back from `end`'s reading. If `end` is the second reading of a
    # repeated time, matches up to one fold later were first read before `end`: start there.
    wall = _wall(end, zone)
    fold_back = end - wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    start = wall.replace(second=0, microsecond=0) + fold_back + timedelta(minutes=1)
    iterator = croniter(expression, start)
    for _ in range(_MAX_CANDIDATES):
        instant = _place(iterator.get_prev(datetime), zone)
        if instant <= end:
            return instant if instant > last else None
    raise ScheduleError(f"no firing found for {cron!r} before {end.isoformat()}")


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock reading of `moment` in `zone`."""
    return moment.astimezone(zone).replace(tzinfo=None)


def _place(wall: datetime, zone: ZoneInfo) -> datetime:
    """When a wall-clock match fires, in UTC: its first reading, or the end of its gap."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(first, zone) == wall:
        return first
    return _gap_end(wall, zone)


def _gap_end(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first valid minute after the spring-forward gap that `wall` falls in.

    The two readings zoneinfo gives a nonexistent time (PEP 495: the offsets before and
    after the transition) straddle the transition; it is found between them by bisection
    on whole seconds, then rounded up to a whole wall-clock minute.
    """
    readings = sorted(wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1))
    low, high = (int(reading.timestamp()) for reading in readings)
    after_offset = datetime.fromtimestamp(high, zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == after_offset:
            high = middle
        else:
            low = middle
    transition = datetime.fromtimestamp(high, UTC)
    seconds = transition.astimezone(zone).second
    return transition + timedelta(seconds=(60 - seconds) % 60)


def _expression(cron: str) -> str:
    if not isinstance(cron, str):
        raise ScheduleError("a cron expression must be a string")
    fields = cron.split()
    if len(fields) != 5:
        raise ScheduleError(f"a cron expression has 5 fields, not {len(fields)}: {cron!r}")
    for field in fields:
        if re.search("[rh]", _NAMES.sub("", field.lower())):
            raise ScheduleError(f"random and hashed cron fields are not allowed: {cron!r}")
    expression = " ".join(fields)
    try:
        if not croniter.is_valid(expression):
            raise ScheduleError(f"not a valid cron expression: {cron!r}")
        croniter(expression, _REFERENCE).get_next(datetime)
    except CroniterBadDateError:
        raise ScheduleError(f"cron expression never fires: {cron!r}") from None
    except (CroniterBadCronError, CroniterError, ValueError, KeyError):
        raise ScheduleError(f"not a valid cron expression: {cron!r}") from None
    return expression


def _zone(timezone: str) -> ZoneInfo:
    if not isinstance(timezone, str) or not timezone:
        raise ScheduleError("a timezone must be an IANA name such as Europe/Madrid")
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ScheduleError(f"unknown timezone: {timezone!r}") from None


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment
