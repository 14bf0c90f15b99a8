"""The desk's staff see and file complaints for any organization; a customer sees and files
them for their own.  The managers (and administrators) acknowledge, resolve and close them."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import MANAGER_ROLES, Role
from casedesk.accounts.models import Organization
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.core import policy

from .models import Complaint

COMPLAINT_KEEPERS = MANAGER_ROLES | frozenset({Role.ADMIN})


class ComplaintAction(StrEnum):
    VIEW = "view_complaints"
    FILE = "file_complaint"
    WORK = "work_complaints"


def _own(user, obj) -> bool:
    """A customer's own organization's (``obj`` a complaint or an organization; None: any)."""
    if user.role != Role.CUSTOMER or user.organization_id is None:
        return False
    if obj is None:
        return True
    org_id = obj.pk if isinstance(obj, Organization) else obj.organization_id
    return org_id == user.organization_id


def _rule(user, action: str, obj) -> bool:
    if action == ComplaintAction.WORK:
        return user.role in COMPLAINT_KEEPERS
    return user.role in STAFF_ROLES or _own(user, obj)


def _rows(user, qs: QuerySet) -> QuerySet:
    if user.role in STAFF_ROLES:
        return qs
    if user.role == Role.CUSTOMER and user.organization_id is not None:
        return qs.filter(organization_id=user.organization_id)
    return qs.none()


policy.register(
    "complaints",
    {
        ComplaintAction.VIEW: gettext_lazy("see complaints"),
        ComplaintAction.FILE: gettext_lazy("file a complaint"),
        ComplaintAction.WORK: gettext_lazy("acknowledge, resolve and close complaints"),
    },
    _rule,
)
policy.register_visibility(
    Complaint, _rows, view=ComplaintAction.VIEW, hidden=gettext_lazy("No such complaint.")
)
