"""What the CASE pages share: the fetch through the policy, the way back, a refusal page,
the severity definitions and choice labels."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from casedesk.caselist import selectors as caselist
from casedesk.cases.choices import (
    CaseAction,
    Priority,
    Status,
)
from casedesk.cases.models import Case

from .guards import refused

A = CaseAction
LIVE = (Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING)


# SPEC §2: the Cisco severity definitions the call taker grades a CASE by.
SEVERITY_HELP = {
    Priority.P1: gettext_lazy(
        "Network down: an existing network or environment is down, or there is a critical "
        "impact on the business; work continues around the clock until it is restored."
    ),
    Priority.P2: gettext_lazy(
        "Severely degraded: operation of an existing network is severely degraded, or "
        "significant parts of the business are hurt by its poor performance."
    ),
    Priority.P3: gettext_lazy(
        "Degraded: performance of the network is impaired, but most business operations still work."
    ),
    Priority.P4: gettext_lazy(
        "Information or configuration request: about capabilities, installation or "
        "configuration; little or no effect on business operations."
    ),
}


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _case(request, number: str) -> Case:
    return caselist.case_get(number=number, fetched_by=request.user)


def _back(case: Case, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("web:case_detail", args=[case.number])
    return HttpResponseRedirect(url + (f"#{anchor}" if anchor else ""))


_refused = refused  # the CASE views' name for the console's refusal page
