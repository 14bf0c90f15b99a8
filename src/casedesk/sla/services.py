"""Deadlines as data: computed from the CASE's SLA policy on its calendar, kept as rows.

``on_event`` is called by the CASE operation layer right after it writes each CaseEvent,
inside the same transaction, so a CASE's deadlines always agree with its history.  Times
count in business minutes on the CASE's calendar from the clock's start (creation, or the
last reopen), plus the time the clock was paused; a priority change recomputes from there,
so levels already passed fall due at once and fire on the next supervisor pass.  A deadline
that fired or was met is never recreated: its key is unique per CASE.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from casedesk.accounts.choices import Role
from casedesk.cases.choices import EventKind as E
from casedesk.cases.choices import PendingReason, Status, WorkLogKind
from casedesk.core import clock, rows

from . import calendar as cal
from .choices import OUTLIVE_THE_CASE, Alert, Recipient
from .choices import DeadlineKind as K
from .models import CaseClock, Deadline, SlaPolicy
from .selectors import CalendarNotConfigured, LevelConfig, calendar_by_code, level_config

CALLBACK_KINDS = (K.ENGINEER_CALLBACK, K.CALLBACK_CHASE, K.CALLBACK_REASSIGN)
DOMAIN_KINDS = (
    K.DEFECTIVE_RETURN,
    K.REPAIR_RETURN,
    K.ONSITE_ARRIVAL,
    K.VENDOR_UPDATE,
    K.COMPLAINT_ACKNOWLEDGE,
    K.COMPLAINT_RESOLUTION,
)
# Promises about something that is not a CASE: no CASE, counted on a calendar the promiser names.
CASELESS_KINDS = (K.COMPLAINT_ACKNOWLEDGE, K.COMPLAINT_RESOLUTION)
CYCLE_KINDS = (K.ESCALATION, K.VENDOR_ESCALATION, K.RESOLUTION)


class _Context:
    """What one CASE's deadline computations need, loaded once per operation."""

    def __init__(self, case, *, new_clock: CaseClock | None = None) -> None:
        self.case = case
        self.now = clock.now()
        self.config: LevelConfig = level_config(case.organization.service_level)
        self.policy = self.config.policy
        self.calendar = self.config.calendar
        # A CASE entitled at intake (or served as goodwill) is promised its service
        # product's times, counted in the product's coverage hours; otherwise its
        # organization's service level decides, as it always did.
        self.callback_minutes = self.policy.callback_minutes
        self.first_worklog_minutes = self.policy.first_worklog_minutes
        promise = promised_by(case.entitlement)
        if promise is not None:
            targets = promise.get("targets") or {}
            self.callback_minutes = targets.get("callback_minutes") or self.callback_minutes
            self.first_worklog_minutes = (
                targets.get("first_worklog_minutes") or self.first_worklog_minutes
            )
            for code in (promise.get("calendar"), promise.get("coverage")):
                found = calendar_by_code(code) if code else None
                if found is not None:
                    self.calendar = found
                    break
        # A new CASE has no deadlines yet: collect them and insert them in one statement.
        self.fresh = new_clock is not None
        self.new_rows: list[Deadline] = []
        self.clock = new_clock or CaseClock.objects.select_for_update().filter(case=case).first()

    def due(self, anchor: dt.datetime, minutes: float, *, pausable: bool) -> dt.datetime:
        extra = self.clock.paused_minutes if (pausable and self.clock) else 0
        return cal.add_business_minutes(self.calendar, anchor, minutes + extra)

    def upsert(
        self,
        *,
        key: str,
        kind: str,
        anchor: dt.datetime,
        minutes: int,
        priority: str = "",
        recipient: str = "",
        pausable: bool = False,
    ) -> Deadline:
        paused = pausable and self.clock is not None and self.clock.paused_since is not None
        due = None if paused else self.due(anchor, minutes, pausable=pausable)
        deadline = None if self.fresh else Deadline.objects.filter(case=self.case, key=key).first()
        if deadline is None:
            deadline = Deadline(
                case=self.case,
                key=key,
                kind=kind,
                priority=priority,
                recipient=recipient,
                anchor_at=anchor,
                target_minutes=minutes,
                pausable=pausable,
                due_at=due,
            )
            if self.fresh:
                self.new_rows.append(deadline)
            else:
                deadline.save(force_insert=True)
            return deadline
        if deadline.fired_at is None and deadline.met_at is None:
            deadline.anchor_at, deadline.target_minutes, deadline.pausable = (
                anchor,
                minutes,
                pausable,
            )
            deadline.due_at, deadline.cancelled_at = due, None
            deadline.save(
                update_fields=["anchor_at", "target_minutes", "pausable", "due_at", "cancelled_at"]
            )
        return deadline

    def open_deadlines(self, kinds: Iterable[str] | None = None):
        qs = Deadline.objects.filter(
            case=self.case, fired_at__isnull=True, met_at__isnull=True, cancelled_at__isnull=True
        )
        return qs.filter(kind__in=list(kinds)) if kinds is not None else qs

    def cancel(self, qs) -> None:
        qs.update(cancelled_at=self.now)

    def meet(self, kinds: Iterable[str], *, cycle_only: bool = False) -> None:
        """Mark promises kept, including ones that fired late (the report shows both)."""
        kinds = list(kinds)
        if not kinds:
            return
        qs = Deadline.objects.filter(
            case=self.case, kind__in=kinds, met_at__isnull=True, cancelled_at__isnull=True
        )
        if cycle_only and self.clock:
            qs = qs.filter(key__endswith=f":c{self.clock.cycle}")
        qs.update(met_at=self.now)


# --- the promises of other domains (a part's return, an engineer's arrival) ----------------


def deadline_promise(
    *,
    case,
    key: str,
    kind: str,
    anchor: dt.datetime,
    minutes: int | None = None,
    due_at: dt.datetime | None = None,
    calendar: str = "",
    recipient: str = "",
) -> Deadline:
    """A promise another domain makes about ``case`` (``kind`` one of ``DEFECTIVE_RETURN``,
    ``REPAIR_RETURN``, ``ONSITE_ARRIVAL``, ``VENDOR_UPDATE``), watched by the supervisor like the CASE's own:
    due ``minutes`` business minutes after ``anchor`` on the CASE's calendar (its product's
    coverage hours, else its service level's), or at ``due_at`` (calendar time, e.g. "10
    days").  ``key`` names it on the CASE (e.g. ``"rma:R2612001:defective_return"``); the
    same key again moves the promise if it has not fired or been met.  Called inside the
    domain's operation (its transaction, its audit record).

    ``case`` None (``kind`` one of ``CASELESS_KINDS``, a complaint's): a promise about no
    CASE, ``key`` unique among those, ``minutes`` counted on the service calendar whose code
    is ``calendar``; the supervisor tells ``RECIPIENTS[kind]`` with the mail template named
    like the kind (``notify/<kind>.subject.txt``, the promiser's).

    ``recipient`` (a :class:`Recipient`): a step of a ladder, telling that role instead of
    ``RECIPIENTS[kind]`` (a vendor still late after the engineer was chased: the supervisor).
    Set when the promise is made, like an escalation rule's."""
    if (minutes is None) == (due_at is None):
        raise ValueError("give minutes or due_at")
    if kind not in DOMAIN_KINDS or (case is None) != (kind in CASELESS_KINDS):
        raise ValueError(f"{kind!r} is not a deadline another domain may promise so")
    if case is None:
        return _caseless_promise(
            key=key, kind=kind, anchor=anchor, minutes=minutes, due_at=due_at, calendar=calendar
        )
    ctx = _Context(case)
    if due_at is None:
        return ctx.upsert(
            key=key, kind=kind, anchor=anchor, minutes=minutes or 0, recipient=recipient
        )
    deadline = ctx.upsert(key=key, kind=kind, anchor=anchor, minutes=0, recipient=recipient)
    if deadline.fired_at is None and deadline.met_at is None:
        deadline.due_at = due_at
        deadline.target_minutes = max(0, int((due_at - anchor).total_seconds() // 60))
        deadline.save(update_fields=["due_at", "target_minutes"])
    return deadline


def _caseless_promise(
    *,
    key: str,
    kind: str,
    anchor: dt.datetime,
    minutes: int | None,
    due_at: dt.datetime | None,
    calendar: str,
) -> Deadline:
    if due_at is None:
        found = calendar_by_code(calendar)
        if found is None:
            raise CalendarNotConfigured(f"no service calendar {calendar!r}")
        due_at = cal.add_business_minutes(found, anchor, minutes or 0)
    target = minutes if minutes is not None else int((due_at - anchor).total_seconds() // 60)
    deadline = Deadline.objects.filter(case__isnull=True, key=key).first()
    if deadline is None:
        return Deadline.objects.create(
            case=None,
            key=key,
            kind=kind,
            anchor_at=anchor,
            target_minutes=max(0, target),
            due_at=due_at,
        )
    if deadline.fired_at is None and deadline.met_at is None:
        deadline.anchor_at, deadline.target_minutes, deadline.due_at = (
            anchor,
            max(0, target),
            due_at,
        )
        deadline.cancelled_at = None
        deadline.save(update_fields=["anchor_at", "target_minutes", "due_at", "cancelled_at"])
    return deadline


def deadline_keep(*, case, key: str, at: dt.datetime | None = None) -> bool:
    """The promise ``key`` of ``case`` is kept at ``at`` (default now; late ones too, the
    reports tell them apart); False when there is no open one."""
    return bool(
        Deadline.objects.filter(
            case=case, key=key, met_at__isnull=True, cancelled_at__isnull=True
        ).update(met_at=at or clock.now())
    )


def deadline_drop(*, case, key: str) -> bool:
    """The promise ``key`` of ``case`` no longer stands (the RMA was cancelled, the visit
    called off); False when there is no open one."""
    return bool(
        Deadline.objects.filter(
            case=case,
            key=key,
            fired_at__isnull=True,
            met_at__isnull=True,
            cancelled_at__isnull=True,
        ).update(cancelled_at=clock.now())
    )


def policy_for(service_level: str) -> SlaPolicy:
    return level_config(service_level).policy


def _cycle_deadlines(ctx: _Context) -> None:
    """The matrix, vendor reminder and resolution target of the current priority and cycle."""
    case, policy, c = ctx.case, ctx.policy, ctx.clock
    assert c is not None  # (on_event gives a CASE from before the clock one first)
    anchor, suffix = c.started_at, f"c{c.cycle}"
    if not ctx.fresh:
        stale = ctx.open_deadlines(CYCLE_KINDS).exclude(priority=case.priority)
        ctx.cancel(stale.filter(key__endswith=f":{suffix}"))
    pause_matrix = policy.pause_escalations
    if policy.pk:
        for rule in ctx.config.rules.get(case.priority, ()):
            ctx.upsert(
                key=f"escalation:{case.priority}:{rule.after_minutes}:{rule.recipient}:{suffix}",
                kind=K.ESCALATION,
                anchor=anchor,
                minutes=rule.after_minutes,
                priority=case.priority,
                recipient=rule.recipient,
                pausable=pause_matrix,
            )
        target = ctx.config.targets.get(case.priority)
        if target and target.vendor_escalation_minutes is not None and case.escalation_level < 2:
            ctx.upsert(
                key=f"vendor_escalation:{case.priority}:{suffix}",
                kind=K.VENDOR_ESCALATION,
                anchor=anchor,
                minutes=target.vendor_escalation_minutes,
                priority=case.priority,
                pausable=pause_matrix,
            )
        if target and target.resolution_minutes is not None:
            ctx.upsert(
                key=f"resolution:{case.priority}:{suffix}",
                kind=K.RESOLUTION,
                anchor=anchor,
                minutes=target.resolution_minutes,
                priority=case.priority,
                pausable=True,
            )


def _assignment_deadlines(ctx: _Context) -> None:
    """The engineer's callback promise and the 30/45-minute chase, from this notification."""
    case, policy = ctx.case, ctx.policy
    ctx.cancel(ctx.open_deadlines(CALLBACK_KINDS))
    stamp = case.assigned_at.strftime("%Y%m%d%H%M%S%f")
    for kind, minutes in (
        (K.ENGINEER_CALLBACK, policy.engineer_callback_minutes),
        (K.CALLBACK_CHASE, policy.chase_remind_minutes),
        (K.CALLBACK_REASSIGN, policy.chase_reassign_minutes),
    ):
        ctx.upsert(key=f"{kind}:{stamp}", kind=kind, anchor=case.assigned_at, minutes=minutes)


def _pause(ctx: _Context) -> None:
    c = ctx.clock
    assert c is not None  # (see _cycle_deadlines)
    if c.paused_since is not None:
        return
    c.paused_since = ctx.now
    c.save(update_fields=["paused_since"])
    ctx.open_deadlines().filter(pausable=True).update(due_at=None)


def _unpause(ctx: _Context) -> None:
    c = ctx.clock
    assert c is not None  # (see _cycle_deadlines)
    if c.paused_since is None:
        return
    c.paused_minutes += cal.business_minutes_between(ctx.calendar, c.paused_since, ctx.now)
    c.paused_since = None
    c.save(update_fields=["paused_since", "paused_minutes"])
    for d in ctx.open_deadlines().filter(pausable=True):
        d.due_at = ctx.due(d.anchor_at, d.target_minutes, pausable=True)
        d.save(update_fields=["due_at"])


def kept_by_work_log(case, author, worklog_kind: str) -> list[str]:
    """The promises a work log of ``worklog_kind`` by ``author`` keeps (SPEC §3, [S0]).

    The first work log is the CASE's engineer's (or a helper's) record of handling it, and
    the engineer's callback after notification is theirs to make: the call taker's intake
    note or the duty engineer's call to the engineer keep neither.  The 15-minute callback
    from creation is the duty engineer's (值班工程师在建立CASE起15分钟内回呼), or made by
    whoever works the CASE.  Customers and the system keep nothing.
    """
    if author is None or author.is_customer:
        return []
    works_it = case.engineer_id == author.pk or case.helpers.filter(pk=author.pk).exists()
    kept: list[str] = [K.FIRST_WORKLOG] if works_it else []
    if worklog_kind == WorkLogKind.CALLBACK:
        if works_it:
            kept += [K.CALLBACK, *CALLBACK_KINDS]
        elif author.role == Role.DUTY_ENGINEER:
            kept.append(K.CALLBACK)
    return kept


def on_event(case, event) -> None:
    """Bring the CASE's deadlines in line with what just happened (inside its transaction)."""
    kind, data = event.kind, event.data
    if kind == E.OPENED:
        _on_open(case)
        return
    ctx = _Context(case)
    if ctx.clock is None:  # a CASE from before the clock existed
        ctx.clock = CaseClock.objects.create(case=case, started_at=case.created_at)
    status = data.get("status", {})
    if status.get("before") == Status.PENDING and status.get("after") != Status.PENDING:
        _unpause(ctx)

    if kind == E.ASSIGNED or (kind == E.ESCALATED and "engineer" in data):
        _assignment_deadlines(ctx)
    if kind == E.WORK_LOGGED:
        ctx.meet(kept_by_work_log(case, event.actor, data.get("kind", "")))
    elif kind == E.PRIORITY_CHANGED:
        _cycle_deadlines(ctx)
    elif kind == E.ESCALATED and data.get("target") == "vendor":
        ctx.meet([K.VENDOR_ESCALATION], cycle_only=True)
    elif kind == E.PENDED:
        if ctx.policy.pauses_for(case.pending_reason or PendingReason.CUSTOMER):
            _pause(ctx)
    elif kind == E.RESOLVED:
        ctx.meet([K.RESOLUTION], cycle_only=True)
        ctx.cancel(ctx.open_deadlines().exclude(kind__in=OUTLIVE_THE_CASE))
    elif kind == E.CLOSED:
        ctx.cancel(ctx.open_deadlines().exclude(kind__in=OUTLIVE_THE_CASE))
    elif kind == E.GOODWILL_APPROVED:
        _promise_deadlines(ctx)
    elif kind == E.REOPENED:
        ctx.cancel(ctx.open_deadlines().exclude(kind__in=OUTLIVE_THE_CASE))
        c = ctx.clock
        c.cycle, c.started_at, c.paused_since, c.paused_minutes = c.cycle + 1, ctx.now, None, 0
        c.save()
        _cycle_deadlines(ctx)
        if case.engineer_id and case.assigned_at:
            # Back to its engineer, who is notified afresh: their callback is due again.
            _assignment_deadlines(ctx)


def _promise_deadlines(ctx: _Context) -> None:
    """The first callback and work log due as the CASE's promise now says (goodwill a
    manager approved: its product's minutes and calendar), counted from its creation.  A
    promise already kept, fired or cancelled stays as it is."""
    case = ctx.case
    open_keys = set(ctx.open_deadlines([K.CALLBACK, K.FIRST_WORKLOG]).values_list("key", flat=True))
    for key, kind, minutes in (
        ("callback:c0", K.CALLBACK, ctx.callback_minutes),
        ("first_worklog:c0", K.FIRST_WORKLOG, ctx.first_worklog_minutes),
    ):
        if key in open_keys:
            ctx.upsert(key=key, kind=kind, anchor=case.created_at, minutes=minutes)


def promised_by(entitlement: dict | None) -> dict | None:
    """The entitlement a CASE's promised times come from: one that is entitled, or served
    as goodwill a manager approved; None: the organization's service level decides."""
    if not entitlement:
        return None
    goodwill = entitlement.get("goodwill")
    if isinstance(goodwill, dict):  # its product's times, kept with the approval
        return goodwill
    if entitlement.get("entitled") or goodwill:
        return entitlement
    return None


def _on_open(case) -> None:
    """A new CASE's clock and deadlines, each in one plain INSERT (the hot path of intake).

    The deadlines stay on the CASE as ``new_deadlines`` (in order), so the answer to the
    opening need not read them back.
    """
    new_clock = CaseClock(case=case, started_at=case.created_at)
    ctx = _Context(case, new_clock=new_clock)
    ctx.upsert(
        key="callback:c0", kind=K.CALLBACK, anchor=case.created_at, minutes=ctx.callback_minutes
    )
    ctx.upsert(
        key="first_worklog:c0",
        kind=K.FIRST_WORKLOG,
        anchor=case.created_at,
        minutes=ctx.first_worklog_minutes,
    )
    _cycle_deadlines(ctx)
    rows.insert(CaseClock, [new_clock])
    rows.insert(Deadline, ctx.new_rows)
    case.new_deadlines = ctx.new_rows


RECIPIENTS: dict[str, tuple[str, ...]] = {
    K.CALLBACK: (Recipient.DUTY_ENGINEER, Recipient.ENGINEER),
    K.ENGINEER_CALLBACK: (Recipient.ENGINEER, Recipient.DUTY_ENGINEER),
    K.CALLBACK_CHASE: (Recipient.ENGINEER, Recipient.DUTY_ENGINEER),
    K.CALLBACK_REASSIGN: (Recipient.DUTY_ENGINEER, Recipient.CS_MANAGER),
    K.FIRST_WORKLOG: (Recipient.DUTY_ENGINEER, Recipient.ENGINEER),
    K.VENDOR_ESCALATION: (Recipient.ENGINEER, Recipient.DUTY_ENGINEER),
    K.RESOLUTION: (Recipient.ENGINEER, Recipient.ENGINEER_MANAGER, Recipient.DUTY_ENGINEER),
    K.DEFECTIVE_RETURN: (Recipient.ENGINEER, Recipient.CS_MANAGER),
    K.REPAIR_RETURN: (Recipient.CS_MANAGER,),
    K.ONSITE_ARRIVAL: (Recipient.ENGINEER, Recipient.DUTY_ENGINEER, Recipient.CS_MANAGER),
    # The vendor's update is due: the CASE's engineer chases the vendor.  Its later step
    # (the vendor still late) names its own recipient, the supervisor (``recipient``).
    K.VENDOR_UPDATE: (Recipient.ENGINEER,),
    # A complaint not acknowledged in time goes to the CS manager; one not resolved in time
    # up to the general manager (the CS manager in copy).
    K.COMPLAINT_ACKNOWLEDGE: (Recipient.CS_MANAGER,),
    K.COMPLAINT_RESOLUTION: (Recipient.GENERAL_MANAGER, Recipient.CS_MANAGER),
}


# Who is told at once when a CASE becomes urgent (issue 6): the duty engineers on shift for
# a new P1/P2 from any channel, a reopened CASE and a severity raised to P1/P2 — and the
# CASE's engineer, who owns it; the engineer alone when the customer answers a CASE that
# waits for them.  The duty engineers when the engineer escalates to a senior engineer
# without handing it over ([S0]: "系统将E-MAIL通知值班工程师") or asks for reassignment: theirs
# is the next move.  Whoever made it urgent is not told; with nobody else to tell, the duty
# engineers are.
URGENT_PRIORITIES = ("P1", "P2")
ALERTS: dict[str, tuple[str, ...]] = {
    Alert.OPENED: (Recipient.DUTY_ENGINEER,),
    Alert.REOPENED: (Recipient.ENGINEER, Recipient.DUTY_ENGINEER),
    Alert.RAISED: (Recipient.ENGINEER, Recipient.DUTY_ENGINEER),
    Alert.CUSTOMER_REPLY: (Recipient.ENGINEER,),
    Alert.ESCALATED: (Recipient.DUTY_ENGINEER,),
    Alert.REASSIGNMENT: (Recipient.DUTY_ENGINEER,),
}


def alert_for(case, event) -> str | None:
    """Which way ``event`` made ``case`` urgent (an :class:`Alert`), or None."""
    kind, data = event.kind, event.data
    if kind == E.OPENED:
        return Alert.OPENED if case.priority in URGENT_PRIORITIES else None
    if kind == E.REOPENED:
        return Alert.REOPENED
    if kind == E.PRIORITY_CHANGED:
        change = data.get("priority") or {}
        before, after = change.get("before", ""), change.get("after", "")
        return Alert.RAISED if after in URGENT_PRIORITIES and after < before else None
    if kind == E.ESCALATED and data.get("target") == "senior" and "engineer" not in data:
        return Alert.ESCALATED  # (handed to a senior engineer, they get the assignment mail)
    if kind == E.REASSIGNMENT_REQUESTED:
        return Alert.REASSIGNMENT
    if kind in (E.WORK_LOGGED, E.ATTACHMENT_ADDED) and case.status == Status.PENDING:
        actor = event.actor
        return Alert.CUSTOMER_REPLY if actor is not None and actor.is_customer else None
    return None
