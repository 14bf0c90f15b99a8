"""Partners, subcontracts and the partner's CASEs as their readers may see them, and the
desk's partner figures per partner per month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from statistics import mean

from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import gettext as _

from casedesk.accounts.models import Organization, User
from casedesk.cases.models import Case
from casedesk.core import clock, policy
from casedesk.core.errors import InvalidInput, NotFound
from casedesk.surveys.models import Survey

from .models import Partner, PartnerTarget, Subcontract, SubcontractRule


def _partners(fetched_by) -> QuerySet[Partner]:
    return (
        policy.visible(fetched_by, Partner)
        .select_related("organization")
        .prefetch_related(
            Prefetch("targets", queryset=PartnerTarget.objects.order_by("priority")),
            Prefetch(
                "rules",
                queryset=SubcontractRule.objects.select_related("customer").order_by(
                    "position", "id"
                ),
            ),
        )
    )


def partner_list(*, fetched_by) -> list[Partner]:
    return list(_partners(fetched_by).order_by("organization__code"))


def active_partners(*, fetched_by) -> list[Partner]:
    """The partners CASEs may be subcontracted to now (one query)."""
    return list(
        policy.visible(fetched_by, Partner)
        .filter(is_active=True)
        .select_related("organization")
        .order_by("organization__code")
    )


def month_start() -> dt.datetime:
    """The first instant of this month in the desk's time zone."""
    return clock.local(clock.now()).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def partner_get(*, code: str, fetched_by) -> Partner:
    partner = _partners(fetched_by).filter(organization__code__iexact=(code or "").strip()).first()
    if partner is None:
        raise NotFound(_("No partner %(code)s.") % {"code": code})
    return partner


def partner_named(*, code: str, fetched_by) -> Partner:
    """A partner a request names in its body (unknown: bad input, 422)."""
    try:
        return partner_get(code=code, fetched_by=fetched_by)
    except NotFound as exc:
        raise InvalidInput(exc.detail) from exc


def organization_named(*, code: str | None, fetched_by) -> Organization | None:
    """A customer organization a rule names (unknown: bad input, 422)."""
    if not code:
        return None
    found = policy.visible(fetched_by, Organization).filter(code__iexact=code.strip()).first()
    if found is None:
        raise InvalidInput(_("No organization %(code)s.") % {"code": code})
    return found


def rule_get(*, pk: int, fetched_by) -> SubcontractRule:
    rule = (
        policy.visible(fetched_by, SubcontractRule)
        .filter(pk=pk)
        .select_related("partner__organization", "customer")
        .first()
    )
    if rule is None:
        raise NotFound(_("No such rule."))
    return rule


def partner_of(user: User) -> Partner | None:
    """The partner a partner engineer works for (None: none, or not a partner engineer)."""
    if user is None or not user.is_authenticated or user.organization_id is None:
        return None
    return (
        policy.visible(user, Partner)
        .select_related("organization")
        .prefetch_related("targets")
        .filter(organization_id=user.organization_id)
        .first()
    )


def live_subcontract(*, case: Case, fetched_by) -> Subcontract | None:
    return (
        policy.visible(fetched_by, Subcontract)
        .select_related("partner__organization", "accepted_by", "subcontracted_by")
        .filter(case_id=case.pk, withdrawn_at__isnull=True)
        .first()
    )


def case_for_partner(*, number: str, fetched_by) -> Case:
    """One CASE the reader may see (a partner engineer: subcontracted to their partner)."""
    case = (
        policy.visible(fetched_by, Case)
        .select_related("organization", "engineer", "partner")
        .filter(number=(number or "").strip().upper())
        .first()
    )
    if case is None:
        raise NotFound(_("No CASE %(number)s.") % {"number": number})
    return case


def partner_cases(*, fetched_by, limit: int = 200) -> list[Case]:
    """The CASEs subcontracted to the reader's partner, open ones first, each with its live
    subcontract as ``subcontract`` (None once withdrawn)."""
    cases = list(
        policy.visible(fetched_by, Case)
        .exclude(partner__isnull=True)
        .select_related("organization")
        .order_by(F("resolved_at").asc(nulls_first=True), "-created_at", "-id")[:limit]
    )
    subs = {
        s.case_id: s
        for s in policy.visible(fetched_by, Subcontract).filter(
            case_id__in=[c.pk for c in cases], withdrawn_at__isnull=True
        )
    }
    for case in cases:
        case.subcontract = subs.get(case.pk)
    return cases


# --- figures ---------------------------------------------------------------------------------


@dataclass
class Figures:
    """One partner's month: CASEs subcontracted in it, how fast they were accepted and
    resolved (minutes, averages), breaches of the partner's targets, survey scores."""

    partner: Partner
    month: str
    subcontracted: int = 0
    accepted: int = 0
    resolved: int = 0
    response_minutes: list[float] = field(default_factory=list)
    resolution_minutes: list[float] = field(default_factory=list)
    response_breaches: int = 0
    resolution_breaches: int = 0
    scores: list[int] = field(default_factory=list)

    @property
    def average_response(self) -> float | None:
        return round(mean(self.response_minutes), 1) if self.response_minutes else None

    @property
    def average_resolution(self) -> float | None:
        return round(mean(self.resolution_minutes), 1) if self.resolution_minutes else None

    @property
    def breaches(self) -> int:
        return self.response_breaches + self.resolution_breaches

    @property
    def average_score(self) -> float | None:
        return round(mean(self.scores), 2) if self.scores else None


def _month_of(at: dt.datetime) -> str:
    return clock.local(at).strftime("%Y-%m")


def figures(*, fetched_by, since: dt.datetime | None = None) -> list[Figures]:
    """Per partner per month (the month it was subcontracted, desk time), newest first.

    Withdrawn subcontracts count as subcontracted, with no response or resolution; a
    survey counts for the partner that served the CASE when it was answered."""
    subs = policy.visible(fetched_by, Subcontract).select_related("partner__organization")
    if since is not None:
        subs = subs.filter(subcontracted_at__gte=since)
    rows: dict[tuple[int, str], Figures] = {}
    by_case: dict[int, Figures] = {}
    for sub in subs.order_by("subcontracted_at", "id"):
        month = _month_of(sub.subcontracted_at)
        row = rows.setdefault((sub.partner_id, month), Figures(sub.partner, month))
        row.subcontracted += 1
        if sub.withdrawn_at is None:
            by_case[sub.case_id] = row
        if sub.accepted_at is not None:
            row.accepted += 1
            row.response_minutes.append(_between(sub.subcontracted_at, sub.accepted_at))
        if sub.resolved_at is not None:
            row.resolved += 1
            row.resolution_minutes.append(_between(sub.subcontracted_at, sub.resolved_at))
        row.response_breaches += sub.response_breached
        row.resolution_breaches += sub.resolution_breached
    answered = (
        policy.visible(fetched_by, Survey)
        .filter(case_id__in=list(by_case), answered_at__isnull=False)
        .values_list("case_id", "score")
    )
    for case_id, score in answered:
        if score is not None:
            by_case[case_id].scores.append(score)
    by_code = sorted(rows.values(), key=lambda r: r.partner.code)
    return sorted(by_code, key=lambda r: r.month, reverse=True)


def _between(start: dt.datetime, end: dt.datetime) -> float:
    return round((end - start).total_seconds() / 60, 1)
