"""Outboxes' plumbing: run a function once when the current transaction commits, however
often it is asked for, the delivery task's loop, and how long a sender's claim lasts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django_tasks import default_task_backend

from casedesk.core import clock


def once(func: Callable[[], None]) -> None:
    """``transaction.on_commit(func)`` unless ``func`` is already waiting for this commit.

    An operation that queues for many rows asks for one delivery task, not one per row.
    A registered call still runs at commit: Django drops it only when a savepoint open at
    its registration rolls back, and any such savepoint still open encloses this call too.
    """
    connection = transaction.get_connection()
    if any(registered is func for _, registered, _ in connection.run_on_commit):
        return
    transaction.on_commit(func)


@dataclass(frozen=True)
class Delivery:
    """What one delivery run of an outbox did."""

    sent: int
    failed: int  # to be retried (or, for webhooks, given up)
    next_retry_at: dt.datetime | None  # the earliest row waiting for a retry


def drain(deliver_due: Callable[..., Delivery], again, *, batch: int, batches: int) -> int:
    """An outbox's delivery task: send batch after batch while they come full (one run is
    asked for per transaction that queued, however much it queued), at most ``batches``;
    if some must wait for a retry, ask for the task ``again`` when they are due."""
    sent = 0
    for _ in range(batches):
        result = deliver_due(limit=batch)
        sent += result.sent
        if result.sent + result.failed < batch:
            break
    if result.failed and result.next_retry_at and default_task_backend.supports_defer:
        again.using(run_after=result.next_retry_at).enqueue()
    return sent


def claim_timeout(send_timeout: float) -> dt.timedelta:
    """How long a sender's claim on a row lasts: ``CASEDESK_CLAIM_TIMEOUT``, and well
    beyond one send (``send_timeout`` seconds), since the sender renews it before each."""
    return dt.timedelta(seconds=max(settings.CASEDESK_CLAIM_TIMEOUT, 4 * send_timeout))


def claim_lapsed(timeout: dt.timedelta) -> Q:
    """Rows whose claim another sender may take over (the sender died, or hangs).

    Claims are stamped with the wall clock (:func:`clock.wall`), never the business clock:
    ``supervise --now`` a month ahead would otherwise leave claims no worker takes over for
    a month.  A claim stamped ahead of the wall clock can only be such a replay's, from
    before claims were wall-clock time: it has lapsed too.
    """
    wall = clock.wall()
    return Q(claimed_at__lt=wall - timeout) | Q(claimed_at__gt=wall + timeout)
