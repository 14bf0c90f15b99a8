"""China's public holidays and adjusted working days (调休), from the ``holidays`` package.

Pure and in the kernel, so the SLA calendar and the duty roster read the same days
without one importing the other.
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays


@functools.lru_cache(maxsize=64)
def china_days(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(public holidays, adjusted working days 调休) of ``year`` from the ``holidays`` package.

    Years for which the State Council's schedule is published are the official days; for
    later years the package gives the statutory festivals by rule, without 调休 swaps —
    administrators add those as calendar exceptions until the package catches up.
    """
    cn = holidays.China(years=year)
    off = frozenset(d for d in cn if d.year == year)
    on = frozenset(d for d in cn.weekend_workdays if d.year == year)
    return off, on


def holiday_name(day: dt.date) -> str:
    """The package's name of the holiday on ``day`` (English), or ``""``."""
    return holidays.China(years=day.year).get(day, "") or ""


def is_working_day(day: dt.date) -> bool:
    """A Chinese working day: Monday to Friday unless a holiday, or a 调休 weekend day."""
    off, on = china_days(day.year)
    if day in on:
        return True
    return day.weekday() < 5 and day not in off
