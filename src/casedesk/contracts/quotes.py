"""The renewal quote of a contract: the next year of the same coverage, one line per covered
box at its product's annual price, the subtotal, VAT and the total.

A read, for a reader allowed to quote (``ContractAction.QUOTE``): nothing is stored and
nothing audited; the same contract quoted on the same day gives the same quote number and
the same figures.  The proposed period is explicit dates, worked out once here (never
"start + 12 months" somewhere else): it starts the day after the contract's last day and
ends the day before that day's anniversary (the anniversary of 29 February is 1 March).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from casedesk.core import policy

from . import selectors
from .models import Contract, CoverageLine
from .policy import ContractAction

CENT = Decimal("0.01")
VALID_DAYS = 30  # how long the quoted prices hold


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def anniversary(day: dt.date) -> dt.date:
    """The same date a year later; 29 February's is 1 March when the next year has none."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February → a year without it
        return dt.date(day.year + 1, 3, 1)


def renewal_period(ends_on: dt.date) -> tuple[dt.date, dt.date]:
    """The year after a contract whose last day is ``ends_on``: (first day, last day)."""
    starts_on = ends_on + dt.timedelta(days=1)
    return starts_on, anniversary(starts_on) - dt.timedelta(days=1)


@dataclass(frozen=True)
class QuoteLine:
    serial_number: str
    model: str
    vendor: str
    site: str
    product_code: str
    product_name: str
    unit_price: Decimal | None  # None: the product has no price yet
    quantity: int = 1  # years

    @property
    def amount(self) -> Decimal | None:
        return None if self.unit_price is None else money(self.unit_price * self.quantity)


@dataclass(frozen=True)
class Quote:
    number: str
    contract: Contract
    issued_on: dt.date
    valid_until: dt.date
    starts_on: dt.date
    ends_on: dt.date
    lines: tuple[QuoteLine, ...]
    tax_rate: Decimal

    @property
    def subtotal(self) -> Decimal:
        return money(sum((line.amount for line in self.lines if line.amount), Decimal(0)))

    @property
    def tax(self) -> Decimal:
        return money(self.subtotal * self.tax_rate)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax

    @property
    def unpriced(self) -> list[str]:
        """Codes of the quoted products without a price (their lines are not in the total)."""
        return sorted({line.product_code for line in self.lines if line.unit_price is None})


def quote_number(contract: Contract, issued_on: dt.date) -> str:
    return f"{contract.number}-Q{issued_on:%Y%m%d}"


def _lines(contract: Contract) -> tuple[QuoteLine, ...]:
    """One line per box the contract covers, at the product of its latest coverage line
    (an amendment that changed the product mid-term quotes the new one)."""
    latest: dict[int, CoverageLine] = {}
    for line in contract.lines.select_related("equipment", "service_product").order_by(
        "starts_on", "pk"
    ):
        latest[line.equipment_id] = line
    ordered = sorted(latest.values(), key=lambda line: line.equipment.serial_number)
    return tuple(
        QuoteLine(
            serial_number=line.equipment.serial_number,
            model=line.equipment.model,
            vendor=line.equipment.vendor,
            site=line.equipment.site,
            product_code=line.service_product.code,
            product_name=line.service_product.name,
            unit_price=line.service_product.annual_price,
        )
        for line in ordered
    )


def renewal_quote(*, number: str, fetched_by) -> Quote:
    """The renewal quote of the contract ``number`` as of today (the desk's day).
    NotFound for a contract the reader may not see, Forbidden for one they may not quote."""
    contract = selectors.contract_get(number=number, fetched_by=fetched_by)
    policy.require(fetched_by, ContractAction.QUOTE, contract)
    issued_on = selectors.local_day()
    starts_on, ends_on = renewal_period(contract.ends_on)
    return Quote(
        number=quote_number(contract, issued_on),
        contract=contract,
        issued_on=issued_on,
        valid_until=issued_on + dt.timedelta(days=VALID_DAYS),
        starts_on=starts_on,
        ends_on=ends_on,
        lines=_lines(contract),
        tax_rate=Decimal(settings.CASEDESK_QUOTE_TAX_RATE),
    )
