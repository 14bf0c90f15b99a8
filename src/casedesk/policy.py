"""Who may do what: the one permission policy.

``can(user, action, case)`` answers for every action; ``visible_cases(user)`` scopes every
read.  Views, API endpoints and operations all ask here; tests enumerate it.  ``user`` None
is the system itself (supervisor, mail gateway, demo loader) and may do anything.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import MANAGER_ROLES, Role, Tier
from casedesk.cases.choices import CaseAction, Status
from casedesk.cases.models import Case
from casedesk.core.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from casedesk.accounts.models import User


class DeskAction(StrEnum):
    """Actions that are not on one CASE."""

    MANAGE_CUSTOMERS = "manage_customers"
    VIEW_DASHBOARD = "view_dashboard"  # the manager dashboard, its charts and exports
    # The engineers ranked for a CASE, with their loads and why (routing): staff only.
    VIEW_RECOMMENDATIONS = "view_recommendations"
    MANAGE_WEBHOOKS = "manage_webhooks"  # the URLs CASE events are posted to: admins only
    # Take a received fax in as a CASE, for whichever customer sent it: the desk's staff.
    RECEIVE_FAX = "receive_fax"


class Action:
    """All actions, so callers write ``policy.Action.ASSIGN``."""

    MANAGE_CUSTOMERS = DeskAction.MANAGE_CUSTOMERS
    VIEW_DASHBOARD = DeskAction.VIEW_DASHBOARD
    VIEW_RECOMMENDATIONS = DeskAction.VIEW_RECOMMENDATIONS
    MANAGE_WEBHOOKS = DeskAction.MANAGE_WEBHOOKS
    RECEIVE_FAX = DeskAction.RECEIVE_FAX
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


# Each action as the verb phrase a refusal puts before the CASE: "You may not close
# CASE-…", "… cannot close it now".  Translated, so a Chinese desk reads Chinese.
ACTION_VERBS: dict[str, Any] = {
    DeskAction.MANAGE_CUSTOMERS: gettext_lazy("manage customers"),
    DeskAction.VIEW_DASHBOARD: gettext_lazy("view the dashboard"),
    DeskAction.VIEW_RECOMMENDATIONS: gettext_lazy("see the engineers recommended for"),
    DeskAction.MANAGE_WEBHOOKS: gettext_lazy("manage webhooks"),
    DeskAction.RECEIVE_FAX: gettext_lazy("receive faxes"),
    CaseAction.VIEW: gettext_lazy("view"),
    CaseAction.OPEN: gettext_lazy("open"),
    CaseAction.ASSIGN: gettext_lazy("assign"),
    CaseAction.ACCEPT: gettext_lazy("accept"),
    CaseAction.ADD_HELPER: gettext_lazy("add a helper to"),
    CaseAction.REMOVE_HELPER: gettext_lazy("remove a helper from"),
    CaseAction.REQUEST_REASSIGNMENT: gettext_lazy("request reassignment of"),
    CaseAction.LOG_WORK: gettext_lazy("log work on"),
    CaseAction.SET_PRIORITY: gettext_lazy("change the priority of"),
    CaseAction.ESCALATE_SENIOR: gettext_lazy("escalate to a senior engineer"),
    CaseAction.ESCALATE_VENDOR: gettext_lazy("escalate to the vendor"),
    CaseAction.PEND: gettext_lazy("pend"),
    CaseAction.RESUME: gettext_lazy("resume"),
    CaseAction.RESOLVE: gettext_lazy("resolve"),
    CaseAction.CONFIRM: gettext_lazy("confirm"),
    CaseAction.CLOSE: gettext_lazy("close"),
    CaseAction.REOPEN: gettext_lazy("reopen"),
}


def verb(action: str) -> str:
    """``action`` as a verb phrase in the active language."""
    return str(ACTION_VERBS[action])


# Who takes calls and dispatches: may open, grade and assign any CASE, chase it with work
# logs, and record the customer's consent, close and reopen it (SPEC §1: call takers and
# duty engineers "close CASEs after the customer agrees").
DISPATCHERS = frozenset({Role.CALL_TAKER, Role.DUTY_ENGINEER, Role.ADMIN}) | MANAGER_ROLES
# Who supervises CASEs: may also act on any CASE in the owner's stead (helpers, escalation,
# pend, resume, resolve) — everything but the owner's own accept and reassignment request.
SUPERVISORS = frozenset({Role.DUTY_ENGINEER, Role.ADMIN}) | MANAGER_ROLES
# The desk's own people.  A role not named here or as CUSTOMER (one added for a later domain)
# may do nothing and see nothing until its rules are written here.
STAFF_ROLES = DISPATCHERS | SUPERVISORS | frozenset({Role.ENGINEER})

_ALL = frozenset(CaseAction)
_KNOWN = _ALL | frozenset(DeskAction)
# What each relation to a CASE lets a member of staff do (VIEW and OPEN: every member).
DISPATCHER_ACTIONS = frozenset(
    {
        CaseAction.ASSIGN,
        CaseAction.SET_PRIORITY,
        CaseAction.LOG_WORK,
        CaseAction.CONFIRM,
        CaseAction.CLOSE,
        CaseAction.REOPEN,
    }
)
SUPERVISOR_ACTIONS = _ALL - {CaseAction.ACCEPT, CaseAction.REQUEST_REASSIGNMENT}
# The owner works the CASE but never certifies it: confirm, close and reopen belong to the
# customer and the desk.  ESCALATE_VENDOR needs a senior owner (checked below).
OWNER_ACTIONS = frozenset(
    {
        CaseAction.ACCEPT,
        CaseAction.REQUEST_REASSIGNMENT,
        CaseAction.ADD_HELPER,
        CaseAction.REMOVE_HELPER,
        CaseAction.LOG_WORK,
        CaseAction.SET_PRIORITY,
        CaseAction.ESCALATE_SENIOR,
        CaseAction.PEND,
        CaseAction.RESUME,
        CaseAction.RESOLVE,
    }
)
HELPER_ACTIONS = frozenset({CaseAction.LOG_WORK})
# A customer reads, adds information, confirms and says "not fixed" (until it is closed:
# a closed CASE is archived and only the desk reopens it).
CUSTOMER_ACTIONS = frozenset(
    {
        CaseAction.VIEW,
        CaseAction.OPEN,
        CaseAction.LOG_WORK,
        CaseAction.CONFIRM,
        CaseAction.REOPEN,
    }
)


def _is_owner(user: User, case: Case) -> bool:
    return case.engineer_id is not None and case.engineer_id == user.pk


def _is_helper(user: User, case: Case) -> bool:
    return case.helpers.filter(pk=user.pk).exists()


def _is_senior(user: User) -> bool:
    staff = getattr(user, "staff", None)
    return staff is not None and staff.tier == Tier.SENIOR


def can(user: User | None, action: str, case: Case | None = None) -> bool:
    """May ``user`` do ``action`` (to ``case``, for CASE actions)?

    Only who the user is and how they relate to the CASE decide here; whether the CASE's
    state allows the action is the transition table's answer (``cases.services``).
    """
    if action not in _KNOWN:
        raise ValueError(f"Unknown action {action!r}")
    if user is None:
        return True
    if not user.is_active:
        return False
    role = user.role

    if role != Role.CUSTOMER and role not in STAFF_ROLES:
        return False

    if action == DeskAction.MANAGE_CUSTOMERS:
        return role in DISPATCHERS
    if action == DeskAction.VIEW_DASHBOARD:
        return role in MANAGER_ROLES or role == Role.ADMIN
    if action == DeskAction.MANAGE_WEBHOOKS:
        return role == Role.ADMIN
    if action in (DeskAction.VIEW_RECOMMENDATIONS, DeskAction.RECEIVE_FAX):
        return role in STAFF_ROLES

    if role == Role.CUSTOMER:
        if action == CaseAction.OPEN and case is None:
            return user.organization_id is not None
        if case is None or case.organization_id != user.organization_id:
            return False
        if action == CaseAction.REOPEN and case.status == Status.CLOSED:
            return False
        return action in CUSTOMER_ACTIONS

    # Staff from here on.
    if action in (CaseAction.VIEW, CaseAction.OPEN):
        return True
    if case is None:
        return False
    if role in SUPERVISORS and action in SUPERVISOR_ACTIONS:
        return True
    if role in DISPATCHERS and action in DISPATCHER_ACTIONS:
        return True
    if _is_owner(user, case):
        if action == CaseAction.ESCALATE_VENDOR:
            return _is_senior(user)
        return action in OWNER_ACTIONS
    return action in HELPER_ACTIONS and _is_helper(user, case)


def require(user: User | None, action: str, case: Case | None = None) -> None:
    """Raise unless ``user`` may do ``action``: NotFound if it cannot even see the CASE."""
    if can(user, action, case):
        return
    if case is not None and not can(user, CaseAction.VIEW, case):
        raise NotFound(_("No such CASE."))
    what = verb(action)
    if case is None:
        raise Forbidden(_("You may not %(action)s.") % {"action": what})
    if user is not None and user.is_customer:
        raise Forbidden(
            _("You may not %(action)s %(number)s; please contact the service desk.")
            % {"action": what, "number": case.number}
        )
    raise Forbidden(
        _("You may not %(action)s %(number)s.") % {"action": what, "number": case.number}
    )


def visible_cases(user: User | None) -> QuerySet[Case]:
    """Every CASE ``user`` may see: all for staff, the own organization's for a customer,
    none for any other role."""
    qs = Case.objects.all()
    if user is None:
        return qs
    if not user.is_active:
        return qs.none()
    if user.role == Role.CUSTOMER:
        if user.organization_id is None:
            return qs.none()
        return qs.filter(organization_id=user.organization_id)
    if user.role not in STAFF_ROLES:
        return qs.none()
    return qs
