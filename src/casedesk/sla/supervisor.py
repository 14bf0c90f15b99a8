"""The supervisor: one pass fires every deadline that is due and still stands.

Each batch of due deadlines is locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several
workers share the work; SQLite's write lock serializes a single worker) and fired in one
transaction: the outbox rows (unique per deadline and recipient), the CASE event and the
``fired_at`` stamp commit together or not at all.  A worker killed mid-pass leaves its batch
unfired, and the next pass fires it: exactly once.

A CASE's deadlines fire in the order they fall due, also when several workers catch up on a
backlog: a deadline waits while an earlier one of its CASE is still to fire, and a CASE that
is busy (an operation or another worker holds it) is left whole for the next pass.  So a
later escalation level never overtakes an earlier one, whose people it copies.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q

from casedesk import clock
from casedesk.cases.choices import EventKind, Status
from casedesk.cases.models import Case, CaseEvent
from casedesk.notify import services as outbox
from casedesk.notify.models import Notification

from . import recipients
from .choices import ChaseAction, DeadlineKind
from .models import Deadline
from .services import RECIPIENTS, policy_for

log = logging.getLogger(__name__)
BATCH = 100
SQLITE_GAP = 0.15  # seconds between two full batches on SQLite


class _Busy(Exception):
    """The CASE is held elsewhere (an operation, or another worker firing an earlier deadline)."""


class _Later(Exception):
    """An earlier deadline of the CASE is still to fire in this pass."""


@dataclass
class PassResult:
    lines: list[str] = field(default_factory=list)
    fired: int = 0
    skipped: int = 0


def run_pass(*, now: dt.datetime | None = None, batch: int = BATCH) -> PassResult:
    """Fire everything due by ``now`` (default: the clock) that has not fired."""
    now = now or clock.now()
    result = PassResult()
    skip: set[int] = set()  # deadlines that did not fire in this pass
    busy: set[int] = set()  # CASEs left whole for the next pass
    later = 0  # deadlines put back behind an earlier one of their CASE
    with clock.frozen(now):
        while True:
            fired_before = result.fired + len(skip) + len(busy) + later
            with transaction.atomic():
                due = (
                    Deadline.objects.active()
                    .filter(due_at__lte=now)
                    .exclude(pk__in=skip)
                    .exclude(case_id__in=busy)
                    .order_by("due_at", "id")
                )
                if connection.features.has_select_for_update_skip_locked:
                    due = due.select_for_update(skip_locked=True)
                rows = list(due[:batch])
                if not rows:
                    break
                for deadline in rows:
                    if deadline.case_id in busy:
                        result.skipped += 1
                        continue
                    try:
                        with transaction.atomic():
                            line = _fire(deadline, now, skip)
                    except _Busy:
                        busy.add(deadline.case_id)
                        result.skipped += 1
                        continue
                    except _Later:
                        later += 1
                        continue
                    except Exception:
                        log.exception("deadline %s could not fire; retried next pass", deadline.pk)
                        line = None
                    if line is None:
                        skip.add(deadline.pk)
                        result.skipped += 1
                    else:
                        result.fired += 1
                        result.lines.append(line)
            if len(rows) == batch and connection.vendor == "sqlite":
                # One writer at a time, and a waiting writer only polls (every 100 ms at
                # most): let operations in between full batches, or a backlog starves them.
                time.sleep(SQLITE_GAP)
            if result.fired + len(skip) + len(busy) + later == fired_before:
                break
    return result


def _lock_case(deadline: Deadline) -> Case | None:
    qs = Case.objects.select_related("organization", "engineer", "engineer__staff")
    if connection.features.has_select_for_update_skip_locked:
        # An operation holding the CASE may be changing its deadlines: leave it for next pass.
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs.filter(pk=deadline.case_id).first()


def _check_order(deadline: Deadline, now: dt.datetime, failed: Collection[int]) -> None:
    """Let ``deadline`` fire only after the earlier due deadlines of its CASE.

    With several workers, an earlier one may be in another worker's batch (leave the CASE
    to the next pass), or have been let go by a worker that died or failed on it after this
    batch was taken (put this one back: the next batch of the pass takes the earlier first).
    """
    if not connection.features.has_select_for_update_skip_locked:
        return  # one worker at a time, taking deadlines in due order
    earlier = (
        Deadline.objects.active()
        .filter(case_id=deadline.case_id, due_at__lte=now)
        .filter(Q(due_at__lt=deadline.due_at) | Q(due_at=deadline.due_at, pk__lt=deadline.pk))
        .exclude(pk__in=failed)
    )
    pending = set(earlier.values_list("pk", flat=True))
    if not pending:
        return
    ours = earlier.filter(pk__in=pending).select_for_update(skip_locked=True)
    if set(ours.values_list("pk", flat=True)) != pending:
        raise _Busy
    raise _Later


def _fire(deadline: Deadline, now: dt.datetime, failed: Collection[int] = ()) -> str | None:
    _check_order(deadline, now, failed)
    case = _lock_case(deadline)
    if case is None:
        raise _Busy
    deadline.refresh_from_db()
    if deadline.fired_at or deadline.met_at or deadline.cancelled_at or deadline.due_at is None:
        return None
    if case.status in (Status.RESOLVED, Status.CLOSED):
        deadline.cancelled_at = now
        deadline.save(update_fields=["cancelled_at"])
        return f"{case.number} {deadline.kind}: cancelled ({case.status})"

    roles = (
        (deadline.recipient,)
        if deadline.kind == DeadlineKind.ESCALATION
        else RECIPIENTS[deadline.kind]
    )
    to = _unique(p for role in roles for p in recipients.people(case, role, now))
    copies = _already_involved(case) if deadline.kind == DeadlineKind.ESCALATION else []
    deadline.fired_at = now
    deadline.save(update_fields=["fired_at"])
    action: dict[str, str] = {}
    if deadline.kind == DeadlineKind.CALLBACK_REASSIGN:
        action = _chase(case, now)
        case.refresh_from_db()

    outbox.queue(
        template="deadline",
        context={"case": case, "deadline": deadline, "action": action},
        reason=f"deadline:{deadline.pk}",
        recipients=to,
        copies=[p for p in copies if p not in to],
        case=case,
        deadline=deadline,
    )
    CaseEvent.objects.create(
        case=case,
        at=now,
        actor=None,
        kind=EventKind.DEADLINE_FIRED,
        internal=True,
        data={
            "deadline": deadline.kind,
            "key": deadline.key,
            "due_at": clock.iso_utc(deadline.due_at),
            "to": [p.username for p in to],
            "cc": [p.username for p in copies if p not in to],
            **action,
        },
    )
    cc = [p for p in copies if p not in to]
    names = ", ".join(p.username for p in to) or "nobody"
    if cc:
        names += f" (cc {', '.join(p.username for p in cc)})"
    extra = f" [{', '.join(f'{k}={v}' for k, v in action.items())}]" if action else ""
    return f"{case.number} {deadline.kind} due {clock.iso_utc(deadline.due_at)} → {names}{extra}"


def _unique(users):
    seen, result = set(), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def _already_involved(case: Case):
    """Managers already told about this CASE by an earlier escalation level (CC them)."""
    from casedesk.accounts.models import User

    ids = Notification.objects.filter(
        case=case, deadline__kind=DeadlineKind.ESCALATION, copy=False
    ).values("recipient_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username"))


def _chase(case: Case, now: dt.datetime) -> dict[str, str]:
    """45 minutes without a callback: reassign to the next recommended engineer, or propose."""
    from casedesk.cases import services as cases
    from casedesk.routing.selectors import recommend_engineers

    candidates = recommend_engineers(case, exclude=[case.engineer_id] if case.engineer_id else [])
    if not candidates:
        return {"action": "none", "reason": "no engineer available"}
    best = candidates[0]
    if policy_for(case.organization.service_level).chase_action == ChaseAction.PROPOSE:
        return {"action": "proposed", "engineer": best.username}
    cases.case_assign(case=case, engineer=best, by=None, note="no callback within the chase time")
    return {"action": "reassigned", "engineer": best.username}
