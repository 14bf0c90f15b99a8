"""The desk's staff read the CMDB (a P1's impact is everyone's business); senior engineers,
supervisors and administrators keep it: a wrong relation misleads every impact read, so
it is written by those who design and own the customers' networks.  Customers see no CI."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import Role, Tier
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.core import policy

from .models import ConfigurationItem, Relation, Service

KEEPERS = frozenset({Role.SUPERVISOR, Role.ADMIN})


class CmdbAction(StrEnum):
    VIEW = "view_cmdb"
    EDIT = "edit_cmdb"


def _senior(user) -> bool:
    staff = getattr(user, "staff", None)
    return staff is not None and staff.tier == Tier.SENIOR


def _rule(user, action: str, obj) -> bool:
    if user.role not in STAFF_ROLES:
        return False
    if action == CmdbAction.VIEW:
        return True
    return user.role in KEEPERS or (
        user.role in (Role.ENGINEER, Role.DUTY_ENGINEER) and _senior(user)
    )


def _staff(user, qs: QuerySet) -> QuerySet:
    return qs if user.role in STAFF_ROLES else qs.none()


policy.register(
    "cmdb",
    {
        CmdbAction.VIEW: gettext_lazy("read the CMDB"),
        CmdbAction.EDIT: gettext_lazy("keep the CMDB"),
    },
    _rule,
)
policy.register_visibility(
    ConfigurationItem,
    _staff,
    view=CmdbAction.VIEW,
    hidden=gettext_lazy("No such configuration item."),
)
policy.register_visibility(
    Relation, _staff, view=CmdbAction.VIEW, hidden=gettext_lazy("No such relation.")
)
policy.register_visibility(
    Service, _staff, view=CmdbAction.VIEW, hidden=gettext_lazy("No such service.")
)
