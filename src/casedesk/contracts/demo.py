"""Demo data of contracts: the gold and silver service levels as two service products (silver
allowing 12 CASEs a contract year), a
contract for each customer — active, ending within 30 and 60 days, expired, one upgraded by
an amendment — and their equipment: covered, no longer covered, and never covered."""

from __future__ import annotations

import datetime as dt
import random
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
# What each product allows per period: silver support counts its CASEs.
ALLOWANCES = {"silver": ({"unit": "cases", "quantity": 12, "period": "contract_year"},)}


def _serial(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(8))


def load(desk) -> None:
    """``desk``: the demo's desk (its ``now``, ``start``, ``seed``, ``staff``, ``orgs``)."""
    rng = random.Random(f"{desk.seed}:contracts")
    manager = desk.staff["csm"]
    today = clock.local(desk.now).date()
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
            contract = services.contract_create(
                number=org.spec.contract,
                organization=org.org,
                service_product=products[org.spec.level],
                starts_on=ends_on - dt.timedelta(days=364),
                ends_on=ends_on,
                by=manager,
            )
            sites = [zh for zh, _en in org.spec.sites]
            for i in range(3 + rng.randrange(3)):
                model, vendor, prefix = rng.choice(BOXES)
                services.equipment_create(
                    serial_number=_serial(rng, prefix),
                    organization=org.org,
                    model=model,
                    vendor=vendor,
                    site=sites[i % len(sites)],
                    installed_on=contract.starts_on - dt.timedelta(days=rng.randrange(30, 400)),
                    contract=contract,
                    by=manager,
                )
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
