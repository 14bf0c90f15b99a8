"""Events with subscribers: an operation publishes what happened; whoever cares subscribes.

The publisher never names its followers.  A domain app subscribes in its own ``events.py``
(imported by its ``AppConfig.ready``).  A subscriber runs either *inside* the publishing
transaction (deadlines, the search index, outbox rows: they must commit or roll back with
the change) or *after commit* (anything that talks to the world, or may fail without
undoing the change: its error is logged, never raised into the finished operation).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

log = logging.getLogger(__name__)


class Phase(enum.Enum):
    IN_TRANSACTION = "in_transaction"
    AFTER_COMMIT = "after_commit"


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of every published event; subclasses are frozen dataclasses with typed fields."""


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]


@dataclasses.dataclass(frozen=True)
class _Subscription:
    handler: Handler
    phase: Phase
    order: int


_subscriptions: dict[type[Event], list[_Subscription]] = defaultdict(list)
# Per published type, its subscribers (its own and its base classes') in the order they run:
# resolved once, so publishing is one dict lookup and the calls.  Emptied on (un)subscribe.
_resolved: dict[type[Event], tuple[_Subscription, ...]] = {}


def subscribe(
    event_type: type[E], *, phase: Phase = Phase.IN_TRANSACTION, order: int = 100
) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Register the decorated function for ``event_type`` (and its subclasses).

    In-transaction subscribers run by ``order``, then by registration; registering the same
    function twice (a module imported again) keeps one subscription.
    """

    def register(handler: Callable[[E], None]) -> Callable[[E], None]:
        subs = _subscriptions[event_type]
        if not any(_same(s.handler, handler) for s in subs):
            subs.append(_Subscription(handler, phase, order))
            subs.sort(key=lambda s: s.order)
            _resolved.clear()
        return handler

    return register


def _same(a: Handler, b: Handler) -> bool:
    return (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)


def unsubscribe(event_type: type[Event], handler: Handler) -> None:
    _subscriptions[event_type] = [
        s for s in _subscriptions[event_type] if not _same(s.handler, handler)
    ]
    _resolved.clear()


def subscribers(event_type: type[Event]) -> list[_Subscription]:
    """Who hears ``event_type``, in the order they run (for tests and the developer guide)."""
    found = [s for cls in event_type.__mro__ for s in _subscriptions.get(cls, [])]
    return sorted(found, key=lambda s: s.order)


def _after_commit(handler: Handler, event: Event) -> None:
    try:
        handler(event)
    except Exception:
        log.exception("after-commit subscriber %s failed on %r", handler.__qualname__, event)


def publish(event: Event) -> None:
    """Run the in-transaction subscribers now and queue the others for the commit."""
    subs = _resolved.get(type(event))
    if subs is None:
        subs = _resolved[type(event)] = tuple(subscribers(type(event)))
    for sub in subs:
        if sub.phase is Phase.IN_TRANSACTION:
            sub.handler(event)
        else:
            transaction.on_commit(functools.partial(_after_commit, sub.handler, event))
