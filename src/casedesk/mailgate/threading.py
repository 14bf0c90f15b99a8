"""Which CASE a mail is about: the ids it answers, then the ``[C2611001]`` subject tag.

Every mail the desk sends about a CASE names the CASE's root id ``<C2611001@domain>`` in
``References`` (notify/services.py), so a reply to any of them finds the CASE even when the
customer's client rewrote the subject; a reply to another reply finds it through the
stored Message-IDs of the desk's and the customer's earlier mails.
"""

from __future__ import annotations

import re

from casedesk.cases.models import Case
from casedesk.mailgate.models import InboundMessage
from casedesk.notify.models import Notification, domain

# The subject tag as the desk writes it, or as a customer types it: ``[c2611001]``, ``【C2611001】``.
TAG = re.compile(r"[\[【]\s*(C\d{7,9})\s*[\]】]", re.IGNORECASE)
_ROOT = re.compile(r"^<(C\d{7,9})@([^>]+)>$")


def find_case(*, subject: str, ids: list[str]) -> Case | None:
    """The CASE a mail answers, or None for a new problem."""
    if ids:
        numbers = [m.group(1) for i in ids if (m := _ROOT.match(i)) and m.group(2) == domain()]
        if numbers:
            case = Case.objects.filter(number__in=numbers).first()
            if case is not None:
                return case
        found = (
            Notification.objects.filter(message_id__in=ids, case__isnull=False)
            .values_list("case_id", flat=True)
            .first()
        ) or (
            InboundMessage.objects.filter(message_id__in=ids, case__isnull=False)
            .values_list("case_id", flat=True)
            .first()
        )
        if found:
            return Case.objects.get(pk=found)
    for number in TAG.findall(subject or ""):
        case = Case.objects.filter(number=number.upper()).first()
        if case is not None:
            return case
    return None
