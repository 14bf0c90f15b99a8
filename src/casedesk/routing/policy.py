"""Who may see the engineers ranked for a CASE, with their loads and why: staff only."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy

from casedesk.accounts.policy import STAFF_ROLES
from casedesk.core import policy


class RoutingAction(StrEnum):
    VIEW_RECOMMENDATIONS = "view_recommendations"


def _rule(user, action: str, obj) -> bool:
    return user.role in STAFF_ROLES


policy.register(
    "routing",
    {RoutingAction.VIEW_RECOMMENDATIONS: gettext_lazy("see the engineers recommended for")},
    _rule,
)
