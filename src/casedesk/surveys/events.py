"""What surveys follow: a CASE's closing mails its caller a survey link (an outbox row in
the closing's transaction: a rolled-back closing sends nothing)."""

from __future__ import annotations

from casedesk.cases.choices import EventKind
from casedesk.cases.events import CaseEventWritten
from casedesk.core.events import Phase, subscribe

from . import services

# After the outbox's own messages about the event (30), before the search index (40).
ORDER = 35


@subscribe(CaseEventWritten, phase=Phase.IN_TRANSACTION, order=ORDER)
def survey_on_closing(published: CaseEventWritten) -> None:
    if published.event.kind == EventKind.CLOSED:
        services.survey_send(case=published.case, closing=published.event)
