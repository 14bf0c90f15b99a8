"""What the service levels follow: a CASE's deadlines agree with its history, and an event
that makes a CASE urgent alerts the people ``services.ALERTS`` names at once."""

from __future__ import annotations

import dataclasses
import datetime as dt

from casedesk.cases import presenters
from casedesk.cases.choices import Channel, EventKind
from casedesk.cases.events import CaseEventWritten, CaseNumbered
from casedesk.core.events import Event, Phase, subscribe
from casedesk.notify import services as outbox

from . import recipients, services
from .choices import Alert, Recipient

# In the operation's transaction: the deadlines first, then the webhook deliveries (20),
# the alerts, the outbox's other messages (30) and the search index (40).
ORDER_DEADLINES = 10
ORDER_ALERTS = 25


@dataclasses.dataclass(frozen=True)
class SupervisionPassed(Event):
    """A supervision pass ran as of ``now`` (published at its end, outside its batches).

    A domain with dated duties of its own (a contract's renewal notices) follows it and does
    them in its own operation; it adds a line to ``lines`` for each thing it did, which the
    pass reports like its own."""

    now: dt.datetime
    lines: list[str]


@subscribe(CaseEventWritten, phase=Phase.IN_TRANSACTION, order=ORDER_DEADLINES)
def deadlines_follow(published: CaseEventWritten) -> None:
    services.on_event(published.case, published.event)


@subscribe(CaseEventWritten, phase=Phase.IN_TRANSACTION, order=ORDER_ALERTS)
def alert_follows(published: CaseEventWritten) -> None:
    if published.event.kind != EventKind.OPENED:  # an opening alerts once it has its number
        alert(published.case, published.event)


@subscribe(CaseNumbered, phase=Phase.IN_TRANSACTION, order=ORDER_ALERTS)
def alert_on_opening(published: CaseNumbered) -> None:
    """A new CASE alerts once it has its number (a new P1/P2 tells the duty engineers)."""
    alert(published.case, published.event)


def alert(case, event) -> None:
    """Tell at once the people ``services.ALERTS`` names that ``event`` made the CASE urgent.

    One message per person per event (the outbox's key); a customer's reply that adds a
    note and files (one event each) is one message.  Whoever did it is not told.
    """
    which = services.alert_for(case, event)
    if which is None:
        return
    roles = services.ALERTS[which]
    people = [p for role in roles for p in recipients.people(case, role, event.at)]
    if not people:
        roles = (Recipient.DUTY_ENGINEER,)
        people = recipients.people(case, Recipient.DUTY_ENGINEER, event.at)
    people = [p for p in people if p.pk != event.actor_id]
    if not people:
        return
    reason = f"alert:{event.pk}"
    if which == Alert.CUSTOMER_REPLY:  # one a reply, however many events it wrote
        reason = f"alert:reply:{case.pk}:{event.at:%Y%m%d%H%M%S%f}"
    data = event.data
    outbox.queue(
        template="alert",
        context={
            "case": case,
            "alert": which,
            "alert_label": Alert(which).label,
            "actor": _name(event.actor),
            "channel": Channel(case.channel).label,
            "priority_before": data["priority"]["before"] if which == Alert.RAISED else "",
            "reason": data.get("reason", ""),
            "note": presenters.note_text(data) or data.get("name", ""),
            "roster_hole": recipients.roster_hole(roles, event.at),
        },
        reason=reason,
        recipients=people,
        case=case,
    )


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username
