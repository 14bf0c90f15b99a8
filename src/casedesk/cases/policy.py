"""Who may see and do what to a CASE, registered with the one policy (``core.policy``).

Staff see every CASE, a customer their own organization's, a partner engineer those
subcontracted to their organization, any other role none.  What each
relation to a CASE (dispatcher, supervisor, owner, helper, customer) lets one do is below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import MANAGER_ROLES, Role, Tier
from casedesk.accounts.policy import DISPATCHERS, STAFF_ROLES, SUPERVISORS
from casedesk.core import policy

from .choices import CaseAction, Status
from .models import Case

if TYPE_CHECKING:
    from casedesk.accounts.models import User

# Each action as the verb phrase a refusal puts before the CASE: "You may not close
# CASE-…", "… cannot close it now".  Translated, so a Chinese desk reads Chinese.
VERBS: dict[str, Any] = {
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
    CaseAction.APPROVE_GOODWILL: gettext_lazy("approve goodwill service for"),
    CaseAction.SUBCONTRACT: gettext_lazy("subcontract"),
}

_ALL = frozenset(CaseAction)
# What each relation to a CASE lets a member of staff do (VIEW and OPEN: every member).
DISPATCHER_ACTIONS = frozenset(
    {
        CaseAction.ASSIGN,
        CaseAction.SET_PRIORITY,
        CaseAction.LOG_WORK,
        CaseAction.CONFIRM,
        CaseAction.CLOSE,
        CaseAction.REOPEN,
        CaseAction.SUBCONTRACT,
    }
)
# Serving an uncovered CASE anyway is a business decision: the managers' alone.
MANAGER_ACTIONS = frozenset({CaseAction.APPROVE_GOODWILL})
SUPERVISOR_ACTIONS = _ALL - {CaseAction.ACCEPT, CaseAction.REQUEST_REASSIGNMENT} - MANAGER_ACTIONS
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

# A partner engineer works the CASEs subcontracted to their organization as its owner
# would, under the partner's targets; the desk keeps priority, escalation and closing.
PARTNER_ACTIONS = frozenset(
    {
        CaseAction.VIEW,
        CaseAction.ACCEPT,
        CaseAction.LOG_WORK,
        CaseAction.PEND,
        CaseAction.RESUME,
        CaseAction.RESOLVE,
    }
)


def _is_owner(user: User, case: Case) -> bool:
    return case.engineer_id is not None and case.engineer_id == user.pk


def _is_helper(user: User, case: Case) -> bool:
    return case.helpers.filter(pk=user.pk).exists()


def _is_senior(user: User) -> bool:
    staff = getattr(user, "staff", None)
    return staff is not None and staff.tier == Tier.SENIOR


def case_rule(user: User, action: str, case: Case | None) -> bool:
    """May the active ``user`` do ``action`` to ``case`` (None: a CASE not yet opened)?

    Only who the user is and how they relate to the CASE decide here; whether the CASE's
    state allows the action is the transition table's answer (``cases.services``).
    """
    role = user.role
    if role == Role.CUSTOMER:
        if action == CaseAction.OPEN and case is None:
            return user.organization_id is not None
        if case is None or case.organization_id != user.organization_id:
            return False
        if action == CaseAction.REOPEN and case.status == Status.CLOSED:
            return False
        return action in CUSTOMER_ACTIONS
    if role == Role.PARTNER:
        return (
            case is not None
            and user.organization_id is not None
            and case.partner_id == user.organization_id
            and action in PARTNER_ACTIONS
        )
    if role not in STAFF_ROLES:
        return False

    # Staff from here on.
    if action in (CaseAction.VIEW, CaseAction.OPEN):
        return True
    if case is None:
        return False
    if action in MANAGER_ACTIONS:
        return role in MANAGER_ROLES
    if role in SUPERVISORS and action in SUPERVISOR_ACTIONS:
        return True
    if role in DISPATCHERS and action in DISPATCHER_ACTIONS:
        return True
    if _is_owner(user, case):
        if action == CaseAction.ESCALATE_VENDOR:
            return _is_senior(user)
        return action in OWNER_ACTIONS
    return action in HELPER_ACTIONS and _is_helper(user, case)


def _rows(user: User, qs: QuerySet[Case]) -> QuerySet[Case]:
    """All for staff, the own organization's for a customer, those subcontracted to their
    organization for a partner engineer, none for any other role."""
    if user.role == Role.CUSTOMER:
        if user.organization_id is None:
            return qs.none()
        return qs.filter(organization_id=user.organization_id)
    if user.role == Role.PARTNER:
        if user.organization_id is None:
            return qs.none()
        return qs.filter(partner_id=user.organization_id)
    if user.role not in STAFF_ROLES:
        return qs.none()
    return qs


def _refusal(user: User | None, what: str, case: Case) -> str:
    if user is not None and user.is_customer:
        return _("You may not %(action)s %(number)s; please contact the service desk.") % {
            "action": what,
            "number": case.number,
        }
    return _("You may not %(action)s %(number)s.") % {"action": what, "number": case.number}


def visible_cases(user: User | None) -> QuerySet[Case]:
    """Every CASE ``user`` may see (None: the system, all of them)."""
    return policy.visible(user, Case)


policy.register("cases", VERBS, case_rule)
policy.register_visibility(
    Case,
    _rows,
    view=CaseAction.VIEW,
    hidden=gettext_lazy("No such CASE."),
    refusal=_refusal,
)
