"""What the search index follows: a CASE's document agrees with its committed text."""

from __future__ import annotations

from casedesk.cases.events import ORDER_SEARCH, CaseEventWritten
from casedesk.core.events import Phase, subscribe

from . import services


@subscribe(CaseEventWritten, phase=Phase.IN_TRANSACTION, order=ORDER_SEARCH)
def index_follows(published: CaseEventWritten) -> None:
    services.on_event(published.case, published.event)
