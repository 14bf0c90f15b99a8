"""Business-time arithmetic over a service calendar.  Pure logic: no database, no clock.

A :class:`Calendar` is an immutable snapshot of a service calendar (see
:func:`casedesk.sla.selectors.calendar_for`, which loads one from the database).  The four
operations take aware datetimes and answer in aware UTC:

- :func:`add_business_minutes` / :func:`add_business_time`: the instant at which a given
  amount of business time has run from ``start``;
- :func:`business_minutes_between` / :func:`business_time_between`: how much business time
  lies between two instants;
- :func:`is_open`: whether the desk is open at an instant;
- :func:`next_open`: the first open instant at or after an instant.

Conventions
-----------
- Business time is *real elapsed time* while the calendar is open, exact to the
  microsecond (``timedelta`` arithmetic, no floating point inside).  So adding N minutes and
  measuring gives back exactly N, and measuring is additive:
  ``between(a, b) + between(b, c) == between(a, c)`` for any a, b, c.
- Open hours are half-open intervals ``[opening, closing)`` in the calendar's wall-clock
  time: at 09:00:00 a 09:00–18:00 desk is open, at 18:00:00 it is closed.
- Adding business time ends *as early as possible*: a result that falls exactly on a closing
  time stays there (Monday 09:00 + 540 minutes = Monday 18:00, not Tuesday 09:00).  So for
  N > 0 the result always lies in ``(opening, closing]`` of an open period of a working day.
  Adding zero returns ``start`` unchanged, even when the desk is closed then.
- A day is closed on a holiday; on an adjusted working day (调休, or an administrator's
  "workday" exception) it is open with the weekly hours of ``adjusted_day_hours_from``
  (Monday by default), whatever weekday it falls on.  Administrator exceptions override the
  package's holidays and adjusted working days.  ``always_open`` (7×24) ignores all of that.
- Wall-clock hours are turned into instants with the calendar's time zone, so on a day when
  daylight saving time starts an 00:00–24:00 day lasts 23 hours and when it ends 25 hours.
  An opening or closing time that does not exist that day (inside the spring-forward gap)
  is read with the offset in force before the change; an ambiguous one (fall-back) is its
  first occurrence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from casedesk.core.holidays import china_days

UTC = dt.UTC
ZERO = dt.timedelta(0)
MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)
MIDNIGHT = dt.time(0, 0)

HOLIDAY = "holiday"
WORKDAY = "workday"

# A calendar that stays shut this many days in a row is refused rather than searched forever.
MAX_CLOSED_DAYS = 400

Period = tuple[dt.timedelta, dt.timedelta]  # offsets from local midnight, start < end ≤ 24 h


class CalendarNeverOpens(ValueError):
    """The calendar has no open time within MAX_CLOSED_DAYS days of the instant asked."""


def _merge(periods: Iterable[Period]) -> tuple[Period, ...]:
    merged: list[list[dt.timedelta]] = []
    for start, end in sorted(periods):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def _offset(t: dt.time, *, end: bool = False) -> dt.timedelta:
    """``t`` as an offset from midnight; an end time of 00:00 means 24:00 (end of day)."""
    off = dt.timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)
    return DAY if end and off == ZERO else off


@dataclass(frozen=True)
class Calendar:
    """An immutable service calendar.  Build one with :func:`make_calendar`."""

    code: str
    zone: ZoneInfo
    always_open: bool
    week: tuple[tuple[Period, ...], ...]  # 7 entries, Monday first; merged and sorted
    chinese_holidays: bool
    adjusted_day_hours_from: int
    extra_holidays: frozenset[dt.date]
    extra_workdays: frozenset[dt.date]

    def day_periods(self, day: dt.date) -> tuple[Period, ...]:
        """The open periods of a local date (offsets from its midnight)."""
        if day in self.extra_holidays:
            return ()
        if day in self.extra_workdays:
            return self.week[self.adjusted_day_hours_from]
        if self.chinese_holidays:
            off, on = china_days(day.year)
            if day in off:
                return ()
            if day in on:
                return self.week[self.adjusted_day_hours_from]
        return self.week[day.weekday()]

    def is_working_day(self, day: dt.date) -> bool:
        """Whether the desk opens at all on this local date."""
        return self.always_open or bool(self.day_periods(day))

    def day_intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The open intervals of a local date as UTC instants ``[start, end)``."""
        midnight = dt.datetime.combine(day, MIDNIGHT)
        out = []
        for s, e in self.day_periods(day):
            start = (midnight + s).replace(tzinfo=self.zone).astimezone(UTC)
            end = (midnight + e).replace(tzinfo=self.zone).astimezone(UTC)
            if end > start:  # a period wholly inside a DST gap has no length
                out.append((start, end))
        return out


def make_calendar(
    *,
    code: str = "",
    time_zone: str | ZoneInfo = "Asia/Shanghai",
    always_open: bool = False,
    periods: Iterable[tuple[int, dt.time, dt.time]] = (),
    chinese_holidays: bool = False,
    adjusted_day_hours_from: int = 0,
    exceptions: Mapping[dt.date, str] | None = None,
) -> Calendar:
    """A :class:`Calendar` from plain values.

    ``periods``: (weekday 0=Monday…6=Sunday, start, end) wall-clock times; end 00:00 means
    midnight at the end of the day.  Overlapping periods are merged.  ``exceptions``: date →
    ``"holiday"`` or ``"workday"``.
    """
    zone = time_zone if isinstance(time_zone, ZoneInfo) else ZoneInfo(time_zone)
    days: list[list[Period]] = [[] for _ in range(7)]
    for weekday, start, end in periods:
        if not 0 <= weekday <= 6:
            raise ValueError(f"weekday {weekday} is not 0..6")
        days[weekday].append((_offset(start), _offset(end, end=True)))
    if not 0 <= adjusted_day_hours_from <= 6:
        raise ValueError(f"weekday {adjusted_day_hours_from} is not 0..6")
    exceptions = exceptions or {}
    unknown = {k for k in exceptions.values() if k not in (HOLIDAY, WORKDAY)}
    if unknown:
        raise ValueError(f"unknown exception kinds: {sorted(unknown)}")
    return Calendar(
        code=code,
        zone=zone,
        always_open=always_open,
        week=tuple(_merge(d) for d in days),
        chinese_holidays=chinese_holidays,
        adjusted_day_hours_from=adjusted_day_hours_from,
        extra_holidays=frozenset(d for d, k in exceptions.items() if k == HOLIDAY),
        extra_workdays=frozenset(d for d, k in exceptions.items() if k == WORKDAY),
    )


def _utc(at: dt.datetime, name: str) -> dt.datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return at.astimezone(UTC)


def _open_intervals(
    cal: Calendar, start: dt.datetime, until: dt.datetime | None = None
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Open UTC intervals that end after ``start``, in order; closed days are skipped whole.

    With ``until``, stops before the first interval starting at or after it; without, raises
    :class:`CalendarNeverOpens` after MAX_CLOSED_DAYS closed days in a row.
    """
    # Begin one local day early: a day's last period may end at an instant whose local date
    # is already the next day (end of day around a DST change).
    day = start.astimezone(cal.zone).date() - DAY
    closed = 0
    while True:
        intervals = cal.day_intervals(day)
        if intervals:
            closed = 0
            for s, e in intervals:
                if until is not None and s >= until:
                    return
                if e > start:
                    yield s, e
        else:
            closed += 1
            if until is None and closed > MAX_CLOSED_DAYS:
                raise CalendarNeverOpens(
                    f"calendar {cal.code!r} is closed for {MAX_CLOSED_DAYS} days after "
                    f"{start.isoformat()}"
                )
        day += DAY
        if until is not None:
            next_midnight = dt.datetime.combine(day, MIDNIGHT).replace(tzinfo=cal.zone)
            if next_midnight.astimezone(UTC) >= until + DAY:  # a day of slack for DST
                return


def add_business_time(cal: Calendar, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
    """The instant at which ``amount`` (≥ 0) of business time has run from ``start``; UTC."""
    start = _utc(start, "start")
    if amount < ZERO:
        raise ValueError("business time to add must not be negative")
    if amount == ZERO:
        return start
    if cal.always_open:
        return start + amount
    remaining = amount
    for s, e in _open_intervals(cal, start):
        s = max(s, start)
        available = e - s
        if remaining <= available:
            return s + remaining
        remaining -= available
    raise AssertionError("unreachable: _open_intervals is endless without until")


def add_business_minutes(cal: Calendar, start: dt.datetime, minutes: float) -> dt.datetime:
    """``start`` plus ``minutes`` (≥ 0) business minutes, as an aware UTC datetime."""
    return add_business_time(cal, start, dt.timedelta(minutes=minutes))


def business_time_between(cal: Calendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Business time from ``start`` to ``end``; negative when ``end`` comes first."""
    start, end = _utc(start, "start"), _utc(end, "end")
    if end < start:
        return -business_time_between(cal, end, start)
    if cal.always_open:
        return end - start
    total = ZERO
    for s, e in _open_intervals(cal, start, until=end):
        s, e = max(s, start), min(e, end)
        if e > s:
            total += e - s
    return total


def business_minutes_between(cal: Calendar, start: dt.datetime, end: dt.datetime) -> float:
    """Business minutes from ``start`` to ``end`` (a float; whole minutes are exact)."""
    return business_time_between(cal, start, end) / MINUTE


def is_open(cal: Calendar, at: dt.datetime) -> bool:
    """Whether the calendar is open at ``at`` (opening time included, closing excluded)."""
    at = _utc(at, "at")
    if cal.always_open:
        return True
    for s, e in _open_intervals(cal, at, until=at + dt.timedelta(microseconds=1)):
        if s <= at < e:
            return True
    return False


def next_open(cal: Calendar, at: dt.datetime) -> dt.datetime:
    """``at`` itself when open, else the next opening time; UTC."""
    at = _utc(at, "at")
    if cal.always_open:
        return at
    for s, _e in _open_intervals(cal, at):
        return max(s, at)
    raise AssertionError("unreachable: _open_intervals is endless without until")
