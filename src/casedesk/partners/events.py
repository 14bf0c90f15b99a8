"""What partners follows: a new CASE that a rule gives to a partner, and the partner's
accept and resolve of a CASE subcontracted to it (for its figures)."""

from __future__ import annotations

from casedesk.cases.choices import EventKind
from casedesk.cases.events import CaseEventWritten, CaseNumbered
from casedesk.core.events import Phase, subscribe

from . import services

# After the acknowledgement to the caller (replies, 35): the caller hears of the CASE first.
ORDER = 40
WORKED = (EventKind.ACCEPTED, EventKind.RESOLVED, EventKind.REOPENED)


@subscribe(CaseNumbered, phase=Phase.IN_TRANSACTION, order=ORDER)
def subcontract_new_case(published: CaseNumbered) -> None:
    services.subcontract_by_rule(published.case)


@subscribe(CaseEventWritten, phase=Phase.IN_TRANSACTION, order=ORDER)
def follow_partner_work(published: CaseEventWritten) -> None:
    event = published.event
    if event.kind in WORKED:
        services.on_case_worked(published.case, event.kind, event.actor, event.at)
