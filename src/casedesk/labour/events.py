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


@dataclasses.dataclass(frozen=True)
class RateCardUpdated(Event):
    card: RateCard
    by: User | None


@dataclasses.dataclass(frozen=True)
class RateCardSuperseded(Event):
    """``card`` ended the day before ``successor`` starts, at a new rate."""

    card: RateCard
    successor: RateCard
    by: User | None
