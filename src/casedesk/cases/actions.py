"""Which lifecycle actions a user may do to a CASE now: what the UI offers.

The answer is the operation layer's own: the transition table (``services.ALLOWED_FROM``)
and the permission policy (``policy.can``), plus the few refusals an operation makes from
the CASE's own fields whatever its arguments (``REFUSED_WHEN``).  tests/cases/test_actions.py
proves, for every state and every role, that an action is offered exactly when calling its
operation succeeds, so the UI and the operations cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable

from casedesk import policy
from casedesk.accounts.choices import Tier
from casedesk.accounts.models import User

from . import services
from .choices import CaseAction, EscalationLevel, Priority
from .models import Case

A = CaseAction

# The lifecycle actions, in the order a CASE page lists them.
LIFECYCLE = (
    A.ACCEPT,
    A.LOG_WORK,
    A.ASSIGN,
    A.ADD_HELPER,
    A.REMOVE_HELPER,
    A.REQUEST_REASSIGNMENT,
    A.SET_PRIORITY,
    A.ESCALATE_SENIOR,
    A.ESCALATE_VENDOR,
    A.PEND,
    A.RESUME,
    A.RESOLVE,
    A.CONFIRM,
    A.CLOSE,
    A.REOPEN,
)


def _in_senior_hands(case: Case) -> bool:
    if case.escalation_level >= EscalationLevel.SENIOR:
        return True
    staff = getattr(case.engineer, "staff", None) if case.engineer_id else None
    return staff is not None and staff.tier == Tier.SENIOR


# The refusals each operation makes from the CASE's fields alone, after the policy and the
# transition table (cases/services.py, same order): an action whose predicate holds is not
# offered.  Refusals that depend on an argument (which engineer, which priority) are the
# form's business: it offers only the arguments that can succeed.
REFUSED_WHEN: dict[str, Callable[[Case], bool]] = {
    A.REQUEST_REASSIGNMENT: lambda case: case.reassignment_requested,
    A.ESCALATE_SENIOR: lambda case: case.escalation_level >= EscalationLevel.SENIOR,
    A.ESCALATE_VENDOR: lambda case: (
        case.escalation_level >= EscalationLevel.VENDOR
        or (case.priority in (Priority.P3, Priority.P4) and not _in_senior_hands(case))
    ),
    A.CONFIRM: lambda case: case.confirmed_at is not None,
    A.CLOSE: lambda case: case.confirmed_at is None,
}


def available_actions(
    *, case: Case, user: User | None, helpers: list[str] | None = None
) -> list[str]:
    """The lifecycle actions ``user`` may do to ``case`` now, in ``LIFECYCLE`` order.

    ``helpers`` (usernames) when the caller has read them: removing a helper needs one.
    """
    offered = []
    for action in LIFECYCLE:
        if case.status not in services.ALLOWED_FROM[action]:
            continue
        refused = REFUSED_WHEN.get(action)
        if refused is not None and refused(case):
            continue
        if action == A.REMOVE_HELPER:
            has_helpers = bool(helpers) if helpers is not None else case.helpers.exists()
            if not has_helpers:
                continue
        if action == A.LOG_WORK and user is None:
            continue  # labour hours belong to a person
        if not policy.can(user, action, case):
            continue
        offered.append(str(action))
    return offered
