"""What the search index follows: a CASE's document agrees with its committed text."""

from __future__ import annotations

from casedesk.cases.events import CaseEventWritten
from casedesk.core.events import Phase, subscribe

from . import services

# Last of the followers in the transaction: after the deadlines, webhooks and outbox.
ORDER = 40


@subscribe(CaseEventWritten, phase=Phase.IN_TRANSACTION, order=ORDER)
def index_follows(published: CaseEventWritten) -> None:
    services.on_event(published.case, published.event)
