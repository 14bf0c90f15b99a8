"""The vendors domain's entries in the authorization matrices."""

from __future__ import annotations

from casedesk.cases import services as cases
from casedesk.vendors import services
from casedesk.vendors.policy import VendorsAction as V
from tests.accounts.factories import make_user
from tests.authorization import CONSOLE, NOTHING, UNKNOWN_PK, Needs, Page, World
from tests.cases.factories import make_case


def build(world: World) -> None:
    """A vendor, and per organization a P1 CASE a senior engineer works with an open vendor
    case (so that opening, updating and closing can succeed for whom the policy allows)."""
    keeper = make_user("supervisor", username="m.vendor-keeper")
    vendor = services.vendor_create(code="MX-TAC", name="矩阵厂商", update_hours=4, by=keeper)
    senior = world.spare
    objects: dict = {"vendor": vendor}
    for label, contact in (("A", world.contact_a), ("B", world.contact_b)):
        case = make_case(contact=contact, title=f"MATRIX-{label}-厂商-机密", priority="P1")
        case = cases.case_assign(case=case, engineer=senior, by=keeper)
        case = cases.case_accept(case=case, by=senior)
        objects[f"case {label}"] = case
        objects[f"vc {label}"] = services.vendor_case_open(
            case=case, vendor=vendor, reference=f"MX{label}0001", severity="S1", by=senior
        )
    world.objects["vendors"] = objects
    # The matrices' pending CASEs (P3, a first-line owner) go to a senior engineer first, so
    # that a vendor case can be opened for them (P3/P4: senior engineer before the vendor).
    for org in ("ORGA", "ORGB"):
        pending = world.case(org, "pending")
        cases.case_escalate(case=pending, target="senior", reason="矩阵", by=keeper)
        world.cases[(org, "pending")] = type(pending).objects.get(pk=pending.pk)


def _vendor_cases(w: World, state: str = "") -> dict:
    o = w.objects["vendors"]
    return {
        "org A's vendor case": (str(o["vc A"].pk), o["vc A"]),
        "org B's vendor case": (str(o["vc B"].pk), o["vc B"]),
        "no such vendor case": (str(UNKNOWN_PK), NOTHING),
    }


def _vendors(w: World, state: str = "") -> dict:
    vendor = w.objects["vendors"]["vendor"]
    return {"a vendor": (str(vendor.pk), vendor), "no such vendor": (str(UNKNOWN_PK), NOTHING)}


def _opening(w: World) -> dict:
    return {"vendor": "MX-TAC", "reference": "MX-9", "severity": "S2"}


ENDPOINTS = {
    "casedesk_api_vendors_list_vendors": (Needs(),),  # scoped to the reader
    "casedesk_api_vendors_create_vendor": (
        Needs((V.MANAGE,), lambda w: {"code": "MX-NEW", "name": "新厂商", "update_hours": 8}),
    ),
    "casedesk_api_vendors_get_vendor": (Needs((V.VIEW,)),),
    "casedesk_api_vendors_open_vendor_case": (
        # the matrices' CASEs are P3 in a first-line engineer's hands: the CASE refuses (409)
        Needs((V.OPEN,), _opening),
        # the pending ones are with a senior engineer (build): the supervisors succeed
        Needs((V.OPEN,), _opening, state="pending", label="escalated to a senior engineer"),
    ),
    "casedesk_api_vendors_list_vendor_cases": (Needs(),),  # scoped to the reader
    "casedesk_api_vendors_get_vendor_case": (Needs((V.VIEW,)),),
    "casedesk_api_vendors_record_vendor_update": (
        Needs((V.WORK,), lambda w: {"note": "TAC 已回复"}),
    ),
    "casedesk_api_vendors_close_vendor_case": (Needs((V.WORK,), lambda w: {"note": "关闭"}),),
}
API_FILLERS = {("vendor-cases", "pk"): _vendor_cases, ("vendors", "pk"): _vendors}


def _listed(fill):
    def pages(w: World) -> list:
        return [
            (label, int(value), obj, obj is not NOTHING) for label, (value, obj) in fill(w).items()
        ]

    return pages


def _cases(w: World) -> list:
    a, b = w.objects["vendors"]["case A"], w.objects["vendors"]["case B"]
    return [
        ("org A's CASE", a.number, a, True),
        ("org B's CASE", b.number, b, True),
        ("no such CASE", "C9999999", NOTHING, False),
    ]


PAGES = {
    "vendors:vendor_list": Page(CONSOLE, (V.VIEW,)),
    "vendors:vendor_detail": Page(CONSOLE, (V.VIEW,)),
    "vendors:report": Page(CONSOLE, (V.REPORT,)),
    "vendors:vendor_case_open": Page(
        CONSOLE,
        (V.OPEN,),
        post_only=True,
        form={"vendor": "MX-TAC", "reference": "MX-W1", "severity": "S2"},
    ),
    "vendors:vendor_case_update": Page(
        CONSOLE, (V.WORK,), post_only=True, form={"note": "TAC 已回复"}
    ),
    "vendors:vendor_case_close": Page(CONSOLE, (V.WORK,), post_only=True, form={"note": ""}),
}
PAGE_FILLERS = {
    "vendors:vendor_detail/pk": _listed(_vendors),
    "vendors:vendor_case_update/pk": _listed(_vendor_cases),
    "vendors:vendor_case_close/pk": _listed(_vendor_cases),
    "vendors:vendor_case_open/number": _cases,
}
