"""The contracts domain's test data, made through its services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from casedesk.accounts.models import Organization, User
from casedesk.contracts import services
from casedesk.contracts.models import Contract, Equipment, ServiceProduct
from tests.accounts.factories import OrganizationFactory, make_user

_seq = itertools.count(1)


def contract_manager() -> User:
    return User.objects.filter(role="cs_manager", is_active=True).first() or make_user("cs_manager")


def make_product(
    *,
    code: str = "GOLD-7X24",
    coverage: str = "7x24",
    callback_minutes: int = 15,
    first_worklog_minutes: int = 45,
    onsite_hours: int | None = 4,
    repair_days: int | None = 14,
    replacement_hours: int | None = None,
    annual_price: Decimal | str | None = None,
    allowances: tuple[dict, ...] = (),
    by: User | None = None,
) -> ServiceProduct:
    found = ServiceProduct.objects.filter(code=code.upper()).first()
    if found is not None:
        return found
    return services.service_product_create(
        code=code,
        name=f"{code} 服务",
        coverage=coverage,
        callback_minutes=callback_minutes,
        first_worklog_minutes=first_worklog_minutes,
        onsite_hours=onsite_hours,
        repair_days=repair_days,
        replacement_hours=replacement_hours,
        annual_price=Decimal(annual_price) if annual_price is not None else None,
        allowances=allowances,
        by=by or contract_manager(),
    )


def make_contract(
    *,
    number: str | None = None,
    organization: Organization | None = None,
    product: ServiceProduct | None = None,
    starts_on: dt.date = dt.date(2026, 1, 1),
    ends_on: dt.date = dt.date(2026, 12, 31),
    by: User | None = None,
) -> Contract:
    return services.contract_create(
        number=number or f"HT-2026-{next(_seq):04d}",
        organization=organization or OrganizationFactory(),
        service_product=product or make_product(),
        starts_on=starts_on,
        ends_on=ends_on,
        by=by or contract_manager(),
    )


def make_equipment(
    *,
    serial_number: str | None = None,
    organization: Organization | None = None,
    contract: Contract | None = None,
    model: str = "C9300-48P",
    vendor: str = "Cisco",
    by: User | None = None,
) -> Equipment:
    return services.equipment_create(
        serial_number=serial_number or f"FOC{next(_seq):08d}",
        organization=organization or (contract.organization if contract else OrganizationFactory()),
        model=model,
        vendor=vendor,
        site="北京市朝阳区机房 3F",
        contract=contract,
        by=by or contract_manager(),
    )
