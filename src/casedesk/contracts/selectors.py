"""Reads of the catalogue, contracts and installed base, always for a reader; and the
entitlement: is this box (or this organization) covered at an instant, by what, until when.

Coverage is whole days in the desk's time zone, ``ends_on`` included: an instant is
covered when its local date lies within a coverage line's days.  A contract's status is
worked out from its dates and the clock at read time, never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from casedesk.accounts.models import Organization
from casedesk.core import clock, policy
from casedesk.core.errors import InvalidInput, NotFound

from . import allowances
from .allowances import AllowanceUse
from .choices import ContractStatus, EntitlementReason
from .models import Contract, ContractAmendment, CoverageLine, Equipment, ServiceProduct
from .serials import normalize_serial


def local_day(at: dt.datetime | None = None) -> dt.date:
    """The desk's calendar day at ``at`` (default: now)."""
    return clock.local(at or clock.now()).date()


def contract_status(contract: Contract, day: dt.date | None = None) -> ContractStatus:
    """future / active / expired on ``day`` (default: today in the desk's time zone)."""
    day = day or local_day()
    if day < contract.starts_on:
        return ContractStatus.FUTURE
    if day > contract.ends_on:
        return ContractStatus.EXPIRED
    return ContractStatus.ACTIVE


# --- entitlement ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """The promised times of a service product, as stored on it."""

    coverage: str
    callback_minutes: int
    first_worklog_minutes: int
    onsite_hours: int | None
    repair_days: int | None
    replacement_hours: int | None
    calendar: str | None = None  # the product's own coverage calendar's code, if it has one

    @classmethod
    def of(cls, product: ServiceProduct) -> Targets:
        return cls(
            calendar=product.calendar.code if product.calendar is not None else None,
            coverage=product.coverage,
            callback_minutes=product.callback_minutes,
            first_worklog_minutes=product.first_worklog_minutes,
            onsite_hours=product.onsite_hours,
            repair_days=product.repair_days,
            replacement_hours=product.replacement_hours,
        )


@dataclass(frozen=True)
class Entitlement:
    """The answer at one instant: ``reason`` is an ``EntitlementReason`` code; ``contract``
    and ``service_product`` the number and the code of what covers it (or last covered it,
    or will); ``ends_on`` its last day (``starts_on`` its first)."""

    entitled: bool
    reason: str
    contract: str | None = None
    service_product: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    targets: Targets | None = None
    serial_number: str | None = None
    organization: str | None = None
    allowances: tuple[AllowanceUse, ...] = ()  # the product's, in the periods holding the day


# What one coverage line (or contract) says, read as plain values in the lookup's one query:
# a product's fields by their lookup path from the line, and the dates and number beside them.
PRODUCT_FIELDS = (
    "code",
    "coverage",
    "calendar__code",
    "callback_minutes",
    "first_worklog_minutes",
    "onsite_hours",
    "repair_days",
    "replacement_hours",
    "id",
    "has_allowances",
)


@dataclass(frozen=True)
class _Cover:
    """A coverage line or a contract: its days, its contract's number, its product."""

    starts_on: dt.date
    ends_on: dt.date
    contract: str
    product: str
    targets: Targets
    # What a product's allowances are counted by: the contract's key and first day, the
    # product's key.
    contract_id: int
    contract_starts_on: dt.date
    product_id: int
    has_allowances: bool = False

    @classmethod
    def of(cls, starts_on, ends_on, contract, contract_id, contract_starts_on, *product) -> _Cover:
        code, coverage, calendar, callback, first_worklog, onsite, repair, replacement = product[:8]
        product_id, has_allowances = product[8:]
        return cls(
            starts_on,
            ends_on,
            contract,
            code,
            contract_id=contract_id,
            contract_starts_on=contract_starts_on,
            product_id=product_id,
            has_allowances=bool(has_allowances),
            targets=Targets(
                coverage=coverage,
                calendar=calendar,
                callback_minutes=callback,
                first_worklog_minutes=first_worklog,
                onsite_hours=onsite,
                repair_days=repair,
                replacement_hours=replacement,
            ),
        )


def _from(
    entitled: bool,
    reason: str,
    cover: _Cover,
    day: dt.date | None = None,
    *,
    serial_number: str | None = None,
    organization: str | None = None,
) -> Entitlement:
    """The answer naming ``cover``'s contract; a covered one (``day`` given) within its
    product's allowances (two more queries, only for a product that has any)."""
    found = Entitlement(
        entitled=entitled,
        reason=reason,
        contract=cover.contract,
        service_product=cover.product,
        starts_on=cover.starts_on,
        ends_on=cover.ends_on,
        targets=cover.targets if entitled else None,
        serial_number=serial_number,
        organization=organization,
    )
    if day is None or not cover.has_allowances:
        return found
    uses = allowances.usage(
        contract_id=cover.contract_id,
        contract_starts_on=cover.contract_starts_on,
        product_id=cover.product_id,
        day=day,
    )
    return allowances.limited(found, uses)


def _decided(
    covers: list[_Cover],
    day: dt.date,
    *,
    serial_number: str | None = None,
    organization: str | None = None,
) -> Entitlement | None:
    """Covered, not started or expired at ``day`` by ``covers``; None when there are none.
    Covered: on-site coverage first, then the cover that lasts longest."""
    who: dict[str, Any] = {"serial_number": serial_number, "organization": organization}
    current = [c for c in covers if c.starts_on <= day <= c.ends_on]
    if current:
        best = max(current, key=lambda c: (c.targets.onsite_hours is not None, c.ends_on))
        onsite = best.targets.onsite_hours is not None
        reason = EntitlementReason.COVERED if onsite else EntitlementReason.NOT_COVERED_FOR_ONSITE
        return _from(True, reason, best, day, **who)
    coming = [c for c in covers if c.starts_on > day]
    if coming:  # a contract is signed for it: say when it starts
        return _from(
            False, EntitlementReason.NOT_STARTED, min(coming, key=lambda c: c.starts_on), **who
        )
    if covers:
        return _from(False, EntitlementReason.EXPIRED, max(covers, key=lambda c: c.ends_on), **who)
    return None


def _of_serial(
    serial: str, day: dt.date, fetched_by, *, organization_id: int | None = None
) -> Entitlement:
    """One query: the box the reader may see (of ``organization_id`` if given), left-joined
    to every line covering it with the line's contract number and product (a handful of
    rows; the day picks in Python)."""
    line = [
        f"coverage__{f}"
        for f in ("starts_on", "ends_on", "contract__number", "contract__id", "contract__starts_on")
    ]
    product = [f"coverage__service_product__{f}" for f in PRODUCT_FIELDS]
    boxes = policy.visible(fetched_by, Equipment).filter(serial_number=serial)
    if organization_id is not None:
        boxes = boxes.filter(organization_id=organization_id)
    rows = list(boxes.values_list("organization__code", *line, *product))
    if not rows:
        return Entitlement(
            entitled=False, reason=EntitlementReason.UNKNOWN_SERIAL, serial_number=serial
        )
    about = {"serial_number": serial, "organization": rows[0][0]}
    covers = [_Cover.of(*row[1:]) for row in rows if row[1] is not None]
    decided = _decided(covers, day, **about)
    return decided or Entitlement(entitled=False, reason=EntitlementReason.NO_CONTRACT, **about)


def _of_organization(code: str, day: dt.date, fetched_by) -> Entitlement:
    organization = (
        policy.visible(fetched_by, Organization)
        .filter(code__iexact=code.strip())
        .values_list("pk", "code")
        .first()
    )
    if organization is None:
        return Entitlement(entitled=False, reason=EntitlementReason.UNKNOWN_ORGANIZATION)
    pk, code = organization
    decided = _of_contracts(_contract_covers(pk, fetched_by), day, organization=code)
    return decided or Entitlement(
        entitled=False, reason=EntitlementReason.NO_CONTRACT, organization=code
    )


def _contract_covers(organization_id: int, fetched_by) -> list[_Cover]:
    product = [f"service_product__{f}" for f in PRODUCT_FIELDS]
    return [
        _Cover.of(*row)
        for row in policy.visible(fetched_by, Contract)
        .filter(organization_id=organization_id)
        .values_list("starts_on", "ends_on", "number", "id", "starts_on", *product)
    ]


def _of_contracts(covers: list[_Cover], day: dt.date, *, organization: str) -> Entitlement | None:
    """An organization's entitlement from its contracts; None when it has none."""
    if sum(1 for c in covers if c.starts_on <= day <= c.ends_on) > 1:
        # Which one covers the call depends on the box: ask for its serial number.
        return Entitlement(
            entitled=False, reason=EntitlementReason.SEVERAL_CONTRACTS, organization=organization
        )
    decided = _decided(covers, day, organization=organization)
    if decided is not None and decided.entitled:
        # An organization's one active contract covers whatever the product says of on-site.
        decided = replace(decided, reason=EntitlementReason.COVERED)
    return decided


def entitlement(
    *,
    serial_number: str | None = None,
    organization: str | None = None,
    at: dt.datetime | None = None,
    fetched_by,
) -> Entitlement:
    """Is the box ``serial_number`` (else the organization with code ``organization``)
    entitled to service at ``at`` (default: now)?  The serial number wins when both are
    given.  What the reader may not see reads as unknown."""
    if at is not None and at.tzinfo is None:
        raise InvalidInput(_("Give the instant with its time zone."))
    day = local_day(at)
    serial = normalize_serial(serial_number or "")
    if serial:
        return _of_serial(serial, day, fetched_by)
    if organization and organization.strip():
        return _of_organization(organization, day, fetched_by)
    raise InvalidInput(_("Give a serial number or an organization."))


def intake_entitlement(
    *, serial_number: str, organization: Organization, at: dt.datetime
) -> dict | None:
    """What a CASE opened now keeps as its entitlement (``Case.entitlement``): the box's if
    a serial number is given, else the organization's if it has any contract; None for an
    organization that never had one (its service level decides, as before contracts).
    Another organization's box reads as an unknown serial: a CASE never names, nor is
    promised by, a contract that is not its organization's."""
    serial = normalize_serial(serial_number or "")
    found: Entitlement | None
    if serial:
        found = _of_serial(serial, local_day(at), None, organization_id=organization.pk)
    else:
        covers = _contract_covers(organization.pk, None)
        found = _of_contracts(covers, local_day(at), organization=organization.code)
    if found is None:
        return None
    return {
        "entitled": found.entitled,
        "reason": str(found.reason),
        "contract": found.contract,
        "service_product": found.service_product,
        "starts_on": found.starts_on.isoformat() if found.starts_on else None,
        "ends_on": found.ends_on.isoformat() if found.ends_on else None,
        **_promise(found.targets),
        **({"allowances": [use.as_dict() for use in found.allowances]} if found.allowances else {}),
    }


def _promise(targets: Targets | None) -> dict:
    """A product's promised times as a CASE keeps them: ``coverage``, ``calendar`` and
    ``targets`` (the minutes, hours and days)."""
    return {
        "coverage": targets.coverage if targets else None,
        "calendar": targets.calendar if targets else None,
        "targets": (
            {k: v for k, v in asdict(targets).items() if k not in ("coverage", "calendar")}
            if targets
            else None
        ),
    }


def goodwill_terms(code: str | None) -> dict:
    """What goodwill served with the product ``code`` keeps: the product's code and its
    promised times (the same shape as :func:`intake_entitlement`'s); nothing without a
    code.  An unknown product is bad input."""
    if not code:
        return {}
    product = (
        ServiceProduct.objects.select_related("calendar").filter(code=code.strip().upper()).first()
    )
    if product is None:
        raise InvalidInput(_("Unknown service product %(code)r.") % {"code": code})
    return {"service_product": product.code, **_promise(Targets.of(product))}


# --- lists and pages --------------------------------------------------------------------------


def service_product_list(*, fetched_by, active_only: bool = False) -> QuerySet[ServiceProduct]:
    products = policy.visible(fetched_by, ServiceProduct)
    if active_only:
        products = products.filter(is_active=True)
    return products.order_by("code")


def service_product_get(*, code: str, fetched_by) -> ServiceProduct:
    product = policy.visible(fetched_by, ServiceProduct).filter(code=code.strip().upper()).first()
    if product is None:
        raise NotFound(_("No such service product."))
    return product


def contract_list(
    *,
    fetched_by,
    status: str = "",
    ending_within_days: int | None = None,
    organization: str = "",
) -> QuerySet[Contract]:
    """The reader's contracts, filtered by status on today's date, by "ends within N days"
    (active ones only), by organization code."""
    contracts = policy.visible(fetched_by, Contract).select_related(
        "organization", "service_product"
    )
    today = local_day()
    if status == ContractStatus.FUTURE:
        contracts = contracts.filter(starts_on__gt=today)
    elif status == ContractStatus.ACTIVE:
        contracts = contracts.filter(starts_on__lte=today, ends_on__gte=today)
    elif status == ContractStatus.EXPIRED:
        contracts = contracts.filter(ends_on__lt=today)
    elif status:
        raise InvalidInput(
            _("Unknown status %(status)r; choose one of %(choices)s.")
            % {"status": status, "choices": ", ".join(ContractStatus.values)}
        )
    if ending_within_days is not None:
        if ending_within_days < 0:
            raise InvalidInput(_("The number of days cannot be negative."))
        contracts = contracts.filter(
            starts_on__lte=today,
            ends_on__gte=today,
            ends_on__lte=today + dt.timedelta(days=ending_within_days),
        )
    if organization:
        contracts = contracts.filter(organization__code__iexact=organization.strip())
    return (
        contracts.order_by("ends_on", "number")
        if ending_within_days is not None
        else contracts.order_by("number")
    )


def contract_get(*, number: str, fetched_by) -> Contract:
    contract = (
        policy.visible(fetched_by, Contract)
        .select_related("organization", "service_product", "created_by")
        .filter(number=number.strip())
        .first()
    )
    if contract is None:
        raise NotFound(_("No such contract."))
    return contract


def contract_lines(*, contract: Contract, fetched_by) -> QuerySet[CoverageLine]:
    contract_get(number=contract.number, fetched_by=fetched_by)
    return contract.lines.select_related("equipment", "service_product").order_by(
        "equipment__serial_number", "starts_on"
    )


def contract_amendments(*, contract: Contract, fetched_by) -> QuerySet[ContractAmendment]:
    contract_get(number=contract.number, fetched_by=fetched_by)
    return contract.amendments.select_related("by").order_by("seq")


def equipment_list(*, fetched_by, organization: str = "", q: str = "") -> QuerySet[Equipment]:
    equipment = policy.visible(fetched_by, Equipment).select_related("organization")
    if organization:
        equipment = equipment.filter(organization__code__iexact=organization.strip())
    if q.strip():
        equipment = equipment.filter(serial_number__contains=normalize_serial(q))
    return equipment.order_by("serial_number")


def equipment_get(*, serial_number: str, fetched_by) -> Equipment:
    equipment = (
        policy.visible(fetched_by, Equipment)
        .select_related("organization")
        .filter(serial_number=normalize_serial(serial_number))
        .first()
    )
    if equipment is None:
        raise NotFound(_("No such equipment."))
    return equipment


def equipment_coverage(*, equipment: Equipment, fetched_by) -> QuerySet[CoverageLine]:
    """The lines covering ``equipment``, the reader's contracts only, earliest first."""
    return (
        CoverageLine.objects.filter(
            equipment=equipment, contract__in=policy.visible(fetched_by, Contract)
        )
        .select_related("contract", "service_product")
        .order_by("starts_on", "pk")
    )


def equipment_with_coverage(*, fetched_by) -> list[tuple[Equipment, list[CoverageLine]]]:
    """Every box the reader sees with the lines covering it (of contracts they see), in two
    queries whatever their number."""
    boxes = list(equipment_list(fetched_by=fetched_by))
    lines: dict[int, list[CoverageLine]] = {box.pk: [] for box in boxes}
    for line in (
        CoverageLine.objects.filter(
            equipment__in=boxes, contract__in=policy.visible(fetched_by, Contract)
        )
        .select_related("contract", "service_product")
        .order_by("starts_on", "pk")
    ):
        lines[line.equipment_id].append(line)
    return [(box, lines[box.pk]) for box in boxes]


def ending_soon(*, fetched_by, days: int) -> list[Contract]:
    """Active contracts whose last day is within ``days`` from today (renewals)."""
    return list(contract_list(fetched_by=fetched_by, ending_within_days=days))


def renewals_due(*, fetched_by, from_days: int, to_days: int) -> QuerySet[Contract]:
    """Active contracts whose last day is ``from_days`` to ``to_days`` days from today (both
    included), the nearest first: a window of the renewals the dashboard shows."""
    today = local_day()
    return contract_list(fetched_by=fetched_by, ending_within_days=to_days).filter(
        ends_on__gte=today + dt.timedelta(days=from_days)
    )


# --- what a request names (an unknown name is bad input, 422, not a missing page) -------------


def service_product_by_code(code: str, *, fetched_by) -> ServiceProduct:
    product = policy.visible(fetched_by, ServiceProduct).filter(code=code.strip().upper()).first()
    if product is None:
        raise InvalidInput(_("Unknown service product %(code)r.") % {"code": code})
    return product


def contract_by_number(number: str, *, fetched_by) -> Contract:
    contract = policy.visible(fetched_by, Contract).filter(number=number.strip()).first()
    if contract is None:
        raise InvalidInput(_("Unknown contract %(number)r.") % {"number": number})
    return contract


def equipment_by_serial(serial_number: str, *, fetched_by) -> Equipment:
    serial = normalize_serial(serial_number)
    equipment = policy.visible(fetched_by, Equipment).filter(serial_number=serial).first()
    if equipment is None:
        raise InvalidInput(_("Unknown serial number %(serial)r.") % {"serial": serial})
    return equipment
