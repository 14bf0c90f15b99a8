"""Anyone with the link answers a survey (the token is the permission, no login).  The desk's
staff read the answers and the results; a customer reads their own organization's answers
(on their CASEs)."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import Role
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.core import policy

from .models import Survey


class SurveyAction(StrEnum):
    RESULTS = "view_survey_results"


def _rule(user, action: str, obj) -> bool:
    return user.role in STAFF_ROLES


def _rows(user, qs: QuerySet) -> QuerySet:
    if user.role in STAFF_ROLES:
        return qs
    if user.role == Role.CUSTOMER and user.organization_id is not None:
        return qs.filter(organization_id=user.organization_id)
    return qs.none()


policy.register(
    "surveys", {SurveyAction.RESULTS: gettext_lazy("see satisfaction survey results")}, _rule
)
policy.register_visibility(Survey, _rows, view=None, hidden=gettext_lazy("No such survey."))
