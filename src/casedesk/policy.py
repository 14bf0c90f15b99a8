"""Who may do what: the one permission policy.

``can(user, action, case)`` answers for every action; ``visible_cases(user)`` scopes every
read.  Views, API endpoints and operations all ask here; tests enumerate it.  ``user`` None
is the system itself (supervisor, mail gateway, demo loader) and may do anything.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from casedesk.accounts.choices import MANAGER_ROLES, Role, Tier
from casedesk.cases.choices import CaseAction
from casedesk.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from casedesk.accounts.models import User
    from casedesk.cases.models import Case


class DeskAction(StrEnum):
    """Actions that are not on one CASE."""

    MANAGE_CUSTOMERS = "manage_customers"


class Action:
    """All actions, so callers write ``policy.Action.ASSIGN``."""

    MANAGE_CUSTOMERS = DeskAction.MANAGE_CUSTOMERS
    VIEW = CaseAction.VIEW
    OPEN = CaseAction.OPEN
    ASSIGN = CaseAction.ASSIGN
    ACCEPT = CaseAction.ACCEPT
    ADD_HELPER = CaseAction.ADD_HELPER
    REMOVE_HELPER = CaseAction.REMOVE_HELPER
    REQUEST_REASSIGNMENT = CaseAction.REQUEST_REASSIGNMENT
    LOG_WORK = CaseAction.LOG_WORK
    SET_PRIORITY = CaseAction.SET_PRIORITY
    ESCALATE_SENIOR = CaseAction.ESCALATE_SENIOR
    ESCALATE_VENDOR = CaseAction.ESCALATE_VENDOR
    PEND = CaseAction.PEND
    RESUME = CaseAction.RESUME
    RESOLVE = CaseAction.RESOLVE
    CONFIRM = CaseAction.CONFIRM
    CLOSE = CaseAction.CLOSE
    REOPEN = CaseAction.REOPEN


# Who takes calls and dispatches: may open, grade and assign any CASE.
DISPATCHERS = frozenset({Role.CALL_TAKER, Role.DUTY_ENGINEER, Role.ADMIN}) | MANAGER_ROLES
# Who supervises CASEs: may act on any CASE in the owner's stead and close CASEs.
SUPERVISORS = frozenset({Role.DUTY_ENGINEER, Role.ADMIN}) | MANAGER_ROLES


def _is_owner(user: User, case: Case) -> bool:
    return case.engineer_id is not None and case.engineer_id == user.pk


def _is_helper(user: User, case: Case) -> bool:
    return case.helpers.filter(pk=user.pk).exists()


def _is_senior(user: User) -> bool:
    staff = getattr(user, "staff", None)
    return staff is not None and staff.tier == Tier.SENIOR


def can(user: User | None, action: str, case: Case | None = None) -> bool:
    """May ``user`` do ``action`` (to ``case``, for CASE actions)?"""
    if user is None:
        return True
    if not user.is_active:
        return False
    role = user.role

    if action == DeskAction.MANAGE_CUSTOMERS:
        return role in DISPATCHERS

    if role == Role.CUSTOMER:
        if action == CaseAction.OPEN and case is None:
            return user.organization_id is not None
        if case is None or case.organization_id != user.organization_id:
            return False
        # A customer may read, add information, confirm and say "not fixed".
        return action in {
            CaseAction.VIEW,
            CaseAction.OPEN,
            CaseAction.LOG_WORK,
            CaseAction.CONFIRM,
            CaseAction.REOPEN,
        }

    # Staff from here on.
    if action in (CaseAction.VIEW, CaseAction.OPEN):
        return True
    if case is None:
        return False
    if (
        role in SUPERVISORS
        and action != CaseAction.ACCEPT
        and action != CaseAction.REQUEST_REASSIGNMENT
    ):
        return True
    owner = _is_owner(user, case)
    match action:
        case CaseAction.ASSIGN:
            return role in DISPATCHERS
        case CaseAction.SET_PRIORITY:
            return role in DISPATCHERS or owner
        case CaseAction.LOG_WORK:
            return role in DISPATCHERS or owner or _is_helper(user, case)
        case CaseAction.ACCEPT | CaseAction.REQUEST_REASSIGNMENT:
            return owner
        case (
            CaseAction.ADD_HELPER
            | CaseAction.REMOVE_HELPER
            | CaseAction.ESCALATE_SENIOR
            | CaseAction.PEND
            | CaseAction.RESUME
            | CaseAction.RESOLVE
        ):
            return owner
        case CaseAction.ESCALATE_VENDOR:
            return owner and _is_senior(user)
        case _:
            # CONFIRM on the customer's behalf, CLOSE, REOPEN: supervisors only (above).
            return False


def require(user: User | None, action: str, case: Case | None = None) -> None:
    """Raise unless ``user`` may do ``action``: NotFound if it cannot even see the CASE."""
    if can(user, action, case):
        return
    if case is not None and not can(user, CaseAction.VIEW, case):
        raise NotFound("No such CASE.")
    raise Forbidden(
        f"You may not {action.replace('_', ' ')} this CASE."
        if case
        else f"You may not {action.replace('_', ' ')}."
    )


def visible_cases(user: User | None) -> QuerySet[Case]:
    """Every CASE ``user`` may see: all for staff, the own organization's for a customer."""
    from casedesk.cases.models import Case

    qs = Case.objects.all()
    if user is None:
        return qs
    if not user.is_active:
        return qs.none()
    if user.role == Role.CUSTOMER:
        if user.organization_id is None:
            return qs.none()
        return qs.filter(organization_id=user.organization_id)
    return qs
