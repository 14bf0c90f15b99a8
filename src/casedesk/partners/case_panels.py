"""A CASE's partner on its console page (``core.discovery`` finds this room): to whom it is
subcontracted and the partner's due times, and the forms to subcontract it or take it back
for whoever may.  Customers see nothing here (the history says a partner serves them)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from casedesk.cases.choices import CaseAction
from casedesk.cases.services import ALLOWED_FROM
from casedesk.core import policy

from . import selectors
from .policy import PartnerAction


def console(request, case) -> list[SafeString]:
    user = request.user
    if user.is_customer or not policy.can(user, PartnerAction.VIEW):
        return []
    subcontract = selectors.live_subcontract(case=case, fetched_by=user)
    may = case.status in ALLOWED_FROM[CaseAction.SUBCONTRACT] and policy.can(
        user, CaseAction.SUBCONTRACT, case
    )
    partners = [] if subcontract else selectors.active_partners(fetched_by=user)
    if subcontract is None and not (may and partners):
        return []
    context = {
        "case": case,
        "subcontract": subcontract,
        "may_subcontract": may,
        "partners": partners,
    }
    return [render_to_string("partners/case_panel.html", context, request=request)]


def portal(request, case) -> list[SafeString]:
    return []
