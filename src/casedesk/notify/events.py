"""Messages that CASE events send (deadline messages are sent by the supervisor)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from casedesk.cases.choices import EventKind
from casedesk.webhooks import services as webhooks

from . import services


def on_event(case, event) -> None:
    """Queue what ``event`` tells people, in the transaction that wrote it."""
    webhooks.on_event(case, event)
    data = event.data
    handed_over = event.kind == EventKind.ASSIGNED or (
        event.kind == EventKind.ESCALATED and "engineer" in data
    )
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
