"""The one source of "now".

Every reading of the current time in casedesk goes through :func:`now`, so tests, the
demo generator and ``supervise --now`` replays can move time by :func:`frozen`.  The one
exception is :func:`wall`: claims and leases that processes hold on shared rows, and
timestamps another system checks against its own clock, are real time whatever the desk's
"now" is.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

_frozen: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "casedesk_clock_frozen", default=None
)


def now() -> dt.datetime:
    """The current instant, timezone-aware UTC."""
    fixed = _frozen.get()
    if fixed is not None:
        return fixed
    return dt.datetime.now(dt.UTC)


def wall() -> dt.datetime:
    """The real current instant, timezone-aware UTC, never frozen.

    For what other processes or systems judge by their own clocks: the claim a sender
    holds on an outbox row (a claim stamped by ``supervise --now`` with a replayed instant
    would never expire, or expire at once, for the worker) and a webhook's signing time.
    """
    return dt.datetime.now(dt.UTC)


@contextmanager
def frozen(at: dt.datetime) -> Iterator[dt.datetime]:
    """Make :func:`now` return ``at`` (aware) inside the block."""
    if at.tzinfo is None:
        raise ValueError("clock.frozen needs an aware datetime")
    token = _frozen.set(at.astimezone(dt.UTC))
    try:
        yield at
    finally:
        _frozen.reset(token)


def desk_zone() -> ZoneInfo:
    """The desk's time zone (CASEDESK_TIME_ZONE), used for case numbers and calendars."""
    return ZoneInfo(settings.TIME_ZONE)


def user_zone(user) -> ZoneInfo:
    """The zone ``user`` reads times in: their own, else the desk's (also for a bad name)."""
    try:
        return ZoneInfo(getattr(user, "time_zone", "") or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return desk_zone()


def local(at: dt.datetime) -> dt.datetime:
    """``at`` in the desk's time zone."""
    return at.astimezone(desk_zone())


def iso_utc(at: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC to the second, ``2026-11-22T18:40:20Z``; None stays None."""
    if at is None:
        return None
    return at.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
