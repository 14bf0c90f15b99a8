"""What labour publishes."""

from __future__ import annotations

import dataclasses

from casedesk.accounts.models import User
from casedesk.core.events import Event

from .models import RateCard


@dataclasses.dataclass(frozen=True)
class RateCardCreated(Event):
    card: RateCard
    by: User | None
