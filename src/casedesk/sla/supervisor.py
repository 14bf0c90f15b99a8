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
from .choices import ChaseAction, DeadlineKind, Recipient
from .models import Deadline
from .services import RECIPIENTS, policy_for

log = logging.getLogger(__name__)
BATCH = 100
SQLITE_GAP = 0.15  # seconds between two full batches on SQLite
# Who these roles mean does not depend on the CASE: looked up once a pass, not per deadline.
SHARED_ROLES = frozenset(
    {Recipient.DUTY_ENGINEER, Recipient.CS_MANAGER, Recipient.SUPERVISOR, Recipient.GENERAL_MANAGER}
)


class _Busy(Exception):
    """The CASE is held elsewhere (an operation, or another worker firing an earlier deadline)."""


class _Later(Exception):
    """An earlier deadline of the CASE is still to fire in this pass."""


@dataclass
class _Batch:
    """What the deadlines of one batch share, read once instead of once a deadline.

    ``told``: per CASE, who an escalation fired in this batch told (later levels copy them;
    their outbox rows are not written yet).  ``changed``: CASEs an operation changed
    in this batch (the chase), whose deadlines must be read again; any other deadline of the
    batch is as its locked row was read.  ``outbox`` and ``events``: the rows of the fired
    deadlines, written together by :meth:`flush` in the batch's transaction.
    """

    cache: dict  # for the whole pass: SHARED_ROLES → people, organizations, engineers
    told: dict[int, list] = field(default_factory=dict)
    changed: set[int] = field(default_factory=set)
    outbox: list[Notification] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)

    def flush(self) -> None:
        CaseEvent.objects.bulk_create(self.events)
        outbox.write(self.outbox)
        self.events, self.outbox = [], []


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
    cache: dict = {}  # see _Batch.cache
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
                shared = _Batch(cache=cache)
                for deadline in rows:
                    if deadline.case_id in busy:
                        result.skipped += 1
                        continue
                    if deadline.kind == DeadlineKind.CALLBACK_REASSIGN:
                        shared.flush()  # the chase writes events: keep the history in order
                    try:
                        with transaction.atomic():
                            line = _fire(deadline, now, skip, shared)
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
                shared.flush()
            if len(rows) == batch and connection.vendor == "sqlite":
                # One writer at a time, and a waiting writer only polls (every 100 ms at
                # most): let operations in between full batches, or a backlog starves them.
                time.sleep(SQLITE_GAP)
            if result.fired + len(skip) + len(busy) + later == fired_before:
                break
    return result


def _lock_case(deadline: Deadline, cache: dict | None = None) -> Case | None:
    if cache is not None:
        return _lock_case_row(deadline, cache)
    qs = Case.objects.select_related(
        "organization", "engineer", "engineer__staff", "engineer__staff__manager"
    )
    if connection.features.has_select_for_update_skip_locked:
        # An operation holding the CASE may be changing its deadlines: leave it for next pass.
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs.filter(pk=deadline.case_id).first()


def _lock_case_row(deadline: Deadline, cache: dict) -> Case | None:
    """The CASE's row, read fresh under its lock by a statement simple to build; its
    organization and engineer (with manager) as read once in the pass."""
    from casedesk.accounts.models import Organization

    table = connection.ops.quote_name(Case._meta.db_table)
    lock = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    sql = f"SELECT * FROM {table} WHERE id = %s{lock}"
    case = next(iter(Case.objects.raw(sql, [deadline.case_id])), None)
    if case is None:
        return None
    org_id = case.organization_id
    case.organization = _cached(cache, ("org", org_id), lambda: Organization.objects.get(pk=org_id))
    engineer = _user(cache, case.engineer_id) if case.engineer_id else None
    if engineer is not None:  # (an owner cannot be deleted: PROTECT)
        case.engineer = engineer
    return case


def _user(cache: dict, pk: int):
    """A user (with staff profile and manager) as read once in the pass; None if gone."""
    from casedesk.accounts.models import User

    return _cached(
        cache,
        ("user", pk),
        lambda: User.objects.select_related("staff", "staff__manager").filter(pk=pk).first(),
    )


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
        .order_by()
    )
    pending = set(earlier.values_list("pk", flat=True))
    if not pending:
        return
    ours = earlier.filter(pk__in=pending).select_for_update(skip_locked=True)
    if set(ours.values_list("pk", flat=True)) != pending:
        raise _Busy
    raise _Later


def _fire(
    deadline: Deadline,
    now: dt.datetime,
    failed: Collection[int] = (),
    batch: _Batch | None = None,
) -> str | None:
    _check_order(deadline, now, failed)
    case = _lock_case(deadline, batch.cache if batch is not None else None)
    if case is None:
        raise _Busy
    if batch is None or deadline.case_id in batch.changed:
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
    cache = batch.cache if batch is not None else None
    to = _unique(p for role in roles for p in _people(case, role, now, cache))
    copies = _already_involved(case, batch) if deadline.kind == DeadlineKind.ESCALATION else []
    deadline.fired_at = now
    deadline.save(update_fields=["fired_at"])
    action: dict[str, str] = {}
    if deadline.kind == DeadlineKind.CALLBACK_REASSIGN:
        action = _chase(case, now)
        case.refresh_from_db()
        if batch is not None:
            batch.changed.add(case.pk)

    rows = outbox.build(
        template="deadline",
        context={"case": case, "deadline": deadline, "action": action},
        reason=f"deadline:{deadline.pk}",
        recipients=to,
        copies=[p for p in copies if p not in to],
        case=case,
        deadline=deadline,
    )
    event = CaseEvent(
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
    if batch is None:
        outbox.write(rows)
        event.save()
    else:  # written with the batch's others (nothing below can fail)
        batch.outbox.extend(rows)
        batch.events.append(event)
        if deadline.kind == DeadlineKind.ESCALATION:
            told = batch.told.setdefault(case.pk, [])
            told.extend(p for p in to if p.email and p.is_active and p not in told)
    cc = [p for p in copies if p not in to]
    names = ", ".join(p.username for p in to) or "nobody"
    if cc:
        names += f" (cc {', '.join(p.username for p in cc)})"
    extra = f" [{', '.join(f'{k}={v}' for k, v in action.items())}]" if action else ""
    return f"{case.number} {deadline.kind} due {clock.iso_utc(deadline.due_at)} → {names}{extra}"


def _people(case: Case, role: str, now: dt.datetime, cache: dict | None) -> list:
    if cache is None or role not in SHARED_ROLES:
        return recipients.people(case, role, now)
    return _cached(cache, ("role", role), lambda: recipients.people(case, role, now))


def _cached(cache: dict, key: tuple, read):
    if key not in cache:
        cache[key] = read()
    return cache[key]


def _unique(users):
    seen, result = set(), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def _already_involved(case: Case, batch: _Batch | None = None):
    """Managers already told about this CASE by an earlier escalation level (CC them)."""
    from casedesk.accounts.models import User

    told = Notification.objects.filter(
        case=case, deadline__kind=DeadlineKind.ESCALATION, copy=False
    ).values("recipient_id")
    if batch is None:
        return list(User.objects.filter(pk__in=told, is_active=True).order_by("username"))
    # In a pass: the ids only (people come from the pass's cache), plus those told in this
    # batch, whose outbox rows are not written yet.
    ids = set(told.order_by().values_list("recipient_id", flat=True))
    users = {u.pk: u for u in (_user(batch.cache, pk) for pk in ids) if u and u.is_active}
    users.update((u.pk, u) for u in batch.told.get(case.pk, []))
    return sorted(users.values(), key=_username)


def _username(user) -> str:
    return user.username


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
