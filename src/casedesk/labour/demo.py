"""Demo data of labour: the general rate card, a senior engineers' card, and the first
customer's own negotiated card, so the labour report and the settlement price the demo
CASEs' work logs."""

from __future__ import annotations

import random
from decimal import Decimal

from casedesk.core import clock

from . import services
from .models import RateCard

# Hourly rate (CNY, before VAT) and night / holiday multipliers.
GENERAL = ("标准工时费率", Decimal("200.00"), Decimal("1.50"), Decimal("2.00"))
SENIOR = ("高级工程师工时费率", Decimal("300.00"), Decimal("1.50"), Decimal("2.00"))
OWN_RATES = (Decimal("160.00"), Decimal("180.00"))  # a customer's negotiated rate, one of these


def load(desk) -> None:
    """``desk``: the demo's desk (its ``start``, ``seed``, ``staff`` and ``orgs``)."""
    rng = random.Random(f"{desk.seed}:labour")
    manager = desk.staff["csm"]
    with clock.frozen(desk.start):
        for (name, rate, night, holiday), tier in ((GENERAL, ""), (SENIOR, "senior")):
            services.rate_card_create(
                name=name,
                hourly_rate=rate,
                night_multiplier=night,
                holiday_multiplier=holiday,
                tier=tier,
                by=manager,
            )
        if desk.orgs:
            org = desk.orgs[0].org
            services.rate_card_create(
                name=f"{org.name}协议费率",
                hourly_rate=rng.choice(OWN_RATES),
                night_multiplier=Decimal("1.30"),
                holiday_multiplier=Decimal("1.80"),
                organization=org.code,
                by=manager,
            )


def summary() -> list[str]:
    return [f"{RateCard.objects.count()} labour rate cards"]
