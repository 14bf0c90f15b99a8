"""Reads of vendors and vendor cases, for a reader."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from casedesk.cases.attachments import attachments_for
from casedesk.cases.models import Attachment, Case
from casedesk.core import policy
from casedesk.core.errors import InvalidInput, NotFound
from casedesk.sla.models import Deadline

from .choices import VendorCaseStatus
from .models import Vendor, VendorCase, VendorUpdate
from .policy import VendorsAction


def vendor_list(*, fetched_by, active_only: bool = False) -> list[Vendor]:
    qs = policy.visible(fetched_by, Vendor).annotate(
        open_cases=Count("cases", filter=Q(cases__status=VendorCaseStatus.OPEN))
    )
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.order_by("code"))


def vendor_get(*, pk: int, fetched_by) -> Vendor:
    vendor = policy.visible(fetched_by, Vendor).prefetch_related("contacts").filter(pk=pk).first()
    if vendor is None:
        raise NotFound(_("No such vendor."))
    return vendor


def vendor_by_code(*, code: str, fetched_by) -> Vendor:
    """The vendor named by its code (the API's ``vendor`` field); unknown → bad input (422:
    the path's CASE exists, the body names nothing)."""
    vendor = policy.visible(fetched_by, Vendor).filter(code=(code or "").strip().upper()).first()
    if vendor is None:
        raise InvalidInput(_("Unknown vendor %(code)r.") % {"code": code})
    return vendor


def _with_clock(found: list[VendorCase]) -> list[VendorCase]:
    """Each vendor case with its deadlines (``vc.deadlines``, oldest first) and the running
    one (``vc.next_due``: the engineer's step of the current round), in one query."""
    if not found:
        return found
    by_case: dict[str, list[Deadline]] = defaultdict(list)
    for d in Deadline.objects.filter(
        case_id__in={vc.case_id for vc in found}, key__startswith="vendor:"
    ).order_by("anchor_at", "pk"):
        by_case[d.key.split(":")[1]].append(d)
    for item in found:
        vc: Any = item  # (read-time attributes the pages and the API show)
        vc.deadlines = by_case.get(str(vc.pk), [])
        vc.hours = vc.vendor.hours_for(vc.severity)
        current = f"vendor:{vc.pk}:{vc.round}:update"
        vc.next_due = next((d for d in vc.deadlines if d.key == current), None)
        vc.overdue = bool(
            vc.status == VendorCaseStatus.OPEN
            and vc.next_due is not None
            and vc.next_due.fired_at is not None
            and vc.next_due.met_at is None
        )
    return found


def vendor_case_list(
    *, fetched_by, vendor: Vendor | None = None, status: str = ""
) -> list[VendorCase]:
    qs = (
        policy.visible(fetched_by, VendorCase)
        .select_related("vendor", "case")
        .prefetch_related(
            Prefetch("updates", queryset=VendorUpdate.objects.select_related("by")), "files"
        )
    )
    if vendor is not None:
        qs = qs.filter(vendor=vendor)
    if status:
        qs = qs.filter(status=status)
    return _with_clock(list(qs.order_by("-opened_at", "-pk")[:500]))


def vendor_case_get(*, pk: int, fetched_by) -> VendorCase:
    found = list(
        policy.visible(fetched_by, VendorCase)
        .select_related("vendor", "case", "opened_by")
        .prefetch_related(
            Prefetch("updates", queryset=VendorUpdate.objects.select_related("by")), "files"
        )
        .filter(pk=pk)
    )
    if not found:
        raise NotFound(_("No such vendor case."))
    return _with_clock(found)[0]


def case_vendor_cases(*, case: Case, fetched_by) -> list[VendorCase]:
    """A CASE's vendor cases, oldest first, with their updates and clocks (staff only)."""
    found = list(
        policy.visible(fetched_by, VendorCase)
        .filter(case=case)
        .select_related("vendor", "opened_by")
        .prefetch_related(
            Prefetch("updates", queryset=VendorUpdate.objects.select_related("by")), "files"
        )
        .order_by("opened_at", "pk")
    )
    return _with_clock(found)


@dataclass(frozen=True)
class WithVendor:
    """What a customer may know of their CASE's vendor cases: who, since when, done when."""

    vendor: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    open: bool


def customer_view(*, case: Case, fetched_by) -> list[WithVendor]:
    """The CASE's vendor cases as its customer reads them: the vendor's name and the dates,
    never the vendor's case number, severity or notes; nothing for a reader who may not see
    the CASE."""
    if not policy.visible(fetched_by, Case).filter(pk=case.pk).exists():
        return []
    return [
        WithVendor(vendor=name, opened_at=opened, closed_at=closed, open=status == "open")
        for name, opened, closed, status in VendorCase.objects.filter(case=case)
        .order_by("opened_at", "pk")
        .values_list("vendor__name", "opened_at", "closed_at", "status")
    ]


@dataclass
class VendorFigures:
    vendor: Vendor
    closed: int = 0
    open_now: int = 0
    updates: int = 0
    late_updates: int = 0
    hours: list[float] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return _quantile(self.hours, 0.5)

    @property
    def p90(self) -> float | None:
        return _quantile(self.hours, 0.9)


def _quantile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile by linear interpolation (numpy's default); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (pos - low), 1)


def time_at_vendor(*, start: dt.datetime, end: dt.datetime, fetched_by) -> list[VendorFigures]:
    """Per vendor: the vendor cases closed in [start, end) and their hours open→closed
    (median, p90), those open now, and the updates received in the period (late ones)."""
    policy.require(fetched_by, VendorsAction.REPORT)
    figures = {v.pk: VendorFigures(vendor=v) for v in Vendor.objects.order_by("code")}
    for vendor_id, opened, closed in VendorCase.objects.filter(
        closed_at__gte=start, closed_at__lt=end
    ).values_list("vendor_id", "opened_at", "closed_at"):
        row = figures[vendor_id]
        row.closed += 1
        if closed is not None:  # (it is: filtered on it)
            row.hours.append((closed - opened).total_seconds() / 3600)
    for vendor_id, count in (
        VendorCase.objects.filter(status=VendorCaseStatus.OPEN)
        .values_list("vendor_id")
        .annotate(n=Count("pk"))
        .values_list("vendor_id", "n")
    ):
        figures[vendor_id].open_now = count
    for vendor_id, total, late in (
        VendorUpdate.objects.filter(at__gte=start, at__lt=end)
        .values_list("vendor_case__vendor_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(late=True)))
        .values_list("vendor_case__vendor_id", "n", "late")
    ):
        figures[vendor_id].updates, figures[vendor_id].late_updates = total, late
    return list(figures.values())


def case_to_escalate(*, number: str, fetched_by) -> Case:
    """The CASE ``fetched_by`` may open a vendor case for: NotFound when they may not see it,
    Forbidden when they may not (asked before the vendor is looked up)."""
    case = (
        policy.visible(fetched_by, Case)
        .select_related("organization", "engineer")
        .filter(number=(number or "").upper())
        .order_by()
        .first()
    )
    if case is None:
        raise NotFound(_("No CASE %(number)s.") % {"number": number})
    policy.require(fetched_by, VendorsAction.OPEN, case)
    return case


def case_files(*, case: Case, fetched_by) -> list[Attachment]:
    """The CASE's files the reader may send to the vendor (those they may see)."""
    return list(attachments_for(case, fetched_by))


def case_file_ids(*, case: Case, fetched_by) -> list[int]:
    return [f.pk for f in case_files(case=case, fetched_by=fetched_by)]
