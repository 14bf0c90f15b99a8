"""The parts domain's entries in the authorization matrices."""

from __future__ import annotations

from casedesk.parts import services
from casedesk.parts.models import Rma
from casedesk.parts.policy import PartsAction as P
from tests.authorization import CONSOLE, NOTHING, Needs, Page, World
from tests.parts.factories import make_location, make_part, receive


def build(world: World) -> None:
    part = make_part("MX-PART")
    central = make_location("MX-WH")
    make_location("MX-VAN", kind="van")
    make_location("MX-QT", kind="quarantine")
    make_location("MX-VD", kind="vendor")
    receive(part, central, 5)
    # An RMA at each step a request may follow (the Needs' ``state`` picks one).
    rmas = {}
    for step in ("shipped", "defective_received", "in_repair"):
        rma = services.rma_request(
            case=world.case("ORGA"), part=part, from_location=central, by=world.owner
        )
        if step != "shipped":
            rma = services.rma_defective_received(
                rma=rma, location=make_location("MX-QT"), serial_number="", by=world.owner
            )
        if step == "in_repair":
            rma = services.rma_repair(rma=rma, vendor=make_location("MX-VD"), by=world.owner)
        rmas[step] = rma
    world.objects["parts"] = {"part": part, "rmas": rmas}


def _rmas(w: World, state: str = "") -> dict:
    rmas: dict[str, Rma] = w.objects["parts"]["rmas"]
    rma = rmas.get(state, rmas["shipped"])
    return {"an RMA": (rma.number, rma), "no such RMA": ("R9999999", NOTHING)}


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
    "casedesk_api_parts_request_rma": (
        Needs((P.RMA,), lambda w: {"part_number": "MX-PART", "from_location": "MX-WH"}),
    ),
    "casedesk_api_parts_receive_defective": (Needs((P.RMA,), lambda w: {"location": "MX-QT"}),),
    "casedesk_api_parts_send_to_repair": (
        Needs((P.RMA,), lambda w: {"vendor": "MX-VD"}, state="defective_received"),
    ),
    "casedesk_api_parts_receive_repaired": (
        Needs((P.RMA,), lambda w: {"location": "MX-WH"}, state="in_repair"),
    ),
    "casedesk_api_parts_get_rma": (Needs((P.VIEW,)),),
    "casedesk_api_parts_set_shipping": (
        Needs((P.RMA,), lambda w: {"courier": "顺丰", "tracking_number": "SF1"}),
    ),
}
API_FILLERS = {("rmas", "number"): _rmas}


def _pages(w: World) -> list:
    return [(label, value, obj, obj is not NOTHING) for label, (value, obj) in _parts(w).items()]


def _rma_pages(state: str = ""):
    def fill(w: World) -> list:
        return [
            (label, value, obj, obj is not NOTHING)
            for label, (value, obj) in _rmas(w, state).items()
        ]

    return fill


def _cases(w: World) -> list:
    a, b = w.case("ORGA"), w.case("ORGB")
    return [
        ("org A's CASE", a.number, a, True),
        ("org B's CASE", b.number, b, True),
        ("no such CASE", "C9999999", NOTHING, False),
    ]


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
    # The RMA steps the CASE page's RMA block posts (each back to the CASE).
    "parts:rma_request": Page(CONSOLE, (P.RMA,), post_only=True, form={"part_number": "MX-PART"}),
    "parts:rma_shipping": Page(
        CONSOLE, (P.RMA,), post_only=True, form={"courier": "顺丰", "tracking_number": "SF1"}
    ),
    "parts:rma_defective_received": Page(
        CONSOLE, (P.RMA,), post_only=True, form={"location": "MX-QT"}
    ),
    "parts:rma_repair": Page(CONSOLE, (P.RMA,), post_only=True, form={"vendor": "MX-VD"}),
    "parts:rma_repaired": Page(CONSOLE, (P.RMA,), post_only=True, form={"location": "MX-WH"}),
}
PAGE_FILLERS = {
    "parts:part_detail/part_number": _pages,
    "parts:part_move/part_number": _pages,
    "parts:rma_request/number": _cases,
    "parts:rma_shipping/number": _rma_pages(),
    "parts:rma_defective_received/number": _rma_pages(),
    "parts:rma_repair/number": _rma_pages("defective_received"),
    "parts:rma_repaired/number": _rma_pages("in_repair"),
}
