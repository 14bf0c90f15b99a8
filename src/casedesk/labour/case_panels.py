"""Labour on a CASE's page (``core.discovery.case_panels`` finds this room).

The console: for those who read labour costs (``LabourAction.VIEW``), the CASE's minutes
per engineer split day / night / holiday, with the amount and the rate cards that priced
them.  The portal: the customer reads the hours spent on their CASE per day and in total,
never an amount (prices are commercial terms: the monthly settlement carries them).
Nothing here changes anything; each side is a few queries.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from casedesk.cases.choices import CaseAction
from casedesk.core import policy

from . import selectors
from .policy import LabourAction


def console(request, case) -> list[SafeString]:
    user = request.user
    if not policy.can(user, LabourAction.VIEW):
        return []
    labour = selectors.case_labour(case=case, fetched_by=user)
    if not labour.engineers:
        return []
    return [
        render_to_string(
            "labour/case_panel.html", {"labour": labour, "case": case}, request=request
        )
    ]


def portal(request, case) -> list[SafeString]:
    user = request.user
    if not user.is_customer or not policy.can(user, CaseAction.VIEW, case):
        return []
    days = selectors.case_hours(case=case, fetched_by=user)
    if not days:
        return []
    minutes = sum(m for _day, m in days)
    return [
        render_to_string(
            "labour/portal_case_panel.html",
            {
                "days": [(day, m, selectors.hours(m)) for day, m in days],
                "minutes": minutes,
                "hours": selectors.hours(minutes),
            },
            request=request,
        )
    ]
