"""Replies' entries in the authorization matrices."""

from __future__ import annotations

from casedesk.replies.policy import ReplyAction as R
from tests.authorization import CONSOLE, NOTHING, Needs, Page, World


def build(world: World) -> None:
    world.objects["replies"] = {}


def _cases(w: World) -> list:
    a, b = w.case("ORGA"), w.case("ORGB")
    return [
        ("org A's CASE", a.number, a, True),
        ("org B's CASE", b.number, b, True),
        ("no such CASE", "C9999999", NOTHING, False),
    ]


ENDPOINTS = {
    "casedesk_api_replies_create_reply": (Needs((R.SEND,), lambda w: {"body": "矩阵回复"}),),
}
API_FILLERS: dict = {}  # its path's CASE number: the API matrix's own ("cases", "number")

PAGES = {
    "replies:case_reply": Page(CONSOLE, (R.SEND,)),
}
PAGE_FILLERS = {
    "replies:case_reply/number": _cases,
}
