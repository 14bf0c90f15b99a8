"""The contracts domain's panel on the manager dashboard: the renewals coming, contracts
ending within 30 days and in 31–60 days (the windows of the renewal notices), each with
its count and the nearest few.  ``reports`` finds this room (``core.discovery``) and shows
what ``panels`` returns; nothing here changes anything."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from casedesk.core import policy

from . import selectors
from .policy import ContractAction

WINDOWS = ((0, 30), (31, 60))  # days from today to the contract's last day, both included
NEAREST = 5


def panels(request) -> list[SafeString]:
    user = request.user
    if not policy.can(user, ContractAction.VIEW):
        return []
    today = selectors.local_day()
    windows = []
    for first, last in WINDOWS:
        due = selectors.renewals_due(fetched_by=user, from_days=first, to_days=last)
        nearest = list(due[:NEAREST])
        for contract in nearest:
            contract.days_left = (contract.ends_on - today).days
        windows.append(
            {
                "first": first,
                "last": last,
                "count": len(nearest) if len(nearest) < NEAREST else due.count(),
                "nearest": nearest,
            }
        )
    context = {"windows": windows, "may_quote": policy.can(user, ContractAction.QUOTE)}
    return [render_to_string("contracts/dashboard_renewals.html", context, request=request)]
