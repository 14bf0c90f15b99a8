"""Every change to locations, parts and stock: one operation each, checked by the policy,
audited in its transaction.

Stock moves are a ledger: a move is written, never edited.  A move out of a location is
checked against what the ledger says is on hand there with the part's row locked
(``select_for_update``), so of two concurrent moves of the last part one wins and the other
is refused, writing nothing.  Serial-tracked parts name the serial numbers that move; each
serial's place is kept in ``PartUnit`` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from casedesk.accounts import selectors as accounts
from casedesk.accounts.choices import Role
from casedesk.accounts.models import Organization, User
from casedesk.cases import services as cases
from casedesk.cases.choices import CaseAction, WorkLogKind
from casedesk.core import audit, clock, events, numbering, policy
from casedesk.core.errors import Conflict, InvalidInput
from casedesk.core.operations import operation
from casedesk.notify import services as outbox
from casedesk.sla import services as sla
from casedesk.sla.choices import DeadlineKind

from . import selectors
from .choices import (
    NOT_OURS,
    RMA_BACKORDERED,
    RMA_DEFECTIVE_RECEIVED,
    RMA_IN_REPAIR,
    RMA_REPAIRED,
    RMA_SHIPPED,
    RMA_SHIPPING,
    Condition,
    LocationKind,
    MoveKind,
    RmaStatus,
)
from .events import StockMoved
from .models import (
    Location,
    Part,
    PartUnit,
    Rma,
    RmaNumberSequence,
    StockBalance,
    StockMove,
)
from .policy import PartsAction

MAX_QUANTITY = 1_000_000

# Which sides a move of each kind has: (from, to), each "required", "optional" or "none".
SIDES = {
    MoveKind.RECEIPT: ("none", "required"),
    MoveKind.SHIPMENT: ("required", "optional"),
    MoveKind.DEFECTIVE_RETURN: ("optional", "required"),
    MoveKind.TO_REPAIR: ("required", "required"),
    MoveKind.FROM_REPAIR: ("required", "required"),
    MoveKind.TRANSFER: ("required", "required"),
    MoveKind.LOSS: ("required", "none"),
    MoveKind.CORRECTION: ("optional", "optional"),
}


def _create(model, conflict: str, **fields):
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError as exc:
        raise Conflict(conflict) from exc


@operation
def location_create(
    *,
    code: str,
    name: str,
    kind: str,
    keeper: User | None = None,
    serves: Iterable[Organization] = (),
    by: User,
) -> Location:
    """A stock location; a van may name its ``keeper`` (an engineer), a depot the customers
    it ``serves`` (what "nearest" means for a CASE's replacement)."""
    policy.require(by, PartsAction.MANAGE)
    code, name = code.strip(), name.strip()
    serves = list(serves)
    if not code or not name:
        raise InvalidInput(_("A stock location needs a code and a name."))
    if kind not in LocationKind.values:
        raise InvalidInput(_("Unknown kind of stock location: %(kind)s.") % {"kind": kind})
    if keeper is not None and (kind != LocationKind.VAN or keeper.is_customer):
        raise InvalidInput(_("Only an engineer's van has a keeper, one of the desk's staff."))
    if serves and kind != LocationKind.DEPOT:
        raise InvalidInput(_("Only a regional depot serves customers."))
    location = _create(
        Location,
        _("A stock location with code %(code)s exists already.") % {"code": code},
        code=code,
        name=name,
        kind=kind,
        keeper=keeper,
    )
    if serves:
        location.serves.set(serves)
    audit.record(
        action="location.create",
        obj=location,
        actor=by,
        after={
            "code": code,
            "name": name,
            "kind": kind,
            "keeper": keeper.username if keeper is not None else None,
            "serves": sorted(org.code for org in serves),
        },
    )
    return location


@operation
def part_create(
    *,
    part_number: str,
    description: str,
    safety_stock: int = 0,
    vendor: str = "",
    serial_tracked: bool = False,
    by: User,
) -> Part:
    policy.require(by, PartsAction.MANAGE)
    part_number, description = part_number.strip(), description.strip()
    if not part_number or not description:
        raise InvalidInput(_("A part needs a part number and a description."))
    if safety_stock < 0 or safety_stock > MAX_QUANTITY:
        raise InvalidInput(_("Safety stock must be between 0 and 1,000,000."))
    part = _create(
        Part,
        _("Part %(number)s exists already.") % {"number": part_number},
        part_number=part_number,
        description=description,
        vendor=vendor.strip(),
        safety_stock=safety_stock,
        serial_tracked=serial_tracked,
    )
    audit.record(
        action="part.create",
        obj=part,
        actor=by,
        after={
            "part_number": part_number,
            "description": description,
            "vendor": part.vendor,
            "safety_stock": safety_stock,
            "serial_tracked": serial_tracked,
        },
    )
    return part


def _check_sides(kind: str, source: Location | None, target: Location | None) -> None:
    need_from, need_to = SIDES[MoveKind(kind)]
    for side, need in ((source, need_from), (target, need_to)):
        if need == "required" and side is None:
            raise InvalidInput(_("This kind of move needs a location on both sides."))
        if need == "none" and side is not None:
            raise InvalidInput(_("This kind of move has one side only."))
    if source is None and target is None:
        raise InvalidInput(_("A move needs a location to take from or to put in."))
    if kind == MoveKind.CORRECTION and source is not None and target is not None:
        raise InvalidInput(_("A correction adds to or takes from one location."))
    if source is not None and target is not None and source.pk == target.pk:
        raise InvalidInput(_("A part cannot move to where it is."))


def _conditions(kind: str, condition: str) -> tuple[str, str]:
    """The condition a move's parts leave in and arrive in."""
    if condition not in Condition.values:
        raise InvalidInput(_("Unknown condition: %(condition)s.") % {"condition": condition})
    if kind == MoveKind.FROM_REPAIR:
        return Condition.DEFECTIVE, Condition.GOOD
    if kind in (MoveKind.DEFECTIVE_RETURN, MoveKind.TO_REPAIR):
        return Condition.DEFECTIVE, Condition.DEFECTIVE
    return condition, condition


def _serials(part: Part, quantity: int, serial_numbers: Iterable[str]) -> list[str]:
    serials = [s.strip() for s in serial_numbers if s.strip()]
    if not part.serial_tracked:
        if serials:
            raise InvalidInput(
                _("Part %(number)s is not serial-tracked: it moves without serial numbers.")
                % {"number": part.part_number}
            )
        return []
    if len(serials) != quantity or len(set(serials)) != len(serials):
        raise InvalidInput(
            _("Part %(number)s is serial-tracked: name one distinct serial number per piece.")
            % {"number": part.part_number}
        )
    return serials


def _move_units(
    part: Part,
    serials: list[str],
    source: Location | None,
    target: Location | None,
    from_condition: str,
    to_condition: str,
) -> None:
    units = {
        u.serial_number: u for u in PartUnit.objects.filter(part=part, serial_number__in=serials)
    }
    for serial in serials:
        unit = units.get(serial)
        if source is None:
            if unit is not None and unit.location_id is not None:
                raise Conflict(
                    _("Serial number %(serial)s of %(number)s is in stock already.")
                    % {"serial": serial, "number": part.part_number}
                )
        elif unit is None or unit.location_id != source.pk or unit.condition != from_condition:
            raise Conflict(
                _("Serial number %(serial)s of %(number)s is not at %(location)s.")
                % {"serial": serial, "number": part.part_number, "location": source.code}
            )
        if unit is None:
            unit = PartUnit(part=part, serial_number=serial)
        unit.location, unit.condition = target, to_condition
        unit.save()


@operation
def stock_move(
    *,
    part: Part,
    kind: str,
    quantity: int,
    from_location: Location | None = None,
    to_location: Location | None = None,
    condition: str = Condition.GOOD,
    serial_numbers: Iterable[str] = (),
    reason: str = "",
    case=None,
    by: User | None,
) -> StockMove:
    """Move ``quantity`` of ``part`` (``by`` None: the system, for the desk's own moves)."""
    if by is not None:
        policy.require(by, PartsAction.MANAGE)
    return _move(
        part=part,
        kind=kind,
        quantity=quantity,
        from_location=from_location,
        to_location=to_location,
        condition=condition,
        serial_numbers=serial_numbers,
        reason=reason,
        case=case,
        by=by,
    )


def _move(
    *,
    part: Part,
    kind: str,
    quantity: int,
    from_location: Location | None,
    to_location: Location | None,
    condition: str,
    serial_numbers: Iterable[str],
    reason: str,
    case,
    by: User | None,
) -> StockMove:
    """A move, checked and written (the caller has checked who may make it)."""
    if kind not in MoveKind.values:
        raise InvalidInput(_("Unknown kind of stock move: %(kind)s.") % {"kind": kind})
    if not isinstance(quantity, int) or quantity <= 0 or quantity > MAX_QUANTITY:
        raise InvalidInput(_("The quantity must be a whole number from 1 to 1,000,000."))
    _check_sides(kind, from_location, to_location)
    from_condition, to_condition = _conditions(kind, condition)
    part = Part.objects.select_for_update().get(pk=part.pk)  # one move of a part at a time
    serials = _serials(part, quantity, serial_numbers)
    if from_location is not None:
        have = selectors.balance(part=part, location=from_location, condition=from_condition)
        if have < quantity:
            raise Conflict(
                _("Only %(have)s of %(number)s (%(condition)s) on hand at %(location)s.")
                % {
                    "have": have,
                    "number": part.part_number,
                    "condition": Condition(from_condition).label,
                    "location": from_location.code,
                }
            )
    _move_units(part, serials, from_location, to_location, from_condition, to_condition)
    _keep_balances(part, quantity, from_location, from_condition, to_location, to_condition)
    move = StockMove.objects.create(
        part=part,
        from_location=from_location,
        to_location=to_location,
        quantity=quantity,
        from_condition=from_condition,
        to_condition=to_condition,
        serial_numbers=serials,
        kind=kind,
        by=by,
        at=clock.now(),
        reason=reason.strip()[:500],
        case=case,
    )
    audit.record(
        action="stock.move",
        obj=move,
        actor=by,
        after={
            "part": part.part_number,
            "kind": kind,
            "quantity": quantity,
            "from": from_location.code if from_location else None,
            "to": to_location.code if to_location else None,
            "from_condition": from_condition,
            "to_condition": to_condition,
            "serial_numbers": serials,
            "case": case.number if case is not None else None,
        },
        reason=move.reason,
    )
    events.publish(StockMoved(move=move))
    if (
        to_location is not None
        and to_condition == Condition.GOOD
        and to_location.kind not in NOT_OURS
        and kind != MoveKind.SHIPMENT
    ):
        _fill_backorders(part, to_location, move, by)
    _safety_stock(part, move)
    return move


def _keep_balances(
    part: Part,
    quantity: int,
    source: Location | None,
    from_condition: str,
    target: Location | None,
    to_condition: str,
) -> None:
    """The balances follow the move (the part's row is locked: no one else moves it now)."""
    if source is not None:
        StockBalance.objects.filter(part=part, location=source, condition=from_condition).update(
            quantity=F("quantity") - quantity
        )
    if target is not None:
        balance, _created = StockBalance.objects.get_or_create(
            part=part, location=target, condition=to_condition
        )
        StockBalance.objects.filter(pk=balance.pk).update(quantity=F("quantity") + quantity)


def _safety_stock(part: Part, move: StockMove) -> None:
    """One mail to the customer service managers when good stock falls below the part's
    safety level; the next only after it has been back at or above it."""
    good = selectors.good_stock(part=part)
    below = good < part.safety_stock
    if below == part.below_safety_alerted:
        return
    if below:
        outbox.queue(
            template="safety_stock",
            context={"part": part, "good": good},
            reason=f"safety_stock:{part.part_number}:{move.pk}",
            recipients=accounts.users_with_role(Role.CS_MANAGER),
        )
    part.below_safety_alerted = below
    part.save(update_fields=["below_safety_alerted"])
    audit.record(
        action="part.safety_stock",
        obj=part,
        actor=None,
        before={"below_safety_alerted": not below},
        after={"below_safety_alerted": below},
        data={"good": good, "safety_stock": part.safety_stock, "move": move.pk},
    )


# --- RMA: a replacement part for a CASE ----------------------------------------------------------

DEFECTIVE_RETURN_DAYS = 10  # an advance replacement's defective part is due back in
REPAIR_DAYS = 14  # a repair's turnaround when the CASE's product names none


def _rma_number(at: dt.datetime) -> str:
    """``R`` + YYMM (desk time) + a serial restarting monthly, taken in the transaction."""
    return numbering.monthly("R", RmaNumberSequence, at)


def _key(rma: Rma, kind: str) -> str:
    return f"rma:{rma.number}:{kind}"


def _repair_days(case) -> int:
    entitlement = case.entitlement or {}
    targets = entitlement.get("targets") or (entitlement.get("goodwill") or {}).get("targets")
    return (targets or {}).get("repair_days") or REPAIR_DAYS


def _rma_audit(rma: Rma, by: User | None, before: str | None, **data) -> None:
    audit.record(
        action="rma." + rma.status,
        obj=rma,
        actor=by,
        before={"status": before},
        after={"status": rma.status},
        data={"case": rma.case.number, "part": rma.part.part_number, **data},
    )


def _history(rma: Rma, code: str, *, by: User | None, **params) -> None:
    """The step in the CASE's history (an RMA note worded by ``parts.presenters``), for the
    desk and the customer to read, while the CASE still takes notes: a part's later steps
    (its repair weeks after the CASE closed) stay in the RMA's own record and the audit.
    Written by ``by`` when they may log work on the CASE, else (a backorder filled by a
    stock keeper's receipt, or by the system) by whoever requested the replacement."""
    case = type(rma.case).objects.get(pk=rma.case_id)  # as it is now, not as it was handed
    if case.status not in cases.ALLOWED_FROM[CaseAction.LOG_WORK]:
        return
    author = next(
        (
            who
            for who in (by, rma.created_by)
            if who is not None and policy.can(who, CaseAction.LOG_WORK, case)
        ),
        None,
    )
    if author is None:
        return
    cases.case_log_work(
        case=case,
        kind=WorkLogKind.RMA,
        note="",
        minutes=0,
        by=author,
        system={"code": code, "rma": rma.number, "part": rma.part.part_number, **params},
    )


def _locked_rma(rma: Rma, expected: tuple[str, ...]) -> Rma:
    # The part's row first, as every move takes it: a receipt filling backorders locks the
    # part, then its RMAs; a step of an RMA locks the same two in the same order.
    Part.objects.select_for_update().filter(pk=rma.part_id).first()
    rma = Rma.objects.select_for_update().select_related("case", "part").get(pk=rma.pk)
    if rma.status not in expected:
        raise Conflict(
            _("RMA %(number)s is %(status)s: that step does not follow.")
            % {"number": rma.number, "status": RmaStatus(rma.status).label}
        )
    return rma


MAX_TRACKING = 64


def _shipping(courier: str, tracking_number: str, *, required: bool) -> tuple[str, str]:
    """The courier's name and its tracking number, checked (``required``: the number)."""
    courier, tracking_number = courier.strip(), tracking_number.strip()
    if required and not tracking_number:
        raise InvalidInput(_("A courier number is needed."))
    if len(courier) > MAX_TRACKING or len(tracking_number) > MAX_TRACKING:
        raise InvalidInput(_("A courier's name and number are at most 64 characters each."))
    return courier, tracking_number


def _ship(rma: Rma, location: Location, *, by: User | None) -> None:
    """One good piece of the RMA's part leaves ``location`` for the customer (the part's row
    is locked by the caller): the RMA is ``shipped`` from there, its serial noted, and an
    advance replacement's defective part is due back from now."""
    part, now = rma.part, clock.now()
    unit = (
        PartUnit.objects.filter(part=part, location=location, condition=Condition.GOOD)
        .order_by("serial_number")
        .first()
        if part.serial_tracked
        else None
    )
    rma.replacement_serial = unit.serial_number if unit is not None else ""
    _move(
        part=part,
        kind=MoveKind.SHIPMENT,
        quantity=1,
        from_location=location,
        to_location=None,
        condition=Condition.GOOD,
        serial_numbers=[rma.replacement_serial] if unit is not None else [],
        reason=rma.number,
        case=rma.case,
        by=by,
    )
    rma.status, rma.from_location, rma.shipped_at = RmaStatus.SHIPPED, location, now
    if rma.advance:
        sla.deadline_promise(
            case=rma.case,
            key=_key(rma, DeadlineKind.DEFECTIVE_RETURN),
            kind=DeadlineKind.DEFECTIVE_RETURN,
            anchor=now,
            due_at=now + dt.timedelta(days=DEFECTIVE_RETURN_DAYS),
        )


def _fill_backorders(part: Part, location: Location, move: StockMove, by: User | None) -> None:
    """Good stock of ``part`` has arrived at ``location`` (one of the desk's own, by
    ``move``; the part's row is locked): the oldest backordered RMAs of the part are shipped
    from there, as many as it now holds."""
    have = selectors.balance(part=part, location=location, condition=Condition.GOOD)
    if have <= 0:
        return
    waiting = list(
        selectors.backordered(part=part)
        .select_for_update(of=("self",))
        .select_related("case", "part")[:have]
    )
    for rma in waiting:
        rma.part = part
        _ship(rma, location, by=by)
        rma.save(update_fields=["status", "from_location", "replacement_serial", "shipped_at"])
        _rma_audit(
            rma,
            by,
            RmaStatus.BACKORDERED,
            from_location=location.code,
            serial_number=rma.replacement_serial,
            filled_by_move=move.pk,
        )
        _history(rma, RMA_SHIPPED, by=by, serial=rma.replacement_serial, advance=rma.advance)


@operation
def rma_request(
    *,
    case,
    part: Part,
    from_location: Location | None = None,
    advance: bool = False,
    defective_serial: str = "",
    courier: str = "",
    tracking_number: str = "",
    by: User,
) -> Rma:
    """Ship a replacement of ``part`` for ``case``: from ``from_location`` when it is given,
    else from the nearest location holding a good one (``selectors.sourcing_order``).
    ``shipped`` when a good piece is there, else ``backordered`` (at ``from_location``, or
    the depot serving the customer, or the central warehouse) until stock arrives there or
    anywhere of the desk's; an advance replacement promises the defective part back within
    ten days of the shipment (a deadline the supervisor chases)."""
    policy.require(by, PartsAction.RMA, case)
    courier, tracking_number = _shipping(courier, tracking_number, required=False)
    now = clock.now()
    part = Part.objects.select_for_update().get(pk=part.pk)
    if from_location is None:
        order = selectors.sourcing_order(part=part, case=case)
        from_location = order[0][0] if order else selectors.backorder_location(case=case)
        if from_location is None:
            raise InvalidInput(_("The desk has no stock location to ship a replacement from."))
    have = selectors.balance(part=part, location=from_location, condition=Condition.GOOD)
    if have <= 0 and tracking_number:
        raise Conflict(
            _("No good %(number)s at %(location)s: a backordered part has no courier number.")
            % {"number": part.part_number, "location": from_location.code}
        )
    rma = Rma(
        number=_rma_number(now),
        case=case,
        part=part,
        advance=advance,
        from_location=from_location,
        defective_serial=defective_serial.strip()[:100],
        created_at=now,
        created_by=by,
        status=RmaStatus.BACKORDERED,
        courier=courier if have > 0 else "",
        tracking_number=tracking_number,
    )
    if have > 0:
        _ship(rma, from_location, by=by)
    rma.save()
    if rma.status == RmaStatus.BACKORDERED:  # the customer service managers are told
        outbox.queue(
            template="rma_backordered",
            context={"rma": rma},
            reason=f"rma_backordered:{rma.number}",
            recipients=accounts.users_with_role(Role.CS_MANAGER),
            case=case,
        )
    _rma_audit(
        rma,
        by,
        None,
        advance=advance,
        from_location=from_location.code,
        courier=rma.courier,
        tracking_number=rma.tracking_number,
    )
    if rma.status == RmaStatus.SHIPPED:
        _history(
            rma,
            RMA_SHIPPED,
            by=by,
            serial=rma.replacement_serial,
            advance=advance,
            courier=rma.courier,
            tracking_number=rma.tracking_number,
        )
    else:
        _history(rma, RMA_BACKORDERED, by=by)
    return rma


@operation
def rma_set_shipping(*, rma: Rma, courier: str = "", tracking_number: str, by: User) -> Rma:
    """The courier carrying a shipped replacement and its tracking number (the customer
    reads them in the portal); a backordered or later RMA is refused."""
    policy.require(by, PartsAction.RMA, rma.case)
    courier, tracking_number = _shipping(courier, tracking_number, required=True)
    rma = _locked_rma(rma, (RmaStatus.SHIPPED,))
    before = {"courier": rma.courier, "tracking_number": rma.tracking_number}
    rma.courier, rma.tracking_number = courier, tracking_number
    rma.save(update_fields=["courier", "tracking_number"])
    audit.record(
        action="rma.shipping",
        obj=rma,
        actor=by,
        before=before,
        after={"courier": courier, "tracking_number": tracking_number},
        data={"case": rma.case.number, "part": rma.part.part_number},
    )
    _history(rma, RMA_SHIPPING, by=by, courier=courier, tracking_number=tracking_number)
    return rma


@operation
def rma_defective_received(
    *, rma: Rma, location: Location, serial_number: str = "", by: User
) -> Rma:
    """The defective part is back, into ``location`` (quarantine) as defective stock."""
    policy.require(by, PartsAction.RMA, rma.case)
    rma = _locked_rma(rma, (RmaStatus.SHIPPED, RmaStatus.BACKORDERED))
    if location.kind != LocationKind.QUARANTINE:
        raise InvalidInput(_("A defective part goes into quarantine."))
    serial = serial_number.strip() or rma.defective_serial
    _move(
        part=rma.part,
        kind=MoveKind.DEFECTIVE_RETURN,
        quantity=1,
        from_location=None,
        to_location=location,
        condition=Condition.DEFECTIVE,
        serial_numbers=[serial] if rma.part.serial_tracked else [],
        reason=rma.number,
        case=rma.case,
        by=by,
    )
    before, rma.status = rma.status, RmaStatus.DEFECTIVE_RECEIVED
    rma.defective_serial, rma.held_at = serial[:100], location
    rma.save(update_fields=["status", "defective_serial", "held_at"])
    sla.deadline_keep(case=rma.case, key=_key(rma, DeadlineKind.DEFECTIVE_RETURN))
    _rma_audit(rma, by, before, location=location.code, serial_number=serial)
    _history(rma, RMA_DEFECTIVE_RECEIVED, by=by, serial=serial)
    return rma


@operation
def rma_repair(*, rma: Rma, vendor: Location, by: User) -> Rma:
    """Send the defective part to the vendor: back within the product's repair days (or 14)."""
    policy.require(by, PartsAction.RMA, rma.case)
    rma = _locked_rma(rma, (RmaStatus.DEFECTIVE_RECEIVED,))
    if vendor.kind != LocationKind.VENDOR:
        raise InvalidInput(_("A repair goes to a vendor's repair centre."))
    _move(
        part=rma.part,
        kind=MoveKind.TO_REPAIR,
        quantity=1,
        from_location=rma.held_at,
        to_location=vendor,
        condition=Condition.DEFECTIVE,
        serial_numbers=[rma.defective_serial] if rma.part.serial_tracked else [],
        reason=rma.number,
        case=rma.case,
        by=by,
    )
    before, rma.status, rma.held_at = rma.status, RmaStatus.IN_REPAIR, vendor
    rma.save(update_fields=["status", "held_at"])
    now, days = clock.now(), _repair_days(rma.case)
    sla.deadline_promise(
        case=rma.case,
        key=_key(rma, DeadlineKind.REPAIR_RETURN),
        kind=DeadlineKind.REPAIR_RETURN,
        anchor=now,
        due_at=now + dt.timedelta(days=days),
    )
    _rma_audit(rma, by, before, vendor=vendor.code, repair_days=days)
    _history(rma, RMA_IN_REPAIR, by=by, vendor=vendor.name, days=days)
    return rma


@operation
def rma_repaired(*, rma: Rma, location: Location, by: User) -> Rma:
    """The repaired part is back from the vendor, good stock at ``location``; the RMA closes."""
    policy.require(by, PartsAction.RMA, rma.case)
    rma = _locked_rma(rma, (RmaStatus.IN_REPAIR,))
    if location.kind in (LocationKind.VENDOR, LocationKind.CUSTOMER, LocationKind.QUARANTINE):
        raise InvalidInput(_("A repaired part comes back into the desk's own stock."))
    _move(
        part=rma.part,
        kind=MoveKind.FROM_REPAIR,
        quantity=1,
        from_location=rma.held_at,
        to_location=location,
        condition=Condition.DEFECTIVE,
        serial_numbers=[rma.defective_serial] if rma.part.serial_tracked else [],
        reason=rma.number,
        case=rma.case,
        by=by,
    )
    before, rma.status, rma.held_at = rma.status, RmaStatus.CLOSED, location
    rma.save(update_fields=["status", "held_at"])
    sla.deadline_keep(case=rma.case, key=_key(rma, DeadlineKind.REPAIR_RETURN))
    _rma_audit(rma, by, before, location=location.code)
    _history(rma, RMA_REPAIRED, by=by)
    return rma
