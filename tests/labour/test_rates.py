"""The amount rules: day 09:00–18:00 of a working day, night the rest of it, holiday on rest
days and public holidays (调休 kept); one multiplier per minute; exact Decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from casedesk.labour import rates
from casedesk.labour.rates import Rate, Split
from casedesk.sla.calendar import MINUTE, business_time_between, china_days

Z = ZoneInfo("Asia/Shanghai")
RATE = Rate(Decimal("200"), Decimal("1.5"), Decimal("2"))


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=Z)


def parts(day=0, night=0, holiday=0) -> Split:
    return Split.of_minutes(*(round(x, 6) for x in (day, night, holiday)))


def test_a_60_minute_log_created_at_0930_is_30_night_and_30_day_minutes():
    assert rates.split_log(60, at(2026, 12, 7, 9, 30), Z) == parts(day=30, night=30)


def test_a_log_ending_at_1800_is_day_work_and_one_starting_at_1800_is_night():
    assert rates.split_log(60, at(2026, 12, 7, 18, 0), Z) == parts(day=60)
    assert rates.split_log(60, at(2026, 12, 7, 19, 0), Z) == parts(night=60)


def test_across_midnight_into_a_saturday_night_turns_holiday():
    # Friday 2026-12-11 23:00 → Saturday 01:00
    assert rates.split_log(120, at(2026, 12, 12, 1, 0), Z) == parts(night=60, holiday=60)


def test_national_day_is_holiday_even_on_a_weekday_at_noon():
    assert rates.split_log(60, at(2026, 10, 1, 12, 0), Z) == parts(holiday=60)


def test_an_adjusted_saturday_is_a_working_day():
    # The 调休 days are the holidays package's (sla's calendar); take a Saturday among them.
    off, on = china_days(2026)
    saturday = next(d for d in sorted(on) if d.weekday() == 5)
    noon = dt.datetime.combine(saturday, dt.time(12), tzinfo=Z)
    night = dt.datetime.combine(saturday, dt.time(21), tzinfo=Z)
    assert rates.split_log(60, noon, Z) == parts(day=60)
    assert rates.split_log(60, night, Z) == parts(night=60)


def test_multipliers_do_not_stack_and_amounts_are_exact():
    # 30 day + 30 night minutes at 200/h, night ×1.5: 100 + 150 = 250.00
    assert rates.yuan(rates.amount(parts(day=30, night=30), RATE)) == 250
    assert rates.yuan(rates.amount(parts(holiday=60), RATE)) == 400
    assert rates.yuan(rates.amount(parts(night=60), RATE)) == 300
    # 2 minutes at 200/h is 6.666…; two of them are 13.33, not 6.67 + 6.67
    two = rates.amount(parts(day=2), RATE)
    assert rates.cents(two + two) == Decimal("13.33") and rates.cents(two) == Decimal("6.67")


def test_rounding_is_half_up_to_the_cent():
    assert rates.cents(rates.units(Decimal("0.005"))) == Decimal("0.01")
    assert rates.cents(rates.units(Decimal("0.015"))) == Decimal("0.02")
    assert rates.cents(rates.units(Decimal("-0.015"))) == Decimal("-0.02")
    assert rates.cents(rates.units(Fraction(10, 3))) == Decimal("3.33")
    assert rates.cents(rates.units(Fraction(2, 3))) == Decimal("0.67")
    assert rates.cents(rates.units(Decimal("0.0049999"))) == Decimal("0.00")


def test_an_amount_is_exact_in_whole_units_for_any_two_decimal_rate():
    """A microsecond at any two-decimal rate and multiplier is a whole number of units, so
    summing logs never rounds."""
    odd = Rate(Decimal("199.99"), Decimal("1.37"), Decimal("2.01"))
    one = Split(1, 1, 1)
    assert rates.yuan(rates.amount(one, odd)) == (
        Fraction(19999, 100) * (1 + Fraction(137, 100) + Fraction(201, 100)) / 3_600_000_000
    )


instants = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=Z)
)
boundaries = st.builds(
    lambda day, hm: dt.datetime.combine(day, hm, tzinfo=Z),
    st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 30)),
    st.sampled_from([dt.time(0), dt.time(9), dt.time(18), dt.time(23, 59)]),
)


def by_sla_calendar(minutes: int, end: dt.datetime) -> Split:
    """The split measured with sla's business-time arithmetic (the reference)."""
    office, working = rates.calendars(Z)
    start = end - dt.timedelta(minutes=minutes)
    day = business_time_between(office, start, end)
    on_working_days = business_time_between(working, start, end)
    return parts(
        day=day / MINUTE,
        night=(on_working_days - day) / MINUTE,
        holiday=((end - start) - on_working_days) / MINUTE,
    )


@settings(max_examples=300, deadline=None)
@given(end=st.one_of(instants, boundaries), minutes=st.integers(0, 5 * 24 * 60))
def test_every_minute_is_counted_once_as_sla_calendar_counts_it(end, minutes):
    s = rates.split_log(minutes, end, Z)
    assert s.total == minutes
    assert min(s.day, s.night, s.holiday) >= 0
    assert s == by_sla_calendar(minutes, end)


@settings(max_examples=300, deadline=None)
@given(
    end=st.one_of(instants, boundaries),
    first=st.integers(0, 3 * 24 * 60),
    second=st.integers(0, 3 * 24 * 60),
)
def test_splitting_a_stretch_anywhere_changes_nothing(end, first, second):
    """Two logs back to back cost what one log of both lengths costs (across midnight,
    09:00, 18:00, holidays and 调休 days alike)."""
    whole = rates.split_log(first + second, end, Z)
    early = rates.split_log(first, end - dt.timedelta(minutes=second), Z)
    late = rates.split_log(second, end, Z)
    assert whole == early + late
    assert rates.amount(whole, RATE) == rates.amount(early, RATE) + rates.amount(late, RATE)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)))
def test_a_whole_day_is_540_day_minutes_on_working_days_else_all_holiday(day):
    off, on = china_days(day.year)
    working = day in on or (day.weekday() < 5 and day not in off)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=Z)
    s = rates.split_log(24 * 60, end, Z)
    assert s == (parts(day=540, night=900) if working else parts(holiday=1440))
