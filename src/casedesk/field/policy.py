"""Field visits: the desk's staff see them; whoever may log work on a CASE dispatches an
engineer to its site; the visit's engineer (or a supervisor) checks in and out; the
customer contact sees the visits of their own organization's CASEs (and the signed forms,
which are the CASE's files)."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import Role
from casedesk.accounts.policy import STAFF_ROLES, SUPERVISORS
from casedesk.cases.choices import CaseAction
from casedesk.cases.policy import case_rule
from casedesk.core import policy

from .models import Visit


class FieldAction(StrEnum):
    VIEW = "view_visits"
    DISPATCH = "dispatch_visit"
    WORK = "work_visit"


def _rule(user, action: str, obj) -> bool:
    if action == FieldAction.VIEW:
        if user.role in STAFF_ROLES:
            return True
        if user.role != Role.CUSTOMER or user.organization_id is None:
            return False
        return obj is None or obj.case.organization_id == user.organization_id
    if user.role not in STAFF_ROLES:
        return False
    if action == FieldAction.DISPATCH:  # obj: the CASE (None: "may dispatch at all")
        return obj is None or case_rule(user, CaseAction.LOG_WORK, obj)
    if action == FieldAction.WORK:  # obj: the visit
        return obj is None or obj.engineer_id == user.pk or user.role in SUPERVISORS
    return False


def _rows(user, visits: QuerySet[Visit]) -> QuerySet[Visit]:
    if user.role in STAFF_ROLES:
        return visits
    if user.role == Role.CUSTOMER and user.organization_id is not None:
        return visits.filter(case__organization_id=user.organization_id)
    return visits.none()


policy.register(
    "field",
    {
        FieldAction.VIEW: gettext_lazy("see field visits"),
        FieldAction.DISPATCH: gettext_lazy("dispatch an engineer on site for"),
        FieldAction.WORK: gettext_lazy("check in and out of"),
    },
    _rule,
)
policy.register_visibility(
    Visit, _rows, view=FieldAction.VIEW, hidden=gettext_lazy("No such visit.")
)
