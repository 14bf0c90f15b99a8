"""The desk's staff see vendors and their cases; whoever may escalate a CASE to the vendor
opens a vendor case for it, whoever works the CASE records the vendor's updates and closes
it; the managers keep the vendor list and read the report.  Customers see no vendor case
(the portal says only that their CASE is with the vendor: ``case_panels.portal``)."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import MANAGER_ROLES, Role
from casedesk.accounts.policy import STAFF_ROLES, SUPERVISORS
from casedesk.cases.choices import CaseAction
from casedesk.core import policy

from .models import Vendor, VendorCase

KEEPERS = MANAGER_ROLES | {Role.ADMIN}


class VendorsAction(StrEnum):
    VIEW = "view_vendors"
    MANAGE = "manage_vendors"
    OPEN = "open_vendor_case"
    WORK = "work_vendor_case"
    REPORT = "vendor_report"


def _rule(user, action: str, obj) -> bool:
    if user.role not in STAFF_ROLES:
        return False
    if action == VendorsAction.VIEW:
        return True
    if action in (VendorsAction.MANAGE, VendorsAction.REPORT):
        return user.role in KEEPERS
    if obj is None:  # "may open vendor cases for any CASE" / "may work vendor cases at all"
        return action == VendorsAction.WORK or user.role in SUPERVISORS
    if action == VendorsAction.OPEN:  # obj: the CASE
        return policy.can(user, CaseAction.ESCALATE_VENDOR, obj)
    if action == VendorsAction.WORK:  # obj: the vendor case
        return policy.can(user, CaseAction.LOG_WORK, obj.case)
    return False


def _staff(user, qs: QuerySet) -> QuerySet:
    return qs if user.role in STAFF_ROLES else qs.none()


policy.register(
    "vendors",
    {
        VendorsAction.VIEW: gettext_lazy("see vendors and their cases"),
        VendorsAction.MANAGE: gettext_lazy("manage vendors"),
        VendorsAction.OPEN: gettext_lazy("open a vendor case for"),
        VendorsAction.WORK: gettext_lazy("record updates of"),
        VendorsAction.REPORT: gettext_lazy("read the time at vendors"),
    },
    _rule,
)
policy.register_visibility(
    Vendor, _staff, view=VendorsAction.VIEW, hidden=gettext_lazy("No such vendor.")
)
policy.register_visibility(
    VendorCase, _staff, view=VendorsAction.VIEW, hidden=gettext_lazy("No such vendor case.")
)
