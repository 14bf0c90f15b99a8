"""Reads of field visits, for a reader."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from casedesk.accounts.models import User
from casedesk.cases.models import Case
from casedesk.core import policy
from casedesk.core.errors import NotFound
from casedesk.routing import selectors as routing
from casedesk.sla.models import Deadline

from .choices import VisitStatus
from .models import Visit, VisitForm
from .policy import FieldAction


def visit_get(*, pk: int, fetched_by) -> Visit:
    visit = (
        policy.visible(fetched_by, Visit)
        .select_related("case", "case__organization", "engineer", "created_by")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise NotFound(_("No such visit."))
    return visit


def visit_list(
    *, fetched_by, engineer: User | None = None, open_only: bool = False
) -> QuerySet[Visit]:
    """Visits the reader may see, soonest first; ``engineer``'s only; not yet done only."""
    visits = policy.visible(fetched_by, Visit).select_related(
        "case", "case__organization", "engineer"
    )
    if engineer is not None:
        visits = visits.filter(engineer=engineer)
    if open_only:
        visits = visits.filter(status__in=(VisitStatus.SCHEDULED, VisitStatus.ON_SITE))
    return visits.order_by("scheduled_at", "id")


def visits_of(case: Case, *, fetched_by) -> list[Visit]:
    return list(visit_list(fetched_by=fetched_by).filter(case=case).order_by("created_at", "id"))


def case_visits(case: Case, *, fetched_by) -> list[Visit]:
    """The CASE's visits the reader may see, oldest first, each with its engineer and its
    signed form versions (``visit.signed``, oldest first): two queries, for the CASE page."""
    signed = Prefetch(
        "forms",
        queryset=VisitForm.objects.select_related("attachment").order_by("version"),
        to_attr="signed",
    )
    return list(
        policy.visible(fetched_by, Visit)
        .filter(case=case)
        .select_related("engineer")
        .prefetch_related(signed)
        .order_by("created_at", "id")
    )


def arrival_deadlines(case: Case, visits: list[Visit]) -> dict[int, Deadline]:
    """The ``onsite_arrival`` promise of each of ``visits`` (the caller fetched them for its
    reader) by visit id; a visit without one (its product promises none) is missing."""
    keys = {visit.deadline_key: visit.pk for visit in visits}
    if not keys:
        return {}
    return {
        keys[deadline.key]: deadline
        for deadline in Deadline.objects.filter(case=case, key__in=list(keys))
    }


def forms_of(visit: Visit) -> list[VisitForm]:
    """The signed versions of ``visit`` (the caller fetched it for its reader), oldest first."""
    return list(
        VisitForm.objects.filter(visit=visit).select_related("attachment").order_by("version")
    )


def latest_form(visit: Visit) -> VisitForm:
    form = (
        VisitForm.objects.filter(visit=visit)
        .select_related("attachment")
        .order_by("-version")
        .first()
    )
    if form is None:
        raise NotFound(_("This visit has no signed form yet."))
    return form


def engineer_suggestions(
    case: Case, at: dt.datetime, *, fetched_by
) -> list[routing.Recommendation]:
    """Whom to send: routing's recommendation for the CASE (skills, load, the customer's own
    engineers), keeping those on a shift of the roster at ``at``; everyone recommended when
    nobody is on shift then."""
    ranked = routing.recommendations(case, fetched_by=fetched_by, now=at)
    on_shift = [r for r in ranked if r.on_duty]
    return on_shift or ranked


def case_to_visit(*, number: str, fetched_by) -> Case:
    """The CASE ``fetched_by`` may dispatch an engineer for: NotFound when they may not see
    it, Forbidden when they may not dispatch (asked before anything else is looked up)."""
    case = routing.case_by_number(number=number, fetched_by=fetched_by)
    policy.require(fetched_by, FieldAction.DISPATCH, case)
    return case
