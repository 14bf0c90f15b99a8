"""Mail and faxes in.  A received fax is taken in as a CASE, for whichever customer sent it,
by the desk's staff.  Quarantined mail is triaged by those who manage customers (adding
the sender as a contact is the usual fix): ``AccountAction.MANAGE_CUSTOMERS``."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from casedesk.accounts.policy import DISPATCHERS, STAFF_ROLES
from casedesk.core import policy

from .models import InboundMessage


class MailAction(StrEnum):
    RECEIVE_FAX = "receive_fax"


def _rule(user, action: str, obj) -> bool:
    return user.role in STAFF_ROLES


def _messages(user, qs: QuerySet[InboundMessage]) -> QuerySet[InboundMessage]:
    """Received mail is read by those who triage it (who manage customers), by nobody else."""
    return qs if user.role in DISPATCHERS else qs.none()


policy.register("mailgate", {MailAction.RECEIVE_FAX: gettext_lazy("receive faxes")}, _rule)
policy.register_visibility(InboundMessage, _messages)
