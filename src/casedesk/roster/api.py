"""The duty roster: shifts, who is on duty, rotations and their plans, covers and swaps."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from casedesk.accounts import selectors as people
from casedesk.api.schemas import Detail, In
from casedesk.core import clock, policy
from casedesk.core.errors import InvalidInput

from . import selectors, services
from .models import DutyShift, Rotation
from .policy import RosterAction

MOUNT = "/"  # its paths name themselves: /shifts, /duty, /rotations
router = Router(tags=["roster"])
ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 422: Detail}
WHEN = "ISO 8601 with its time zone"
MAX_LIST_DAYS = 92


def _aware(value: dt.datetime | None, name: str) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise InvalidInput(_("%(field)s needs a time zone (ISO 8601).") % {"field": name})
    return value


class ShiftIn(In):
    engineer: str = Field(min_length=1, max_length=150, description="username")
    starts_at: dt.datetime = Field(strict=False, description=WHEN)
    ends_at: dt.datetime = Field(strict=False, description=WHEN)
    duty_engineer: bool = Field(True, description="receives the duty engineer's alarms")
    hotline: bool = True


class ShiftOut(Schema):
    id: int
    engineer: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    duty_engineer: bool
    hotline: bool
    origin: str = Field(description="entered, planned, cover or swap")
    part: str = Field(description="day, night, office or empty")
    covers_for: str | None = Field(description="whose shift it was before a cover or swap")
    rotation: str | None

    @staticmethod
    def resolve_engineer(shift: DutyShift) -> str:
        return shift.user.username

    @staticmethod
    def resolve_covers_for(shift: DutyShift) -> str | None:
        return shift.covers_for.username if shift.covers_for_id else None

    @staticmethod
    def resolve_rotation(shift: DutyShift) -> str | None:
        return shift.rotation.name if shift.rotation_id else None


class ShiftsQuery(Schema):
    since: dt.datetime | None = Field(None, description=f"{WHEN}; default now")
    until: dt.datetime | None = Field(None, description=f"{WHEN}; default a week after since")
    engineer: str | None = Field(None, description="username")


class AtQuery(Schema):
    at: dt.datetime | None = Field(None, description=f"{WHEN}; default now")


class SinceQuery(Schema):
    since: dt.datetime | None = Field(None, description=f"{WHEN}; default now")


class DutyOut(Schema):
    at: dt.datetime
    on_duty: list[str] = Field(description="everyone on a shift at `at`")
    duty_engineers: list[str] = Field(
        description="whom the duty engineer's alarms reach: those on a duty engineer's shift, "
        "or every duty engineer and supervisor when nobody is (roster_hole)"
    )
    roster_hole: bool = Field(description="nobody on a duty engineer's shift at `at`")


class CoverIn(In):
    substitute: str = Field(min_length=1, max_length=150, description="username")
    starts_at: dt.datetime | None = Field(
        None, strict=False, description=f"{WHEN}; default the shift's"
    )
    ends_at: dt.datetime | None = Field(
        None, strict=False, description=f"{WHEN}; default the shift's"
    )


class SwapIn(In):
    other: int = Field(description="the id of the shift to exchange with")


class RotationIn(In):
    name: str = Field(min_length=1, max_length=100)
    pattern: str = Field(description="7x24 or 5x8")
    members: list[str] = Field(description="usernames, in the order they take turns")
    duty_engineer: bool = True


class RotationOut(Schema):
    id: int
    name: str
    pattern: str
    duty_engineer: bool
    members: list[str]

    @staticmethod
    def resolve_members(rotation: Rotation) -> list[str]:
        return [m.user.username for m in rotation.members.all()]


class PlanIn(In):
    from_week: dt.date = Field(strict=False, description="any day of the first week (Monday first)")
    weeks: int = Field(ge=1, le=services.MAX_PLAN_WEEKS)


class PlanOut(Schema):
    rotation: str
    shifts: list[ShiftOut]


class HoleOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime


@router.post("/shifts", response={201: ShiftOut, **ERRORS})
def create_shift(request, body: ShiftIn):
    policy.require(request.auth, RosterAction.PLAN)
    shift = services.shift_create(
        user=people.user_by_username(body.engineer),
        starts_at=_aware(body.starts_at, "starts_at"),
        ends_at=_aware(body.ends_at, "ends_at"),
        duty_engineer=body.duty_engineer,
        hotline=body.hotline,
        by=request.auth,
    )
    return Status(201, shift)


@router.get("/shifts", response={200: list[ShiftOut], **ERRORS})
def list_shifts(request, query: Query[ShiftsQuery]):
    since = (_aware(query.since, "since") or clock.now()).astimezone(dt.UTC)
    until = _aware(query.until, "until") or since + dt.timedelta(weeks=1)
    if until <= since or until - since > dt.timedelta(days=MAX_LIST_DAYS):
        raise InvalidInput(
            _("until must come after since, at most %(days)d days later.") % {"days": MAX_LIST_DAYS}
        )
    engineer = people.user_by_username(query.engineer) if query.engineer else None
    return selectors.shift_list(
        fetched_by=request.auth, since=since, until=until, engineer=engineer
    )


@router.delete("/shifts/{shift_id}", response={204: None, **ERRORS})
def delete_shift(request, shift_id: int):
    shift = selectors.shift_get(pk=shift_id, fetched_by=request.auth)
    services.shift_cancel(shift=shift, by=request.auth)
    return Status(204, None)


@router.post("/shifts/{shift_id}/cover", response={201: ShiftOut, **ERRORS})
def cover_shift(request, shift_id: int, body: CoverIn):
    shift = selectors.shift_get(pk=shift_id, fetched_by=request.auth)
    policy.require(request.auth, RosterAction.PLAN)
    cover = services.shift_cover(
        shift=shift,
        substitute=people.user_by_username(body.substitute),
        starts_at=_aware(body.starts_at, "starts_at"),
        ends_at=_aware(body.ends_at, "ends_at"),
        by=request.auth,
    )
    return Status(201, cover)


@router.post("/shifts/{shift_id}/swap", response={200: list[ShiftOut], **ERRORS})
def swap_shifts(request, shift_id: int, body: SwapIn):
    first = selectors.shift_get(pk=shift_id, fetched_by=request.auth)
    second = selectors.shift_get(pk=body.other, fetched_by=request.auth)
    return list(services.shift_swap(first=first, second=second, by=request.auth))


@router.get("/duty", response={200: DutyOut, **ERRORS})
def duty(request, query: Query[AtQuery]):
    policy.require(request.auth, RosterAction.VIEW)
    at = (_aware(query.at, "at") or clock.now()).astimezone(dt.UTC)
    call = selectors.duty_call(at)
    return {
        "at": at,
        "on_duty": [p.user.username for p in selectors.on_duty(at)],
        "duty_engineers": [u.username for u in call.people],
        "roster_hole": call.hole,
    }


@router.get("/roster/holes", response={200: list[HoleOut], **ERRORS})
def list_holes(request, query: Query[SinceQuery]):
    since = (_aware(query.since, "since") or clock.now()).astimezone(dt.UTC)
    return selectors.holes(fetched_by=request.auth, since=since)


@router.get("/rotations", response={200: list[RotationOut], **ERRORS})
def list_rotations(request):
    return selectors.rotation_list(fetched_by=request.auth)


@router.post("/rotations", response={201: RotationOut, **ERRORS})
def create_rotation(request, body: RotationIn):
    policy.require(request.auth, RosterAction.PLAN)
    members = [people.user_by_username(u) for u in body.members]
    rotation = services.rotation_create(
        name=body.name,
        pattern=body.pattern,
        members=members,
        duty_engineer=body.duty_engineer,
        by=request.auth,
    )
    return Status(201, selectors.rotation_get(pk=rotation.pk, fetched_by=request.auth))


@router.post("/rotations/{rotation_id}/plan", response={201: PlanOut, **ERRORS})
def plan_rotation(request, rotation_id: int, body: PlanIn):
    rotation = selectors.rotation_get(pk=rotation_id, fetched_by=request.auth)
    shifts = services.rotation_plan(
        rotation=rotation, from_week=body.from_week, weeks=body.weeks, by=request.auth
    )
    return Status(201, {"rotation": rotation.name, "shifts": shifts})
