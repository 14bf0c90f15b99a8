"""Crash: ``kill -9`` a supervisor worker in the middle of a pass over 5,000 due deadlines.

Issue 3 and DESIGN rule 4: firing is idempotent, so a crashed or duplicated worker never
loses or repeats an escalation.  The test opens CASEs 45 days in the past through the
operation layer, so that exactly 5,000 real deadline rows are due, commits them, and runs
real ``casedesk worker --no-tasks`` processes against the same test database: two at once
on PostgreSQL (sharing the work with ``SKIP LOCKED``), one on SQLite.  Meanwhile a customer
keeps adding notes to the CASEs through the operation layer, so the workers and the
operations contend for the same rows.  Once a good part has fired, one worker is killed
with SIGKILL while it is inside a batch transaction (on PostgreSQL it holds row locks; on
SQLite, the write lock), a fresh worker is started, and the test waits until everything due
has fired.  Then, per deadline: ``fired_at`` set, exactly one ``deadline_fired`` event at
that instant, and exactly the outbox rows of the people it resolved to (unique per deadline
and recipient), written in the same instant.  Per CASE: its deadlines fired in the order they
fell due, so each escalation level copies exactly the people the earlier levels told.  The
worker logs tell who fired what: nobody fired a deadline twice, and each worker did a share.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.db import connection, connections

from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent
from casedesk.core import clock
from casedesk.notify.models import Notification
from casedesk.sla.models import Deadline
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user
from tests.processes import database_url

CASEDESK = str(Path(sys.executable).parent / "casedesk")

# 700 unassigned P1–P3 CASEs carry 7 due deadlines each (callback, first work log, three
# escalation levels, vendor reminder, resolution); 14 assigned and called back carry 5
# (the callback promises are kept); 10 P4 carry 3 (callback, first work log, resolution).
UNASSIGNED, CALLED_BACK, LOW = 700, 14, 10
DUE = UNASSIGNED * 7 + CALLED_BACK * 5 + LOW * 3
assert DUE == 5_000

KILL_AT = 1_000  # fired deadlines before the kill: well into the pass, far from its end
FIRST_WAIT = 120.0  # worker start-up and the first KILL_AT firings
FINISH_WAIT = 300.0  # bounds; on a quiet machine the whole test takes about a minute
LOG_LINE = re.compile(r"supervisor: (\S+) (\S+) due (\S+) → ")

# Nobody is on the roster: the duty engineer's alerts go to every duty engineer and the
# supervisors (and say the roster has a hole).
DUTY = {"duty1", "duty2", "sup"}
TO = {  # who each deadline is for, by recipient role (SPEC §3); unassigned CASEs
    "callback": DUTY,
    "first_worklog": DUTY,
    "vendor_escalation": DUTY,
    "resolution": DUTY,
    "escalation:duty_engineer": DUTY,
    "escalation:supervisor": {"sup"},
    "escalation:general_manager": {"gm"},
}
TO_OWNED = {  # CASEs owned by eng1, whose manager is sup
    **TO,
    "vendor_escalation": DUTY | {"eng1"},
    "resolution": DUTY | {"eng1", "sup"},
}


# --- the desk ------------------------------------------------------------------------------


def build_desk() -> dict:
    """Open the CASEs 45 days ago through the operation layer; return who is who."""
    gold = OrganizationFactory(code="CRASHG", service_level="gold")
    silver = OrganizationFactory(code="CRASHS", service_level="silver")
    gold_contact = ContactFactory(organization=gold)
    silver_contact = ContactFactory(organization=silver)
    taker = make_user("call_taker", username="taker")
    duty = make_user("duty_engineer", username="duty1")
    make_user("duty_engineer", username="duty2")
    sup = make_user("supervisor", username="sup")
    make_user("general_manager", username="gm")
    make_user("cs_manager", username="csm")
    eng = make_user("engineer", username="eng1", tier="senior")
    eng.staff.manager = sup
    eng.staff.save()
    customer = make_user("customer", username="cust", org=gold)

    start = clock.now() - dt.timedelta(days=45)
    owned, noted = [], []
    total = UNASSIGNED + CALLED_BACK + LOW
    for i in range(total):
        at = start + dt.timedelta(seconds=30 * i)
        priority = "P4" if i >= UNASSIGNED + CALLED_BACK else f"P{i % 3 + 1}"
        contact = silver_contact if i % 4 == 3 else gold_contact
        with clock.frozen(at):
            case = make_case(contact=contact, by=taker, priority=priority, title=f"崩溃测试 {i}")
        if UNASSIGNED <= i < UNASSIGNED + CALLED_BACK:
            with clock.frozen(at + dt.timedelta(minutes=2)):
                services.case_assign(case=case, engineer=eng, by=duty)
            with clock.frozen(at + dt.timedelta(minutes=5)):
                services.case_log_work(
                    case=case, kind="callback", note="已回呼客户", minutes=5, by=eng
                )
            owned.append(case.pk)
        if contact is gold_contact:
            noted.append(case.pk)
    return {"owned": set(owned), "noted": noted, "customer": customer}


# --- worker processes ------------------------------------------------------------------------


class Workers:
    """``casedesk worker --no-tasks`` subprocesses on the test database; always stopped."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "casedesk.settings",
            "CASEDESK_VAR_DIR": str(tmp_path / "var"),
            "CASEDESK_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "CASEDESK_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }

    def log(self, name: str) -> Path:
        return self.tmp_path / f"worker-{name}.log"

    def start(self, name: str) -> subprocess.Popen:
        with self.log(name).open("w") as out:
            proc = subprocess.Popen(
                [CASEDESK, "worker", "--no-tasks", "--interval", "0.2"],
                env={**self.env, "PGAPPNAME": f"crash-worker-{name}"},
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.procs[name] = proc
        return proc

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop(self, name: str) -> None:
        """SIGTERM: the loop finishes its pass (and logs it), then the process exits."""
        proc = self.procs[name]
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def assert_alive(self) -> None:
        for name, proc in self.procs.items():
            if name != "a" or proc.returncode is None:
                assert proc.poll() is None, f"worker {name} died:\n{self.tail(name)}"

    def tail(self, name: str) -> str:
        return self.log(name).read_text(errors="replace")[-4000:]

    def fired(self, name: str) -> list[tuple[str, str, str]]:
        """(CASE number, kind, due) of every deadline this worker logged as fired."""
        return [m.groups() for m in LOG_LINE.finditer(self.log(name).read_text(errors="replace"))]


@pytest.fixture
def workers(transactional_db, tmp_path):
    pool = Workers(tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()  # before the test database is flushed or dropped


# --- probes --------------------------------------------------------------------------------


def fired_count() -> int:
    return Deadline.objects.filter(fired_at__isnull=False).count()


def mid_batch(workers: Workers, name: str) -> bool:
    """Is the worker inside a batch transaction that has written but not committed?"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE application_name = %s AND backend_xid IS NOT NULL",
                [f"crash-worker-{name}"],
            )
            return cursor.fetchone()[0] > 0
    # SQLite: only the worker writes (the note thread is paused); does it hold the lock?
    probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc), exc
        return True
    finally:
        probe.close()


class Notes(threading.Thread):
    """The operation layer at work during the storm: a customer adds notes to CASEs."""

    def __init__(self, cases: list[int], customer):
        super().__init__(name="notes", daemon=True)
        self.cases, self.customer = cases, customer
        self.stop, self.hold = threading.Event(), threading.Lock()
        self.done, self.errors, self.slowest = 0, [], 0.0

    def run(self) -> None:
        rng = random.Random(3)
        try:
            while not self.stop.is_set():
                with self.hold:
                    began = time.monotonic()
                    case = Case.objects.get(pk=rng.choice(self.cases))
                    services.case_log_work(
                        case=case, kind="note", note="客户补充信息", minutes=0, by=self.customer
                    )
                    self.done += 1
                    self.slowest = max(self.slowest, time.monotonic() - began)
                time.sleep(0.05)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(exc)
        finally:
            connections.close_all()


def wait_for(condition, timeout: float, workers: Workers, what: str, poll: float = 0.05):
    limit = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        workers.assert_alive()
        assert time.monotonic() < limit, (
            f"{what}: not within {timeout:.0f} s (fired {fired_count()})"
        )
        time.sleep(poll)


# --- the test ------------------------------------------------------------------------------


def test_kill_9_mid_pass_then_restart_fires_every_deadline_exactly_once(workers):
    began = time.monotonic()
    desk = build_desk()
    built = time.monotonic() - began
    now = clock.now()
    due = set(Deadline.objects.active().filter(due_at__lte=now).values_list("pk", flat=True))
    assert len(due) == DUE
    kept = Deadline.objects.count() - DUE  # the callback promises kept on owned CASEs
    assert Deadline.objects.active().filter(due_at__gt=now).count() == 0
    assert fired_count() == 0

    two = connection.vendor == "postgresql"
    first = ["a", "b"] if two else ["a"]
    for name in first:
        workers.start(name)
    notes = Notes(desk["noted"], desk["customer"])
    notes.start()
    try:
        # Partway: kill worker a while it holds an uncommitted batch.
        started = time.monotonic()
        wait_for(lambda: fired_count() >= KILL_AT, FIRST_WAIT, workers, "first firings")
        first_fired_after = time.monotonic() - started
        with notes.hold:
            wait_for(lambda: mid_batch(workers, "a"), 30, workers, "worker a inside a batch", 0.01)
            workers.kill("a")
            at_kill = fired_count()
        killed = time.monotonic()
        assert KILL_AT <= at_kill < DUE - 500, at_kill
        time.sleep(0.5)
        half_second_later = fired_count()

        workers.start("c")
        wait_for(lambda: fired_count() == DUE, FINISH_WAIT, workers, "everything fired", 0.2)
        finished = time.monotonic() - killed
    finally:
        notes.stop.set()
        notes.join(30)
    workers.stop_all()  # a pass still running ends, and logs, first
    for name in workers.procs:
        if name != "a":
            assert workers.procs[name].returncode == 0, f"worker {name}:\n{workers.tail(name)}"
    assert not notes.is_alive()
    assert notes.errors == [], notes.errors[0]
    assert notes.done > 0

    # Every deadline fired, once: one stamp, one event at that instant, nothing left.
    deadlines = {d.pk: d for d in Deadline.objects.select_related("case").filter(pk__in=due)}
    assert len(deadlines) == DUE
    # No deadline was created on the way; the kept promises stayed kept, never fired.
    assert Deadline.objects.exclude(pk__in=due).count() == kept
    assert not Deadline.objects.exclude(pk__in=due).filter(fired_at__isnull=False).exists()
    assert all(d.fired_at is not None for d in deadlines.values())
    assert Deadline.objects.active().count() == 0
    by_key = {(d.case_id, d.key): d for d in deadlines.values()}
    events = list(CaseEvent.objects.filter(kind="deadline_fired"))
    assert len(events) == DUE
    seen = Counter((e.case_id, e.data["key"]) for e in events)
    assert [k for k, n in seen.items() if n != 1] == []
    assert set(seen) == set(by_key)
    event_of = {by_key[(e.case_id, e.data["key"])].pk: e for e in events}
    assert [pk for pk, d in deadlines.items() if event_of[pk].at != d.fired_at] == []

    # The outbox: exactly the people each deadline resolved to, once each, same instant.
    mails = defaultdict(list)
    for n in Notification.objects.filter(deadline__isnull=False).select_related("recipient"):
        mails[n.deadline_id].append(n)
    pairs = Counter((d, n.recipient_id) for d, ns in mails.items() for n in ns)
    assert [p for p, c in pairs.items() if c > 1] == []
    by_case = defaultdict(list)
    for d in sorted(deadlines.values(), key=lambda d: (d.due_at, d.pk)):
        by_case[d.case_id].append(d)
    expected_rows, out_of_order = 0, []
    for case_deadlines in by_case.values():
        # A CASE's deadlines fired in the order they fell due, whoever fired them.
        order = [event_of[d.pk].pk for d in case_deadlines]
        if order != sorted(order):
            out_of_order.append(case_deadlines[0].case.number)
        told: set[str] = set()  # what the CASE's earlier escalation levels told
        for d in case_deadlines:
            data = event_of[d.pk].data
            to, cc = set(data["to"]), set(data["cc"])
            role = f"escalation:{d.recipient}" if d.kind == "escalation" else d.kind
            assert to == (TO_OWNED if d.case_id in desk["owned"] else TO)[role], (d.key, data)
            if d.kind == "escalation":  # CC: the people an earlier level already told
                assert cc == told - to, (d.case.number, d.key, data)
                told |= to
            else:
                assert cc == set(), (d.key, data)
            got = {(n.recipient.username, n.copy) for n in mails[d.pk]}
            assert got == {(u, False) for u in to} | {(u, True) for u in cc}, (d.key, data)
            assert {n.created_at for n in mails[d.pk]} == {d.fired_at}
            expected_rows += len(to) + len(cc)
    assert out_of_order == [], f"{len(out_of_order)} CASEs fired out of due order"
    assert sum(len(ns) for ns in mails.values()) == expected_rows

    # Who fired what, from the worker logs: nobody fired a deadline twice, and each
    # worker's share is its own passes (stamped with their own instants).
    ident = {pk: (d.case.number, d.kind, clock.iso_utc(d.due_at)) for pk, d in deadlines.items()}
    assert len(set(ident.values())) == DUE
    logged = {name: workers.fired(name) for name in workers.procs}
    for name in workers.procs:
        output = workers.log(name).read_text(errors="replace")
        for trouble in ("could not fire", "supervisor pass failed", "database is locked"):
            assert trouble not in output, f"worker {name}:\n{workers.tail(name)}"
    all_logged = [line for lines in logged.values() for line in lines]
    assert [k for k, n in Counter(all_logged).items() if n > 1] == []
    assert set(all_logged) <= set(ident.values())
    owner = {line: name for name, lines in logged.items() for line in lines}
    # What no log shows was committed by worker a before it died (its pass never ended).
    share = Counter(owner.get(i, "a") for i in ident.values())
    instants = defaultdict(set)
    for pk, i in ident.items():
        instants[owner.get(i, "a")].add(deadlines[pk].fired_at)
    for x in instants:
        for y in instants:
            assert x == y or not instants[x] & instants[y], (x, y)
    if two:
        # Both shared the pass; a's share was all committed before it died.
        assert 0 < share["a"] <= at_kill and share["b"] > 0, share
    else:
        # Alone, a fired everything before the kill and nothing of its last batch.
        assert share["a"] == at_kill == half_second_later, (share, half_second_later)
        assert share["c"] == DUE - at_kill, share

    print(
        f"\n{connection.vendor}: built {DUE} due deadlines in {built:.1f}s; "
        f"{KILL_AT} fired after {first_fired_after:.1f}s; killed worker a at {at_kill} fired "
        f"({half_second_later} 0.5 s later); all {DUE} fired {finished:.1f}s after the kill; "
        f"shares {dict(share)}; {notes.done} customer notes meanwhile "
        f"(slowest {notes.slowest:.2f}s); "
        f"{expected_rows} outbox rows"
    )
