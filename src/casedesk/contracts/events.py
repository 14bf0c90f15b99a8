"""What contracts follow: each supervision pass sends the renewal notices that are due."""

from __future__ import annotations

from casedesk.core.events import Phase, subscribe
from casedesk.sla.events import SupervisionPassed

from . import services


@subscribe(SupervisionPassed, phase=Phase.IN_TRANSACTION)
def renewal_notices(published: SupervisionPassed) -> None:
    published.lines.extend(services.renewal_notices_send(now=published.now))
