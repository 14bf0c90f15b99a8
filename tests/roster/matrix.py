"""The roster's entries in the authorization matrices: every member of staff reads it,
supervisors, managers and admins plan it; the iCal feed needs no login (its token is the
permission)."""

from __future__ import annotations

import datetime as dt

from casedesk.roster import feed, services
from casedesk.roster.policy import RosterAction as R
from tests.accounts.factories import make_user
from tests.authorization import CONSOLE, NOTHING, PUBLIC, UNKNOWN_PK, Needs, Page, World

AT = dt.datetime(2030, 1, 7, 0, 30, tzinfo=dt.UTC)
HOURS = dt.timedelta(hours=9)


def build(world: World) -> None:
    li = make_user("duty_engineer", username="m.roster")
    wang = make_user("duty_engineer", username="m.roster2")
    first = services.shift_create(user=li, starts_at=AT, ends_at=AT + HOURS, by=None)
    second = services.shift_create(user=wang, starts_at=AT + HOURS, ends_at=AT + 2 * HOURS, by=None)
    rotation = services.rotation_create(
        name="MATRIX 值班", pattern="7x24", members=[li, wang], by=None
    )
    world.objects["roster"] = {"shift": first, "other": second, "rotation": rotation}


def _shifts(w: World, state: str = "") -> dict:
    shift = w.objects["roster"]["shift"]
    return {"a shift": (str(shift.pk), shift), "no such shift": (str(UNKNOWN_PK), NOTHING)}


def _rotations(w: World, state: str = "") -> dict:
    rotation = w.objects["roster"]["rotation"]
    return {
        "a rotation": (str(rotation.pk), rotation),
        "no such rotation": (str(UNKNOWN_PK), NOTHING),
    }


def _new_shift(w: World) -> dict:
    starts = AT + dt.timedelta(days=30)
    return {
        "engineer": "m.roster",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + HOURS).isoformat(),
    }


ENDPOINTS = {
    "casedesk_api_roster_create_shift": (Needs((R.PLAN,), _new_shift),),
    "casedesk_api_roster_list_shifts": (Needs((R.VIEW,)),),
    "casedesk_api_roster_delete_shift": (Needs((R.PLAN,)),),
    "casedesk_api_roster_cover_shift": (Needs((R.PLAN,), lambda w: {"substitute": "m.roster2"}),),
    "casedesk_api_roster_swap_shifts": (
        Needs((R.PLAN,), lambda w: {"other": w.objects["roster"]["other"].pk}),
    ),
    "casedesk_api_roster_duty": (Needs((R.VIEW,)),),
    "casedesk_api_roster_list_holes": (Needs((R.VIEW,)),),
    "casedesk_api_roster_list_rotations": (Needs((R.VIEW,)),),
    "casedesk_api_roster_create_rotation": (
        Needs((R.PLAN,), lambda w: {"name": "矩阵", "pattern": "5x8", "members": ["m.roster"]}),
    ),
    "casedesk_api_roster_plan_rotation": (
        Needs((R.PLAN,), lambda w: {"from_week": "2030-02-04", "weeks": 1}),
    ),
}
API_FILLERS = {("shifts", "shift_id"): _shifts, ("rotations", "rotation_id"): _rotations}


def _shift_pages(w: World) -> list:
    return [
        (label, int(value), obj, obj is not NOTHING) for label, (value, obj) in _shifts(w).items()
    ]


PAGES = {
    "roster:calendar": Page(CONSOLE, (R.VIEW,)),
    "roster:plan": Page(
        CONSOLE,
        (R.PLAN,),
        post_only=True,
        form=lambda: {"rotation": "", "from_week": "2030-02-04", "weeks": 1},
    ),
    "roster:rotation_new": Page(CONSOLE, (R.PLAN,)),
    "roster:shift_page": Page(CONSOLE, (R.VIEW,)),
    "roster:shift_cover": Page(CONSOLE, (R.PLAN,), post_only=True, form={"substitute": ""}),
    "roster:shift_swap": Page(CONSOLE, (R.PLAN,), post_only=True, form={"other": ""}),
    "roster:feed": Page(PUBLIC),
}
PAGE_FILLERS = {
    "roster:shift_page/pk": _shift_pages,
    "roster:shift_cover/pk": _shift_pages,
    "roster:shift_swap/pk": _shift_pages,
    "roster:feed/token": lambda w: [
        ("the owner's token", feed.token_for(w.owner), None, True),
    ],
}
