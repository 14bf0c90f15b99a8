"""The complaints domain's entries in the authorization matrices."""

from __future__ import annotations

from casedesk.complaints import services
from casedesk.complaints.policy import ComplaintAction as K
from tests.authorization import CONSOLE, NOTHING, PORTAL, Needs, Page, World


def build(world: World) -> None:
    by = world.owner
    made = {}
    for org in (world.org_a, world.org_b):
        for state in ("open", "acknowledged", "resolved"):
            complaint = services.complaint_file(
                organization=org, description=f"MATRIX-投诉-{state}", source="phone", by=None
            )
            if state != "open":
                complaint = services.complaint_acknowledge(complaint=complaint, by=None)
            if state == "resolved":
                complaint = services.complaint_resolve(
                    complaint=complaint, resolution="已处理", by=None
                )
            made[(org.code, state)] = complaint
    world.objects["complaints"] = made
    del by


def _complaints(w: World, state: str = "") -> dict:
    made = w.objects["complaints"]
    state = state if state in ("open", "acknowledged", "resolved") else "open"
    a, b = made[("ORGA", state)], made[("ORGB", state)]
    return {
        "org A's complaint": (a.number, a),
        "org B's complaint": (b.number, b),
        "no such complaint": ("K9999999", NOTHING),
    }


ENDPOINTS = {
    "casedesk_api_complaints_file_complaint": (
        Needs((K.FILE,), lambda w: {"organization": "ORGA", "description": "矩阵投诉"}),
    ),
    "casedesk_api_complaints_list_complaints": (Needs(),),
    "casedesk_api_complaints_get_complaint": (Needs((K.VIEW,)),),
    "casedesk_api_complaints_acknowledge_complaint": (
        Needs((K.WORK,), lambda w: {"note": "收到"}, state="open"),
    ),
    "casedesk_api_complaints_resolve_complaint": (
        Needs((K.WORK,), lambda w: {"resolution": "已道歉"}, state="acknowledged"),
    ),
    "casedesk_api_complaints_close_complaint": (Needs((K.WORK,), state="resolved"),),
}
API_FILLERS = {("complaints", "number"): _complaints}


def _pages(w: World) -> list:
    return [
        (label, value, obj, obj is not NOTHING) for label, (value, obj) in _complaints(w).items()
    ]


PAGES = {
    "complaints:complaint_list": Page(CONSOLE, (K.VIEW,)),
    "complaints:complaint_new": Page(CONSOLE, (K.FILE,)),
    "complaints:complaint_report": Page(CONSOLE, (K.VIEW,)),
    "complaints:complaint_detail": Page(CONSOLE, (K.VIEW,)),
    "complaints:complaint_step": Page(
        CONSOLE, (K.WORK,), post_only=True, form={"text": "矩阵确认"}
    ),
    "complaints:portal_complaint": Page(PORTAL, (K.FILE,)),
}
PAGE_FILLERS = {
    "complaints:complaint_detail/number": _pages,
    "complaints:complaint_step/number": _pages,
    "complaints:complaint_step/step": lambda w: [("acknowledge", "acknowledge", None, True)],
}
