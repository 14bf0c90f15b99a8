"""Demo data of the duty roster from this week on, planned as a supervisor plans it: a 7×24
duty rotation (``duty`` and ``duty.liu`` take the day and night shifts in turn, a week
each), a 5×8 team of first-line engineers (09:00–18:00 on working days, one a week), both
planned until after the next Chinese public holiday (so the month shown has one, and the
5×8 team is off that day), and one override: the supervisor covers the first Friday
evening of the night duty engineer.  It runs before the CASEs are played
(``BEFORE_CASES``): an urgent CASE of this week alerts the duty engineer on shift."""

from __future__ import annotations

import datetime as dt

from casedesk.core import clock, holidays

from . import services
from .choices import Pattern, ShiftOrigin, ShiftPart
from .models import DutyShift, Rotation

BEFORE_CASES = True
MIN_WEEKS = 5
DUTY = ("duty", "duty.liu")
FIRST_LINE = ("eng.li", "eng.zhang", "eng.wang")
PLANNER = "supervisor"
COVER_UNTIL = dt.time(22, 0)


def rotation_start(desk) -> dt.date:
    """The Monday of the demo's current week: the rotations plan from there."""
    return services.week_start(desk.local(desk.now).date())


def _at(desk, day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=desk.zone).astimezone(dt.UTC)


def _next_holiday(day: dt.date) -> dt.date:
    found = sorted(
        d for year in (day.year, day.year + 1) for d in holidays.china_days(year)[0] if d >= day
    )
    return found[0]


def load(desk) -> None:
    planner = desk.staff[PLANNER]
    monday = rotation_start(desk)
    holiday = _next_holiday(desk.local(desk.now).date())
    weeks = min(max(MIN_WEEKS, (holiday - monday).days // 7 + 2), services.MAX_PLAN_WEEKS)
    # This week the day shift is ``duty``'s (as the CASEs played this week assume).
    turn = (monday.toordinal() - 1) // 7
    duty = [desk.staff[u] for u in (DUTY if turn % 2 == 0 else DUTY[::-1])]
    first_line = [desk.staff[u] for u in FIRST_LINE]
    with clock.frozen(_at(desk, monday - dt.timedelta(days=3), dt.time(10))):
        seven = services.rotation_create(
            name="7×24 值班", pattern=Pattern.ROUND_THE_CLOCK, members=duty, by=planner
        )
        office = services.rotation_create(
            name="一线工程师 5×8",
            pattern=Pattern.OFFICE_HOURS,
            members=first_line,
            duty_engineer=False,
            by=planner,
        )
        services.rotation_plan(rotation=seven, from_week=monday, weeks=weeks, by=planner)
        services.rotation_plan(rotation=office, from_week=monday, weeks=weeks, by=planner)
    friday = monday + dt.timedelta(days=4)
    if _at(desk, friday, dt.time(17, 30)) < desk.now:
        friday += dt.timedelta(weeks=1)
    night = DutyShift.objects.get(
        rotation=seven, part=ShiftPart.NIGHT, starts_at=_at(desk, friday, dt.time(17, 30))
    )
    with clock.frozen(_at(desk, friday, dt.time(11))):
        services.shift_cover(
            shift=night,
            substitute=planner,
            ends_at=_at(desk, friday, COVER_UNTIL),
            by=planner,
        )


def summary() -> list[str]:
    rotations = Rotation.objects.count()
    planned = DutyShift.objects.filter(rotation__isnull=False)
    last = planned.order_by("-ends_at").values_list("ends_at", flat=True).first()
    covers = DutyShift.objects.filter(origin=ShiftOrigin.COVER)
    return [
        f"{rotations} rotations, {planned.count()} planned shifts"
        + (f" until {clock.local(last):%Y-%m-%d}" if last else "")
        + f", {covers.count()} cover"
    ]
