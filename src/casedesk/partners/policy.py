"""Who may see and run the desk's partners, and who works as one.

The desk's staff see the partners, their rules and figures; the managers (and
administrators) add partners and set their targets and rules.  Subcontracting a CASE is the
CASE's own action (``CaseAction.SUBCONTRACT``: dispatchers and supervisors).  A partner
engineer (role ``partner``) sees their own partner and its subcontracts, nothing else here.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import MANAGER_ROLES, Role
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.core import policy

from .models import Partner, Subcontract, SubcontractRule

PARTNER_KEEPERS = MANAGER_ROLES | frozenset({Role.ADMIN})


class PartnerAction(StrEnum):
    VIEW = "view_partners"
    MANAGE = "manage_partners"
    WORK = "work_as_partner"


def _own_partner(user, obj) -> bool:
    """``obj`` (a partner or a subcontract) is the partner engineer's own partner's."""
    if user.role != Role.PARTNER or user.organization_id is None:
        return False
    if isinstance(obj, Subcontract | SubcontractRule):
        obj = obj.partner
    return isinstance(obj, Partner) and obj.organization_id == user.organization_id


def _rule(user, action: str, obj) -> bool:
    if action == PartnerAction.WORK:
        return user.role == Role.PARTNER and user.organization_id is not None
    if action == PartnerAction.MANAGE:
        return user.role in PARTNER_KEEPERS
    return user.role in STAFF_ROLES or _own_partner(user, obj)


def _partners(user, qs: QuerySet[Partner]) -> QuerySet[Partner]:
    if user.role in STAFF_ROLES:
        return qs
    if user.role == Role.PARTNER and user.organization_id is not None:
        return qs.filter(organization_id=user.organization_id)
    return qs.none()


def _rules(user, qs: QuerySet[SubcontractRule]) -> QuerySet[SubcontractRule]:
    if user.role in STAFF_ROLES:
        return qs
    if user.role == Role.PARTNER and user.organization_id is not None:
        return qs.filter(partner__organization_id=user.organization_id)
    return qs.none()


def _subcontracts(user, qs: QuerySet[Subcontract]) -> QuerySet[Subcontract]:
    if user.role in STAFF_ROLES:
        return qs
    if user.role == Role.PARTNER and user.organization_id is not None:
        return qs.filter(partner__organization_id=user.organization_id)
    return qs.none()


policy.register(
    "partners",
    {
        PartnerAction.VIEW: gettext_lazy("see partners"),
        PartnerAction.MANAGE: gettext_lazy("manage partners"),
        PartnerAction.WORK: gettext_lazy("work as a partner"),
    },
    _rule,
)
policy.register_visibility(
    Partner, _partners, view=PartnerAction.VIEW, hidden=gettext_lazy("No such partner.")
)
policy.register_visibility(
    SubcontractRule, _rules, view=PartnerAction.VIEW, hidden=gettext_lazy("No such rule.")
)
policy.register_visibility(
    Subcontract, _subcontracts, view=PartnerAction.VIEW, hidden=gettext_lazy("No such CASE.")
)
