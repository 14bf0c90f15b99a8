"""The managers read labour costs; the customer service manager and the administrator keep
the rate cards.  Engineers and customers see neither (rates are commercial terms)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import MANAGER_ROLES, Role
from casedesk.core import policy

from .models import RateCard

READERS = MANAGER_ROLES | frozenset({Role.ADMIN})
RATE_KEEPERS = frozenset({Role.CS_MANAGER, Role.ADMIN})


class LabourAction(StrEnum):
    VIEW = "view_labour"
    MANAGE_RATES = "manage_rate_cards"


def _rule(user, action: str, obj) -> bool:
    if action == LabourAction.MANAGE_RATES:
        return user.role in RATE_KEEPERS
    return user.role in READERS


def _rows(user, cards):
    return cards if user.role in READERS else cards.none()


policy.register(
    "labour",
    {
        LabourAction.VIEW: gettext_lazy("see labour hours and their cost"),
        LabourAction.MANAGE_RATES: gettext_lazy("keep the rate cards"),
    },
    _rule,
)
policy.register_visibility(
    RateCard, _rows, view=LabourAction.VIEW, hidden=gettext_lazy("No such rate card.")
)
