"""What contracts follow: a CASE being opened keeps its entitlement (decided at intake for
every channel: the phone form, the portal, mail, the API) and counts it in its contract's
allowances; goodwill a manager approves for an uncovered CASE is served with a product of
the catalogue; each supervision pass sends the renewal notices that are due."""

from __future__ import annotations

from casedesk.cases.events import CaseOpening, GoodwillApproving
from casedesk.core.events import Phase, subscribe
from casedesk.sla.events import SupervisionPassed

from . import allowances, selectors, services

# Before anything reads the new CASE (its deadlines come from what it is entitled to).
ORDER_ENTITLEMENT = 5


@subscribe(CaseOpening, phase=Phase.IN_TRANSACTION, order=ORDER_ENTITLEMENT)
def entitlement_at_intake(published: CaseOpening) -> None:
    case = published.case
    case.entitlement = allowances.consumed(
        selectors.intake_entitlement(
            serial_number=case.serial_number, organization=case.organization, at=case.created_at
        )
    )


@subscribe(GoodwillApproving, phase=Phase.IN_TRANSACTION)
def goodwill_product(published: GoodwillApproving) -> None:
    """The product goodwill is served with, and its promised times (or InvalidInput)."""
    published.goodwill.update(selectors.goodwill_terms(published.goodwill["service_product"]))


@subscribe(SupervisionPassed, phase=Phase.IN_TRANSACTION)
def renewal_notices(published: SupervisionPassed) -> None:
    published.lines.extend(services.renewal_notices_send(now=published.now))
