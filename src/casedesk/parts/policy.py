"""The desk's staff read the stock; customer service managers and administrators keep it
(locations, parts, receipts, transfers, losses, corrections).  Customers see no stock."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import Role
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.core import policy

from .models import Location, Part, Rma, StockBalance, StockMove

STOCK_KEEPERS = frozenset({Role.CS_MANAGER, Role.ADMIN})


class PartsAction(StrEnum):
    VIEW = "view_stock"
    MANAGE = "manage_stock"
    RMA = "work_rmas"


def _rule(user, action: str, obj) -> bool:
    if action in (PartsAction.VIEW, PartsAction.RMA):  # RMAs: the desk's staff, on any CASE
        return user.role in STAFF_ROLES
    return user.role in STOCK_KEEPERS


def _staff(user, qs: QuerySet) -> QuerySet:
    return qs if user.role in STAFF_ROLES else qs.none()


policy.register(
    "parts",
    {
        PartsAction.VIEW: gettext_lazy("see spare parts stock"),
        PartsAction.MANAGE: gettext_lazy("manage spare parts stock"),
        PartsAction.RMA: gettext_lazy("request and follow RMAs"),
    },
    _rule,
)
policy.register_visibility(
    Part, _staff, view=PartsAction.VIEW, hidden=gettext_lazy("No such part.")
)
policy.register_visibility(
    Location, _staff, view=PartsAction.VIEW, hidden=gettext_lazy("No such stock location.")
)
policy.register_visibility(
    StockBalance, _staff, view=PartsAction.VIEW, hidden=gettext_lazy("No such stock balance.")
)
policy.register_visibility(Rma, _staff, view=PartsAction.VIEW, hidden=gettext_lazy("No such RMA."))
policy.register_visibility(
    StockMove, _staff, view=PartsAction.VIEW, hidden=gettext_lazy("No such stock move.")
)
