"""Complaints as their readers may see them: the list (open first, overdue marked), one
complaint with its deadlines, and the monthly counts by organization and by engineer."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from casedesk.accounts.selectors import display_names
from casedesk.cases.models import Case as CaseModel
from casedesk.core import clock, policy
from casedesk.core.errors import InvalidInput, NotFound
from casedesk.sla.models import Deadline

from .choices import ComplaintStatus
from .models import Complaint

_RANK = Case(
    When(status=ComplaintStatus.OPEN, then=Value(0)),
    When(status=ComplaintStatus.ACKNOWLEDGED, then=Value(1)),
    When(status=ComplaintStatus.RESOLVED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
_PEOPLE = ("organization", "created_by", "acknowledged_by", "resolved_by", "closed_by")
KINDS = ("complaint_acknowledge", "complaint_resolution")


@dataclass(frozen=True)
class DeadlineRow:
    kind: str
    due_at: dt.datetime | None
    fired_at: dt.datetime | None
    met_at: dt.datetime | None

    @property
    def overdue(self) -> bool:
        return self.met_at is None and self.due_at is not None and self.due_at <= clock.now()


def _deadlines(complaints: list[Complaint]) -> dict[str, list[DeadlineRow]]:
    """Each complaint's deadlines (by number), in one query."""
    keys = {f"complaint:{c.number}:{k}": c.number for c in complaints for k in KINDS}
    found: dict[str, list[DeadlineRow]] = {c.number: [] for c in complaints}
    if not keys:
        return found
    rows = (
        Deadline.objects.filter(case__isnull=True, key__in=list(keys), cancelled_at__isnull=True)
        .order_by("due_at", "id")
        .values_list("key", "kind", "due_at", "fired_at", "met_at")
    )
    for key, kind, due_at, fired_at, met_at in rows:
        found[keys[key]].append(DeadlineRow(kind, due_at, fired_at, met_at))
    return found


def _with_deadlines(complaints: list[Complaint]) -> list[Complaint]:
    found = _deadlines(complaints)
    for c in complaints:
        c.deadline_rows = found[c.number]  # type: ignore[attr-defined]
        c.overdue = any(d.overdue for d in c.deadline_rows)  # type: ignore[attr-defined]
    return complaints


def complaint_list(*, fetched_by, limit: int = 200) -> list[Complaint]:
    """Open first (then acknowledged, resolved, closed), newest first within each."""
    qs = (
        policy.visible(fetched_by, Complaint)
        .select_related(*_PEOPLE)
        .prefetch_related("cases", "engineers")
        .annotate(rank=_RANK)
        .order_by("rank", "-created_at", "-pk")
    )
    return _with_deadlines(list(qs[:limit]))


def complaint_get(*, number: str, fetched_by) -> Complaint:
    complaint = (
        policy.visible(fetched_by, Complaint)
        .select_related(*_PEOPLE)
        .prefetch_related("cases", "engineers")
        .filter(number=number)
        .first()
    )
    if complaint is None:
        raise NotFound(_("No such complaint."))
    return _with_deadlines([complaint])[0]


@dataclass(frozen=True)
class MonthlyCount:
    month: str  # YYYY-MM, desk time
    name: str  # an organization's code or an engineer's username
    label: str
    count: int


def monthly_counts(*, fetched_by, months: int = 6) -> dict[str, list[MonthlyCount]]:
    """Complaints filed per month (desk time) by organization and by engineer concerned,
    the last ``months`` months, most first."""
    since = clock.now() - dt.timedelta(days=31 * months)
    qs = policy.visible(fetched_by, Complaint).filter(created_at__gte=since)
    orgs: Counter = Counter()
    org_names: dict[str, str] = {}
    for at, code, name in qs.values_list("created_at", "organization__code", "organization__name"):
        orgs[(clock.local(at).strftime("%Y-%m"), code)] += 1
        org_names[code] = name
    engineers: Counter = Counter()
    for at, login in qs.filter(engineers__isnull=False).values_list(
        "created_at", "engineers__username"
    ):
        engineers[(clock.local(at).strftime("%Y-%m"), login)] += 1
    engineer_names = display_names({login for _m, login in engineers})

    def rows(counter: Counter, names: dict[str, str]) -> list[MonthlyCount]:
        found = [
            MonthlyCount(month, name, names.get(name, name), n)
            for (month, name), n in counter.items()
        ]
        return sorted(found, key=lambda r: (r.month, r.count, r.name), reverse=True)

    return {"organizations": rows(orgs, org_names), "engineers": rows(engineers, engineer_names)}


def case_named(*, number: str, fetched_by):
    """A CASE a complaint names, if the reader may see it (else bad input: 422)."""
    case = (
        policy.visible(fetched_by, CaseModel)
        .select_related("engineer")
        .filter(number=number.strip().upper())
        .first()
    )
    if case is None:
        raise InvalidInput(_("No CASE %(number)s.") % {"number": number})
    return case
