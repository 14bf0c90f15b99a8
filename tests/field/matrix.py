"""Field service's entries in the authorization matrices."""

from __future__ import annotations

from casedesk.core import clock
from casedesk.field import services
from casedesk.field.policy import FieldAction as F
from tests.accounts.factories import make_user
from tests.authorization import CONSOLE, NOTHING, PORTAL, UNKNOWN_PK, Needs, Page, World
from tests.field.factories import data_url, make_visit, signed_visit


def build(world: World) -> None:
    # Its own engineer: whom a visit sends helps on the CASE, and the matrices add
    # ``world.spare`` as a helper themselves.  Per organization a signed visit, a scheduled
    # one (to check in) and one on site (to check out).
    engineer = make_user("engineer", username="m.field")
    objects = {}
    for label, org in (("A", "ORGA"), ("B", "ORGB")):
        case = world.case(org)
        objects[f"done {label}"] = signed_visit(case=case, engineer=engineer, by=world.owner)
        objects[f"scheduled {label}"] = make_visit(case=case, engineer=engineer, by=world.owner)
        objects[f"on_site {label}"] = services.visit_check_in(
            visit=make_visit(case=case, engineer=engineer, by=world.owner), by=engineer
        )
    world.objects["field"] = objects


def _visits(w: World, state: str = "") -> dict:
    o, kind = w.objects["field"], state if state in ("scheduled", "on_site") else "done"
    return {
        "org A's visit": (str(o[f"{kind} A"].pk), o[f"{kind} A"]),
        "org B's visit": (str(o[f"{kind} B"].pk), o[f"{kind} B"]),
        "no such visit": (str(UNKNOWN_PK), NOTHING),
    }


def _dispatch(w: World) -> dict:
    return {"engineer": "m.field", "scheduled_at": clock.now().isoformat()}


def _signed(w: World) -> dict:
    return {"work_done": "矩阵", "customer_name": "李工", "signature": data_url()}


ENDPOINTS = {
    "casedesk_api_field_create_visit": (Needs((F.DISPATCH,), _dispatch),),
    "casedesk_api_field_get_visit": (Needs((F.VIEW,)),),
    "casedesk_api_field_check_in": (Needs((F.WORK,), lambda w: {}, state="scheduled"),),
    "casedesk_api_field_check_out": (Needs((F.WORK,), _signed, state="on_site"),),
    "casedesk_api_field_visit_report": (Needs((F.VIEW,)),),
}
API_FILLERS = {("visits", "pk"): _visits}


def _pages(w: World) -> list:
    return [
        (label, int(value), obj, obj is not NOTHING) for label, (value, obj) in _visits(w).items()
    ]


def _cases(w: World) -> list:
    a, b = w.case("ORGA"), w.case("ORGB")
    return [
        ("org A's CASE", a.number, a, True),
        ("org B's CASE", b.number, b, True),
        ("no such CASE", "C9999999", NOTHING, False),
    ]


PAGES = {
    "field:visit_list": Page(CONSOLE, (F.VIEW,)),
    "field:service_worker": Page(CONSOLE, ()),
    "field:manifest": Page(CONSOLE, ()),
    "field:visit_page": Page(CONSOLE, (F.VIEW,)),
    "field:visit_report": Page(CONSOLE, (F.VIEW,)),
    "field:visit_new": Page(CONSOLE, (F.DISPATCH,)),
    # the customer's copy of the signed form (staff are sent to the console's)
    "field:portal_visit_report": Page(PORTAL, (F.VIEW,)),
}
PAGE_FILLERS = {
    "field:visit_page/pk": _pages,
    "field:visit_report/pk": _pages,
    "field:portal_visit_report/pk": _pages,
    "field:visit_new/number": _cases,
}
