"""Staff who may work a CASE reply to its customer from it; customers reply by mail or
add information in the portal.  Templates are read by those who may reply."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy

from casedesk.accounts.policy import STAFF_ROLES
from casedesk.cases.choices import CaseAction
from casedesk.core import policy

from .models import ReplyTemplate


class ReplyAction(StrEnum):
    SEND = "send_reply"


def _rule(user, action: str, obj) -> bool:
    if user.role not in STAFF_ROLES:
        return False
    # obj None: "may reply at all" (the templates); a CASE: whoever may work it.
    return obj is None or policy.can(user, CaseAction.LOG_WORK, obj)


def _rows(user, templates):
    return templates if user.role in STAFF_ROLES else templates.none()


policy.register("replies", {ReplyAction.SEND: gettext_lazy("reply to the customer")}, _rule)
policy.register_visibility(
    ReplyTemplate, _rows, view=ReplyAction.SEND, hidden=gettext_lazy("No such reply template.")
)
