"""What the webhooks follow: one delivery row per interested webhook, in the transaction
that wrote the event (a rolled-back operation sends nothing); delivery runs after commit."""

from __future__ import annotations

from casedesk.cases.events import CaseEventsBulkWritten, CaseEventWritten
from casedesk.core.events import Phase, subscribe

from . import services

# After the deadlines (10), before the alerts and the outbox (25, 30) and the index (40).
ORDER = 20


@subscribe(CaseEventWritten, phase=Phase.IN_TRANSACTION, order=ORDER)
def deliveries_follow(published: CaseEventWritten) -> None:
    services.on_event(published.case, published.event)


@subscribe(CaseEventsBulkWritten, phase=Phase.IN_TRANSACTION, order=ORDER)
def deliveries_follow_batch(published: CaseEventsBulkWritten) -> None:
    services.on_events((event.case, event) for event in published.events)
