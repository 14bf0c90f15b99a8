"""Spare parts stock (API.md § "Spare parts, RMA, field service, labour")."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from casedesk.accounts import selectors as accounts
from casedesk.api.schemas import Detail, In
from casedesk.core import policy
from casedesk.core.errors import InvalidInput, NotFound

from . import selectors, services
from .choices import MoveKind
from .models import Location, Part, Rma, StockMove
from .policy import PartsAction

MOUNT = "/"  # its paths name themselves: /locations, /parts, /stock
router = Router(tags=["parts"])
ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 422: Detail}


class LocationIn(In):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["central", "depot", "van", "vendor", "customer", "quarantine"]
    keeper: str | None = Field(None, max_length=150, description="a van's engineer (username)")
    serves: list[str] = Field(
        default_factory=list, max_length=1000, description="a depot's customers (org codes)"
    )


class LocationOut(Schema):
    code: str
    name: str
    kind: str
    keeper: str | None
    serves: list[str]

    @staticmethod
    def of(location: Location) -> dict:
        return {
            "code": location.code,
            "name": location.name,
            "kind": location.kind,
            "keeper": location.keeper.username if location.keeper_id else None,
            "serves": sorted(org.code for org in location.serves.all()),
        }


class PartIn(In):
    part_number: str = Field(min_length=1, max_length=64)
    description: str = Field(min_length=1, max_length=300)
    safety_stock: int = Field(0, ge=0, le=1_000_000)
    vendor: str = Field("", max_length=100)
    serial_tracked: bool = False


class PartOut(Schema):
    part_number: str
    description: str
    vendor: str
    safety_stock: int
    serial_tracked: bool


class MoveOut(Schema):
    id: int
    part_number: str
    kind: str
    quantity: int
    from_location: str | None
    to_location: str | None
    from_condition: str
    to_condition: str
    serial_numbers: list[str]
    at: dt.datetime
    reason: str

    @staticmethod
    def of(move: StockMove) -> dict:
        return {
            "id": move.pk,
            "part_number": move.part.part_number,
            "kind": move.kind,
            "quantity": move.quantity,
            "from_location": move.from_location.code if move.from_location else None,
            "to_location": move.to_location.code if move.to_location else None,
            "from_condition": move.from_condition,
            "to_condition": move.to_condition,
            "serial_numbers": move.serial_numbers,
            "at": move.at,
            "reason": move.reason,
        }


class MoveIn(In):
    part_number: str = Field(min_length=1, max_length=64)
    quantity: int = Field(gt=0, le=1_000_000)
    serial_numbers: list[str] = Field(default_factory=list, max_length=1000)
    reason: str = Field("", max_length=500)


class ReceiptIn(MoveIn):
    location: str = Field(min_length=1, max_length=32)
    condition: Literal["good", "defective"] = "good"


class TransferIn(MoveIn):
    from_location: str = Field(min_length=1, max_length=32)
    to_location: str = Field(min_length=1, max_length=32)
    condition: Literal["good", "defective"] = "good"


class LossIn(MoveIn):
    location: str = Field(min_length=1, max_length=32)
    condition: Literal["good", "defective"] = "good"
    reason: str = Field(min_length=1, max_length=500)


class CorrectionIn(MoveIn):
    location: str = Field(min_length=1, max_length=32)
    direction: Literal["in", "out"] = Field(
        description="in: the count found more than the ledger says; out: fewer"
    )
    condition: Literal["good", "defective"] = "good"
    reason: str = Field(min_length=1, max_length=500)


class StockQuery(Schema):
    part_number: str = Field(min_length=1, max_length=64)
    location: str | None = Field(None, max_length=32)


class OnHandOut(Schema):
    location: str
    good: int
    defective: int


class StockOut(Schema):
    items: list[OnHandOut]


# What a request names (in its body or query): an unknown name is bad input (422), not a
# missing page, so a CASE found and a part not found never read alike.


def _part(request, number: str) -> Part:
    # Stock is the staff's: a customer is refused (403), not told the part does not exist.
    policy.require(request.auth, PartsAction.VIEW)
    try:
        return selectors.part_get(part_number=number, fetched_by=request.auth)
    except NotFound:
        raise InvalidInput(_("Unknown part %(part)r.") % {"part": number}) from None


def _location(request, code: str) -> Location:
    try:
        return selectors.location_get(code=code, fetched_by=request.auth)
    except NotFound:
        raise InvalidInput(_("Unknown stock location %(code)r.") % {"code": code}) from None


@router.post("/locations", response={201: LocationOut, **ERRORS})
def create_location(request, body: LocationIn):
    _keeper(request)
    location = services.location_create(
        code=body.code,
        name=body.name,
        kind=body.kind,
        keeper=accounts.user_by_username(body.keeper) if body.keeper else None,
        serves=[accounts.organization_by_code(code) for code in body.serves],
        by=request.auth,
    )
    return Status(201, LocationOut.of(location))


@router.post("/parts", response={201: PartOut, **ERRORS})
def create_part(request, body: PartIn):
    return Status(201, services.part_create(**body.model_dump(), by=request.auth))


def _keeper(request) -> None:
    """Checked before the locations are looked up: a refusal says so, whatever the body."""
    policy.require(request.auth, PartsAction.MANAGE)


def _move(request, body: MoveIn, kind: str, **where):
    move = services.stock_move(
        part=_part(request, body.part_number),
        kind=kind,
        quantity=body.quantity,
        serial_numbers=body.serial_numbers,
        reason=body.reason,
        by=request.auth,
        **where,
    )
    return Status(201, MoveOut.of(move))


@router.post("/stock/receipts", response={201: MoveOut, **ERRORS})
def receive_stock(request, body: ReceiptIn):
    _keeper(request)
    where = {"to_location": _location(request, body.location), "condition": body.condition}
    return _move(request, body, MoveKind.RECEIPT, **where)


@router.post("/stock/transfers", response={201: MoveOut, **ERRORS})
def transfer_stock(request, body: TransferIn):
    _keeper(request)
    where = {
        "from_location": _location(request, body.from_location),
        "to_location": _location(request, body.to_location),
        "condition": body.condition,
    }
    return _move(request, body, MoveKind.TRANSFER, **where)


@router.post("/stock/losses", response={201: MoveOut, **ERRORS})
def record_loss(request, body: LossIn):
    _keeper(request)
    where = {"from_location": _location(request, body.location), "condition": body.condition}
    return _move(request, body, MoveKind.LOSS, **where)


@router.post("/stock/corrections", response={201: MoveOut, **ERRORS})
def correct_stock(request, body: CorrectionIn):
    _keeper(request)
    side = "to_location" if body.direction == "in" else "from_location"
    where = {side: _location(request, body.location), "condition": body.condition}
    return _move(request, body, MoveKind.CORRECTION, **where)


@router.get("/stock", response={200: StockOut, **ERRORS})
def stock_on_hand(request, query: Query[StockQuery]):
    part = _part(request, query.part_number)
    location = _location(request, query.location) if query.location else None
    rows = selectors.on_hand(part=part, fetched_by=request.auth, location=location)
    return {
        "items": [
            {"location": r.location.code, "good": r.good, "defective": r.defective} for r in rows
        ]
    }


# --- RMAs ---------------------------------------------------------------------------------------


class RmaIn(In):
    part_number: str = Field(min_length=1, max_length=64)
    from_location: str | None = Field(
        None, min_length=1, max_length=32, description="omitted: the nearest holding one"
    )
    advance: bool = False
    defective_serial: str = Field("", max_length=100)
    courier: str = Field("", max_length=64)
    tracking_number: str = Field("", max_length=64)


class ShippingIn(In):
    courier: str = Field("", max_length=64)
    tracking_number: str = Field(min_length=1, max_length=64)


class DefectiveIn(In):
    location: str = Field(min_length=1, max_length=32)
    serial_number: str = Field("", max_length=100)


class RepairIn(In):
    vendor: str = Field(min_length=1, max_length=32)


class RepairedIn(In):
    location: str = Field(min_length=1, max_length=32)


class DeadlineOut(Schema):
    kind: str
    due_at: dt.datetime | None
    met_at: dt.datetime | None
    fired_at: dt.datetime | None


class RmaOut(Schema):
    number: str
    status: str
    case: str
    part_number: str
    advance: bool
    from_location: str
    replacement_serial: str
    defective_serial: str
    courier: str
    tracking_number: str
    shipped_at: dt.datetime | None
    deadlines: list[DeadlineOut]

    @staticmethod
    def of(rma: Rma) -> dict:
        return {
            "number": rma.number,
            "status": rma.status,
            "case": rma.case.number,
            "part_number": rma.part.part_number,
            "advance": rma.advance,
            "from_location": rma.from_location.code,
            "replacement_serial": rma.replacement_serial,
            "defective_serial": rma.defective_serial,
            "courier": rma.courier,
            "tracking_number": rma.tracking_number,
            "shipped_at": rma.shipped_at,
            "deadlines": [
                {"kind": d.kind, "due_at": d.due_at, "met_at": d.met_at, "fired_at": d.fired_at}
                for d in selectors.rma_deadlines(rma)
            ],
        }


def _rma(request, number: str) -> Rma:
    rma = selectors.rma_get(number=number, fetched_by=request.auth)
    policy.require(request.auth, PartsAction.RMA, rma.case)
    return rma


@router.post("/cases/{number}/rmas", response={201: RmaOut, **ERRORS})
def request_rma(request, number: str, body: RmaIn):
    case = selectors.case_get(number=number, fetched_by=request.auth)
    policy.require(request.auth, PartsAction.RMA, case)
    rma = services.rma_request(
        case=case,
        part=_part(request, body.part_number),
        from_location=_location(request, body.from_location) if body.from_location else None,
        advance=body.advance,
        defective_serial=body.defective_serial,
        courier=body.courier,
        tracking_number=body.tracking_number,
        by=request.auth,
    )
    return Status(201, RmaOut.of(rma))


@router.post("/rmas/{number}/shipping", response={200: RmaOut, **ERRORS})
def set_shipping(request, number: str, body: ShippingIn):
    rma = _rma(request, number)
    rma = services.rma_set_shipping(
        rma=rma, courier=body.courier, tracking_number=body.tracking_number, by=request.auth
    )
    return RmaOut.of(rma)


@router.post("/rmas/{number}/defective-received", response={200: RmaOut, **ERRORS})
def receive_defective(request, number: str, body: DefectiveIn):
    rma = _rma(request, number)
    rma = services.rma_defective_received(
        rma=rma,
        location=_location(request, body.location),
        serial_number=body.serial_number,
        by=request.auth,
    )
    return RmaOut.of(rma)


@router.post("/rmas/{number}/repair", response={200: RmaOut, **ERRORS})
def send_to_repair(request, number: str, body: RepairIn):
    rma = _rma(request, number)
    rma = services.rma_repair(rma=rma, vendor=_location(request, body.vendor), by=request.auth)
    return RmaOut.of(rma)


@router.post("/rmas/{number}/repaired", response={200: RmaOut, **ERRORS})
def receive_repaired(request, number: str, body: RepairedIn):
    rma = _rma(request, number)
    rma = services.rma_repaired(
        rma=rma, location=_location(request, body.location), by=request.auth
    )
    return RmaOut.of(rma)


@router.get("/rmas/{number}", response={200: RmaOut, **ERRORS})
def get_rma(request, number: str):
    return RmaOut.of(selectors.rma_get(number=number, fetched_by=request.auth))
