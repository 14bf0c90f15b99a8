"""Who may read the manager dashboard, its charts and exports: managers and admins."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import MANAGER_ROLES, Role
from casedesk.core import policy


class ReportAction(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"  # the manager dashboard, its charts and exports


READERS = MANAGER_ROLES | frozenset({Role.ADMIN})


def _rule(user, action: str, obj) -> bool:
    return user.role in READERS


policy.register("reports", {ReportAction.VIEW_DASHBOARD: gettext_lazy("view the dashboard")}, _rule)
