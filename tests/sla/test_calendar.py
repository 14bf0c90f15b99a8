"""Service calendars and business-time arithmetic (issue 3, item 1)."""

from __future__ import annotations

import datetime as dt
import functools
import time
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from casedesk.accounts.models import User
from casedesk.core import clock
from casedesk.sla import selectors
from casedesk.sla.calendar import (
    CalendarNeverOpens,
    add_business_minutes,
    add_business_time,
    business_minutes_between,
    business_time_between,
    is_open,
    make_calendar,
    next_open,
)
from casedesk.sla.models import (
    CalendarException,
    ServiceCalendar,
    ServiceLevelCalendar,
    WorkingPeriod,
)
from tests.factories import OrganizationFactory

UTC = dt.UTC
SH = ZoneInfo("Asia/Shanghai")
NINE, SIX_PM = dt.time(9), dt.time(18)
MON_FRI_9_18 = [(day, NINE, SIX_PM) for day in range(5)]

# 2027-04-03 is a plain Saturday; the admin makes it a working day in one example below.
EXCEPTIONS = {dt.date(2026, 7, 1): "holiday", dt.date(2027, 4, 3): "workday"}

SILVER = make_calendar(code="5x8", periods=MON_FRI_9_18, chinese_holidays=True)
SILVER_WITH_EXCEPTIONS = make_calendar(
    code="5x8x", periods=MON_FRI_9_18, chinese_holidays=True, exceptions=EXCEPTIONS
)
GOLD = make_calendar(code="7x24", always_open=True)


def sh(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def local(at: dt.datetime) -> dt.datetime:
    return at.astimezone(SH)


# --- an oracle that does not share code with the module: the package's own answer ------------
@functools.cache
def _china(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def oracle_working_day(day: dt.date, exceptions: dict[dt.date, str]) -> bool:
    if day in exceptions:
        return exceptions[day] == "workday"
    return _china(day.year).is_working_day(day)


def oracle_open_minute(at: dt.datetime, exceptions: dict[dt.date, str]) -> bool:
    wall = local(at)
    return oracle_working_day(wall.date(), exceptions) and NINE <= wall.time() < SIX_PM


# --- concrete examples ------------------------------------------------------------------------
def test_silver_friday_1750_before_a_public_holiday_lands_on_the_next_working_day():
    # Friday 2026-04-03; Sat 4, Sun 5 weekend, Mon 6 Tomb-Sweeping Day (observed).
    due = add_business_minutes(SILVER, sh(2026, 4, 3, 17, 50), 15)
    assert due == sh(2026, 4, 7, 9, 5)
    assert due.tzinfo is UTC
    assert business_minutes_between(SILVER, sh(2026, 4, 3, 17, 50), due) == 15
    # Deadlines of an hour and of a day's work also fall in Tuesday's hours.
    assert local(add_business_minutes(SILVER, sh(2026, 4, 3, 17, 50), 60)) == sh(2026, 4, 7, 9, 50)
    assert local(add_business_minutes(SILVER, sh(2026, 4, 3, 17, 50), 4 * 60)) == sh(
        2026, 4, 7, 12, 50
    )


def test_silver_before_spring_festival_counts_the_adjusted_saturday_then_skips_the_holiday():
    # 2026: Sat 14 Feb is an adjusted working day; 15–23 Feb are off; Tue 24 Feb works.
    start = sh(2026, 2, 13, 17, 50)
    assert local(add_business_minutes(SILVER, start, 15)) == sh(2026, 2, 14, 9, 5)
    # 10 minutes on Friday + 540 on Saturday end exactly at Saturday's closing time …
    assert local(add_business_minutes(SILVER, start, 550)) == sh(2026, 2, 14, 18, 0)
    # … and five more go past the whole festival.
    assert local(add_business_minutes(SILVER, start, 555)) == sh(2026, 2, 24, 9, 5)


def test_case_opened_on_an_adjusted_saturday_counts_that_day():
    opened = sh(2026, 2, 14, 10, 0)  # Saturday, worked for the Spring Festival
    assert is_open(SILVER, opened)
    assert local(add_business_minutes(SILVER, opened, 60)) == sh(2026, 2, 14, 11, 0)
    assert business_minutes_between(SILVER, sh(2026, 2, 14), sh(2026, 2, 15)) == 540
    # Sunday 2026-01-04 was worked for New Year too.
    assert business_minutes_between(SILVER, sh(2026, 1, 4), sh(2026, 1, 5)) == 540
    # A plain Saturday is closed: a CASE opened then starts counting on Monday.
    assert business_minutes_between(SILVER, sh(2026, 3, 7), sh(2026, 3, 8)) == 0
    assert local(add_business_minutes(SILVER, sh(2026, 3, 7, 10), 15)) == sh(2026, 3, 9, 9, 15)


def test_adjusted_working_day_uses_the_hours_of_the_chosen_weekday():
    cal = make_calendar(
        periods=[(0, dt.time(8), dt.time(12)), *MON_FRI_9_18[1:]],
        chinese_holidays=True,
        adjusted_day_hours_from=0,
    )
    assert business_minutes_between(cal, sh(2026, 2, 14), sh(2026, 2, 15)) == 240
    assert is_open(cal, sh(2026, 2, 14, 8, 0)) and not is_open(cal, sh(2026, 2, 14, 12, 0))
    cal_thu = make_calendar(
        periods=[(0, dt.time(8), dt.time(12)), *MON_FRI_9_18[1:]],
        chinese_holidays=True,
        adjusted_day_hours_from=3,
    )
    assert business_minutes_between(cal_thu, sh(2026, 2, 14), sh(2026, 2, 15)) == 540


def test_without_chinese_holidays_the_calendar_follows_the_weekly_hours_only():
    plain = make_calendar(periods=MON_FRI_9_18, chinese_holidays=False)
    assert local(add_business_minutes(plain, sh(2026, 4, 3, 17, 50), 15)) == sh(2026, 4, 6, 9, 5)
    assert business_minutes_between(plain, sh(2026, 2, 14), sh(2026, 2, 15)) == 0


def test_package_covers_2027():
    # Spring Festival 2027: 5–10 Feb off in the package.
    assert business_minutes_between(SILVER, sh(2027, 2, 5), sh(2027, 2, 11)) == 0
    assert local(add_business_minutes(SILVER, sh(2027, 2, 4, 17, 59), 2)) == sh(2027, 2, 11, 9, 1)


def test_gold_7x24_is_plain_arithmetic_even_on_holidays():
    start = sh(2026, 2, 16, 23, 50)  # Chinese New Year's Eve, late at night
    assert add_business_minutes(GOLD, start, 15) == start + dt.timedelta(minutes=15)
    assert add_business_minutes(GOLD, start, 15).tzinfo is UTC
    assert business_minutes_between(GOLD, start, start + dt.timedelta(days=3)) == 3 * 24 * 60
    assert is_open(GOLD, start) and next_open(GOLD, start) == start


def test_boundaries_open_at_opening_time_closed_at_closing_time():
    monday = sh(2026, 3, 9, 9, 0)
    assert is_open(SILVER, monday)
    assert not is_open(SILVER, sh(2026, 3, 9, 8, 59, 59))
    assert is_open(SILVER, sh(2026, 3, 9, 17, 59, 59))
    assert not is_open(SILVER, sh(2026, 3, 9, 18, 0))
    # Adding exactly a day's hours ends at closing time, not at the next opening.
    assert local(add_business_minutes(SILVER, monday, 540)) == sh(2026, 3, 9, 18, 0)
    assert local(add_business_minutes(SILVER, monday, 541)) == sh(2026, 3, 10, 9, 1)
    assert local(next_open(SILVER, sh(2026, 3, 9, 18, 0))) == sh(2026, 3, 10, 9, 0)
    assert next_open(SILVER, sh(2026, 3, 9, 12, 34, 56)) == sh(2026, 3, 9, 12, 34, 56)
    assert local(next_open(SILVER, sh(2026, 4, 3, 18, 0))) == sh(2026, 4, 7, 9, 0)
    # Adding nothing is nothing, even when closed.
    assert add_business_minutes(SILVER, sh(2026, 3, 7, 3, 0), 0) == sh(2026, 3, 7, 3, 0)


def test_seconds_fractions_and_negative_spans():
    start = sh(2026, 3, 9, 17, 59, 30)
    assert local(add_business_minutes(SILVER, start, 1)) == sh(2026, 3, 10, 9, 0, 30)
    assert business_minutes_between(SILVER, start, sh(2026, 3, 9, 18, 30)) == 0.5
    assert business_minutes_between(SILVER, sh(2026, 3, 10, 10), sh(2026, 3, 9, 17)) == -120


def test_several_periods_a_day_and_periods_until_midnight():
    cal = make_calendar(
        periods=[(0, dt.time(9), dt.time(12)), (0, dt.time(13), dt.time(18))]
        + [(1, dt.time(18), dt.time(0))]
    )
    assert local(add_business_minutes(cal, sh(2026, 3, 9, 11, 50), 20)) == sh(2026, 3, 9, 13, 10)
    assert not is_open(cal, sh(2026, 3, 9, 12, 30))
    assert is_open(cal, sh(2026, 3, 10, 23, 59, 59))
    assert not is_open(cal, sh(2026, 3, 11, 0, 0))
    assert business_minutes_between(cal, sh(2026, 3, 10), sh(2026, 3, 11)) == 360
    # Overlapping periods merge instead of counting twice.
    overlapping = make_calendar(periods=[(0, dt.time(9), dt.time(12)), (0, dt.time(11), NINE)])
    assert business_minutes_between(overlapping, sh(2026, 3, 9), sh(2026, 3, 10)) == 180


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="aware"):
        add_business_minutes(SILVER, dt.datetime(2026, 3, 9, 10), 15)
    with pytest.raises(ValueError, match="aware"):
        business_minutes_between(SILVER, sh(2026, 3, 9), dt.datetime(2026, 3, 10))
    with pytest.raises(ValueError, match="negative"):
        add_business_minutes(SILVER, sh(2026, 3, 9, 10), -1)
    with pytest.raises(CalendarNeverOpens):
        add_business_minutes(make_calendar(code="shut"), sh(2026, 3, 9, 10), 1)
    with pytest.raises(ValueError):
        make_calendar(exceptions={dt.date(2026, 1, 1): "party"})


def test_daylight_saving_time_is_real_elapsed_time():
    berlin = make_calendar(
        time_zone="Europe/Berlin", periods=[(d, dt.time(0), dt.time(0)) for d in range(7)]
    )
    b = ZoneInfo("Europe/Berlin")
    spring, autumn = dt.date(2026, 3, 29), dt.date(2026, 10, 25)  # Sundays of the changes
    for day, hours in ((spring, 23), (autumn, 25), (dt.date(2026, 3, 28), 24)):
        start = dt.datetime.combine(day, dt.time(0), tzinfo=b)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=b)
        assert business_time_between(berlin, start, end) == dt.timedelta(hours=hours)
    # A 09:00–17:00 New York desk: Friday 16:00 EST + 2 h → Monday 10:00 EDT (14:00 UTC).
    ny = make_calendar(
        time_zone="America/New_York", periods=[(d, NINE, dt.time(17)) for d in range(5)]
    )
    friday = dt.datetime(2026, 3, 6, 16, 0, tzinfo=ZoneInfo("America/New_York"))
    assert add_business_minutes(ny, friday, 120) == dt.datetime(2026, 3, 9, 14, 0, tzinfo=UTC)


def test_a_30_day_span_takes_well_under_a_millisecond_or_so():
    start = sh(2026, 3, 2, 10)
    minutes = business_minutes_between(SILVER, start, start + dt.timedelta(days=30))
    assert minutes == 22 * 540
    began = time.perf_counter()
    for _ in range(1000):
        add_business_minutes(SILVER, start, minutes)
        business_minutes_between(SILVER, start, start + dt.timedelta(days=30))
    per_pair = (time.perf_counter() - began) / 1000
    assert per_pair < 0.003, f"{per_pair * 1e3:.2f} ms per add+between over 30 days"


# --- properties -------------------------------------------------------------------------------
instants = st.datetimes(
    min_value=dt.datetime(2025, 12, 1), max_value=dt.datetime(2027, 11, 30), timezones=st.just(UTC)
)
minutes = st.integers(min_value=0, max_value=40 * 540)
BERLIN_MIXED = make_calendar(
    time_zone="Europe/Berlin",
    periods=[(d, dt.time(8), dt.time(17)) for d in range(5)]
    + [(5, dt.time(1), dt.time(4)), (6, dt.time(0), dt.time(0))],
    exceptions={dt.date(2026, 3, 30): "holiday"},
)
calendars = st.sampled_from([SILVER_WITH_EXCEPTIONS, SILVER, GOLD, BERLIN_MIXED])
fast = settings(deadline=None, max_examples=150)


@fast
@given(calendars, instants, minutes)
def test_adding_then_measuring_gives_back_n(cal, start, n):
    assert business_minutes_between(cal, start, add_business_minutes(cal, start, n)) == n


@fast
@given(
    calendars, instants, st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=9))
)
def test_adding_then_measuring_is_exact_to_the_microsecond(cal, start, amount):
    assert business_time_between(cal, start, add_business_time(cal, start, amount)) == amount


@fast
@given(calendars, instants, minutes, minutes)
def test_monotonic_in_n(cal, start, n1, n2):
    n1, n2 = sorted((n1, n2))
    assert add_business_minutes(cal, start, n1) <= add_business_minutes(cal, start, n2)
    if n1 < n2:
        assert add_business_minutes(cal, start, n1) < add_business_minutes(cal, start, n2)


@fast
@given(calendars, instants, instants, minutes)
def test_monotonic_in_start(cal, s1, s2, n):
    s1, s2 = sorted((s1, s2))
    assert add_business_minutes(cal, s1, n) <= add_business_minutes(cal, s2, n)


@fast
@given(instants, st.integers(min_value=1, max_value=40 * 540))
def test_silver_result_never_lands_outside_business_hours(start, n):
    due = local(add_business_minutes(SILVER_WITH_EXCEPTIONS, start, n))
    assert oracle_working_day(due.date(), EXCEPTIONS), due
    assert NINE < due.time() <= SIX_PM, due


@fast
@given(calendars, instants, st.integers(min_value=1, max_value=40 * 540))
def test_result_is_just_after_open_time(cal, start, n):
    due = add_business_minutes(cal, start, n)
    assert is_open(cal, due - dt.timedelta(microseconds=1))


@fast
@given(calendars, instants, instants, instants)
def test_measuring_is_additive(cal, a, b, c):
    a, b, c = sorted((a, b, c))
    ab, bc = business_time_between(cal, a, b), business_time_between(cal, b, c)
    assert ab + bc == business_time_between(cal, a, c)
    assert business_time_between(cal, c, a) == -(ab + bc)


@settings(deadline=None, max_examples=60)
@given(
    st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 28)),
    st.integers(min_value=0, max_value=3 * 24 * 60),
)
def test_measuring_agrees_with_counting_open_minutes(wall_start, span):
    start = wall_start.replace(second=0, microsecond=0, tzinfo=SH)
    counted = sum(
        oracle_open_minute(start + dt.timedelta(minutes=m), EXCEPTIONS) for m in range(span)
    )
    end = start + dt.timedelta(minutes=span)
    assert business_minutes_between(SILVER_WITH_EXCEPTIONS, start, end) == counted


@fast
@given(instants)
def test_is_open_and_next_open_agree_with_the_oracle(at):
    at = at.replace(second=0, microsecond=0)
    assert is_open(SILVER_WITH_EXCEPTIONS, at) == oracle_open_minute(at, EXCEPTIONS)
    opening = next_open(SILVER_WITH_EXCEPTIONS, at)
    assert opening >= at and is_open(SILVER_WITH_EXCEPTIONS, opening)
    assert business_time_between(SILVER_WITH_EXCEPTIONS, at, opening) == dt.timedelta(0)


# --- the database: seeded calendars, service levels, exceptions, admin ------------------------
@pytest.mark.django_db
def test_seeded_calendars_and_service_levels():
    gold, silver = selectors.calendar_for("gold"), selectors.calendar_for("silver")
    assert (gold.code, gold.always_open) == ("7x24", True)
    assert (silver.code, silver.always_open, silver.chinese_holidays) == ("5x8", False, True)
    nine_to_six = ((dt.timedelta(hours=9), dt.timedelta(hours=18)),)
    assert silver.week == (nine_to_six,) * 5 + ((), ())
    assert silver.zone == ZoneInfo("Asia/Shanghai")
    start = sh(2026, 4, 3, 17, 50)
    assert local(add_business_minutes(silver, start, 15)) == sh(2026, 4, 7, 9, 5)
    assert add_business_minutes(gold, start, 15) == start + dt.timedelta(minutes=15)
    org = OrganizationFactory(service_level="silver")
    assert selectors.calendar_for_organization(org) == silver


@pytest.mark.django_db
def test_calendar_time_zone_defaults_to_the_desks(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    assert selectors.calendar_for("silver").zone == ZoneInfo("Europe/Berlin")
    ServiceCalendar.objects.filter(code="5x8").update(time_zone="Asia/Urumqi")
    assert selectors.calendar_for("silver").zone == ZoneInfo("Asia/Urumqi")


@pytest.mark.django_db
def test_exceptions_from_the_database_override_the_package():
    office = ServiceCalendar.objects.get(code="5x8")
    friday = sh(2026, 4, 3, 17, 50)
    # An extra holiday on Tuesday pushes the deadline to Wednesday.
    CalendarException.objects.create(calendar=office, date=dt.date(2026, 4, 7), kind="holiday")
    assert local(add_business_minutes(selectors.load_calendar("5x8"), friday, 15)) == sh(
        2026, 4, 8, 9, 5
    )
    # Working the package's holiday Monday brings it back to Monday.
    CalendarException.objects.create(calendar=office, date=dt.date(2026, 4, 6), kind="workday")
    assert local(add_business_minutes(selectors.load_calendar("5x8"), friday, 15)) == sh(
        2026, 4, 6, 9, 5
    )
    # A 调休 Saturday the package does not know yet (2027) counts once entered.
    saturday = (sh(2027, 4, 3), sh(2027, 4, 4))
    assert business_minutes_between(selectors.calendar_for("silver"), *saturday) == 0
    CalendarException.objects.create(
        calendar=office, date=dt.date(2027, 4, 3), kind="workday", note="国务院 2027 调休"
    )
    assert business_minutes_between(selectors.calendar_for("silver"), *saturday) == 540
    # And the package's adjusted Saturday can be cancelled.
    CalendarException.objects.create(calendar=office, date=dt.date(2026, 2, 14), kind="holiday")
    assert business_minutes_between(selectors.calendar_for("silver"), *saturday) == 540
    assert local(
        add_business_minutes(selectors.calendar_for("silver"), sh(2026, 2, 13, 17, 50), 15)
    ) == sh(2026, 2, 24, 9, 5)


@pytest.mark.django_db
def test_service_level_mapping_is_data():
    night = ServiceCalendar.objects.create(code="night", name="Nights", chinese_holidays=False)
    WorkingPeriod.objects.create(calendar=night, weekday=2, start=dt.time(20), end=dt.time(0))
    ServiceLevelCalendar.objects.filter(service_level="silver").update(calendar=night)
    cal = selectors.calendar_for("silver")
    assert cal.code == "night"
    assert local(add_business_minutes(cal, sh(2026, 3, 9, 10), 30)) == sh(2026, 3, 11, 20, 30)
    ServiceLevelCalendar.objects.filter(service_level="silver").delete()
    with pytest.raises(selectors.CalendarNotConfigured):
        selectors.calendar_for("silver")
    with pytest.raises(selectors.CalendarNotConfigured):
        selectors.load_calendar("nope")


@pytest.mark.django_db
def test_models_validate_hours_and_time_zones():
    office = ServiceCalendar.objects.get(code="5x8")
    with pytest.raises(ValidationError):
        WorkingPeriod(calendar=office, weekday=0, start=dt.time(18), end=dt.time(9)).full_clean()
    WorkingPeriod(calendar=office, weekday=5, start=dt.time(9), end=dt.time(0)).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingPeriod.objects.create(calendar=office, weekday=0, start=dt.time(18), end=dt.time(9))
    office.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError):
        office.full_clean()
    office.time_zone = ""
    office.full_clean()
    CalendarException.objects.create(calendar=office, date=dt.date(2026, 5, 6), kind="holiday")
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarException.objects.create(calendar=office, date=dt.date(2026, 5, 6), kind="workday")


@pytest.mark.django_db
def test_admin_shows_and_edits_calendars(client):
    admin_user = User.objects.create_superuser("root", "root@desk.example", "pw")
    client.force_login(admin_user)
    office = ServiceCalendar.objects.get(code="5x8")
    assert client.get("/admin/sla/servicecalendar/").status_code == 200
    with clock.frozen(sh(2026, 6, 1, 12)):
        page = client.get(f"/admin/sla/servicecalendar/{office.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "09:00" in html and "18:00" in html  # the inline working periods
    # The package days of this year and the next are shown.
    assert "<div>2026-02-14" in html and "2027-02-08" in html
    assert client.get("/admin/sla/servicelevelcalendar/").status_code == 200
    response = client.post(
        "/admin/sla/calendarexception/add/",
        {"calendar": office.pk, "date": "2026-04-07", "kind": "holiday", "note": "台风"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    friday = sh(2026, 4, 3, 17, 50)
    assert local(add_business_minutes(selectors.calendar_for("silver"), friday, 15)) == sh(
        2026, 4, 8, 9, 5
    )
