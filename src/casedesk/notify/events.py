"""Messages that CASE events send (deadline messages are sent by the supervisor).

Subscribed to the CASE operations' events: the outbox rows are written in the transaction
that wrote the event, so a rolled-back operation queues nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from casedesk.cases.choices import Channel, EventKind
from casedesk.cases.events import ORDER_OUTBOX, CaseEventWritten, CaseNumbered
from casedesk.core.events import Phase, subscribe
from casedesk.sla import recipients as sla_recipients
from casedesk.sla import services as sla
from casedesk.sla.choices import Alert, Recipient

from . import services


@subscribe(CaseEventWritten, phase=Phase.IN_TRANSACTION, order=ORDER_OUTBOX)
def outbox_follows(published: CaseEventWritten) -> None:
    on_event(published.case, published.event)


@subscribe(CaseNumbered, phase=Phase.IN_TRANSACTION, order=ORDER_OUTBOX)
def alert_on_opening(published: CaseNumbered) -> None:
    """A new CASE alerts once it has its number (a new P1/P2 tells the duty engineers)."""
    alert(published.case, published.event)


def on_event(case, event) -> None:
    """Queue what ``event`` tells people, in the transaction that wrote it."""
    data = event.data
    handed_over = event.kind == EventKind.ASSIGNED or (
        event.kind == EventKind.ESCALATED and "engineer" in data
    )
    if event.kind != EventKind.OPENED:  # case_open alerts once the CASE has its number
        alert(case, event)
    if event.kind == EventKind.RESOLVED:
        _tell_the_customer_it_is_resolved(case, event)
    if handed_over and case.engineer_id:
        services.queue(
            template="assigned",
            context={"case": case, "event": event, "note": data.get("note", "")},
            reason=f"event:{event.pk}",
            recipients=[case.engineer],
            case=case,
        )


def _tell_the_customer_it_is_resolved(case, event) -> None:
    """The caller learns of the solution and how to confirm it or say it is not fixed, in
    their portal language if they have a login, else the desk's."""
    contact = case.contact
    address = case.caller_email or (contact.email if contact else "")
    if not address:
        return
    login = getattr(contact, "user", None) if contact else None
    base = settings.CASEDESK_BASE_URL.rstrip("/")
    services.queue_to_address(
        template="resolved",
        context={
            "case": case,
            "name": case.caller_name,
            "portal_url": base + reverse("portal:case", args=[case.number]),
        },
        reason=f"event:{event.pk}",
        to_email=address,
        language=(login.language if login else "") or settings.LANGUAGE_CODE,
        case=case,
    )


def alert(case, event) -> None:
    """Tell at once the people ``sla.ALERTS`` names that ``event`` made the CASE urgent.

    One message per person per event (the outbox's key); a customer's reply that adds a
    note and files (one event each) is one message.  Whoever did it is not told.
    """
    which = sla.alert_for(case, event)
    if which is None:
        return
    people = [p for role in sla.ALERTS[which] for p in sla_recipients.people(case, role, event.at)]
    if not people:
        people = sla_recipients.people(case, Recipient.DUTY_ENGINEER, event.at)
    people = [p for p in people if p.pk != event.actor_id]
    if not people:
        return
    reason = f"alert:{event.pk}"
    if which == Alert.CUSTOMER_REPLY:  # one a reply, however many events it wrote
        reason = f"alert:reply:{case.pk}:{event.at:%Y%m%d%H%M%S%f}"
    data = event.data
    services.queue(
        template="alert",
        context={
            "case": case,
            "alert": which,
            "alert_label": Alert(which).label,
            "actor": _name(event.actor),
            "channel": Channel(case.channel).label,
            "priority_before": data["priority"]["before"] if which == Alert.RAISED else "",
            "reason": data.get("reason", ""),
            "note": data.get("note", "") or data.get("name", ""),
        },
        reason=reason,
        recipients=people,
        case=case,
    )


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username
