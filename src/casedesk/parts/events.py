"""What the parts domain publishes: a part moved (its followers: RMA, field service)."""

from __future__ import annotations

import dataclasses

from casedesk.core.events import Event

from .models import StockMove


@dataclasses.dataclass(frozen=True)
class StockMoved(Event):
    move: StockMove
