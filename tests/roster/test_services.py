"""Planning the roster: rotations planned week by week, covers that split a shift, swaps;
every refusal clear and writing nothing; every change audited."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from casedesk.core.errors import Conflict, Forbidden, InvalidInput
from casedesk.core.models import AuditRecord
from casedesk.roster import services
from casedesk.roster.models import DutyShift
from tests.accounts.factories import OrganizationFactory, make_user
from tests.roster.factories import make_shift, roster_snapshot

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")
HOUR = dt.timedelta(hours=1)


def bj(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BJ)


@pytest.fixture
def team():
    return {
        "li": make_user("duty_engineer", username="li"),
        "wang": make_user("duty_engineer", username="wang"),
        "zhao": make_user("duty_engineer", username="zhao"),
        "boss": make_user("supervisor", username="boss"),
        "eng": make_user("engineer", username="eng", tier="first_line"),
        "cust": make_user("customer", username="cust", org=OrganizationFactory()),
    }


def local_spans(shifts):
    return [
        (s.user.username, s.starts_at.astimezone(BJ).strftime("%m-%d %H:%M"),
         s.ends_at.astimezone(BJ).strftime("%m-%d %H:%M"), s.part)
        for s in sorted(shifts, key=lambda s: s.starts_at)
    ]  # fmt: skip


def test_a_7x24_rotation_plans_day_and_night_shifts_and_rotates_weekly(team):
    rotation = services.rotation_create(
        name="一线值班", pattern="7x24", members=[team["li"], team["wang"], team["zhao"]],
        by=team["boss"],
    )  # fmt: skip
    shifts = services.rotation_plan(
        rotation=rotation, from_week=dt.date(2026, 12, 9), weeks=2, by=team["boss"]
    )
    assert len(shifts) == 28 == DutyShift.objects.count()
    spans = local_spans(shifts)
    day, night = spans[0], spans[1]
    assert day[1:] == ("12-07 08:30", "12-07 17:30", "day")  # from the Monday of the week
    assert night[1:] == ("12-07 17:30", "12-08 08:30", "night")
    week1 = {s[0] for s in spans[:14]}
    week2 = {s[0] for s in spans[14:]}
    assert len(week1) == 2 and len(week2) == 2 and week1 != week2  # turns move on weekly
    assert spans[14][0] == spans[1][0]  # last week's night person has the day shifts now
    # the roster has no gap: each shift starts where the one before ends
    ordered = sorted(shifts, key=lambda s: s.starts_at)
    assert all(a.ends_at == b.starts_at for a, b in zip(ordered, ordered[1:], strict=False))
    assert AuditRecord.objects.filter(action="dutyshift.create").count() == 28
    assert AuditRecord.objects.filter(action="rotation.plan").count() == 1


def test_planning_the_same_weeks_again_is_refused_and_writes_nothing(team):
    rotation = services.rotation_create(
        name="值班", pattern="7x24", members=[team["li"], team["wang"]], by=team["boss"]
    )
    services.rotation_plan(rotation=rotation, from_week=dt.date(2026, 12, 7), weeks=1, by=None)
    before = roster_snapshot()
    with pytest.raises(Conflict, match=r"^li .*2026-12-0[78] (08|17):30"):
        services.rotation_plan(
            rotation=rotation, from_week=dt.date(2026, 12, 7), weeks=2, by=team["boss"]
        )
    assert roster_snapshot() == before


def test_a_5x8_rotation_follows_chinese_holidays_and_adjusted_working_days(team):
    """2026: 中秋 Friday 25 September and 国庆 1–7 October off, Sunday 20 September and
    Saturday 10 October working days (调休)."""
    rotation = services.rotation_create(
        name="二线 5×8", pattern="5x8", members=[team["eng"]], duty_engineer=False, by=None
    )
    shifts = services.rotation_plan(
        rotation=rotation, from_week=dt.date(2026, 9, 16), weeks=4, by=None
    )
    days = [s.starts_at.astimezone(BJ).date() for s in shifts]
    assert dt.date(2026, 9, 20) in days  # a working Sunday
    assert dt.date(2026, 10, 10) in days  # a working Saturday
    assert not {dt.date(2026, 10, d) for d in range(1, 8)} & set(days)  # the holidays
    assert dt.date(2026, 9, 25) not in days
    assert dt.date(2026, 9, 26) not in days  # an ordinary Saturday
    assert all(s.starts_at.astimezone(BJ).time() == dt.time(9) for s in shifts)
    assert all(s.ends_at.astimezone(BJ).time() == dt.time(18) for s in shifts)


def test_a_cover_splits_the_shift_around_the_substitute(team):
    night = make_shift(team["li"], bj(2026, 12, 11, 17, 30), bj(2026, 12, 12, 8, 30))
    cover = services.shift_cover(
        shift=night, substitute=team["wang"], starts_at=bj(2026, 12, 11, 20),
        ends_at=bj(2026, 12, 12, 2), by=team["boss"],
    )  # fmt: skip
    assert local_spans(DutyShift.objects.all()) == [
        ("li", "12-11 17:30", "12-11 20:00", ""),
        ("wang", "12-11 20:00", "12-12 02:00", ""),
        ("li", "12-12 02:00", "12-12 08:30", ""),
    ]
    assert cover.origin == "cover" and cover.covers_for == team["li"]
    assert AuditRecord.objects.filter(action="dutyshift.change", actor=team["boss"]).exists()
    whole = services.shift_cover(shift=cover, substitute=team["zhao"], by=team["boss"])
    assert (whole.starts_at, whole.ends_at) == (cover.starts_at, cover.ends_at)
    assert not DutyShift.objects.filter(user=team["wang"]).exists()


def test_a_swap_exchanges_two_peoples_shifts(team):
    a = make_shift(team["li"], bj(2026, 12, 11, 8, 30), bj(2026, 12, 11, 17, 30))
    b = make_shift(team["wang"], bj(2026, 12, 12, 8, 30), bj(2026, 12, 12, 17, 30))
    services.shift_swap(first=a, second=b, by=team["boss"])
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.user, b.user) == (team["wang"], team["li"])
    assert (a.covers_for, b.covers_for) == (team["li"], team["wang"])
    assert AuditRecord.objects.filter(action="dutyshift.swap").count() == 2


BAD = {
    "ends before it starts": lambda t, s: services.shift_create(
        user=t["li"], starts_at=bj(2026, 12, 11, 18), ends_at=bj(2026, 12, 11, 9), by=t["boss"]
    ),
    "overlaps the person's shift": lambda t, s: services.shift_create(
        user=t["li"], starts_at=bj(2026, 12, 11, 12), ends_at=bj(2026, 12, 11, 20), by=t["boss"]
    ),
    "an engineer on a duty shift": lambda t, s: services.shift_create(
        user=t["eng"], starts_at=bj(2026, 12, 11, 9), ends_at=bj(2026, 12, 11, 18), by=t["boss"]
    ),
    "a customer": lambda t, s: services.shift_create(
        user=t["cust"],
        starts_at=bj(2026, 12, 11, 9),
        ends_at=bj(2026, 12, 11, 18),
        duty_engineer=False,
        by=t["boss"],
    ),  # fmt: skip
    "cover by an engineer": lambda t, s: services.shift_cover(
        shift=s, substitute=t["eng"], by=t["boss"]
    ),
    "cover by an inactive person": lambda t, s: services.shift_cover(
        shift=s, substitute=t["gone"], by=t["boss"]
    ),
    "cover outside the shift": lambda t, s: services.shift_cover(
        shift=s, substitute=t["wang"], starts_at=bj(2026, 12, 11, 7), by=t["boss"]
    ),
    "cover by someone on shift then": lambda t, s: services.shift_cover(
        shift=s, substitute=t["zhao"], by=t["boss"]
    ),
    "swap with an engineer's shift": lambda t, s: services.shift_swap(
        first=s, second=t["eng_shift"], by=t["boss"]
    ),
    "planned by an engineer": lambda t, s: services.shift_create(
        user=t["wang"], starts_at=bj(2026, 12, 13, 9), ends_at=bj(2026, 12, 13, 18), by=t["eng"]
    ),
    "a 7x24 rotation of one": lambda t, s: services.rotation_create(
        name="x", pattern="7x24", members=[t["li"]], by=t["boss"]
    ),
    "a rotation with an engineer on duty": lambda t, s: services.rotation_create(
        name="x", pattern="5x8", members=[t["li"], t["eng"]], by=t["boss"]
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_refused_and_writes_nothing(team, case):
    team["gone"] = make_user("duty_engineer", username="gone")
    team["gone"].is_active = False
    team["gone"].save()
    shift = make_shift(team["li"], bj(2026, 12, 11, 8, 30), bj(2026, 12, 11, 17, 30))
    make_shift(team["zhao"], bj(2026, 12, 11, 12), bj(2026, 12, 11, 13))
    team["eng_shift"] = make_shift(
        team["eng"], bj(2026, 12, 12, 9), bj(2026, 12, 12, 18), duty_engineer=False
    )
    before = roster_snapshot()
    with pytest.raises((InvalidInput, Conflict, Forbidden)) as refused:
        BAD[case](team, shift)
    assert str(refused.value.detail)
    assert roster_snapshot() == before
