"""Demo data of contracts: the gold and silver service levels as two service products
(silver counting its CASEs against an allowance per contract year), a contract for each
customer — active, ending within 30 and 60 days, expired, one renewed, one upgraded by an
amendment — and their equipment: the boxes the demo's CASEs name (``desk.boxes``), a few
more, and two that no contract covers.

It runs before the CASEs are played (``BEFORE_CASES``), as the installed base exists before
the first call: each demo CASE's entitlement is decided at intake, covered or not.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

from casedesk.core import clock

from . import services
from .defaults import LEVEL_PRODUCTS, level_product_fields
from .models import Contract, CoverageLine, Equipment, ServiceProduct

# The annual price of each level's product per box, in CNY before VAT (renewal quotes).
PRICES = {"gold": Decimal("28800.00"), "silver": Decimal("9600.00")}
# Days from today to each customer's contract end, in ``desk.orgs`` order (the ORGS of
# demo/content/accounts.py); negative: it has expired.  ``upgrade``: silver → gold midway.
ENDS = (165, 20, 50, 300, -15, 120)
UPGRADED = 5
BOXES = (
    ("C9300-48P", "Cisco", "FOC"),
    ("N9K-C93180YC-FX", "Cisco", "FDO"),
    ("ASR1001-X", "Cisco", "FXS"),
    ("FPR2130-NGFW-K9", "Cisco", "JMX"),
    ("CE6881-48S6CQ", "华为", "2102"),
)
UNCOVERED = 2  # boxes of the first customer that no contract covers
EXTRA = 2  # boxes of each customer that no demo CASE names
# What each product allows per period: silver support counts its CASEs.
ALLOWANCES = {"silver": ({"unit": "cases", "quantity": 120, "period": "contract_year"},)}
BEFORE_CASES = True


def _serial(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(8))


def _predecessor(number: str) -> str:
    """The number of the contract a renewal followed: the same with the year before."""
    return re.sub(r"20(\d\d)", lambda m: f"20{int(m[1]) - 1:02d}", number, count=1)


def load(desk) -> None:
    """``desk``: the demo's desk (its ``now``, ``start``, ``seed``, ``staff``, ``orgs`` and
    the ``boxes`` its CASEs will name)."""
    rng = random.Random(f"{desk.seed}:contracts")
    manager = desk.staff["csm"]
    today = clock.local(desk.now).date()
    first_day = clock.local(desk.start).date()
    with clock.frozen(desk.start):
        products = {}
        for level, *_ in LEVEL_PRODUCTS:
            fields = level_product_fields(level)
            fields.pop("calendar")  # the demo's levels count on their coverage's calendars
            products[level] = services.service_product_create(
                **fields,
                annual_price=PRICES[level],
                allowances=ALLOWANCES.get(level, ()),
                by=manager,
            )
        for n, (org, days) in enumerate(zip(desk.orgs, ENDS, strict=False)):
            ends_on = today + dt.timedelta(days=days)
            starts_on = ends_on - dt.timedelta(days=364)
            product = products[org.spec.level]
            contract = services.contract_create(
                number=org.spec.contract,
                organization=org.org,
                service_product=product,
                starts_on=starts_on,
                ends_on=ends_on,
                by=manager,
            )
            earlier = None
            if starts_on > first_day:  # renewed during the history: the year before too
                earlier = services.contract_create(
                    number=_predecessor(org.spec.contract),
                    organization=org.org,
                    service_product=product,
                    starts_on=starts_on - dt.timedelta(days=365),
                    ends_on=starts_on - dt.timedelta(days=1),
                    by=manager,
                )
            sites = [zh for zh, _en in org.spec.sites]
            named = sorted(desk.boxes.get(org.spec.code, {}).values(), key=lambda b: b.serial)
            extra = [rng.choice(BOXES) for _ in range(EXTRA)]
            boxes = [(b.serial, b.model, b.vendor, b.site) for b in named] + [
                (_serial(rng, prefix), model, vendor, sites[i % len(sites)])
                for i, (model, vendor, prefix) in enumerate(extra)
            ]
            for serial, model, vendor, site in boxes:
                installed = (earlier or contract).starts_on - dt.timedelta(
                    days=rng.randrange(30, 400)
                )
                box = services.equipment_create(
                    serial_number=serial,
                    organization=org.org,
                    model=model,
                    vendor=vendor,
                    site=site,
                    installed_on=installed,
                    contract=contract,
                    by=manager,
                )
                if earlier is not None:
                    services.coverage_add(contract=earlier, equipment=box, by=manager)
            if n == 0:
                for i in range(UNCOVERED):
                    model, vendor, prefix = BOXES[i]
                    services.equipment_create(
                        serial_number=_serial(rng, prefix),
                        organization=org.org,
                        model=model,
                        vendor=vendor,
                        site=sites[-1],
                        by=manager,
                    )
    upgraded = Contract.objects.get(number=desk.orgs[UPGRADED].spec.contract)
    effective_on = today - dt.timedelta(days=30)
    with clock.frozen(desk.now - dt.timedelta(days=35)):
        services.contract_amend(
            contract=upgraded,
            effective_on=effective_on,
            service_product=products["gold"],
            reason="客户升级为金牌 7×24 服务（补充协议 2 号）",
            by=manager,
        )


def summary() -> list[str]:
    return [
        f"{ServiceProduct.objects.count()} service products, {Contract.objects.count()} "
        f"contracts, {Equipment.objects.count()} pieces of equipment "
        f"({CoverageLine.objects.count()} coverage lines)"
    ]
