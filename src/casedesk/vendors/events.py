"""What vendors follow: every supervision pass starts the next round of a vendor case
whose round ran out with no update from the vendor (recurring until it is closed)."""

from __future__ import annotations

from casedesk.core.events import Phase, subscribe
from casedesk.sla.events import SupervisionPassed

from . import services


@subscribe(SupervisionPassed, phase=Phase.IN_TRANSACTION)
def vendor_rounds(published: SupervisionPassed) -> None:
    published.lines.extend(services.vendor_rounds_renew(now=published.now))
