"""Per-period allowances of a service product: how many units a contract may use in each
period, how many it used, and the entitlement they limit.

Periods are explicit dates, whole days in the desk's time zone (like coverage), never
"start + n × 365 days":

* a **contract year** runs from an anniversary of the contract's ``starts_on`` to the day
  before the next one.  The anniversary of 29 February in a year without one is
  **28 February** (the last day of that February): a contract starting 2024-02-29 has
  years starting 2025-02-28, 2026-02-28, 2027-02-28 and 2028-02-29, so its years meet
  without a gap or an overlap and each holds 365 or 366 days.  Years go on past the
  contract's end (a short last year is not prorated).
* a **month** is the calendar month of the day.

What is used is kept in one ``AllowanceCounter`` row per (contract, unit, period kind,
period start), counted up by the CASE's intake in its transaction (``consumed``), so the
entitlement reads it with one indexed query and two intakes racing for the last unit are
serialized by the row's lock.  ``cases`` counts the CASEs opened under the contract (their
kept entitlement names it: covered, covered without on-site, or over the allowance);
``onsite_visits`` is counted by nobody yet: it reads 0 used until the field-service domain
(a later issue) counts visits into the same rows.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django.db.models import F

from .choices import AllowancePeriod, AllowanceUnit, EntitlementReason
from .models import Allowance, AllowanceCounter, Contract, ServiceProduct

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    Found = TypeVar("Found", bound=DataclassInstance)
else:
    Found = TypeVar("Found")

# The kept entitlements whose CASE was opened under the contract (and so uses a unit).
OPENED_UNDER = frozenset(
    {
        EntitlementReason.COVERED,
        EntitlementReason.NOT_COVERED_FOR_ONSITE,
        EntitlementReason.ALLOWANCE_USED_UP,
    }
)


# --- periods ----------------------------------------------------------------------------------


def anniversary(starts_on: dt.date, years: int) -> dt.date:
    """``starts_on`` moved by ``years`` years; 29 February becomes 28 February in a year
    without one."""
    year = starts_on.year + years
    return dt.date(
        year, starts_on.month, min(starts_on.day, calendar.monthrange(year, starts_on.month)[1])
    )


def period_of(period: str, starts_on: dt.date, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day of the ``period`` (an ``AllowancePeriod``) holding ``day``,
    for a contract starting on ``starts_on``."""
    if period == AllowancePeriod.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    if period == AllowancePeriod.CONTRACT_YEAR:
        years = day.year - starts_on.year
        if anniversary(starts_on, years) > day:
            years -= 1
        return anniversary(starts_on, years), anniversary(starts_on, years + 1) - dt.timedelta(
            days=1
        )
    raise ValueError(f"unknown allowance period {period!r}")


# --- usage ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AllowanceUse:
    """One allowance of a contract's product in the period holding a day."""

    unit: str
    period: str
    quantity: int
    used: int
    period_starts_on: dt.date
    period_ends_on: dt.date

    @property
    def remaining(self) -> int:
        return max(self.quantity - self.used, 0)

    @property
    def used_up(self) -> bool:
        return self.used >= self.quantity

    def as_dict(self) -> dict[str, Any]:
        """As a CASE keeps it and the API gives it (dates as ISO strings)."""
        return {
            "unit": self.unit,
            "period": self.period,
            "quantity": self.quantity,
            "used": self.used,
            "remaining": self.remaining,
            "period_starts_on": self.period_starts_on.isoformat(),
            "period_ends_on": self.period_ends_on.isoformat(),
        }


def flag_keep(product: ServiceProduct) -> None:
    """Keep ``has_allowances`` with the product's rows (after the services or the admin's
    inline changed them, in their operation)."""
    has = product.allowances.exists()
    if product.has_allowances != has:
        product.has_allowances = has
        product.save(update_fields=["has_allowances"])


def usage(
    *, contract_id: int, contract_starts_on: dt.date, product_id: int, day: dt.date
) -> list[AllowanceUse]:
    """Each allowance of the product ``product_id`` under the contract ``contract_id``
    (which started on ``contract_starts_on``) in the period holding ``day``: quantity, used,
    remaining, the period's first and last day.  Two queries (ask it only of a product that
    ``has_allowances``)."""
    allowances = list(
        Allowance.objects.filter(service_product_id=product_id).order_by("unit", "period")
    )
    if not allowances:
        return []
    periods = {a.pk: period_of(a.period, contract_starts_on, day) for a in allowances}
    counted = {
        (row.unit, row.period, row.period_starts_on): row.used
        for row in AllowanceCounter.objects.filter(
            contract_id=contract_id, period_starts_on__in={p[0] for p in periods.values()}
        )
    }
    return [
        AllowanceUse(
            unit=a.unit,
            period=a.period,
            quantity=a.quantity,
            used=counted.get((a.unit, a.period, periods[a.pk][0]), 0),
            period_starts_on=periods[a.pk][0],
            period_ends_on=periods[a.pk][1],
        )
        for a in allowances
    ]


def limited(found: Found, uses: list[AllowanceUse]) -> Found:
    """A covered entitlement ``found`` with its product's allowances ``uses`` (``usage``):
    not entitled (``allowance_used_up``) when one is used up, still naming the contract."""
    if not uses:
        return found
    if any(use.used_up for use in uses):
        return dataclasses.replace(
            found,
            entitled=False,  # type: ignore[call-arg]
            reason=EntitlementReason.ALLOWANCE_USED_UP,
            targets=None,
            allowances=tuple(uses),
        )
    return dataclasses.replace(found, allowances=tuple(uses))  # type: ignore[call-arg]


# --- using units ------------------------------------------------------------------------------


def _count_up(contract: Contract, use: dict[str, Any], unit: str) -> int:
    """One more unit in the period of ``use``; the count after it (the row stays locked
    until the transaction ends, so concurrent intakes count one after the other)."""
    key = {
        "contract": contract,
        "unit": unit,
        "period": use["period"],
        "period_starts_on": dt.date.fromisoformat(use["period_starts_on"]),
    }
    with transaction.atomic():
        AllowanceCounter.objects.get_or_create(**key)
    AllowanceCounter.objects.filter(**key).update(used=F("used") + 1)
    return AllowanceCounter.objects.get(**key).used


def consumed(kept: dict | None) -> dict | None:
    """What a CASE opening keeps (``Case.entitlement``), once the CASE is counted in its
    contract's ``cases`` allowances: ``allowances`` gives the counts with this CASE, and a
    CASE that another intake left without a unit meanwhile opens as ``allowance_used_up``."""
    if not kept or not kept.get("allowances") or kept.get("reason") not in OPENED_UNDER:
        return kept
    contract = Contract.objects.get(number=kept["contract"])
    uses = []
    for use in kept["allowances"]:
        if use["unit"] == AllowanceUnit.CASES:
            used = _count_up(contract, use, AllowanceUnit.CASES)
            use = {**use, "used": used, "remaining": max(use["quantity"] - used, 0)}
        uses.append(use)
    kept = {**kept, "allowances": uses}
    over = any(u["unit"] == AllowanceUnit.CASES and u["used"] > u["quantity"] for u in uses)
    if over and kept.get("entitled"):
        kept.update(
            entitled=False,
            reason=str(EntitlementReason.ALLOWANCE_USED_UP),
            coverage=None,
            calendar=None,
            targets=None,
        )
    return kept
