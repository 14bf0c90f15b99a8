"""The partners' panel on the manager dashboard: this month's figures per partner (CASEs
subcontracted, breaches, survey average).  ``reports`` finds this room; nothing here
changes anything."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from casedesk.core import policy

from . import selectors
from .policy import PartnerAction


def panels(request) -> list[SafeString]:
    user = request.user
    if not policy.can(user, PartnerAction.VIEW):
        return []
    figures = selectors.figures(fetched_by=user, since=selectors.month_start())
    if not figures:
        return []
    return [
        render_to_string("partners/dashboard_partners.html", {"figures": figures}, request=request)
    ]
