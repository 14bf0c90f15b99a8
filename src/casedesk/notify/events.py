"""Messages that CASE events send (alerts and deadline messages are the service levels':
``sla.events`` and the supervisor queue them through ``notify.services``).

Subscribed to the CASE operations' events: the outbox rows are written in the transaction
that wrote the event, so a rolled-back operation queues nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from casedesk.cases import presenters
from casedesk.cases.choices import EventKind
from casedesk.cases.events import CaseEventWritten
from casedesk.core.events import Phase, subscribe

from . import services

# After the deadlines (10), the webhook deliveries (20) and the alerts (25); before the
# search index (40).
ORDER = 30


@subscribe(CaseEventWritten, phase=Phase.IN_TRANSACTION, order=ORDER)
def outbox_follows(published: CaseEventWritten) -> None:
    on_event(published.case, published.event)


def on_event(case, event) -> None:
    """Queue what ``event`` tells people, in the transaction that wrote it."""
    data = event.data
    handed_over = event.kind == EventKind.ASSIGNED or (
        event.kind == EventKind.ESCALATED and "engineer" in data
    )
    if event.kind == EventKind.RESOLVED:
        _tell_the_customer_it_is_resolved(case, event)
    if handed_over and case.engineer_id:
        services.queue(
            template="assigned",
            context={"case": case, "event": event, "note": presenters.note_text(data)},
            reason=f"event:{event.pk}",
            recipients=[case.engineer],
            case=case,
        )


def _tell_the_customer_it_is_resolved(case, event) -> None:
    """The caller learns of the solution and how to confirm it or say it is not fixed, in
    their portal language if they have a login, else the desk's."""
    base = settings.CASEDESK_BASE_URL.rstrip("/")
    services.queue_to_caller(
        case=case,
        template="resolved",
        context={
            "case": case,
            "name": case.caller_name,
            "portal_url": base + reverse("portal:case", args=[case.number]),
        },
        reason=f"event:{event.pk}",
    )
