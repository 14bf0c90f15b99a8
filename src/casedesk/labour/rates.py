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


def split(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> Split:
    """The work from ``start`` to ``end`` (aware, ``start`` ≤ ``end``) split three ways."""
    office, working = calendars(zone)
    day = cal.business_time_between(office, start, end)
    on_working_days = cal.business_time_between(working, start, end)
    return Split(
        day=_minutes(day),
        night=_minutes(on_working_days - day),
        holiday=_minutes((end - start) - on_working_days),
    )


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
