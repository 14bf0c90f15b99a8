"""The composer on a CASE's console page: a reply to the customer (mailed, public) or an
internal note (the CASE's work log, staff only), two modes that look nothing alike."""

from __future__ import annotations

from django.template.loader import render_to_string

from casedesk.cases.choices import CaseAction
from casedesk.cases.services import ALLOWED_FROM
from casedesk.core import policy

from .policy import ReplyAction
from .views import composer_context


def console(request, case) -> list[str]:
    user = request.user
    if case.status not in ALLOWED_FROM[CaseAction.LOG_WORK]:
        return []
    if not policy.can(user, ReplyAction.SEND, case):
        return []
    context = composer_context(request, case)
    return [render_to_string("replies/case_composer.html", context, request=request)]


def portal(request, case) -> list[str]:
    return []  # the customer reads replies in the CASE's history
