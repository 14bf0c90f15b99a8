"""Labour amounts.  Pure logic: no database, no clock.

A work log's minutes END at its ``created_at``; they are split into

- *day* minutes: 09:00–18:00 (desk time zone) of a working day,
- *night* minutes: the rest of a working day,
- *holiday* minutes: rest days and public holidays of the Chinese calendar,

where "working day" is the sla calendar's (``holidays.China`` with its 调休: an adjusted
Saturday is a working day, a holiday on a weekday is not).  The amount is

    minutes ÷ 60 × hourly_rate × (1 | night_multiplier | holiday_multiplier)

one multiplier per minute, never stacked.  Amounts here are exact fractions (÷ 60 has no
finite decimal: 2 minutes at 200/h is 6.666… CNY, and two of them must make 13.33, not
13.34); they become ``Decimal`` yuan, rounded to the cent half up, once, at a report row's
total (:func:`cents`).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from casedesk.sla import calendar as cal

DAY_STARTS, DAY_ENDS = dt.time(9, 0), dt.time(18, 0)
_MICROS_PER_MINUTE = Decimal(60_000_000)
_WEEKDAYS = range(5)


@functools.lru_cache(maxsize=8)
def calendars(zone: ZoneInfo) -> tuple[cal.Calendar, cal.Calendar]:
    """(office hours of working days, the whole of working days) in ``zone``."""
    office = cal.make_calendar(
        code="labour-day",
        time_zone=zone,
        periods=[(d, DAY_STARTS, DAY_ENDS) for d in _WEEKDAYS],
        chinese_holidays=True,
    )
    working = cal.make_calendar(
        code="labour-working",
        time_zone=zone,
        periods=[(d, dt.time(0), dt.time(0)) for d in _WEEKDAYS],
        chinese_holidays=True,
    )
    return office, working


def _minutes(span: dt.timedelta) -> Decimal:
    return Decimal(span // dt.timedelta(microseconds=1)) / _MICROS_PER_MINUTE


@dataclass(frozen=True)
class Split:
    """Minutes of one stretch of work, by the multiplier that applies (exact Decimals)."""

    day: Decimal
    night: Decimal
    holiday: Decimal

    @property
    def total(self) -> Decimal:
        return self.day + self.night + self.holiday


@functools.lru_cache(maxsize=4096)
def _day(
    day: dt.date, zone: ZoneInfo
) -> tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime, bool]:
    """A local date's midnight, 09:00, 18:00 and next midnight as UTC instants, and whether
    it is a working day by sla's calendar (Chinese public holidays and 调休 kept)."""
    office, _working = calendars(zone)

    def utc(d: dt.date, t: dt.time) -> dt.datetime:
        return dt.datetime.combine(d, t, tzinfo=zone).astimezone(dt.UTC)

    following = day + dt.timedelta(days=1)
    return (
        utc(day, dt.time(0)),
        utc(day, DAY_STARTS),
        utc(day, DAY_ENDS),
        utc(following, dt.time(0)),
        office.is_working_day(day),
    )


def split(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> Split:
    """The work from ``start`` to ``end`` (aware, ``start`` ≤ ``end``) split three ways.

    Walks the local days the stretch touches (one or two for most work logs) with each
    day's boundaries cached: the same answer as measuring with sla's business-time
    arithmetic over :func:`calendars` (tests/labour/test_rates.py checks that), at a
    fraction of its cost for a month of logs.
    """
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    zero = dt.timedelta(0)
    day_time = night_time = holiday_time = zero
    local = start.astimezone(zone).date()
    while True:
        midnight, opens, closes, next_midnight, working = _day(local, zone)
        if midnight >= end:
            break
        s, e = max(start, midnight), min(end, next_midnight)
        if e > s:
            if working:
                office = max(zero, min(e, closes) - max(s, opens))
                day_time += office
                night_time += (e - s) - office
            else:
                holiday_time += e - s
        local += dt.timedelta(days=1)
    return Split(day=_minutes(day_time), night=_minutes(night_time), holiday=_minutes(holiday_time))


def split_log(minutes: int, created_at: dt.datetime, zone: ZoneInfo) -> Split:
    """A work log of ``minutes`` that ended at ``created_at``."""
    return split(created_at - dt.timedelta(minutes=minutes), created_at, zone)


@dataclass(frozen=True)
class Rate:
    hourly_rate: Decimal
    night_multiplier: Decimal = Decimal(1)
    holiday_multiplier: Decimal = Decimal(1)


def amount(parts: Split, rate: Rate) -> Fraction:
    """The exact (unrounded) amount of ``parts`` at ``rate``, in yuan."""
    weighted = (
        parts.day + parts.night * rate.night_multiplier + parts.holiday * rate.holiday_multiplier
    )
    return Fraction(weighted * rate.hourly_rate) / 60


def cents(value: Fraction | Decimal | int) -> Decimal:
    """An exact amount in yuan to the cent, half up (away from zero): the one place amounts
    are rounded, at a row's total."""
    hundredths = Fraction(value) * 100
    whole, rest = divmod(abs(hundredths), 1)
    rounded = int(whole) + (1 if rest >= Fraction(1, 2) else 0)
    return (Decimal(rounded if hundredths >= 0 else -rounded) / 100).quantize(Decimal("0.01"))
