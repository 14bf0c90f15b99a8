"""Labour amounts.  Pure logic: no database, no clock.

A work log's minutes END at its ``created_at``; they are split into

- *day* minutes: 09:00–18:00 (desk time zone) of a working day,
- *night* minutes: the rest of a working day,
- *holiday* minutes: rest days and public holidays of the Chinese calendar,

where "working day" is the sla calendar's (``holidays.China`` with its 调休: an adjusted
Saturday is a working day, a holiday on a weekday is not).  The amount is

    minutes ÷ 60 × hourly_rate × (1 | night_multiplier | holiday_multiplier)

one multiplier per minute, never stacked.  Amounts here are exact integers of a small unit
(÷ 60 has no finite decimal: 2 minutes at 200/h is 6.666… CNY, and two of them must make
13.33, not 13.34); they become ``Decimal`` yuan, rounded to the cent half up, once, at a
report row's total (:func:`cents`).
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


_US = dt.timedelta(microseconds=1)
# Amounts are exact integers of 1/UNITS_PER_YUAN yuan: microseconds × multiplier (two
# decimals) × hourly rate (two decimals) ÷ an hour's microseconds is a whole number of them.
UNITS_PER_YUAN = 100 * 100 * 3_600_000_000


@dataclass(frozen=True, slots=True)
class Split:
    """Time of one stretch of work by the multiplier that applies, in whole microseconds
    (exact); read as Decimal minutes."""

    day_us: int
    night_us: int
    holiday_us: int

    @classmethod
    def of_minutes(cls, day=0, night=0, holiday=0) -> Split:
        return cls(*(int(Decimal(str(m)) * 60_000_000) for m in (day, night, holiday)))

    @property
    def day(self) -> Decimal:
        return Decimal(self.day_us) / _MICROS_PER_MINUTE

    @property
    def night(self) -> Decimal:
        return Decimal(self.night_us) / _MICROS_PER_MINUTE

    @property
    def holiday(self) -> Decimal:
        return Decimal(self.holiday_us) / _MICROS_PER_MINUTE

    @property
    def total(self) -> Decimal:
        return Decimal(self.day_us + self.night_us + self.holiday_us) / _MICROS_PER_MINUTE

    def __add__(self, other: Split) -> Split:
        return Split(
            self.day_us + other.day_us,
            self.night_us + other.night_us,
            self.holiday_us + other.holiday_us,
        )


@functools.lru_cache(maxsize=4096)
def _day(day: dt.date, zone: ZoneInfo) -> tuple[int, int, int, int, bool]:
    """A local date's midnight, 09:00, 18:00 and next midnight as microseconds since the
    epoch, and whether it is a working day by sla's calendar (Chinese public holidays and
    调休 kept)."""
    office, _working = calendars(zone)

    def utc(d: dt.date, t: dt.time) -> int:
        return _micros(dt.datetime.combine(d, t, tzinfo=zone))

    following = day + dt.timedelta(days=1)
    return (
        utc(day, dt.time(0)),
        utc(day, DAY_STARTS),
        utc(day, DAY_ENDS),
        utc(following, dt.time(0)),
        office.is_working_day(day),
    )


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _micros(at: dt.datetime) -> int:
    return (at - _EPOCH) // _US


def split(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> Split:
    """The work from ``start`` to ``end`` (aware, ``start`` ≤ ``end``) split three ways.

    Walks the local days the stretch touches (one or two for most work logs) with each
    day's boundaries cached, in integer microseconds: the same answer as measuring with
    sla's business-time arithmetic over :func:`calendars` (tests/labour/test_rates.py
    checks that), at a fraction of its cost for a month of logs.
    """
    s0, e0 = _micros(start), _micros(end)
    day_us = night_us = holiday_us = 0
    local = start.astimezone(zone).date()
    one_day = dt.timedelta(days=1)
    while True:
        midnight, opens, closes, next_midnight, working = _day(local, zone)
        if midnight >= e0:
            break
        s, e = max(s0, midnight), min(e0, next_midnight)
        if e > s:
            if working:
                office = max(0, min(e, closes) - max(s, opens))
                day_us += office
                night_us += (e - s) - office
            else:
                holiday_us += e - s
        local += one_day
    return Split(day_us, night_us, holiday_us)


def split_log(minutes: int, created_at: dt.datetime, zone: ZoneInfo) -> Split:
    """A work log of ``minutes`` that ended at ``created_at``."""
    return split(created_at - dt.timedelta(minutes=minutes), created_at, zone)


def _hundredths(value: Decimal, what: str) -> int:
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{what} {value} has more than two decimals")
    return int(scaled)


@dataclass(frozen=True)
class Rate:
    hourly_rate: Decimal
    night_multiplier: Decimal = Decimal(1)
    holiday_multiplier: Decimal = Decimal(1)

    @functools.cached_property
    def _scaled(self) -> tuple[int, int, int]:
        return (
            _hundredths(self.hourly_rate, "hourly rate"),
            _hundredths(self.night_multiplier, "night multiplier"),
            _hundredths(self.holiday_multiplier, "holiday multiplier"),
        )


def amount(parts: Split, rate: Rate) -> int:
    """The exact (unrounded) amount of ``parts`` at ``rate``, in 1/UNITS_PER_YUAN yuan."""
    hourly, night, holiday = rate._scaled
    return (parts.day_us * 100 + parts.night_us * night + parts.holiday_us * holiday) * hourly


def units(yuan: Fraction | Decimal | int) -> int:
    """An exact amount in yuan as units (it must be a whole number of them)."""
    scaled = Fraction(yuan) * UNITS_PER_YUAN
    if scaled.denominator != 1:
        raise ValueError(f"{yuan} yuan is not a whole number of units")
    return int(scaled)


def yuan(amount_units: int) -> Fraction:
    return Fraction(amount_units, UNITS_PER_YUAN)


def cents(amount_units: int) -> Decimal:
    """An exact amount (units) in yuan to the cent, half up (away from zero): the one place
    amounts are rounded, at a row's total."""
    whole, rest = divmod(abs(amount_units) * 100, UNITS_PER_YUAN)
    rounded = whole + (1 if 2 * rest >= UNITS_PER_YUAN else 0)
    return (Decimal(rounded if amount_units >= 0 else -rounded) / 100).quantize(Decimal("0.01"))
