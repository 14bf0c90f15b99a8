"""Demo data of the duty roster's history (``roster.DutyShift``): who was at the desk, day
and night, from the history's first day to this week, and who answers the hotline and is
on call from then on.  From this week's Monday the duty engineers' and engineers' shifts are
planned by rotations (``casedesk/roster/demo.py``)."""

from __future__ import annotations

import datetime as dt

from casedesk.roster import services as roster
from casedesk.roster.demo import rotation_start
from casedesk.roster.models import DutyShift

from .content import accounts as A
from .desk import DAYS, Desk

# The duty roster runs from the first day of the history to this far ahead, so whenever
# the desk is opened (day, night or weekend) someone is on duty.
ROSTER_WEEKS_AHEAD = 12
# Local shift times: the day duty engineer and the call taker are in during ``daytime``;
# engineers work office hours; the night duty engineer covers the rest of the week.
DAY_DESK = (dt.time(8, 30), dt.time(18, 0))
OFFICE = (dt.time(9, 0), dt.time(18, 0))
ON_CALL = ("se.zhao", "se.sun", "se.zhou")  # one senior engineer on call a week, in turn


def load(desk: Desk) -> int:
    """The duty roster (``roster.DutyShift``) from the history's first day to
    ``ROSTER_WEEKS_AHEAD`` weeks ahead, in the desk's local time, as ``daytime`` and
    ``duty`` assume: on weekdays ``duty`` and the call taker at the desk 08:30–18:00,
    every engineer 09:00–18:00; ``duty.liu`` on duty from 18:00 to 08:30 and through
    the weekend; one senior engineer on call each week (Monday 09:00 to Monday 09:00),
    in turn, so a P1 at night has an SE on shift.  The duty engineers' and the engineers'
    shifts stop at this week's Monday, where the rotations take over
    (``roster.demo.rotation_start``)."""
    first = desk.local(desk.now).date() - dt.timedelta(days=DAYS + 1)
    rotations_from = rotation_start(desk)
    last = desk.local(desk.now).date() + dt.timedelta(weeks=ROSTER_WEEKS_AHEAD)
    engineers = [s.username for s in A.STAFF if s.role == "engineer"]

    def at(day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=desk.zone).astimezone(dt.UTC)

    def shift(username: str, start: dt.datetime, end: dt.datetime, *, duty=False, hotline=False):
        return DutyShift(
            user=desk.staff[username],
            starts_at=start,
            ends_at=end,
            duty_engineer=duty,
            hotline=hotline,
        )

    shifts = []
    day = first
    while day <= last:
        following = day + dt.timedelta(days=1)
        planned = day >= rotations_from
        if day.weekday() < 5:
            desk_hours = (at(day, DAY_DESK[0]), at(day, DAY_DESK[1]))
            shifts.append(shift("taker", *desk_hours, hotline=True))
            if not planned:
                shifts.append(shift("duty", *desk_hours, duty=True, hotline=True))
                on_call = ON_CALL[(day - dt.timedelta(days=day.weekday())).isocalendar().week % 3]
                shifts += [
                    shift(u, at(day, OFFICE[0]), at(day, OFFICE[1]))
                    for u in engineers
                    if u != on_call  # on call all week, office hours included
                ]
            night = (at(day, DAY_DESK[1]), at(following, DAY_DESK[0]))
        else:
            night = (at(day, DAY_DESK[0]), at(following, DAY_DESK[0]))
        if not planned:
            shifts.append(shift("duty.liu", *night, duty=True, hotline=True))
        if day.weekday() == 0 or day == first:
            monday = day - dt.timedelta(days=day.weekday())
            senior = ON_CALL[monday.isocalendar().week % len(ON_CALL)]
            start = at(day, OFFICE[0]) if day == monday else at(day, dt.time(0, 0))
            shifts.append(shift(senior, start, at(monday + dt.timedelta(weeks=1), OFFICE[0])))
        day = following
    return roster.shifts_add(shifts=shifts, by=None)
