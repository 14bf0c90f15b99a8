"""What the CASE operations publish on the event bus (``casedesk.core.events``).

The operation layer never names its followers: they subscribe in their own ``events.py``
(today the entitlement in ``contracts``, deadlines and alerts in ``sla``, webhook deliveries,
the outbox in ``notify`` and the search index), inside the operation's transaction, ordered
by their ``order=``.
"""

from __future__ import annotations

import dataclasses

from casedesk.core.events import Event

from .models import Case, CaseEvent


@dataclasses.dataclass(frozen=True)
class CaseOpening(Event):
    """A CASE is about to be written: ``case`` has every field the caller gave and no key
    yet.  A subscriber may fill in what the CASE keeps from intake (its entitlement)."""

    case: Case


@dataclasses.dataclass(frozen=True)
class GoodwillApproving(Event):
    """A manager is approving goodwill service for the uncovered ``case`` (locked).

    ``goodwill`` is what the CASE's entitlement will keep under ``"goodwill"``: who, when,
    why and ``service_product``, the code the manager named (None: the one the kept
    entitlement names).  A subscriber that knows the catalogue (``contracts``) settles the
    product and adds its ``coverage``, ``calendar`` and ``targets``, or refuses it."""

    case: Case
    goodwill: dict


@dataclasses.dataclass(frozen=True)
class CaseEventWritten(Event):
    """An operation wrote ``event``, the one CaseEvent of its change to ``case``.

    An opening's event is published before the CASE draws its number (``case.number`` is
    a placeholder then); :class:`CaseNumbered` follows once it has it.
    """

    case: Case
    event: CaseEvent


@dataclasses.dataclass(frozen=True)
class CaseNumbered(Event):
    """A new CASE drew its number (the last step of ``case_open``, ``event`` its opening)."""

    case: Case
    event: CaseEvent


@dataclasses.dataclass(frozen=True)
class CaseEventsBulkWritten(Event):
    """Many events written at once outside an operation (a supervisor batch's deadlines);
    each has its ``case`` loaded."""

    events: tuple[CaseEvent, ...]
