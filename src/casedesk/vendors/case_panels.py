"""The vendors domain's blocks on a CASE's page (``core.discovery.case_panels``).

Console: the CASE's vendor cases (vendor, case number, severity, what was sent, each update,
the next update due and whether it is late) and, for those who may, the forms to open one,
record an update and close it.  Portal: that the CASE is with a vendor (its name, since
when, done when) — never the vendor's case number, severity or notes: the desk owns the
relation with the vendor, and a customer calling the TAC with our number would go round it.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from casedesk.cases.choices import EscalationLevel
from casedesk.core import policy

from . import selectors
from .choices import SEVERITY_OF_PRIORITY, Severity, VendorCaseStatus
from .policy import VendorsAction


def console(request, case) -> list[SafeString]:
    user = request.user
    if not policy.can(user, VendorsAction.VIEW):
        return []
    vendor_cases = selectors.case_vendor_cases(case=case, fetched_by=user)
    may_open = policy.can(user, VendorsAction.OPEN, case)
    if not vendor_cases and not may_open and case.escalation_level < EscalationLevel.VENDOR:
        return []
    for vc in vendor_cases:
        vc.may_work = vc.status == VendorCaseStatus.OPEN and policy.can(
            user, VendorsAction.WORK, vc
        )
    context = {
        "case": case,
        "vendor_cases": vendor_cases,
        "may_open": may_open,
        "vendors": selectors.vendor_list(fetched_by=user, active_only=True) if may_open else [],
        "files": selectors.case_files(case=case, fetched_by=user) if may_open else [],
        "severities": Severity.choices,
        "suggested": SEVERITY_OF_PRIORITY.get(case.priority, Severity.S3),
    }
    return [render_to_string("vendors/case_vendor_cases.html", context, request=request)]


def portal(request, case) -> list[SafeString]:
    shown = selectors.customer_view(case=case, fetched_by=request.user)
    if not shown:
        return []
    return [render_to_string("vendors/portal_vendor.html", {"shown": shown}, request=request)]
