"""The parts domain's entries in the authorization matrices."""

from __future__ import annotations

from casedesk.parts.policy import PartsAction as P
from tests.authorization import CONSOLE, NOTHING, Needs, Page, World
from tests.parts.factories import make_location, make_part, receive


def build(world: World) -> None:
    part = make_part("MX-PART")
    central = make_location("MX-WH")
    make_location("MX-VAN", kind="van")
    receive(part, central, 5)
    world.objects["parts"] = {"part": part}


def _parts(w: World, state: str = "") -> dict:
    return {
        "a part": ("MX-PART", w.objects["parts"]["part"]),
        "no such part": ("MX-NOPE", NOTHING),
    }


def _move(**fields):
    return lambda w: {"part_number": "MX-PART", "quantity": 1, **fields}


ENDPOINTS = {
    "casedesk_api_parts_create_location": (
        Needs((P.MANAGE,), lambda w: {"code": "MX-NEW", "name": "矩阵库", "kind": "depot"}),
    ),
    "casedesk_api_parts_create_part": (
        Needs((P.MANAGE,), lambda w: {"part_number": "MX-NEW", "description": "矩阵件"}),
    ),
    "casedesk_api_parts_receive_stock": (Needs((P.MANAGE,), _move(location="MX-WH")),),
    "casedesk_api_parts_transfer_stock": (
        Needs((P.MANAGE,), _move(from_location="MX-WH", to_location="MX-VAN")),
    ),
    "casedesk_api_parts_record_loss": (Needs((P.MANAGE,), _move(location="MX-WH", reason="丢失")),),
    "casedesk_api_parts_correct_stock": (
        Needs((P.MANAGE,), _move(location="MX-WH", direction="out", reason="盘点")),
    ),
    "casedesk_api_parts_stock_on_hand": (Needs((P.VIEW,), query={"part_number": "MX-PART"}),),
}
API_FILLERS: dict = {}


def _pages(w: World) -> list:
    return [(label, value, obj, obj is not NOTHING) for label, (value, obj) in _parts(w).items()]


PAGES = {
    "parts:stock": Page(CONSOLE, (P.VIEW,)),
    "parts:part_detail": Page(CONSOLE, (P.VIEW,)),
    "parts:part_move": Page(
        CONSOLE,
        (P.MANAGE,),
        post_only=True,
        form={
            "kind": "transfer",
            "quantity": "1",
            "from_location": "MX-WH",
            "to_location": "MX-VAN",
            "condition": "good",
        },
    ),
}
PAGE_FILLERS = {
    "parts:part_detail/part_number": _pages,
    "parts:part_move/part_number": _pages,
}
