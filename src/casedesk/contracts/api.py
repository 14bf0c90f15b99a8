"""The service catalogue, contracts, the installed base and entitlement (API.md § "Service
catalogue, contracts, installed base")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Query, Router, Schema, Status

from casedesk.accounts import selectors as accounts
from casedesk.api.schemas import AllowanceUseOut, Detail, In
from casedesk.core import policy

from . import selectors, services
from .models import Contract, CoverageLine, Equipment, ServiceProduct
from .policy import ContractAction

MOUNT = "/"  # its paths name themselves: /service-products, /contracts, /equipment, /entitlement
router = Router(tags=["contracts"])
ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 422: Detail}

# Dates arrive as ISO strings ("2026-12-07"): the strict bodies take them for dates.
Day = Annotated[dt.date, Field(strict=False)]
Minutes = Annotated[int, Field(ge=0, le=10_000_000)]
Amount = Annotated[int, Field(ge=0, le=100_000)]
# CNY per covered box per year, before VAT; a JSON number or a string ("12800.00").
Price = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2, strict=False)]


class Page(Schema):
    limit: int = Field(25, ge=1, le=settings.CASEDESK_API_PAGE_MAX)
    offset: int = Field(0, ge=0, le=2**31 - 1)


def _page(qs, page: Page, out) -> dict:
    return {
        "count": qs.count(),
        "items": [out(x) for x in qs[page.offset : page.offset + page.limit]],
    }


# --- service products ------------------------------------------------------------------------


class AllowanceIn(In):
    unit: Literal["cases", "onsite_visits"] = Field(
        description="cases: CASEs opened under the contract; onsite_visits: on-site visits "
        "(counted once field service exists; 0 until then)"
    )
    quantity: int = Field(ge=1, le=1_000_000, description="units allowed per period")
    period: Literal["contract_year", "month"] = Field(
        description="contract_year: from an anniversary of the contract's start to the day "
        "before the next; month: the calendar month"
    )


class AllowanceOut(Schema):
    unit: str
    quantity: int
    period: str


class ProductIn(In):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    coverage: Literal["7x24", "5x8"]
    callback_minutes: Minutes
    first_worklog_minutes: Minutes
    onsite_hours: Amount | None = None
    repair_days: Amount | None = None
    replacement_hours: Amount | None = None
    annual_price: Price | None = None
    allowances: list[AllowanceIn] = Field(
        default_factory=list, max_length=10, description="units allowed per period"
    )


class TargetsOut(Schema):
    coverage: str
    callback_minutes: int
    first_worklog_minutes: int
    onsite_hours: int | None
    repair_days: int | None
    replacement_hours: int | None


class ProductOut(TargetsOut):
    code: str
    name: str
    annual_price: Decimal | None = Field(
        description="CNY per covered box per year, before VAT (a string: exact); null: not priced"
    )
    active: bool
    allowances: list[AllowanceOut]


class ProductList(Schema):
    count: int
    items: list[ProductOut]


def product_out(product: ServiceProduct) -> dict:
    return {
        "code": product.code,
        "name": product.name,
        "coverage": product.coverage,
        "callback_minutes": product.callback_minutes,
        "first_worklog_minutes": product.first_worklog_minutes,
        "onsite_hours": product.onsite_hours,
        "repair_days": product.repair_days,
        "replacement_hours": product.replacement_hours,
        "annual_price": product.annual_price,
        "active": product.is_active,
        "allowances": [
            {"unit": a.unit, "quantity": a.quantity, "period": a.period}
            for a in product.allowances.all()
        ],
    }


@router.get("service-products", response={200: ProductList, **ERRORS})
def list_service_products(request, page: Query[Page]):
    policy.require(request.auth, ContractAction.VIEW)
    return _page(
        selectors.service_product_list(fetched_by=request.auth).prefetch_related("allowances"),
        page,
        product_out,
    )


@router.post("service-products", response={201: ProductOut, **ERRORS})
def create_service_product(request, body: ProductIn):
    product = services.service_product_create(**body.dict(), by=request.auth)
    return Status(201, product_out(product))


# --- contracts ---------------------------------------------------------------------------------


class ContractIn(In):
    number: str = Field(min_length=1, max_length=64)
    organization: str = Field(min_length=1, max_length=32)
    service_product: str = Field(min_length=1, max_length=32, description="its code")
    starts_on: Day
    ends_on: Day = Field(description="the last day covered")


class ContractOut(Schema):
    number: str
    organization: str
    service_product: str
    starts_on: dt.date
    ends_on: dt.date
    status: str = Field(description="`future`, `active` or `expired`, today in the desk's zone")


class LineOut(Schema):
    serial_number: str
    service_product: str
    starts_on: dt.date
    ends_on: dt.date


class AmendmentOut(Schema):
    seq: int
    effective_on: dt.date
    changes: dict
    reason: str
    at: dt.datetime
    by: str | None


class ContractDetail(ContractOut):
    lines: list[LineOut]
    amendments: list[AmendmentOut]


class ContractList(Schema):
    count: int
    items: list[ContractOut]


class ContractFilters(Page):
    status: Literal["future", "active", "expired"] | None = None
    ending_within_days: int | None = Field(None, ge=0, le=3660)
    organization: str | None = Field(None, max_length=32)


class AmendmentIn(In):
    effective_on: Day
    reason: str = Field(min_length=1, max_length=2000)
    ends_on: Day | None = None
    service_product: str | None = Field(None, max_length=32, description="its code")


class CoverageIn(In):
    serial_number: str = Field(min_length=1, max_length=64)
    service_product: str | None = Field(None, max_length=32, description="default: the contract's")
    starts_on: Day | None = None
    ends_on: Day | None = None


def contract_out(contract: Contract) -> dict:
    return {
        "number": contract.number,
        "organization": contract.organization.code,
        "service_product": contract.service_product.code,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "status": selectors.contract_status(contract),
    }


def line_out(line: CoverageLine) -> dict:
    return {
        "serial_number": line.equipment.serial_number,
        "service_product": line.service_product.code,
        "starts_on": line.starts_on,
        "ends_on": line.ends_on,
    }


@router.get("contracts", response={200: ContractList, **ERRORS})
def list_contracts(request, filters: Query[ContractFilters]):
    policy.require(request.auth, ContractAction.VIEW)
    qs = selectors.contract_list(
        fetched_by=request.auth,
        status=filters.status or "",
        ending_within_days=filters.ending_within_days,
        organization=filters.organization or "",
    )
    return _page(qs, filters, contract_out)


@router.post("contracts", response={201: ContractOut, **ERRORS})
def create_contract(request, body: ContractIn):
    policy.require(request.auth, ContractAction.MANAGE_CONTRACTS)  # before "unknown …"
    contract = services.contract_create(
        number=body.number,
        organization=accounts.organization_by_code(body.organization),
        service_product=selectors.service_product_by_code(
            body.service_product, fetched_by=request.auth
        ),
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        by=request.auth,
    )
    return Status(201, contract_out(contract))


def _detail(contract: Contract, reader) -> dict:
    return {
        **contract_out(contract),
        "lines": [
            line_out(x) for x in selectors.contract_lines(contract=contract, fetched_by=reader)
        ],
        "amendments": [
            {
                "seq": a.seq,
                "effective_on": a.effective_on,
                "changes": a.changes,
                "reason": a.reason,
                "at": a.at,
                "by": a.by.username if a.by else None,
            }
            for a in selectors.contract_amendments(contract=contract, fetched_by=reader)
        ],
    }


@router.get("contracts/{number}", response={200: ContractDetail, **ERRORS})
def get_contract(request, number: str):
    return _detail(selectors.contract_get(number=number, fetched_by=request.auth), request.auth)


@router.post("contracts/{number}/amendments", response={201: ContractDetail, **ERRORS})
def amend_contract(request, number: str, body: AmendmentIn):
    contract = selectors.contract_get(number=number, fetched_by=request.auth)
    policy.require(request.auth, ContractAction.MANAGE_CONTRACTS, contract)
    product = (
        selectors.service_product_by_code(body.service_product, fetched_by=request.auth)
        if body.service_product
        else None
    )
    services.contract_amend(
        contract=contract,
        effective_on=body.effective_on,
        reason=body.reason,
        ends_on=body.ends_on,
        service_product=product,
        by=request.auth,
    )
    contract = selectors.contract_get(number=number, fetched_by=request.auth)
    return Status(201, _detail(contract, request.auth))


@router.post("contracts/{number}/coverage", response={201: LineOut, **ERRORS})
def add_coverage(request, number: str, body: CoverageIn):
    contract = selectors.contract_get(number=number, fetched_by=request.auth)
    policy.require(request.auth, ContractAction.MANAGE_CONTRACTS, contract)
    line = services.coverage_add(
        contract=contract,
        equipment=selectors.equipment_by_serial(body.serial_number, fetched_by=request.auth),
        service_product=(
            selectors.service_product_by_code(body.service_product, fetched_by=request.auth)
            if body.service_product
            else None
        ),
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        by=request.auth,
    )
    return Status(201, line_out(line))


# --- equipment ---------------------------------------------------------------------------------


class EquipmentIn(In):
    serial_number: str = Field(min_length=1, max_length=64)
    organization: str = Field(min_length=1, max_length=32)
    model: str = Field(min_length=1, max_length=100)
    vendor: str = Field(min_length=1, max_length=100)
    contract: str | None = Field(None, max_length=64, description="its number: covers the box")
    site: str = Field("", max_length=300)
    installed_on: Day | None = None
    warranty_ends_on: Day | None = None


class CoverageOut(Schema):
    contract: str
    service_product: str
    starts_on: dt.date
    ends_on: dt.date


class EquipmentOut(Schema):
    serial_number: str
    organization: str
    model: str
    vendor: str
    site: str
    installed_on: dt.date | None
    warranty_ends_on: dt.date | None


class EquipmentDetail(EquipmentOut):
    coverage: list[CoverageOut]


class EquipmentList(Schema):
    count: int
    items: list[EquipmentOut]


class EquipmentFilters(Page):
    organization: str | None = Field(None, max_length=32)
    q: str | None = Field(None, max_length=64, description="part of a serial number")


def equipment_out(equipment: Equipment) -> dict:
    return {
        "serial_number": equipment.serial_number,
        "organization": equipment.organization.code,
        "model": equipment.model,
        "vendor": equipment.vendor,
        "site": equipment.site,
        "installed_on": equipment.installed_on,
        "warranty_ends_on": equipment.warranty_ends_on,
    }


def equipment_detail(equipment: Equipment, reader) -> dict:
    lines = selectors.equipment_coverage(equipment=equipment, fetched_by=reader)
    return {
        **equipment_out(equipment),
        "coverage": [
            {
                "contract": line.contract.number,
                "service_product": line.service_product.code,
                "starts_on": line.starts_on,
                "ends_on": line.ends_on,
            }
            for line in lines
        ],
    }


@router.get("equipment", response={200: EquipmentList, **ERRORS})
def list_equipment(request, filters: Query[EquipmentFilters]):
    policy.require(request.auth, ContractAction.VIEW)
    qs = selectors.equipment_list(
        fetched_by=request.auth, organization=filters.organization or "", q=filters.q or ""
    )
    return _page(qs, filters, equipment_out)


@router.post("equipment", response={201: EquipmentDetail, **ERRORS})
def create_equipment(request, body: EquipmentIn):
    policy.require(request.auth, ContractAction.MANAGE_EQUIPMENT)  # before "unknown …"
    data = body.dict()
    organization = accounts.organization_by_code(data.pop("organization"))
    number = data.pop("contract")
    contract = selectors.contract_by_number(number, fetched_by=request.auth) if number else None
    equipment = services.equipment_create(
        **data, organization=organization, contract=contract, by=request.auth
    )
    return Status(201, equipment_detail(equipment, request.auth))


@router.get("equipment/{serial_number}", response={200: EquipmentDetail, **ERRORS})
def get_equipment(request, serial_number: str):
    equipment = selectors.equipment_get(serial_number=serial_number, fetched_by=request.auth)
    return equipment_detail(equipment, request.auth)


# --- entitlement -------------------------------------------------------------------------------


class EntitlementQuery(Schema):
    serial_number: str | None = Field(None, max_length=64)
    organization: str | None = Field(None, max_length=32, description="its code")
    at: dt.datetime | None = Field(None, description="an instant with its zone; default now")


class EntitlementOut(Schema):
    entitled: bool
    contract: str | None = Field(description="the contract's number")
    service_product: str | None = Field(description="the product's code")
    reason: str = Field(
        description="covered, not_covered_for_onsite, expired, not_started, no_contract, "
        "several_contracts, unknown_serial, unknown_organization, allowance_used_up"
    )
    starts_on: dt.date | None
    ends_on: dt.date | None
    targets: TargetsOut | None
    allowances: list[AllowanceUseOut] | None = Field(
        None, description="the product's allowances in the periods holding the instant, if any"
    )


@router.get("entitlement", response={200: EntitlementOut, **ERRORS})
def entitlement(request, query: Query[EntitlementQuery]):
    policy.require(request.auth, ContractAction.VIEW)
    found = selectors.entitlement(
        serial_number=query.serial_number,
        organization=query.organization,
        at=query.at,
        fetched_by=request.auth,
    )
    return {
        "entitled": found.entitled,
        "contract": found.contract,
        "service_product": found.service_product,
        "reason": found.reason,
        "starts_on": found.starts_on,
        "ends_on": found.ends_on,
        "targets": found.targets.__dict__ if found.targets else None,
        "allowances": [use.as_dict() for use in found.allowances] if found.allowances else None,
    }
