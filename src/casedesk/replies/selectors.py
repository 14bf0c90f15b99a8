"""What the composer reads: the CASE to reply on and the templates to start from."""

from __future__ import annotations

from django.utils.translation import gettext as _

from casedesk.accounts.models import User
from casedesk.cases.models import Case
from casedesk.core import policy
from casedesk.core.errors import NotFound

from .models import ReplyTemplate
from .policy import ReplyAction


def case_to_reply(*, number: str, fetched_by: User | None) -> Case:
    """The CASE ``fetched_by`` may reply on: NotFound when they may not see it, Forbidden
    when they may not reply (asked before the request's body is read)."""
    case = (
        policy.visible(fetched_by, Case)
        .select_related("organization", "contact", "engineer")
        .filter(number=number.upper())
        .order_by()
        .first()
    )
    if case is None:
        raise NotFound(_("No CASE %(number)s.") % {"number": number})
    policy.require(fetched_by, ReplyAction.SEND, case)
    return case


def template_list(*, fetched_by: User | None, language: str = "") -> list[ReplyTemplate]:
    """The active templates ``fetched_by`` may use, those in ``language`` first."""
    rows = list(policy.visible(fetched_by, ReplyTemplate).filter(active=True))
    return sorted(rows, key=lambda t: (t.language != language, t.name, t.pk))
