"""What replies follows: every new CASE is acknowledged to its caller once it has its
number, in the transaction that opened it (a rolled-back opening mails nothing)."""

from __future__ import annotations

from casedesk.cases.events import CaseNumbered
from casedesk.core.events import Phase, subscribe

from . import services

# After the outbox's own followers (30).
ORDER = 35


@subscribe(CaseNumbered, phase=Phase.IN_TRANSACTION, order=ORDER)
def acknowledge_new_case(published: CaseNumbered) -> None:
    services.acknowledge(published.case)
