"""Issue 3's property: whatever is done to CASEs and whenever the supervisor runs, every
(deadline, recipient) is notified exactly once, never before it is due, never for a
resolved or closed CASE — and no CASE is forgotten.

A hypothesis state machine drives a small desk: a few gold (7×24) and silver (5×8) CASEs,
every CASE operation at strictly increasing instants (valid ones mostly, refused ones
sometimes: a refusal must change nothing), and supervision passes (``run_pass`` or
``casedesk supervise --now``) at arbitrary instants, at a deadline's due time to the
microsecond, and twice at the same instant.  Mail goes over SMTP to a real server.

The checks after every step do not trust the SLA code: the CASE's history (its
CaseEvents) is replayed to know, at each instant, its status, engineer, cycle and the
intervals its clock was paused, and each deadline's due time is recomputed from SPEC §3's
targets on the CASE's calendar.

``PROP_EXAMPLES=500 pytest tests/sla/test_properties.py`` searches longer than the default.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from casedesk.cases import services
from casedesk.cases.choices import EventKind, Status
from casedesk.cases.models import Case, CaseEvent, WorkLog
from casedesk.core import clock
from casedesk.core.errors import DomainError
from casedesk.notify.models import Notification, NotificationStatus
from casedesk.notify.services import deliver_due
from casedesk.sla.calendar import add_business_time, business_time_between
from casedesk.sla.defaults import TARGETS
from casedesk.sla.models import CaseClock, Deadline, SlaPolicy
from casedesk.sla.selectors import calendar_for, config_changed
from casedesk.sla.supervisor import run_pass
from tests.factories import ContactFactory, OrganizationFactory, make_user

S = Status
MAX_CASES = 3
STEPS = 25
EXAMPLES = int(os.environ.get("PROP_EXAMPLES", 40))
# Float minutes (the paused time is kept as a float) may move a due time by microseconds.
SLACK = dt.timedelta(milliseconds=1)

# SPEC §3's matrix: (severity, minutes from creation) → who hears.
MATRIX = {
    ("P1", 30): "duty_engineer",
    ("P1", 60): "supervisor",
    ("P1", 120): "general_manager",
    ("P2", 60): "duty_engineer",
    ("P2", 120): "supervisor",
    ("P2", 240): "general_manager",
    ("P3", 120): "duty_engineer",
    ("P3", 240): "supervisor",
    ("P3", 480): "general_manager",
}
VENDOR = {p: v for p, v, _r in TARGETS if v is not None}
RESOLUTION = {p: r for p, _v, r in TARGETS if r is not None}
# SPEC §3: callback 15 min from creation, first work log 45 min, engineer callback 1 h
# from notification, chased at 30 and 45 min.
FIXED = {
    "callback": 15,
    "first_worklog": 45,
    "engineer_callback": 60,
    "callback_chase": 30,
    "callback_reassign": 45,
}
CALLBACK_KINDS = ("engineer_callback", "callback_chase", "callback_reassign")
# Who hears about each kind of deadline (roles), and who those roles are on this desk.
ROLES = {
    "callback": ("duty_engineer", "engineer"),
    "engineer_callback": ("engineer", "duty_engineer"),
    "callback_chase": ("engineer", "duty_engineer"),
    "callback_reassign": ("duty_engineer", "cs_manager"),
    "first_worklog": ("duty_engineer", "engineer"),
    "vendor_escalation": ("engineer", "duty_engineer"),
    "resolution": ("engineer", "engineer_manager", "duty_engineer"),
}
PEOPLE = {
    "duty_engineer": "duty",
    "cs_manager": "csm",
    "supervisor": "sup",
    "general_manager": "gm",
}
MANAGERS = {"eng1": "csm", "se1": "sup", "se2": "sup"}


@dataclass(frozen=True)
class Policy:
    """The knobs of the SLA policy an example runs under (the seeded ones by default)."""

    pause_for_vendor: bool = False
    pause_escalations: bool = False
    chase_action: str = "reassign"

    @property
    def pausing(self) -> set[str]:
        return {"customer"} | ({"vendor"} if self.pause_for_vendor else set())

    def pausable(self, kind: str) -> bool:
        return kind == "resolution" or (
            self.pause_escalations and kind in ("escalation", "vendor_escalation")
        )


POLICIES = st.one_of(
    st.just(Policy()),
    st.builds(
        Policy,
        pause_for_vendor=st.booleans(),
        pause_escalations=st.booleans(),
        chase_action=st.sampled_from(["reassign", "propose"]),
    ),
)

# Shanghai: Monday 10:00; Friday 17:50 before the Qingming Monday; 08:55 on the adjusted
# working Saturday before Spring Festival; Sunday 23:59.
STARTS = [
    dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 4, 3, 9, 50, tzinfo=dt.UTC),
    dt.datetime(2026, 2, 14, 0, 55, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 22, 15, 59, tzinfo=dt.UTC),
]

# The actions of SPEC §2, and the states in which the desk would try each.
TRIED_IN = {
    "assign": {S.OPEN, S.ASSIGNED, S.IN_PROGRESS, S.PENDING},
    "accept": {S.ASSIGNED},
    "log_work": {S.OPEN, S.ASSIGNED, S.IN_PROGRESS, S.PENDING, S.RESOLVED},
    "set_priority": {S.OPEN, S.ASSIGNED, S.IN_PROGRESS, S.PENDING},
    "escalate_senior": {S.ASSIGNED, S.IN_PROGRESS, S.PENDING},
    "escalate_vendor": {S.ASSIGNED, S.IN_PROGRESS, S.PENDING},
    "pend": {S.IN_PROGRESS},
    "resume": {S.PENDING},
    "resolve": {S.IN_PROGRESS, S.PENDING},
    "confirm": {S.RESOLVED},
    "close": {S.RESOLVED},
    "reopen": {S.RESOLVED, S.CLOSED},
}
ACTIONS = list(TRIED_IN)
ONWARDS = {
    S.OPEN: {"assign"},
    S.ASSIGNED: {"accept", "log_work"},
    S.IN_PROGRESS: {"log_work", "pend", "resolve"},
    S.PENDING: {"resume"},
    S.RESOLVED: {"confirm", "close"},
    S.CLOSED: {"reopen"},
}
# Who usually does it (the owner if there is one; "owner" falls back to the duty engineer).
USUAL = {
    "log_work": ["owner", "duty", "customer"],
    "escalate_senior": ["owner", "duty"],
    "escalate_vendor": ["duty", "owner"],
    "confirm": ["customer", "duty"],
}


def senior(case: Case) -> bool:
    return case.engineer_id is not None and case.engineer.staff.tier == "senior"


def fits(case: Case, action: str) -> bool:
    """Whether the desk would try ``action`` on ``case`` now (then it must succeed)."""
    if case.status not in TRIED_IN[action]:
        return False
    if action in ("accept", "pend", "resume", "resolve"):
        return case.engineer_id is not None
    if action == "escalate_senior":
        return case.escalation_level == 0
    if action == "escalate_vendor":
        return case.escalation_level < 2 and (
            case.priority in ("P1", "P2") or case.escalation_level == 1 or senior(case)
        )
    if action == "confirm":
        return case.confirmed_at is None
    if action == "close":
        return case.confirmed_at is not None
    return True


# --- instants ------------------------------------------------------------------------


@dataclass(frozen=True)
class Later:
    """This long after the last instant."""

    delta: dt.timedelta

    def __repr__(self) -> str:
        return f"Later({self.delta})"


@dataclass(frozen=True)
class AtDue:
    """At the ``nth`` next due time of an active deadline, ``us`` microseconds off."""

    nth: int
    us: int


@dataclass(frozen=True)
class Same:
    """At the last instant again."""


MINUTES = [15, 30, 45, 60, 120, 240, 480, 1440, 4320]
LATER = st.one_of(
    st.sampled_from(
        [dt.timedelta(microseconds=1), dt.timedelta(seconds=1)]
        + [dt.timedelta(minutes=m + d) for m in MINUTES for d in (-1, 1)]
        + [dt.timedelta(days=3)]
    ),
    st.integers(1, 12 * 3600).map(lambda s: dt.timedelta(seconds=s)),
).map(Later)
SOON = st.integers(1, 20 * 60).map(lambda s: Later(dt.timedelta(seconds=s)))
AT_DUE = st.builds(AtDue, nth=st.integers(0, 3), us=st.sampled_from([0, -1, 1]))
# Operations mostly follow each other closely; the clock also jumps, and lands on due times.
OP_TIME = st.one_of(SOON, SOON, LATER, AT_DUE)
PASS_TIME = st.one_of(SOON, SOON, LATER, AT_DUE, st.just(Same()))


# --- the desk --------------------------------------------------------------------------


class DeskPeople:
    """Everybody on the desk, made once per test; each example rolls back to it."""

    def __init__(self):
        self.orgs = {}
        self.contacts = {}
        self.customers = {}
        for level in ("gold", "silver"):
            org = OrganizationFactory(code=level.upper(), service_level=level)
            self.orgs[level] = org
            self.contacts[level] = ContactFactory(organization=org)
            self.customers[level] = make_user("customer", username=f"cust_{level}", org=org)
        self.users = {
            "duty": make_user("duty_engineer", username="duty"),
            "eng1": make_user("engineer", username="eng1", tier="first_line"),
            "se1": make_user("engineer", username="se1", tier="senior"),
            "se2": make_user("engineer", username="se2", tier="senior"),
            "csm": make_user("cs_manager", username="csm"),
            "sup": make_user("supervisor", username="sup"),
            "gm": make_user("general_manager", username="gm"),
        }
        for name, boss in MANAGERS.items():
            staff = self.users[name].staff
            staff.manager = self.users[boss]
            staff.save()


# --- replaying a CASE's history ------------------------------------------------------


@dataclass
class Life:
    """What a CASE's events say about it, replayed without the SLA code."""

    created_at: dt.datetime
    policy: Policy
    status: str = S.OPEN
    reason: str = ""
    engineer: str | None = None
    cycle: int = 0
    starts: list[dt.datetime] = field(default_factory=list)  # per cycle
    pauses: list[list[list[dt.datetime | None]]] = field(default_factory=list)  # per cycle
    handovers: set[dt.datetime] = field(default_factory=set)
    handover: dt.datetime | None = None  # the one whose callback is still awaited
    first_worklog: str = "open"  # open / met / cancelled (the c0 promises)
    callback: str = "open"
    met_at: dict[str, dt.datetime] = field(default_factory=dict)
    told: set[str] = field(default_factory=set)  # escalation recipients so far
    fired: dict[str, CaseEvent] = field(default_factory=dict)  # key → its event

    @property
    def paused(self) -> bool:
        return self.status == S.PENDING and self.reason in self.policy.pausing

    @property
    def live(self) -> bool:
        return self.status not in (S.RESOLVED, S.CLOSED)


def expected_recipients(life: Life, kind: str, recipient: str) -> set[str]:
    roles = (recipient,) if kind == "escalation" else ROLES[kind]
    names: set[str] = set()
    for role in roles:
        if role == "engineer":
            names |= {life.engineer} if life.engineer else set()
        elif role == "engineer_manager":
            # (the chase may hand a CASE every engineer missed to the duty engineer, who
            # has no manager)
            names |= {MANAGERS[life.engineer]} if life.engineer in MANAGERS else set()
        elif role == "duty_engineer":
            # nobody is on the roster here: every duty engineer and the supervisors
            names |= {PEOPLE[role], PEOPLE["supervisor"]}
        else:
            names.add(PEOPLE[role])
    return names


def replay(
    case: Case, events: list[CaseEvent], deadlines: dict[str, Deadline], policy: Policy
) -> Life:
    """Walk the CASE's history; check every deadline_fired event on the way."""
    life = Life(created_at=case.created_at, policy=policy)
    for ev in events:
        data = ev.data
        if ev.kind == EventKind.OPENED:
            life.starts, life.pauses = [ev.at], [[]]
            continue
        if ev.kind == EventKind.DEADLINE_FIRED:
            key = data["key"]
            # Never for a resolved or closed CASE.
            assert life.live, f"{case.number}: {key} fired while {life.status}"
            assert key not in life.fired, f"{case.number}: {key} fired twice"
            life.fired[key] = ev
            d = deadlines[key]
            assert ev.at == d.fired_at, f"{case.number}: {key} event time"
            assert data["due_at"] == clock.iso_utc(d.due_at)
            if d.pausable:
                assert not life.paused, f"{case.number}: {key} fired while paused"
            want = expected_recipients(life, d.kind, d.recipient)
            assert set(data["to"]) == want, f"{case.number}: {key} to {data['to']}"
            assert len(data["to"]) == len(set(data["to"]))
            want_cc = life.told - want if d.kind == "escalation" else set()
            assert set(data.get("cc", [])) == want_cc, f"{case.number}: {key} cc"
            if d.kind == "escalation":
                life.told |= want
            continue
        was_paused = life.paused
        if "status" in data:
            assert data["status"]["before"] == life.status, f"{case.number}: history"
            life.status = data["status"]["after"]
        if "pending_reason" in data:
            life.reason = data["pending_reason"]["after"]
        if "engineer" in data:
            life.engineer = data["engineer"]["after"]
        if ev.kind == EventKind.REOPENED:
            life.cycle += 1
            life.starts.append(ev.at)
            life.pauses.append([])
            was_paused = False
        if was_paused and not life.paused:
            life.pauses[life.cycle][-1][1] = ev.at
        elif life.paused and not was_paused:
            life.pauses[life.cycle].append([ev.at, None])
        if ev.kind == EventKind.ASSIGNED or (ev.kind == EventKind.ESCALATED and "engineer" in data):
            life.handovers.add(ev.at)
            life.handover = ev.at
        # Issue 5: the first work log and the engineer's callback are the owner's to keep
        # (this desk adds no helpers); the 15-minute callback also the duty engineer's.
        owner = ev.actor is not None and ev.actor.username == life.engineer
        duty = ev.actor is not None and ev.actor.role == "duty_engineer"
        if ev.kind == EventKind.WORK_LOGGED and owner:
            if life.first_worklog == "open":
                life.first_worklog, life.met_at["first_worklog:c0"] = "met", ev.at
            if data["kind"] == "callback":
                life.handover = None
        callback = ev.kind == EventKind.WORK_LOGGED and data["kind"] == "callback"
        if callback and (owner or duty) and life.callback == "open":
            life.callback, life.met_at["callback:c0"] = "met", ev.at
        if ev.kind in (EventKind.RESOLVED, EventKind.CLOSED, EventKind.REOPENED):
            # Still-open promises are cancelled; one that fired stays open (met late, or never).
            life.handover = None
            if life.first_worklog == "open" and "first_worklog:c0" not in life.fired:
                life.first_worklog = "cancelled"
            if life.callback == "open" and "callback:c0" not in life.fired:
                life.callback = "cancelled"
        if ev.kind == EventKind.REOPENED and life.engineer:
            # Back to its engineer, notified afresh: their callback is awaited again.
            life.handovers.add(ev.at)
            life.handover = ev.at
    assert life.status == case.status and life.engineer == (
        case.engineer.username if case.engineer_id else None
    ), f"{case.number}: the replay disagrees with the CASE"
    return life


def paused_time(cal, life: Life, cycle: int, until: dt.datetime | None) -> dt.timedelta:
    """Business time the clock of ``cycle`` stood still, in pauses that ended by ``until``."""
    total = dt.timedelta(0)
    for start, end in life.pauses[cycle]:
        if end is not None and (until is None or end <= until):
            total += business_time_between(cal, start, end)
    return total


def check_deadline(d: Deadline, life: Life, cal, case: Case) -> None:
    """Anchor, target and due time from SPEC §3, recomputed on the CASE's calendar."""
    where = f"{case.number} {d.key}"
    parts = d.key.split(":")
    if d.kind in FIXED:
        assert d.target_minutes == FIXED[d.kind], where
    if d.kind in ("callback", "first_worklog"):
        assert d.key == f"{d.kind}:c0" and d.anchor_at == life.created_at, where
        cycle = 0
    elif d.kind in CALLBACK_KINDS:
        assert d.anchor_at in life.handovers, where
        assert parts[1] == d.anchor_at.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S%f"), where
        cycle = None
    else:
        cycle = int(parts[-1][1:])
        assert d.anchor_at == life.starts[cycle], where
        assert parts[1] == d.priority, where
        if d.kind == "escalation":
            minutes, who = int(parts[2]), parts[3]
            assert MATRIX[(d.priority, minutes)] == who == d.recipient, where
            assert d.target_minutes == minutes, where
        elif d.kind == "vendor_escalation":
            assert d.target_minutes == VENDOR[d.priority], where
        else:
            assert d.kind == "resolution" and d.target_minutes == RESOLUTION[d.priority], where
    assert d.pausable == life.policy.pausable(d.kind), where
    target = dt.timedelta(minutes=d.target_minutes)
    active = d.fired_at is None and d.met_at is None and d.cancelled_at is None
    if d.fired_at is not None:
        # Never before due: the due time SPEC §3 gives, with the pauses before the firing.
        extra = paused_time(cal, life, cycle, d.fired_at) if d.pausable else dt.timedelta(0)
        earliest = add_business_time(cal, d.anchor_at, target + extra)
        assert d.fired_at >= earliest - SLACK, f"{where} fired {d.fired_at} < due {earliest}"
        assert d.due_at is not None and d.fired_at >= d.due_at, where
    if active:
        if d.pausable and cycle == life.cycle and life.paused:
            assert d.due_at is None, f"{where} runs while the CASE waits for the customer"
        else:
            extra = paused_time(cal, life, cycle, None) if d.pausable else dt.timedelta(0)
            due = add_business_time(cal, d.anchor_at, target + extra)
            assert d.due_at is not None and abs(d.due_at - due) <= SLACK, (
                f"{where} due {d.due_at}, expected {due}"
            )


def check_alive(case: Case, life: Life, rows: dict[str, Deadline]) -> None:
    """No CASE is forgotten: every promise that still stands has a standing deadline."""
    c = f"c{life.cycle}"
    standing = []
    for key in ("first_worklog:c0", "callback:c0"):
        state = life.first_worklog if key.startswith("first") else life.callback
        d = rows[key]
        if state == "open":
            assert d.met_at is None and d.cancelled_at is None, f"{case.number} {key} {state}"
        elif state == "met":
            assert d.cancelled_at is None and d.met_at == life.met_at[key], f"{case.number} {key}"
        else:
            assert d.met_at is None and d.cancelled_at is not None, f"{case.number} {key}"
    if not life.live:
        return
    standing += [
        f"escalation:{case.priority}:{m}:{who}:{c}"
        for (p, m), who in MATRIX.items()
        if p == case.priority
    ]
    if case.escalation_level < 2 and case.priority in VENDOR:
        standing.append(f"vendor_escalation:{case.priority}:{c}")
    standing.append(f"resolution:{case.priority}:{c}")
    if life.handover is not None:
        stamp = life.handover.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S%f")
        standing += [f"{kind}:{stamp}" for kind in CALLBACK_KINDS]
    for key in standing:
        d = rows.get(key)
        assert d is not None, f"{case.number}: no deadline {key}"
        assert d.cancelled_at is None, f"{case.number}: {key} cancelled while it stands"
        if not key.startswith("escalation"):
            assert d.met_at is None, f"{case.number}: {key} met too early"


# --- the machine ---------------------------------------------------------------------


def snapshot(case: Case):
    """Everything an operation on ``case`` could change."""
    return (
        list(Case.objects.filter(pk=case.pk).values()),
        list(case.helpers.values_list("pk", flat=True)),
        list(Deadline.objects.filter(case=case).order_by("pk").values()),
        list(CaseClock.objects.filter(case=case).values()),
        CaseEvent.objects.count(),
        WorkLog.objects.count(),
        Notification.objects.count(),
        Deadline.objects.count(),
    )


class Supervision(RuleBasedStateMachine):
    desk: DeskPeople
    smtp: object

    def __init__(self):
        super().__init__()
        self.smtp.clear()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.cases: list[Case] = []
        self.now = STARTS[0]
        self.last_pass: dt.datetime | None = None
        self.healthy = True
        self.calendars = {}
        self.checked = None
        self.policy = Policy()

    def teardown(self):
        try:
            if self.healthy:  # a failed step is the report; do not bury it
                # At the end, a pass long after: everything due fires, all checks hold.
                self._pass(self.now + dt.timedelta(days=40), "run_pass")
                self.check()
        finally:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    # -- helpers --

    def _instant(self, when, *, after: bool) -> dt.datetime:
        """Resolve ``when``; operations come strictly after the last instant."""
        if isinstance(when, AtDue):
            dues = sorted(
                set(
                    Deadline.objects.active()
                    .filter(due_at__gte=self.now)
                    .values_list("due_at", flat=True)
                )
            )
            if dues:
                at = dues[when.nth % len(dues)] + dt.timedelta(microseconds=when.us)
                if at > self.now or (at == self.now and not after):
                    return at
            return self.now + dt.timedelta(minutes=1)
        if isinstance(when, Same):
            return self.now
        return self.now + when.delta

    def _operate(self, at: dt.datetime, fn, *, stray: bool = False, **kw):
        """Run one operation at ``at``.  The desk's usual moves must succeed; a stray one
        may be refused, and then must leave everything as it was."""
        assert at > self.now
        self.now = at
        case = kw.get("case")
        before = snapshot(case) if stray else None
        with clock.frozen(at):
            try:
                result = fn(**kw)
            except DomainError as exc:
                assert stray, f"{fn.__name__} refused: {exc}"
                assert snapshot(case) == before, f"a refused {fn.__name__} changed something"
                return None
            deliver_due()
        return result

    def _pass(self, at: dt.datetime, via: str) -> None:
        assert at >= self.now
        self.now = at
        active = dict(Deadline.objects.active().values_list("pk", "due_at"))
        fired_before = set(Deadline.objects.filter(fired_at__isnull=False).values_list("pk"))
        counts = (Notification.objects.count(), CaseEvent.objects.count(), len(self.smtp.messages))
        if via == "command":
            call_command("supervise", now=at.isoformat(), stdout=StringIO(), stderr=StringIO())
        else:
            run_pass(now=at)
            with clock.frozen(at):
                deliver_due()
        fired = Deadline.objects.filter(fired_at__isnull=False).exclude(
            pk__in=[pk for (pk,) in fired_before]
        )
        for d in fired:
            assert d.fired_at == at and d.due_at is not None and d.due_at <= at, d.key
            if d.pk in active:
                assert active[d.pk] == d.due_at, f"{d.key}: due time moved while firing"
        # Everything due by this pass has fired by its end.
        late = Deadline.objects.active().filter(due_at__lte=at)
        assert not late.exists(), f"still due after the pass at {at}: {list(late)}"
        if at == self.last_pass:
            # A second pass at the same instant does nothing at all.
            assert not fired.exists(), f"second pass at {at} fired {list(fired)}"
            assert counts == (
                Notification.objects.count(),
                CaseEvent.objects.count(),
                len(self.smtp.messages),
            ), "a second pass at the same instant changed something"
        self.last_pass = at

    # -- rules --

    @initialize(
        start=st.sampled_from(STARTS),
        policy=POLICIES,
        opened=st.lists(
            st.tuples(
                st.sampled_from(["gold", "silver"]), st.sampled_from(["P1", "P2", "P3", "P4"])
            ),
            min_size=1,
            max_size=MAX_CASES,
        ),
    )
    def begin(self, start, policy, opened):
        self.healthy = False
        self.now = start
        self.policy = policy
        SlaPolicy.objects.update(
            pause_for_vendor=policy.pause_for_vendor,
            pause_escalations=policy.pause_escalations,
            chase_action=policy.chase_action,
        )
        config_changed()
        for level, priority in opened:
            self.open_case(level=level, priority=priority, when=Later(dt.timedelta(seconds=1)))
        self.healthy = True

    @rule(data=st.data())
    def step(self, data):
        """Mostly an operation on a CASE; often a supervision pass; sometimes a new CASE."""
        self.healthy = False
        kinds = ["act", "supervise", "act", "supervise", "act"]
        kinds += ["open"] if len(self.cases) < MAX_CASES else []
        what = data.draw(st.sampled_from(kinds), label="step")
        if what == "open":
            self.open_case(
                level=data.draw(st.sampled_from(["gold", "silver"]), label="level"),
                priority=data.draw(st.sampled_from(["P1", "P2", "P3", "P4"]), label="priority"),
                when=data.draw(OP_TIME, label="when"),
            )
        elif what == "act":
            self.act(data, when=data.draw(OP_TIME, label="when"))
        else:
            self.supervise(
                when=data.draw(PASS_TIME, label="when"),
                via=data.draw(st.sampled_from(["run_pass", "command"]), label="via"),
                again=data.draw(st.sampled_from([False, False, True]), label="again"),
            )
        for c in self.cases:
            c.refresh_from_db()
        self.healthy = True

    def open_case(self, level, priority, when):
        case = self._operate(
            self._instant(when, after=True),
            services.case_open,
            stray=False,
            organization=self.desk.orgs[level],
            contact=self.desk.contacts[level],
            title="核心交换机故障",
            priority=priority,
            channel="phone",
            by=self.desk.users["duty"],
        )
        self.cases.append(case)

    def act(self, data, when):
        """One CASE operation: mostly one the desk would try now, sometimes anything."""
        case = self.cases[data.draw(st.integers(0, MAX_CASES - 1), label="case") % len(self.cases)]
        case.refresh_from_db()
        stray = data.draw(st.integers(0, 9), label="stray") == 9
        fitting = [a for a in ACTIONS if not stray and fits(case, a)]
        # Lean towards moving the CASE along its life, so most examples reach the end.
        fitting += [a for a in fitting if a in ONWARDS[case.status]] * 6
        # Severity changes recompute the clock: try them often, and back and forth.
        fitting += [a for a in fitting if a == "set_priority"] * 2
        action = data.draw(st.sampled_from(fitting or ACTIONS), label="action")
        users, customer = self.desk.users, self.desk.customers[case.organization.service_level]
        if stray:
            who = data.draw(
                st.sampled_from(["duty", "owner", "customer", "eng1", "se2"]), label="by"
            )
        elif action in ("accept", "pend", "resume", "resolve") or (
            action == "log_work" and case.status == S.ASSIGNED
        ):
            who = "owner"  # an engineer's first log is the callback (below)
        elif action in ("log_work", "escalate_senior", "escalate_vendor", "confirm"):
            who = data.draw(st.sampled_from(USUAL[action]), label="by")
        else:
            who = "duty"
        if who == "owner" and action == "escalate_vendor" and not stray and not senior(case):
            who = "duty"  # only a senior owner takes it to the vendor
        by = {"owner": case.engineer, "customer": customer}.get(who) or users.get(who)
        by = by or users["duty"]
        kw = {"case": case, "by": by}
        if action == "assign":
            others = [n for n in ("se1", "eng1", "se2") if stray or users[n] != case.engineer]
            kw["engineer"] = users[data.draw(st.sampled_from(others), label="to")]
            if not stray:  # the desk says why when a P1/P2 goes to first-line eng1
                kw["override_reason"] = "客户指定"
        elif action == "log_work":
            kind = data.draw(
                st.sampled_from(["callback", "phone", "remote", "onsite", "rma", "note"]),
                label="kind",
            )
            if case.status == S.ASSIGNED and by == case.engineer and not stray:
                kind = "callback"  # what an engineer does first: call the customer back
            if by.is_customer and not stray:
                kind = "note"
            kw.update(kind=kind, note="处理记录", minutes=0 if by.is_customer else 5)
        elif action == "set_priority":
            levels = [p for p in ("P1", "P2", "P3", "P4") if stray or p != case.priority]
            changed = CaseEvent.objects.filter(case=case, kind=EventKind.PRIORITY_CHANGED)
            last = changed.order_by("-id").first()
            if last is not None and not stray:  # back to where it was, as often as not
                levels = [last.data["priority"]["before"]] * len(levels) + levels
            kw["priority"] = data.draw(st.sampled_from(levels), label="to")
        elif action == "escalate_senior":
            names = [None, "se1", "se2"] + (["eng1"] if stray else [])
            to = data.draw(st.sampled_from(names), label="to") if by == users["duty"] else None
            kw.update(target="senior", reason="需要高级工程师", engineer=users.get(to))
        elif action == "escalate_vendor":
            kw.update(target="vendor", reason="TAC", vendor_reference="SR123")
        elif action == "pend":
            reasons = ["customer", "vendor", "customer", "parts"]
            reason = data.draw(st.sampled_from(reasons), label="reason")
            kw["reason"] = reason
        elif action == "resolve":
            kw["solution"] = "重启后恢复"
        elif action == "confirm":
            kw["note"] = "" if by.is_customer else "电话确认"
        elif action == "reopen":
            kw["reason"] = "故障复现"
        fn = getattr(services, f"case_{action.removesuffix('_senior').removesuffix('_vendor')}")
        self._operate(self._instant(when, after=True), fn, stray=stray, **kw)

    def supervise(self, when, via, again):
        at = self._instant(when, after=False)
        self._pass(at, via)
        if again:
            self._pass(at, "command" if via == "run_pass" else "run_pass")

    # -- the invariants --

    def _fingerprint(self):
        """Changes whenever anything the invariants look at changes."""
        d = Deadline.objects.aggregate(
            n=Count("pk"),
            fired=Count("fired_at"),
            met=Count("met_at"),
            cancelled=Count("cancelled_at"),
            due=Count("due_at"),
        )
        return (
            CaseEvent.objects.aggregate(last=Max("pk"))["last"],
            tuple(sorted(d.items())),
            Notification.objects.filter(status=NotificationStatus.SENT).count(),
            Notification.objects.count(),
            len(self.smtp.messages),
        )

    @invariant()
    def check(self):
        # Every deadline change comes with an event, or is a firing or a cancellation; if
        # nothing moved since the last check, there is nothing new to check.
        fingerprint = self._fingerprint()
        if fingerprint == self.checked:
            return
        self.healthy = False
        events = list(CaseEvent.objects.select_related("actor").order_by("id"))
        deadlines = list(Deadline.objects.all())
        notes = list(Notification.objects.select_related("recipient").defer("body"))
        self._check_mail(notes, deadlines, events)
        for case in Case.objects.select_related("engineer", "organization"):
            rows = {d.key: d for d in deadlines if d.case_id == case.pk}
            life = replay(case, [e for e in events if e.case_id == case.pk], rows, self.policy)
            cal = self._calendar(case.organization.service_level)
            for d in rows.values():
                check_deadline(d, life, cal, case)
                # Exactly one event per fired deadline, and none for any other.
                assert (d.fired_at is not None) == (d.key in life.fired), d.key
            check_alive(case, life, rows)
            if not life.live:
                # Resolved and closed CASEs have no active deadlines.
                assert not any(
                    d.fired_at is None
                    and d.met_at is None
                    and d.cancelled_at is None
                    and d.due_at is not None
                    for d in rows.values()
                ), f"{case.number} is {case.status} with active deadlines"
        self.healthy = True
        self.checked = fingerprint

    def _calendar(self, level: str):
        if level not in self.calendars:
            self.calendars[level] = calendar_for(level)
        return self.calendars[level]

    def _check_mail(self, notes, deadlines, events):
        # Unique per (deadline, recipient); only for deadlines that fired, to their people.
        pairs = Counter((n.deadline_id, n.recipient_id) for n in notes if n.deadline_id)
        assert all(n == 1 for n in pairs.values()), pairs
        by_pk = {d.pk: d for d in deadlines}
        numbers = {c.pk: c.number for c in self.cases}
        told: dict[int, dict[str, bool]] = {}
        for n in notes:
            if n.deadline_id is None:
                continue
            d = by_pk[n.deadline_id]
            assert d.fired_at is not None, f"mail for {d.key}, which never fired"
            assert n.created_at == d.fired_at and n.case_id == d.case_id
            assert numbers[n.case_id] in n.subject
            told.setdefault(d.pk, {})[n.recipient.username] = n.copy
        fired = {
            (e.case_id, e.data["key"]): e for e in events if e.kind == EventKind.DEADLINE_FIRED
        }
        for d in deadlines:
            if d.fired_at is None:
                continue
            event = fired[(d.case_id, d.key)]
            want = {name: False for name in event.data["to"]}
            want |= {name: True for name in event.data.get("cc", [])}
            got = told.get(d.pk, {})
            assert got == want, f"{d.key}: mailed {got}, the event says {want}"
        # Every message that arrived is exactly one outbox row, and every row arrived once.
        assert all(n.status == NotificationStatus.SENT for n in notes), "mail left unsent"
        received = Counter(m["Message-ID"].strip() for m in self.smtp.messages)
        assert all(n == 1 for n in received.values()), "a message arrived twice"
        by_id = {n.message_id: n for n in notes}
        assert set(received) == set(by_id), "SMTP and the outbox disagree"
        for m in self.smtp.messages:
            assert m.envelope_rcpt == [by_id[m["Message-ID"].strip()].to_email]
        per_pair = Counter(
            (by_id[mid].deadline_id, by_id[mid].recipient_id)
            for mid in received
            if by_id[mid].deadline_id
        )
        assert all(n == 1 for n in per_pair.values()), "two messages for one deadline"


@pytest.fixture
def desk(db):
    return DeskPeople()


def test_every_deadline_is_notified_exactly_once_when_due(desk, smtp):
    Supervision.desk, Supervision.smtp = desk, smtp
    run_state_machine_as_test(
        Supervision,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
