"""Field visits on a CASE's page (``core.discovery`` finds this room).

Staff: the CASE's visits (engineer, scheduled time, status, check-in and check-out, the
``onsite_arrival`` promise and whether it was kept, the visit page, the signed form and its
versions) and, while the CASE is open, a link to dispatch an engineer for whoever may.
The customer: the visits of their CASE (engineer, times, status) and the signed form's
latest version; nothing internal.  Three queries at most; nothing here changes anything.
"""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from casedesk.cases.choices import Status
from casedesk.core import clock, policy
from casedesk.sla.models import Deadline

from . import selectors
from .choices import VisitStatus
from .policy import FieldAction


def arrival_state(deadline: Deadline | None, now: dt.datetime) -> str:
    """How the on-site promise stands: ``met``, ``late`` (met after it was due), ``missed``
    (due, nobody there yet), ``due``, ``dropped`` (the visit was called off); "" for none."""
    if deadline is None:
        return ""
    if deadline.cancelled_at:
        return "dropped"
    if deadline.met_at:
        return "late" if deadline.due_at and deadline.met_at > deadline.due_at else "met"
    if deadline.due_at and deadline.due_at <= now:
        return "missed"
    return "due"


def console(request, case) -> list[SafeString]:
    user = request.user
    if user.is_customer or not policy.can(user, FieldAction.VIEW):
        return []
    may_dispatch = case.status != Status.CLOSED and policy.can(user, FieldAction.DISPATCH, case)
    visits = selectors.case_visits(case, fetched_by=user)
    if not visits and not may_dispatch:
        return []
    deadlines = selectors.arrival_deadlines(case, visits)
    now = clock.now()
    for visit in visits:
        visit.arrival = deadlines.get(visit.pk)
        visit.arrival_state = arrival_state(visit.arrival, now)
    context = {"case": case, "visits": visits, "may_dispatch": may_dispatch, "S": VisitStatus}
    return [render_to_string("field/case_panel.html", context, request=request)]


def portal(request, case) -> list[SafeString]:
    user = request.user
    if not user.is_customer or not policy.can(user, FieldAction.VIEW):
        return []
    visits = selectors.case_visits(case, fetched_by=user)
    if not visits:
        return []
    for visit in visits:
        visit.latest = visit.signed[-1] if visit.signed else None
    context = {"case": case, "visits": visits}
    return [render_to_string("field/portal_case_panel.html", context, request=request)]
