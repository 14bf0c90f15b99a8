"""Every member of staff reads the roster; supervisors, managers and admins plan it."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import Role
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.core import policy

from .models import DutyShift, Rotation

PLANNERS = frozenset({Role.SUPERVISOR, Role.GENERAL_MANAGER, Role.CS_MANAGER, Role.ADMIN})


class RosterAction(StrEnum):
    VIEW = "view_roster"
    PLAN = "plan_roster"


def _rule(user, action: str, obj) -> bool:
    if action == RosterAction.PLAN:
        return user.role in PLANNERS
    return user.role in STAFF_ROLES


policy.register(
    "roster",
    {
        RosterAction.VIEW: gettext_lazy("read the duty roster"),
        RosterAction.PLAN: gettext_lazy("plan the duty roster"),
    },
    _rule,
)


def _staff_only(user, rows):
    return rows if user.role in STAFF_ROLES else rows.none()


policy.register_visibility(
    DutyShift, _staff_only, view=RosterAction.VIEW, hidden=gettext_lazy("No such shift.")
)
policy.register_visibility(
    Rotation, _staff_only, view=RosterAction.VIEW, hidden=gettext_lazy("No such rotation.")
)
