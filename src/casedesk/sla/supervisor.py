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

from casedesk.accounts.models import Organization, User
from casedesk.accounts.selectors import assignable_staff, display_names
from casedesk.cases import services as cases
from casedesk.cases.choices import EventKind, Status
from casedesk.cases.events import CaseEventsBulkWritten
from casedesk.cases.models import Case, CaseEvent
from casedesk.cases.selectors import missed_callback_by
from casedesk.cases.services import audit_of
from casedesk.core import audit, clock, events
from casedesk.notify import services as outbox
from casedesk.notify.models import Notification
from casedesk.routing.selectors import recommend_engineers
from casedesk.routing.services import auto_assign_pass

from . import recipients
from .choices import OUTLIVE_THE_CASE, ChaseAction, DeadlineKind, Recipient
from .events import SupervisionPassed
from .models import Deadline
from .services import RECIPIENTS, policy_for

log = logging.getLogger(__name__)
BATCH = 100
SQLITE_GAP = 0.15  # seconds between two full batches on SQLite
# Who these roles mean does not depend on the CASE: looked up once a pass, not per deadline.
SHARED_ROLES = frozenset(
    {Recipient.DUTY_ENGINEER, Recipient.CS_MANAGER, Recipient.SUPERVISOR, Recipient.GENERAL_MANAGER}
)


@dataclass
class _Batch:
    """What the deadlines of one batch share, read once instead of once a deadline.

    ``told``: per CASE, who an escalation fired in this batch told (later levels copy them;
    their outbox rows are not written yet); ``told_before``: per CASE, who escalations told
    before this batch (read in one query).  ``changed``: CASEs an operation changed in this
    batch (the chase), whose deadlines must be read again; any other deadline of the batch
    is as its locked row was read.  ``stamped``, ``outbox`` and ``events``: the fired
    deadlines and their rows, written together by :meth:`flush` in the batch's transaction.
    """

    now: dt.datetime
    cache: dict  # for the whole pass: SHARED_ROLES → people, organizations, engineers
    told: dict[int, list] = field(default_factory=dict)
    told_before: dict[int, set[int]] = field(default_factory=dict)
    changed: set[int] = field(default_factory=set)
    stamped: list[int] = field(default_factory=list)
    outbox: list[Notification] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)
    audit: list = field(default_factory=list)  # audit records of changes other than events

    def flush(self) -> None:
        if self.stamped:
            Deadline.objects.filter(pk__in=self.stamped).update(fired_at=self.now)
        CaseEvent.objects.bulk_create(self.events)
        # One audit record per event (the deadline's firing), sealed with the batch.
        self.audit.extend(audit.build(**audit_of(event.case, event)) for event in self.events)
        audit.record_all(self.audit)
        if self.events:
            events.publish(CaseEventsBulkWritten(tuple(self.events)))
        outbox.write(self.outbox)
        self.stamped, self.events, self.outbox, self.audit = [], [], [], []


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
            # One batch is one operation: its changes and their audit records, sealed at its end.
            with transaction.atomic(), audit.sealing():
                due = (
                    Deadline.objects.active()
                    .filter(due_at__lte=now)
                    .exclude(pk__in=skip)
                    .exclude(case_id__in=busy)
                    .order_by("due_at", "id")
                )
                if connection.features.has_select_for_update_skip_locked:
                    due = due.select_for_update(skip_locked=True, of=("self",))
                rows = list(due[:batch])
                if not rows:
                    break
                shared = _Batch(now=now, cache=cache)
                waiting = _earlier_elsewhere(rows, now, skip)
                cases = _lock_cases(
                    {d.case_id for d in rows if d.pk not in waiting and d.case_id}, cache
                )
                shared.told_before = _told_before(
                    {d.case_id for d in rows if d.kind == DeadlineKind.ESCALATION} & set(cases)
                )
                for deadline in rows:
                    if deadline.case_id is None:  # a complaint's: no CASE to lock or write to
                        line = _fire_caseless(deadline, now, shared)
                        result.fired += line is not None
                        result.lines.extend([line] if line else [])
                        continue
                    case = cases.get(deadline.case_id)
                    why = waiting.get(deadline.pk) or ("" if case else "busy")
                    if deadline.case_id in busy or why == "busy":
                        busy.add(deadline.case_id)
                        result.skipped += 1
                        continue
                    if why == "later":
                        later += 1
                        continue
                    assert case is not None
                    if deadline.kind == DeadlineKind.CALLBACK_REASSIGN:
                        shared.flush()  # the chase writes events: keep the history in order
                    try:
                        with transaction.atomic():
                            line = _fire(deadline, case, now, shared)
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
        result.lines.extend(_auto_assign())
        events.publish(SupervisionPassed(now=now, lines=result.lines))
    return result


def _auto_assign() -> list[str]:
    """New CASEs of auto-assign routing queues go to their top recommended engineer."""
    try:
        return auto_assign_pass()
    except Exception:
        log.exception("auto-assignment failed; retried next pass")
        return []


def _earlier_elsewhere(
    rows: list[Deadline], now: dt.datetime, failed: Collection[int]
) -> dict[int, str]:
    """Which deadlines of the batch must wait for an earlier one of their CASE outside it.

    ``"busy"``: that earlier deadline is in another worker's batch (leave the CASE to the
    next pass); ``"later"``: nobody holds it (a worker died or failed on it, or it fell due
    after this batch was taken): put this one back, the next batch takes the earlier first.
    Checked before the CASEs are locked, so a worker never holds a CASE it then skips.
    """
    if not connection.features.has_select_for_update_skip_locked:
        return {}  # one worker at a time, taking deadlines in due order
    ours = {d.pk for d in rows}
    outside: dict[int, list[tuple[dt.datetime, int]]] = {}
    for pk, case_id, due_at in (
        Deadline.objects.active()
        .filter(case_id__in={d.case_id for d in rows}, due_at__lte=now)
        .exclude(pk__in=ours | set(failed))
        .order_by()
        .values_list("pk", "case_id", "due_at")
    ):
        outside.setdefault(case_id, []).append((due_at, pk))
    if not outside:
        return {}
    pending = {
        d.pk: [pk for due_at, pk in outside.get(d.case_id, ()) if (due_at, pk) < (d.due_at, d.pk)]
        for d in rows
    }
    wanted = {pk for pks in pending.values() for pk in pks}
    free = set(
        Deadline.objects.filter(pk__in=wanted)
        .order_by()  # no join for an ordering: a promise about no CASE has none to lock
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)
    )
    return {pk: ("later" if free.issuperset(pks) else "busy") for pk, pks in pending.items() if pks}


def _lock_cases(ids: Collection[int], cache: dict) -> dict[int, Case]:
    """The CASEs' rows, read fresh under their locks in one statement (skipping those an
    operation holds); their organizations and engineers (with manager) as read once a pass."""
    if not ids:
        return {}
    table = connection.ops.quote_name(Case._meta.db_table)
    lock = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    marks = ", ".join(["%s"] * len(ids))
    cases = {
        c.pk: c
        for c in Case.objects.raw(f"SELECT * FROM {table} WHERE id IN ({marks}){lock}", list(ids))
    }
    for case in cases.values():
        org_id = case.organization_id
        case.organization = _cached(
            cache, ("org", org_id), lambda org_id=org_id: Organization.objects.get(pk=org_id)
        )
        engineer = _user(cache, case.engineer_id) if case.engineer_id else None
        if engineer is not None:  # (an owner cannot be deleted: PROTECT)
            case.engineer = engineer
    return cases


def _user(cache: dict, pk: int):
    """A user (with staff profile and manager) as read once in the pass; None if gone."""
    return _cached(
        cache,
        ("user", pk),
        lambda: User.objects.select_related("staff", "staff__manager").filter(pk=pk).first(),
    )


def _told_before(case_ids: Collection[int]) -> dict[int, set[int]]:
    """Per CASE, who earlier escalation levels told (not in CC), in one query."""
    told: dict[int, set[int]] = {}
    if case_ids:
        for case_id, user_id in Notification.objects.filter(
            case_id__in=case_ids, deadline__kind=DeadlineKind.ESCALATION, copy=False
        ).values_list("case_id", "recipient_id"):
            told.setdefault(case_id, set()).add(user_id)
    return told


def _fire(deadline: Deadline, case: Case, now: dt.datetime, batch: _Batch) -> str | None:
    """Fire one deadline of the batch on its locked CASE; None if it no longer stands."""
    if deadline.case_id in batch.changed:
        deadline.refresh_from_db()
    if deadline.fired_at or deadline.met_at or deadline.cancelled_at or deadline.due_at is None:
        return None
    if case.status in (Status.RESOLVED, Status.CLOSED) and deadline.kind not in OUTLIVE_THE_CASE:
        deadline.cancelled_at = now
        deadline.save(update_fields=["cancelled_at"])
        batch.audit.append(
            audit.build(
                action="deadline.cancel",
                obj=deadline,
                before={"cancelled_at": None},
                after={"cancelled_at": now},
                data={"case": case.number, "status": case.status},
            )
        )
        return f"{case.number} {deadline.kind}: cancelled ({case.status})"

    # An escalation rule, or a step of a domain's ladder, names its own recipient.
    roles = (deadline.recipient,) if deadline.recipient else RECIPIENTS[deadline.kind]
    to = _unique(p for role in roles for p in _people(case, role, now, batch.cache))
    hole = _cached(batch.cache, ("hole", tuple(roles)), lambda: recipients.roster_hole(roles, now))
    copies = _already_involved(case, batch) if deadline.kind == DeadlineKind.ESCALATION else []
    deadline.fired_at = now
    action: dict[str, str] = {}
    if deadline.kind == DeadlineKind.CALLBACK_REASSIGN:
        # Stamped before the reassignment, which cancels the CASE's open callback deadlines.
        deadline.save(update_fields=["fired_at"])
        action = _chase(case, now, batch.cache)
        case.refresh_from_db()
        batch.changed.add(case.pk)

    rows = outbox.build(
        template="deadline",
        context={
            "case": case,
            "deadline": deadline,
            "deadline_label": DeadlineKind(deadline.kind).label,  # lazy: each reader's language
            "action": action,
            "chosen": _chosen(action),
            "roster_hole": hole,
        },
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
            **({"roster_hole": True} if hole else {}),
            **action,
        },
    )
    # Written with the batch's others (nothing below can fail).
    if deadline.kind != DeadlineKind.CALLBACK_REASSIGN:
        batch.stamped.append(deadline.pk)
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


def _fire_caseless(deadline: Deadline, now: dt.datetime, batch: _Batch) -> str | None:
    """Fire a promise about no CASE (a complaint's, ``"complaint:K2612001:…"``): mail its
    recipients with the template named like its kind, audit it; locked with its batch."""
    if deadline.fired_at or deadline.met_at or deadline.cancelled_at or deadline.due_at is None:
        return None
    to = _unique(
        p for role in RECIPIENTS[deadline.kind] for p in _people(None, role, now, batch.cache)
    )
    deadline.fired_at = now
    parts = deadline.key.split(":")
    batch.outbox.extend(
        outbox.build(
            template=deadline.kind,
            context={
                "deadline": deadline,
                "deadline_label": DeadlineKind(deadline.kind).label,
                "reference": parts[1] if len(parts) > 1 else deadline.key,
            },
            reason=f"deadline:{deadline.pk}",
            recipients=to,
            deadline=deadline,
        )
    )
    batch.stamped.append(deadline.pk)
    batch.audit.append(
        audit.build(
            action="deadline.fire",
            obj=deadline,
            before={"fired_at": None},
            after={"fired_at": now},
            data={"key": deadline.key, "kind": deadline.kind, "to": [p.username for p in to]},
        )
    )
    names = ", ".join(p.username for p in to) or "nobody"
    return f"{deadline.key} due {clock.iso_utc(deadline.due_at)} → {names}"


def _people(case: Case | None, role: str, now: dt.datetime, cache: dict | None) -> list:
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


def _already_involved(case: Case, batch: _Batch):
    """Managers already told about this CASE by an earlier escalation level (CC them): those
    told before the batch, and those told in it, whose outbox rows are not written yet."""
    users = {
        u.pk: u
        for u in (_user(batch.cache, pk) for pk in batch.told_before.get(case.pk, ()))
        if u and u.is_active
    }
    users.update((u.pk, u) for u in batch.told.get(case.pk, []))
    return sorted(users.values(), key=_username)


def _username(user) -> str:
    return user.username


def _chosen(action: dict[str, str]) -> str:
    """The display name of the engineer a chase reassigned to or proposed, for the mail."""
    login = action.get("engineer", "")
    return display_names([login]).get(login, login) if login else ""


def _chase(case: Case, now: dt.datetime, cache: dict) -> dict[str, str]:
    """45 minutes without a callback: reassign to the next recommended engineer, or propose.

    Never to the engineer who just missed it (``missed_by``, kept in the event) nor to one
    who missed it before: the CASE would only bounce back to someone who did not call.
    """
    staff = _cached(cache, ("assignable",), assignable_staff)
    missed = missed_callback_by(case)
    missed_by = {"missed_by": case.engineer.username} if case.engineer is not None else {}
    missed.update(missed_by.values())
    candidates = recommend_engineers(
        case,
        fetched_by=None,
        exclude=[case.engineer_id, *(u.pk for u in staff if u.username in missed)],
        staff=staff,
    )
    if not candidates:
        return {"action": "none", "reason": "no engineer available", **missed_by}
    best = candidates[0]
    if policy_for(case.organization.service_level).chase_action == ChaseAction.PROPOSE:
        return {"action": "proposed", "engineer": best.username, **missed_by}
    cases.case_assign(case=case, engineer=best, by=None, system={"code": "chase_reassigned"})
    return {"action": "reassigned", "engineer": best.username, **missed_by}
