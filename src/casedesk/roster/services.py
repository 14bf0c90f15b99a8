"""Every change to the duty roster: one operation each, checked by the policy, audited.

A shift is the half-open span ``[starts_at, ends_at)``.  Nobody is on two shifts at once,
and only an active duty engineer or supervisor takes a duty engineer's shift (an
ordinary working shift takes any active member of staff).  Every operation checks its
whole change first and writes nothing when any of it is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import IntegrityError
from django.utils.translation import gettext as _

from casedesk.accounts.models import User
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.core import audit, clock, holidays, policy
from casedesk.core.errors import Conflict, InvalidInput
from casedesk.core.operations import operation
from casedesk.core.services import snapshot

from .choices import (
    DAY_STARTS,
    NIGHT_STARTS,
    OFFICE_ENDS,
    OFFICE_STARTS,
    Pattern,
    ShiftOrigin,
    ShiftPart,
)
from .models import DutyShift, Rotation, RotationMember
from .policy import RosterAction
from .selectors import FALLBACK_ROLES

MAX_PLAN_WEEKS = 26
ONE_DAY = dt.timedelta(days=1)


# --- checks -----------------------------------------------------------------------------


def _check_person(shift: DutyShift) -> None:
    user = shift.user
    if not user.is_active:
        raise InvalidInput(_("%(username)s is inactive.") % {"username": user.username})
    if user.role not in STAFF_ROLES:
        raise InvalidInput(
            _("%(username)s is not a member of staff, not on the duty roster.")
            % {"username": user.username}
        )
    if shift.duty_engineer and user.role not in FALLBACK_ROLES:
        raise InvalidInput(
            _("%(username)s is not a duty engineer and cannot take a duty engineer's shift.")
            % {"username": user.username}
        )


def _utc(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise InvalidInput(_("A shift's times need a time zone."))
    return at.astimezone(dt.UTC)


def _check_span(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidInput(_("A shift must end after it starts."))


def _check(shifts: Sequence[DutyShift], *, replacing: Iterable[int] = ()) -> None:
    """Refuse the new state of ``shifts`` unless each is valid and nobody is on two shifts
    at once (among them and with the stored shifts but those in ``replacing``)."""
    replacing = set(replacing) | {s.pk for s in shifts if s.pk}
    users = sorted({s.user_id for s in shifts})
    list(User.objects.select_for_update().filter(pk__in=users).order_by("pk"))  # one writer
    for shift in shifts:
        _check_span(shift.starts_at, shift.ends_at)
        _check_person(shift)
    by_user: dict[int, list[DutyShift]] = {}
    for shift in shifts:
        by_user.setdefault(shift.user_id, []).append(shift)
    for user_id, own in by_user.items():
        own.sort(key=lambda s: s.starts_at)
        for before, after in zip(own, own[1:], strict=False):
            if after.starts_at < before.ends_at:
                raise Conflict(_overlap(after, before))
        stored = list(
            DutyShift.objects.filter(
                user_id=user_id, starts_at__lt=own[-1].ends_at, ends_at__gt=own[0].starts_at
            )
            .exclude(pk__in=replacing)
            .order_by("starts_at")
        )
        for shift in own:  # the earliest clash is the one named
            for other in stored:
                if shift.starts_at < other.ends_at and other.starts_at < shift.ends_at:
                    raise Conflict(_overlap(shift, other))


def _overlap(shift: DutyShift, other: DutyShift) -> str:
    zone = clock.desk_zone()
    return _("%(username)s is already on a shift from %(starts)s to %(ends)s.") % {
        "username": shift.user.username,
        "starts": other.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "ends": other.ends_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
    }


def _audit_created(shifts: Iterable[DutyShift], by: User | None, **data) -> None:
    audit.record_all(
        [
            audit.build(
                action="dutyshift.create", obj=s, actor=by, after=snapshot(s), data=data or None
            )
            for s in shifts
        ]
    )


def _write(shifts: list[DutyShift]) -> list[DutyShift]:
    try:
        for shift in shifts:
            shift.save()
    except IntegrityError as exc:  # the database's own check, should a race slip through
        raise InvalidInput(_("A shift must end after it starts.")) from exc
    return shifts


# --- single shifts ------------------------------------------------------------------------


@operation
def shift_create(
    *,
    user: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    duty_engineer: bool = True,
    hotline: bool = True,
    by: User | None,
) -> DutyShift:
    policy.require(by, RosterAction.PLAN)
    shift = DutyShift(
        user=user,
        starts_at=_utc(starts_at),
        ends_at=_utc(ends_at),
        duty_engineer=duty_engineer,
        hotline=hotline,
        origin=ShiftOrigin.ENTERED,
    )
    _check([shift])
    _write([shift])
    _audit_created([shift], by)
    return shift


@operation
def shifts_add(*, shifts: Iterable[DutyShift], by: User | None) -> int:
    """Put ``shifts`` (unsaved) on the roster, all or none; how many were added (a rota made
    in advance, the demo's history)."""
    policy.require(by, RosterAction.PLAN)
    rows = list(shifts)
    if not rows:
        return 0
    _check(rows)
    DutyShift.objects.bulk_create(rows, batch_size=500)
    _audit_created(rows, by)
    return len(rows)


@operation
def shift_cancel(*, shift: DutyShift, by: User | None) -> None:
    policy.require(by, RosterAction.PLAN)
    before = snapshot(shift)
    audit.record(action="dutyshift.delete", obj=shift, actor=by, before=before)
    shift.delete()


@operation
def shift_cover(
    *,
    shift: DutyShift,
    substitute: User,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    by: User | None,
) -> DutyShift:
    """``substitute`` takes ``[starts_at, ends_at)`` of ``shift`` (all of it by default):
    the shift is split, its owner keeps what is left either side.  The substitute's part."""
    policy.require(by, RosterAction.PLAN)
    shift = DutyShift.objects.select_for_update().select_related("user").get(pk=shift.pk)
    starts_at = _utc(starts_at or shift.starts_at)
    ends_at = _utc(ends_at or shift.ends_at)
    _check_span(starts_at, ends_at)
    if starts_at < shift.starts_at or ends_at > shift.ends_at:
        raise InvalidInput(_("A cover must lie within the shift it covers."))
    if substitute.pk == shift.user_id:
        raise InvalidInput(_("Nobody covers their own shift."))
    before = snapshot(shift)
    owner = shift.user
    common = {"duty_engineer": shift.duty_engineer, "hotline": shift.hotline, "part": shift.part}
    cover = DutyShift(
        user=substitute,
        starts_at=starts_at,
        ends_at=ends_at,
        origin=ShiftOrigin.COVER,
        covers_for=owner,
        rotation=shift.rotation,
        **common,
    )
    pieces = [cover]
    if ends_at < shift.ends_at:
        pieces.append(
            DutyShift(
                user=owner,
                starts_at=ends_at,
                ends_at=shift.ends_at,
                origin=shift.origin,
                covers_for=shift.covers_for,
                rotation=shift.rotation,
                **common,
            )
        )
    keep_head = starts_at > shift.starts_at
    _check(pieces, replacing=[shift.pk])
    if keep_head:
        shift.ends_at = starts_at
        shift.save(update_fields=["ends_at"])
        audit.record(
            action="dutyshift.change", obj=shift, actor=by, before=before, after=snapshot(shift)
        )
    else:
        audit.record(action="dutyshift.delete", obj=shift, actor=by, before=before)
        shift.delete()
    _write(pieces)
    _audit_created(pieces, by, covers=before["id"], substitute=substitute.username)
    return cover


@operation
def shift_swap(
    *, first: DutyShift, second: DutyShift, by: User | None
) -> tuple[DutyShift, DutyShift]:
    """The people on two shifts exchange them."""
    policy.require(by, RosterAction.PLAN)
    pair = (
        DutyShift.objects.select_for_update()
        .select_related("user")
        .filter(pk__in=[first.pk, second.pk])
    )
    found = {s.pk: s for s in pair}
    if len(found) != 2:
        raise InvalidInput(_("A swap needs two different shifts."))
    first, second = found[first.pk], found[second.pk]
    if first.user_id == second.user_id:
        raise InvalidInput(_("Both shifts are already the same person's."))
    before = {first.pk: snapshot(first), second.pk: snapshot(second)}
    first_user, second_user = first.user, second.user
    first.user, first.covers_for = second_user, first_user
    second.user, second.covers_for = first_user, second_user
    for shift in (first, second):
        shift.origin = ShiftOrigin.SWAP
    _check([first, second])
    for shift in (first, second):
        shift.save(update_fields=["user", "covers_for", "origin"])
        audit.record(
            action="dutyshift.swap",
            obj=shift,
            actor=by,
            before=before[shift.pk],
            after=snapshot(shift),
        )
    return first, second


# --- rotations ------------------------------------------------------------------------------


@operation
def rotation_create(
    *,
    name: str,
    pattern: str,
    members: Sequence[User],
    duty_engineer: bool = True,
    by: User | None,
) -> Rotation:
    policy.require(by, RosterAction.PLAN)
    name = name.strip()
    if not name:
        raise InvalidInput(_("A rotation needs a name."))
    if pattern not in Pattern.values:
        raise InvalidInput(_("Unknown pattern %(pattern)r.") % {"pattern": pattern})
    if Rotation.objects.filter(name=name).exists():
        raise Conflict(_("There is already a rotation named %(name)s.") % {"name": name})
    people = list(members)
    if len({u.pk for u in people}) != len(people):
        raise InvalidInput(_("A rotation names each member once."))
    least = 2 if pattern == Pattern.ROUND_THE_CLOCK else 1
    if len(people) < least:
        raise InvalidInput(
            _("A %(pattern)s rotation needs at least %(count)d members.")
            % {"pattern": pattern, "count": least}
        )
    for user in people:
        _check_person(DutyShift(user=user, duty_engineer=duty_engineer))
    rotation = Rotation.objects.create(
        name=name, pattern=pattern, duty_engineer=duty_engineer, created_at=clock.now()
    )
    RotationMember.objects.bulk_create(
        RotationMember(rotation=rotation, user=u, position=i) for i, u in enumerate(people)
    )
    audit.record(
        action="rotation.create",
        obj=rotation,
        actor=by,
        after={**snapshot(rotation), "members": [u.username for u in people]},
    )
    return rotation


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _at(day: dt.date, time: dt.time, zone) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)


def planned_shifts(rotation: Rotation, from_week: dt.date, weeks: int) -> list[DutyShift]:
    """The shifts ``rotation`` makes for ``weeks`` weeks from the week of ``from_week``
    (unsaved).  Members take turns a week each, counted from a fixed Monday, so planning a
    week twice gives the same people.  7×24: a day shift 08:30–17:30 and a night shift
    17:30–08:30 every day, the night one member after the day's; 5×8: 09:00–18:00 on
    Chinese working days (holidays off, 调休 weekend days on)."""
    zone = clock.desk_zone()
    members = [m.user for m in rotation.members.select_related("user").order_by("position")]
    monday = week_start(from_week)
    shifts = []

    def shift(user, day, start, end_day, end, part):
        return DutyShift(
            user=user,
            starts_at=_at(day, start, zone),
            ends_at=_at(end_day, end, zone),
            duty_engineer=rotation.duty_engineer,
            hotline=True,
            origin=ShiftOrigin.PLANNED,
            part=part,
            rotation=rotation,
        )

    for w in range(weeks):
        first = monday + dt.timedelta(weeks=w)
        turn = (first.toordinal() - 1) // 7
        for d in range(7):
            day = first + dt.timedelta(days=d)
            if rotation.pattern == Pattern.ROUND_THE_CLOCK:
                day_person = members[turn % len(members)]
                night_person = members[(turn + 1) % len(members)]
                shifts.append(shift(day_person, day, DAY_STARTS, day, NIGHT_STARTS, ShiftPart.DAY))
                shifts.append(
                    shift(
                        night_person, day, NIGHT_STARTS, day + ONE_DAY, DAY_STARTS, ShiftPart.NIGHT
                    )
                )
            elif holidays.is_working_day(day):
                person = members[turn % len(members)]
                shifts.append(shift(person, day, OFFICE_STARTS, day, OFFICE_ENDS, ShiftPart.OFFICE))
    return shifts


@operation
def rotation_plan(
    *, rotation: Rotation, from_week: dt.date, weeks: int, by: User | None
) -> list[DutyShift]:
    """Write the shifts of ``rotation`` for ``weeks`` weeks from the week of ``from_week``,
    all or none."""
    policy.require(by, RosterAction.PLAN)
    if not 1 <= weeks <= MAX_PLAN_WEEKS:
        raise InvalidInput(_("Plan between 1 and %(most)d weeks.") % {"most": MAX_PLAN_WEEKS})
    shifts = planned_shifts(rotation, from_week, weeks)
    _check(shifts)
    DutyShift.objects.bulk_create(shifts, batch_size=500)
    _audit_created(shifts, by, rotation=rotation.name)
    audit.record(
        action="rotation.plan",
        obj=rotation,
        actor=by,
        data={
            "from_week": week_start(from_week).isoformat(),
            "weeks": weeks,
            "shifts": len(shifts),
        },
    )
    return shifts
