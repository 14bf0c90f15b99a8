"""Messages that CASE events send (deadline messages are sent by the supervisor)."""

from __future__ import annotations

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
    if handed_over and case.engineer_id:
        services.queue(
            template="assigned",
            context={"case": case, "event": event, "note": data.get("note", "")},
            reason=f"event:{event.pk}",
            recipients=[case.engineer],
            case=case,
        )
