"""The parts domain's blocks on a CASE's page (``core.discovery.case_panels``).

Console: the CASE's RMAs (part, status, where from, serials, courier number, the deadlines
they promised) and, for those who work RMAs, the forms of the next steps (request a
replacement, the courier number, defective received, sent to repair, repaired), posting to
``parts.views``.  Portal: what the customer may know of each replacement — shipped when
and by which courier, on backorder, the defective part received — never a location or a
cost.  Three queries at most for the console (RMAs, their deadlines, the locations), two
for the portal; nothing for a reader the domain has nothing for."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from casedesk.core import policy
from casedesk.sla.choices import DeadlineKind

from . import selectors
from .choices import NOT_OURS, LocationKind, RmaStatus
from .policy import PartsAction


def console(request, case) -> list[SafeString]:
    user = request.user
    if not policy.can(user, PartsAction.VIEW):
        return []
    rmas = selectors.case_rmas(case=case, fetched_by=user)
    may_work = policy.can(user, PartsAction.RMA, case)
    if not rmas and not may_work:
        return []
    for rma in rmas:
        for deadline in rma.deadlines:
            deadline.label = DeadlineKind(deadline.kind).label
    locations = selectors.location_list(fetched_by=user) if may_work else []
    context = {
        "case": case,
        "rmas": rmas,
        "may_work": may_work,
        "sources": [loc for loc in locations if loc.kind not in NOT_OURS],
        "quarantines": [loc for loc in locations if loc.kind == LocationKind.QUARANTINE],
        "vendors": [loc for loc in locations if loc.kind == LocationKind.VENDOR],
        "Status": RmaStatus,
    }
    return [render_to_string("parts/case_rmas.html", context, request=request)]


def portal(request, case) -> list[SafeString]:
    rmas = selectors.case_rmas(case=case, fetched_by=request.user)
    if not rmas:
        return []
    return [
        render_to_string(
            "parts/portal_rmas.html", {"rmas": rmas, "Status": RmaStatus}, request=request
        )
    ]
