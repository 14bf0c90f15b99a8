"""What the service levels follow: a CASE's deadlines agree with its history."""

from __future__ import annotations

from casedesk.cases.events import ORDER_DEADLINES, CaseEventWritten
from casedesk.core.events import Phase, subscribe

from . import services


@subscribe(CaseEventWritten, phase=Phase.IN_TRANSACTION, order=ORDER_DEADLINES)
def deadlines_follow(published: CaseEventWritten) -> None:
    services.on_event(published.case, published.event)
