"""Every change to the service catalogue, contracts, equipment and coverage: one operation
each, checked by the policy, audited in its transaction.

A contract is never edited in place: a change of its end or its product is an amendment
with an effective date and a reason (``contract_amend``), and the coverage lines that
followed the contract follow the change.  Coverage of one serial number by one product
never overlaps: the equipment's row is locked while a line is checked and written, so two
concurrent additions cannot both pass the check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from casedesk.accounts import selectors as accounts
from casedesk.accounts.choices import Role
from casedesk.accounts.models import Organization, User
from casedesk.core import audit, clock, policy
from casedesk.core.errors import Conflict, InvalidInput
from casedesk.core.operations import operation
from casedesk.core.services import snapshot
from casedesk.notify import services as outbox

from .allowances import flag_keep
from .choices import AllowancePeriod, AllowanceUnit, Coverage
from .models import (
    Allowance,
    Contract,
    ContractAmendment,
    CoverageLine,
    Equipment,
    ServiceProduct,
)
from .policy import ContractAction
from .serials import normalize_serial

# What a product's change may touch (its code is its name in contracts and CASEs).
PRODUCT_FIELDS = (
    "name",
    "coverage",
    "callback_minutes",
    "first_worklog_minutes",
    "onsite_hours",
    "repair_days",
    "replacement_hours",
    "annual_price",
    "is_active",
)
EQUIPMENT_FIELDS = ("model", "vendor", "site", "installed_on", "warranty_ends_on")
AMENDABLE = ("ends_on", "service_product")


def _validate(instance, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as exc:
        messages = "; ".join(
            f"{field}: {' '.join(errs)}" for field, errs in exc.message_dict.items()
        )
        raise InvalidInput(messages) from exc


def _unknown_fields(changes: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)}
        )


def _save_new(instance, conflict: str) -> None:
    """Insert ``instance``; a unique key taken meanwhile by a concurrent call is a Conflict."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise Conflict(conflict) from exc


def _cents(product: ServiceProduct) -> None:
    """A validated price as stored and answered: yuan with two decimals ("28800.50")."""
    if product.annual_price is not None:
        product.annual_price = Decimal(product.annual_price).quantize(Decimal("0.01"))


# --- the service catalogue ----------------------------------------------------------------


def _allowance_rows(allowances: Iterable[Mapping[str, Any]]) -> list[Allowance]:
    """Each ``{"unit", "quantity", "period"}`` checked: a known unit and period, at least one
    unit, one allowance per unit and period."""
    rows: dict[tuple[str, str], Allowance] = {}
    for given in allowances:
        unit, period, quantity = given.get("unit"), given.get("period"), given.get("quantity")
        if unit not in AllowanceUnit.values:
            raise InvalidInput(
                _("Unknown allowance unit %(unit)r; choose one of %(choices)s.")
                % {"unit": unit, "choices": ", ".join(AllowanceUnit.values)}
            )
        if period not in AllowancePeriod.values:
            raise InvalidInput(
                _("Unknown allowance period %(period)r; choose one of %(choices)s.")
                % {"period": period, "choices": ", ".join(AllowancePeriod.values)}
            )
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise InvalidInput(_("An allowance allows at least one unit."))
        if (unit, period) in rows:
            raise InvalidInput(
                _("Two allowances of %(unit)s per %(period)s.") % {"unit": unit, "period": period}
            )
        rows[(unit, period)] = Allowance(unit=unit, period=period, quantity=quantity)
    return list(rows.values())


def allowances_snapshot(product: ServiceProduct) -> list[dict[str, Any]]:
    """A product's allowances as its audit records hold them."""
    return [
        {"unit": a.unit, "quantity": a.quantity, "period": a.period}
        for a in product.allowances.order_by("unit", "period")
    ]


def _product_snapshot(product: ServiceProduct) -> dict[str, Any]:
    return {**snapshot(product), "allowances": allowances_snapshot(product)}


def _allowances_keep(product: ServiceProduct, rows: list[Allowance]) -> None:
    """``rows`` become the product's allowances (the ones it had go)."""
    product.allowances.all().delete()
    for row in rows:
        row.service_product = product
    Allowance.objects.bulk_create(rows)
    flag_keep(product)


@operation
def service_product_create(
    *,
    code: str,
    name: str,
    coverage: str,
    callback_minutes: int,
    first_worklog_minutes: int,
    onsite_hours: int | None = None,
    repair_days: int | None = None,
    replacement_hours: int | None = None,
    annual_price: Decimal | None = None,
    allowances: Iterable[Mapping[str, Any]] = (),
    by: User | None,
) -> ServiceProduct:
    """A new product; ``allowances``: ``[{"unit", "quantity", "period"}]`` it allows."""
    policy.require(by, ContractAction.MANAGE_CATALOGUE)
    code = code.strip().upper()
    rows = _allowance_rows(allowances)
    if coverage not in Coverage.values:
        raise InvalidInput(
            _("Unknown coverage %(coverage)r; choose one of %(choices)s.")
            % {"coverage": coverage, "choices": ", ".join(Coverage.values)}
        )
    taken = _("Service product %(code)s already exists.") % {"code": code}
    if ServiceProduct.objects.filter(code=code).exists():
        raise Conflict(taken)
    product = ServiceProduct(
        code=code,
        name=name.strip(),
        coverage=coverage,
        callback_minutes=callback_minutes,
        first_worklog_minutes=first_worklog_minutes,
        onsite_hours=onsite_hours,
        repair_days=repair_days,
        replacement_hours=replacement_hours,
        annual_price=annual_price,
        created_at=clock.now(),
    )
    _validate(product)
    _cents(product)
    _save_new(product, taken)
    _allowances_keep(product, rows)
    audit.record(
        action="service_product.create",
        obj=product,
        actor=by,
        data={"after": _product_snapshot(product)},
    )
    return product


@operation
def service_product_change(
    *, product: ServiceProduct, changes: Mapping[str, Any], by: User | None
) -> ServiceProduct:
    """Change a product's name, coverage, targets or allowances (``changes``: field → new
    value; ``allowances``: the whole new list)."""
    policy.require(by, ContractAction.MANAGE_CATALOGUE)
    changes = dict(changes)
    new_allowances = changes.pop("allowances", None)
    _unknown_fields(changes, PRODUCT_FIELDS)
    rows = _allowance_rows(new_allowances) if new_allowances is not None else None
    product = ServiceProduct.objects.select_for_update().get(pk=product.pk)
    if "coverage" in changes and changes["coverage"] not in Coverage.values:
        raise InvalidInput(_("Unknown coverage %(coverage)r.") % {"coverage": changes["coverage"]})
    before = _product_snapshot(product)
    for field, value in changes.items():
        setattr(product, field, value)
    _validate(product)
    _cents(product)
    if changes:
        product.save(update_fields=list(changes))
    if rows is not None:
        _allowances_keep(product, rows)
    audit.record(
        action="service_product.change",
        obj=product,
        actor=by,
        before=before,
        after=_product_snapshot(product),
    )
    return product


# --- contracts ------------------------------------------------------------------------------


def _check_period(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise InvalidInput(
            _("The end (%(ends_on)s) is before the start (%(starts_on)s).")
            % {"ends_on": ends_on.isoformat(), "starts_on": starts_on.isoformat()}
        )


@operation
def contract_create(
    *,
    number: str,
    organization: Organization,
    service_product: ServiceProduct,
    starts_on: dt.date,
    ends_on: dt.date,
    by: User | None,
) -> Contract:
    policy.require(by, ContractAction.MANAGE_CONTRACTS)
    number = number.strip()
    if not number:
        raise InvalidInput(_("A contract needs a number."))
    if any(c.isspace() or c == "/" for c in number):  # it names the contract in addresses
        raise InvalidInput(_("A contract number holds no spaces or slashes."))
    _check_period(starts_on, ends_on)
    if not service_product.is_active:
        raise InvalidInput(
            _("Service product %(code)s is no longer sold.") % {"code": service_product.code}
        )
    taken = _("Contract %(number)s already exists.") % {"number": number}
    if Contract.objects.filter(number=number).exists():
        raise Conflict(taken)
    contract = Contract(
        number=number,
        organization=organization,
        service_product=service_product,
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=clock.now(),
        created_by=by,
    )
    _validate(contract)
    _save_new(contract, taken)
    audit.record(
        action="contract.create", obj=contract, actor=by, data={"after": snapshot(contract)}
    )
    return contract


@operation
def contract_amend(
    *,
    contract: Contract,
    effective_on: dt.date,
    reason: str,
    ends_on: dt.date | None = None,
    service_product: ServiceProduct | None = None,
    by: User | None,
) -> ContractAmendment:
    """Change a contract's end (an extension, an early end) or its product, from
    ``effective_on``, for ``reason``.

    The coverage lines that ended with the contract end with it again; lines past a new,
    earlier end are cut to it.  A new product applies from ``effective_on``: a line of the
    old product running over that day is split there, later lines change product.
    """
    policy.require(by, ContractAction.MANAGE_CONTRACTS, contract)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the contract changes."))
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    before = {"ends_on": contract.ends_on, "service_product": contract.service_product.code}
    new_end = ends_on if ends_on is not None else contract.ends_on
    new_product = service_product or contract.service_product
    if new_end == contract.ends_on and new_product.pk == contract.service_product_id:
        raise InvalidInput(_("The amendment changes nothing."))
    _check_period(contract.starts_on, new_end)
    if not contract.starts_on <= effective_on <= max(new_end, contract.ends_on):
        raise InvalidInput(
            _("The amendment must take effect between %(starts_on)s and %(ends_on)s.")
            % {"starts_on": contract.starts_on, "ends_on": max(new_end, contract.ends_on)}
        )
    if new_product.pk != contract.service_product_id and not new_product.is_active:
        raise InvalidInput(
            _("Service product %(code)s is no longer sold.") % {"code": new_product.code}
        )
    lines = list(contract.lines.select_related("service_product").order_by("pk"))
    _lock_equipment({line.equipment_id for line in lines})
    late = [line for line in lines if line.starts_on > new_end]
    if late:
        raise InvalidInput(
            _("Coverage of %(serial)s starts after the new end; remove it first.")
            % {"serial": late[0].equipment.serial_number}
        )
    changed: list[CoverageLine] = []
    for line in lines:
        if line.ends_on == contract.ends_on or line.ends_on > new_end:
            line.ends_on = new_end
        if (
            line.service_product_id == contract.service_product_id
            and new_product != contract.service_product
        ):
            if line.starts_on < effective_on <= line.ends_on:  # split at the effective day
                changed.append(
                    CoverageLine(
                        contract=contract,
                        equipment_id=line.equipment_id,
                        service_product=new_product,
                        starts_on=effective_on,
                        ends_on=line.ends_on,
                    )
                )
                line.ends_on = effective_on - dt.timedelta(days=1)
            elif line.starts_on >= effective_on:
                line.service_product = new_product
        changed.append(line)
    if new_end != contract.ends_on:
        contract.renewal_noticed_days = None  # the new end gets its own notices
    contract.ends_on, contract.service_product = new_end, new_product
    contract.save(update_fields=["ends_on", "service_product", "renewal_noticed_days"])
    for line in changed:
        _check_no_overlap(line)
        line.save()
    after = {"ends_on": contract.ends_on, "service_product": new_product.code}
    changes = audit.diff(before, after)
    seq = (contract.amendments.aggregate(top=Max("seq"))["top"] or 0) + 1
    amendment = ContractAmendment.objects.create(
        contract=contract,
        seq=seq,
        effective_on=effective_on,
        changes=audit.jsonable(changes),
        reason=reason,
        at=clock.now(),
        by=by,
    )
    audit.record(
        action="contract.amend",
        obj=contract,
        actor=by,
        before=before,
        after=after,
        data={"amendment": seq, "effective_on": effective_on},
        reason=reason,
    )
    return amendment


# --- equipment and coverage -----------------------------------------------------------------


def _lock_equipment(pks: Iterable[int]) -> None:
    """Lock the rows of these pieces of equipment, in key order (no deadlock between two
    callers locking overlapping sets); SQLite serializes writers by itself."""
    list(
        Equipment.objects.select_for_update().filter(pk__in=sorted(pks)).order_by("pk").values("pk")
    )


def _check_no_overlap(line: CoverageLine) -> None:
    clash = (
        CoverageLine.objects.filter(
            equipment_id=line.equipment_id,
            service_product_id=line.service_product_id,
            starts_on__lte=line.ends_on,
            ends_on__gte=line.starts_on,
        )
        .exclude(pk=line.pk)
        .select_related("contract", "equipment", "service_product")
        .first()
    )
    if clash is not None:
        raise Conflict(
            _(
                "%(serial)s is already covered by %(product)s under contract %(contract)s "
                "from %(starts_on)s to %(ends_on)s."
            )
            % {
                "serial": clash.equipment.serial_number,
                "product": clash.service_product.code,
                "contract": clash.contract.number,
                "starts_on": clash.starts_on.isoformat(),
                "ends_on": clash.ends_on.isoformat(),
            }
        )


@operation
def equipment_create(
    *,
    serial_number: str,
    organization: Organization,
    model: str,
    vendor: str,
    site: str = "",
    installed_on: dt.date | None = None,
    warranty_ends_on: dt.date | None = None,
    contract: Contract | None = None,
    by: User | None,
) -> Equipment:
    """A customer's box, and with ``contract`` its coverage over the contract's days."""
    policy.require(by, ContractAction.MANAGE_EQUIPMENT)
    serial = normalize_serial(serial_number)
    if not serial:
        raise InvalidInput(_("A piece of equipment needs a serial number."))
    taken = _("Serial number %(serial)s is already in the installed base.") % {"serial": serial}
    if Equipment.objects.filter(serial_number=serial).exists():
        raise Conflict(taken)
    equipment = Equipment(
        serial_number=serial,
        organization=organization,
        model=model.strip(),
        vendor=vendor.strip(),
        site=site.strip(),
        installed_on=installed_on,
        warranty_ends_on=warranty_ends_on,
        created_at=clock.now(),
    )
    _validate(equipment)
    _save_new(equipment, taken)
    audit.record(
        action="equipment.create", obj=equipment, actor=by, data={"after": snapshot(equipment)}
    )
    if contract is not None:
        coverage_add(contract=contract, equipment=equipment, by=by)
    return equipment


@operation
def equipment_change(
    *, equipment: Equipment, changes: Mapping[str, Any], by: User | None
) -> Equipment:
    """Change a box's model, vendor, site or dates (``changes``: field → new value)."""
    policy.require(by, ContractAction.MANAGE_EQUIPMENT, equipment)
    _unknown_fields(changes, EQUIPMENT_FIELDS)
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    before = snapshot(equipment)
    for field, value in changes.items():
        setattr(equipment, field, value.strip() if isinstance(value, str) else value)
    _validate(equipment)
    equipment.save(update_fields=list(changes) or None)
    audit.record(
        action="equipment.change",
        obj=equipment,
        actor=by,
        before=before,
        after=snapshot(equipment),
    )
    return equipment


@operation
def coverage_add(
    *,
    contract: Contract,
    equipment: Equipment,
    service_product: ServiceProduct | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    by: User | None,
) -> CoverageLine:
    """The contract covers ``equipment`` with ``service_product`` (default: the contract's)
    from ``starts_on`` to ``ends_on`` (default: the contract's days), both included."""
    policy.require(by, ContractAction.MANAGE_CONTRACTS, contract)
    if equipment.organization_id != contract.organization_id:
        raise InvalidInput(
            _("%(serial)s belongs to another organization than contract %(contract)s.")
            % {"serial": equipment.serial_number, "contract": contract.number}
        )
    product = service_product or contract.service_product
    line = CoverageLine(
        contract=contract,
        equipment=equipment,
        service_product=product,
        starts_on=starts_on or contract.starts_on,
        ends_on=ends_on or contract.ends_on,
    )
    _check_period(line.starts_on, line.ends_on)
    if line.starts_on < contract.starts_on or line.ends_on > contract.ends_on:
        raise InvalidInput(
            _("Coverage must lie within the contract's days, %(starts_on)s to %(ends_on)s.")
            % {"starts_on": contract.starts_on, "ends_on": contract.ends_on}
        )
    _lock_equipment([equipment.pk])  # held until commit: the check below stays true
    _check_no_overlap(line)
    line.save()
    audit.record(
        action="coverage.add",
        obj=line,
        actor=by,
        data={
            "contract": contract.number,
            "serial_number": equipment.serial_number,
            "service_product": product.code,
            "starts_on": line.starts_on,
            "ends_on": line.ends_on,
        },
    )
    return line


# --- renewals ---------------------------------------------------------------------------------

RENEWAL_WINDOWS = (60, 30)  # days before a contract's end its renewal notices go out


@operation
def renewal_notices_send(*, now: dt.datetime | None = None) -> list[str]:
    """Mail each active contract's organization contacts and the customer service managers
    once when its end is 60 days away and once at 30 (a contract first seen closer than 60
    gets the 30-day notice only); one line per contract noticed.

    Each contract's row is locked and stamped with the notice (``renewal_noticed_days``),
    and the outbox rows are unique per reason and recipient: two passes never mail twice.
    """
    today = clock.local(now or clock.now()).date()
    due = (
        Contract.objects.select_for_update(of=("self",))
        .filter(starts_on__lte=today, ends_on__gte=today)
        .filter(ends_on__lte=today + dt.timedelta(days=max(RENEWAL_WINDOWS)))
        .select_related("organization", "service_product")
        .order_by("ends_on", "pk")
    )
    managers = accounts.users_with_role(Role.CS_MANAGER)
    lines = []
    for contract in due:
        days_left = (contract.ends_on - today).days
        window = min(w for w in RENEWAL_WINDOWS if days_left <= w)
        if contract.renewal_noticed_days is not None and contract.renewal_noticed_days <= window:
            continue
        reason = f"renewal:{contract.number}:{contract.ends_on.isoformat()}:{window}"
        context = {"contract": contract, "days_left": days_left, "window": window}
        sent = outbox.queue(template="renewal", context=context, reason=reason, recipients=managers)
        contacts = contract.organization.contacts.exclude(email="").order_by("pk")
        for contact in contacts:
            outbox.queue_to_address(
                template="renewal",
                context={**context, "name": contact.name},
                reason=reason,
                to_email=contact.email,
                language=settings.LANGUAGE_CODE,
            )
        contract.renewal_noticed_days = window
        contract.save(update_fields=["renewal_noticed_days"])
        audit.record(
            action="contract.renewal_notice",
            obj=contract,
            actor=None,
            data={
                "window": window,
                "ends_on": contract.ends_on,
                "managers": len(sent),
                "contacts": len(contacts),
            },
        )
        lines.append(f"renewal notice ({window} days): {contract.number} ends {contract.ends_on}")
    return lines
