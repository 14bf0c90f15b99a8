"""The surveys' panel on the manager dashboard: CSAT (the share of 4–5), the average and the
count per engineer and month, and the low scores with their follow-up complaints."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from casedesk.core import policy

from . import selectors
from .policy import SurveyAction


def panels(request) -> list[SafeString]:
    if not policy.can(request.user, SurveyAction.RESULTS):
        return []
    found = selectors.results(fetched_by=request.user)
    return [render_to_string("surveys/dashboard_csat.html", {"results": found}, request=request)]
