"""Which lifecycle actions a user may do to a CASE now: what the UI offers.

The answer is the operation layer's own: the transition table (``services.ALLOWED_FROM``)
and the permission policy (``policy.can``), plus the few refusals an operation makes from
the CASE's own fields whatever its arguments (``services.REFUSALS``).  tests/cases/test_actions.py
proves, for every state and every role, that an action is offered exactly when calling its
operation succeeds, so the UI and the operations cannot drift apart.
"""

from __future__ import annotations

from casedesk.accounts.models import User
from casedesk.core import policy

from . import services
from .choices import CaseAction
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
    A.APPROVE_GOODWILL,
    A.SUBCONTRACT,  # the CASE page offers it in the partners' panel (a partner to choose)
)


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
        if services.refusal(case, action) is not None:
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
