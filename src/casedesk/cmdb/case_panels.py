"""On a CASE's page (console): the configuration item its serial number names, and what
its failure hits — the services and customers — first on the page's mind on a P1.
Nothing when the serial names no CI or the reader may not read the CMDB; nothing in the
portal (customers see no CI)."""

from __future__ import annotations

from django.template.loader import render_to_string

from casedesk.core import policy

from . import selectors
from .drawing import impact_svg
from .policy import CmdbAction

LISTED = 50


def console(request, case) -> list:
    user = request.user
    if not case.serial_number or not policy.can(user, CmdbAction.VIEW):
        return []
    ci = selectors.ci_by_serial(case.serial_number, fetched_by=user)
    if ci is None:
        return []
    found = selectors.impact(ci, fetched_by=user, limit=LISTED)
    total = found.count if found.count < LISTED else selectors.impact_count(ci, fetched_by=user)
    urgent = case.priority == "P1"
    context = {
        "case": case,
        "ci": ci,
        "impact": found,
        "impact_total": total,
        "urgent": urgent,
        "graph": impact_svg(found) if urgent and (found.items or found.services) else "",
    }
    return [render_to_string("cmdb/case_panel.html", context, request=request)]


def portal(request, case) -> list:
    return []
