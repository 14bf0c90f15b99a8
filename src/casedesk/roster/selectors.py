"""Who is on duty when: the one answer every alert, the board, recommendation, field
dispatch and escalation ask (``on_duty``), and the roster as its readers see it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from casedesk.accounts.choices import Role
from casedesk.accounts.models import User
from casedesk.core import clock, holidays, policy
from casedesk.core.errors import NotFound

from .models import DutyShift, Rotation
from .policy import RosterAction

# With nobody on a duty engineer's shift, the alarms go to these roles (API.md).
FALLBACK_ROLES = (Role.DUTY_ENGINEER, Role.SUPERVISOR)
HOLE_HORIZON = dt.timedelta(weeks=2)


@dataclasses.dataclass
class OnDuty:
    """One person on the roster at an instant (flags of overlapping shifts merged)."""

    user: User
    duty_engineer: bool
    hotline: bool


def on_duty(at: dt.datetime, *, duty_engineer: bool | None = None) -> list[OnDuty]:
    """The active people on a shift covering ``at`` (a shift is ``[starts_at, ends_at)``),
    one entry a person, duty engineers first, then the hotline, then by username.

    ``duty_engineer=True`` keeps those on a duty engineer's shift, ``False`` the others.
    """
    shifts = DutyShift.objects.filter(starts_at__lte=at, ends_at__gt=at, user__is_active=True)
    people: dict[int, OnDuty] = {}
    for shift in shifts.select_related("user", "user__staff").order_by("pk"):
        seen = people.setdefault(shift.user_id, OnDuty(shift.user, False, False))
        seen.duty_engineer |= shift.duty_engineer
        seen.hotline |= shift.hotline
    found = [
        p for p in people.values() if duty_engineer is None or p.duty_engineer == duty_engineer
    ]
    return sorted(found, key=lambda p: (not p.duty_engineer, not p.hotline, p.user.username))


@dataclasses.dataclass(frozen=True)
class DutyCall:
    """Whom "the duty engineer" means at an instant; ``hole``: nobody was on shift, so it
    means every active duty engineer and the supervisors."""

    people: list[User]
    hole: bool


def duty_call(at: dt.datetime) -> DutyCall:
    on_shift = [p.user for p in on_duty(at, duty_engineer=True)]
    if on_shift:
        return DutyCall(sorted(on_shift, key=_username), hole=False)
    fallback = User.objects.filter(is_active=True, role__in=FALLBACK_ROLES).order_by("username")
    return DutyCall(list(fallback), hole=True)


def _username(user: User) -> str:
    return user.username


# --- the roster as its readers see it ------------------------------------------------------


def shift_list(
    *, fetched_by, since: dt.datetime, until: dt.datetime, engineer: User | None = None
) -> list[DutyShift]:
    """The shifts overlapping ``[since, until)``, by start, optionally one person's."""
    policy.require(fetched_by, RosterAction.VIEW)
    qs = _overlapping(DutyShift.objects.all(), since, until)
    if engineer is not None:
        qs = qs.filter(user=engineer)
    return list(qs.select_related("user", "covers_for", "rotation").order_by("starts_at", "pk"))


def shift_get(*, pk: int, fetched_by) -> DutyShift:
    shifts = policy.visible(fetched_by, DutyShift).select_related("user", "covers_for")
    shift = shifts.filter(pk=pk).first()
    if shift is None:
        raise NotFound(_("No such shift."))
    return shift


def rotation_list(*, fetched_by) -> list[Rotation]:
    policy.require(fetched_by, RosterAction.VIEW)
    return list(Rotation.objects.prefetch_related("members__user").order_by("name"))


def rotation_get(*, pk: int, fetched_by) -> Rotation:
    rotations = policy.visible(fetched_by, Rotation).prefetch_related("members__user")
    rotation = rotations.filter(pk=pk).first()
    if rotation is None:
        raise NotFound(_("No such rotation."))
    return rotation


def _overlapping(qs: QuerySet[DutyShift], since: dt.datetime, until: dt.datetime):
    return qs.filter(starts_at__lt=until, ends_at__gt=since)


@dataclasses.dataclass(frozen=True)
class Hole:
    """A span with no duty engineer on shift."""

    starts_at: dt.datetime
    ends_at: dt.datetime


def holes(*, fetched_by, since: dt.datetime, until: dt.datetime | None = None) -> list[Hole]:
    """The spans of ``[since, until)`` (two weeks by default) that no active duty
    engineer's shift covers, in order."""
    policy.require(fetched_by, RosterAction.VIEW)
    until = until or since + HOLE_HORIZON
    spans = _overlapping(
        DutyShift.objects.filter(duty_engineer=True, user__is_active=True), since, until
    ).order_by("starts_at")
    found, covered = [], since
    for starts_at, ends_at in spans.values_list("starts_at", "ends_at"):
        if starts_at > covered:
            found.append(Hole(covered, min(starts_at, until)))
        covered = max(covered, ends_at)
        if covered >= until:
            break
    if covered < until:
        found.append(Hole(covered, until))
    return found


def qualified_for_duty() -> QuerySet[User]:
    """Who may take a duty engineer's shift: active duty engineers and supervisors."""
    return User.objects.filter(is_active=True, role__in=FALLBACK_ROLES)


def day_kind(day: dt.date) -> str:
    """``"holiday"``, ``"workday"`` (a 调休 working weekend day), ``"weekend"`` or ``""``."""
    off, on = holidays.china_days(day.year)
    if day in off:
        return "holiday"
    if day in on:
        return "workday"
    return "weekend" if day.weekday() >= 5 else ""


def my_shifts(user: User, since: dt.datetime, until: dt.datetime) -> list[DutyShift]:
    """``user``'s own shifts overlapping the span (their calendar feed: the token is the
    reader, checked by the view)."""
    return list(
        _overlapping(DutyShift.objects.filter(user=user), since, until)
        .select_related("covers_for")
        .order_by("starts_at")
    )


@dataclasses.dataclass
class RosterDay:
    """One local day of the calendar: what kind of day it is and its shifts by part."""

    day: dt.date
    kind: str
    holiday: str
    shifts: dict[str, list[DutyShift]]


COLUMNS = ("day", "night", "office", "other")


def month_days(*, fetched_by, month: dt.date) -> list[RosterDay]:
    """The days of ``month`` (desk time), each with the shifts that start on it."""
    policy.require(fetched_by, RosterAction.VIEW)
    zone = clock.desk_zone()
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    days = {
        first + dt.timedelta(days=n): RosterDay(
            first + dt.timedelta(days=n),
            day_kind(first + dt.timedelta(days=n)),
            holidays.holiday_name(first + dt.timedelta(days=n)),
            {c: [] for c in COLUMNS},
        )
        for n in range((following - first).days)
    }
    since = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(following, dt.time(), tzinfo=zone)
    shifts = (
        DutyShift.objects.filter(starts_at__gte=since, starts_at__lt=until)
        .select_related("user", "covers_for")
        .order_by("starts_at", "user__username")
    )
    for shift in shifts:
        local = shift.starts_at.astimezone(zone)
        column = shift.part if shift.part in COLUMNS else "other"
        days[local.date()].shifts[column].append(shift)
    return list(days.values())
