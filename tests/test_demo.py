"""`casedesk demo`: a realistic desk, built only through the operation layer."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction

from casedesk import demo
from casedesk.accounts.models import Contact, Organization, StaffProfile, User
from casedesk.cases.choices import EventKind, Status, WorkLogKind
from casedesk.cases.models import Case, CaseEvent, WorkLog
from casedesk.core import clock
from casedesk.core.holidays import is_working_day
from casedesk.roster.models import DutyShift
from casedesk.roster.selectors import duty_call, on_duty
from casedesk.routing.selectors import recommendations
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
SKILLS = {"routing", "switching", "security", "wireless", "voice", "datacenter"}


def _counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "worklogs": WorkLog.objects.count(),
        "users": User.objects.count(),
        "orgs": Organization.objects.count(),
        "contacts": Contact.objects.count(),
    }


def _check_people() -> None:
    levels = Counter(Organization.objects.values_list("service_level", flat=True))
    assert levels["gold"] >= 2 and levels["silver"] >= 1, levels
    # Every customer has its contacts and one login; a partner (issue 16) serves others.
    for org in Organization.objects.filter(partner__isnull=True):
        contacts = list(org.contacts.all())
        assert len(contacts) >= 2, org
        assert all(c.phone and c.email for c in contacts), org
        assert org.users.filter(role="customer", contact__isnull=False).count() == 1, org

    staff = StaffProfile.objects.select_related("user", "manager")
    assert 10 <= staff.count() <= 16
    roles = Counter(p.user.role for p in staff)
    for role in ("admin", "call_taker", "duty_engineer", "engineer", "cs_manager"):
        assert roles[role] >= 1, role
    assert roles["supervisor"] >= 1 and roles["general_manager"] >= 1
    engineers = [p for p in staff if p.user.role == "engineer"]
    assert {p.tier for p in engineers} == {"first_line", "senior"}
    for tier in ("first_line", "senior"):
        covered = {s.code for p in engineers if p.tier == tier for s in p.skills.all()}
        if tier == "senior":
            assert covered >= SKILLS, covered
        else:
            assert len(covered) >= 4, covered
    # Every engineer's manager chain ends at the general manager.
    for p in engineers:
        user, hops = p.user, 0
        while user.role != "general_manager":
            user = user.staff.manager
            hops += 1
            assert user is not None and hops < 5, p.user.username


def _check_cases(now: dt.datetime) -> None:
    cases = list(Case.objects.all())
    assert 250 <= len(cases) <= 350

    statuses = Counter(c.status for c in cases)
    assert set(statuses) == set(Status.values), statuses
    assert statuses[Status.CLOSED] > len(cases) / 2, statuses

    priorities = Counter(c.priority for c in cases)
    assert priorities["P3"] > priorities["P2"] > priorities["P1"] > 0, priorities
    assert priorities["P4"] > priorities["P2"], priorities

    levels = Counter(c.escalation_level for c in cases)
    assert levels[1] > 0 and levels[2] > 0, levels
    for c in cases:
        if c.escalation_level == 2:
            assert re.fullmatch(r"6\d{8}", c.vendor_reference), c.vendor_reference
    assert any(c.reopen_count for c in cases)
    assert {c.channel for c in cases} >= {"phone", "email", "web"}
    assert {c.pending_reason for c in cases if c.status == Status.PENDING} >= {"customer"}

    created = sorted(c.created_at for c in cases)
    assert created[-1] - created[0] >= dt.timedelta(days=80)
    assert now - created[0] <= dt.timedelta(days=92)
    assert created[-1] <= now

    titles = [c.title for c in cases]
    chinese = sum(1 for t in titles if CJK.search(t))
    english = sum(1 for t in titles if t.isascii())
    assert chinese >= len(cases) / 2 and english >= len(cases) / 10, (chinese, english)
    assert all(c.hardware_platform and c.software_version and c.serial_number for c in cases)

    # CASE numbers were taken in the order CASEs were opened, month by month.
    serials: dict[str, list[int]] = defaultdict(list)
    for c in sorted(cases, key=lambda c: (c.created_at, c.pk)):
        serials[c.number[1:5]].append(int(c.number[5:]))
    for period, numbers in serials.items():
        assert numbers == list(range(1, len(numbers) + 1)), period

    for c in cases:
        if c.status == Status.CLOSED:
            assert c.confirmed_at and c.closed_at and c.resolved_at and c.solution, c.number
        if c.status in (Status.IN_PROGRESS, Status.PENDING, Status.RESOLVED, Status.CLOSED):
            # worked by an engineer of the desk, or of the partner it is subcontracted to
            assert (c.engineer_id or c.partner_id) and c.accepted_at, c.number
        if c.status == Status.OPEN:
            assert c.engineer_id is None, c.number


def _check_history(now: dt.datetime) -> None:
    cases = {c.pk: c for c in Case.objects.all()}
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for e in CaseEvent.objects.order_by("case_id", "id"):
        events[e.case_id].append(e)
    assert set(events) == set(cases)
    kinds = Counter()
    for pk, history in events.items():
        case = cases[pk]
        assert history[0].kind == EventKind.OPENED, case.number
        assert history[0].at == case.created_at, case.number
        assert [e.at for e in history] == sorted(e.at for e in history), case.number
        assert history[-1].at == case.updated_at, case.number
        assert history[-1].at <= now, case.number
        kinds.update(e.kind for e in history)
    for kind in (
        EventKind.ASSIGNED,
        EventKind.ACCEPTED,
        EventKind.WORK_LOGGED,
        EventKind.ESCALATED,
        EventKind.PENDED,
        EventKind.RESUMED,
        EventKind.RESOLVED,
        EventKind.CONFIRMED,
        EventKind.CLOSED,
        EventKind.REOPENED,
        EventKind.HELPER_ADDED,
    ):
        assert kinds[kind] > 0, kind

    logs = list(WorkLog.objects.all())
    assert len(logs) > 3 * len(cases)
    assert {w.kind for w in logs} == set(WorkLogKind.values)
    minutes = Counter()
    for w in logs:
        minutes[w.kind] += w.minutes
    for kind in (WorkLogKind.CALLBACK, WorkLogKind.REMOTE, WorkLogKind.ONSITE, WorkLogKind.RMA):
        assert minutes[kind] > 0, kind
    assert any(w.internal for w in logs)
    # Every CASE an engineer took on starts with the engineer's call back to the customer.
    called_back = set(
        WorkLog.objects.filter(kind=WorkLogKind.CALLBACK).values_list("case_id", flat=True)
    )
    for case in cases.values():
        if case.accepted_at and not case.reopen_count:
            assert case.pk in called_back, case.number


def _local(now: dt.datetime, weekday: int, hour: int, weeks: int) -> dt.datetime:
    """The local ``hour`` of the ``weekday`` (0 Monday) ``weeks`` weeks from ``now``'s."""
    today = now.astimezone(clock.desk_zone()).date()
    day = today + dt.timedelta(days=weekday - today.weekday(), weeks=weeks)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.desk_zone())


def _check_roster(now: dt.datetime) -> None:
    """Someone is on duty whenever the desk is opened, within the history and weeks ahead.
    In the history the duty engineer is the README's (``duty`` by day, ``duty.liu`` at night
    and at the weekend); from this week the 7×24 rotation gives them the day and night
    shifts in turn, a week each, and one first-line engineer a week works 5×8.  The
    recommendations rank people on shift with non-negative scores."""
    open_case = Case.objects.filter(status=Status.OPEN).order_by("priority").first()
    severe = Case.objects.filter(status=Status.OPEN, priority__in=("P1", "P2")).first()
    p3 = make_case(
        contact=Contact.objects.first(), title="Catalyst 9300 端口 up/down", priority="P3"
    )
    cases = [c for c in (open_case, severe, p3) if c is not None]
    first_line = {"eng.li", "eng.zhang", "eng.wang"}
    for weeks in (-12, -4, 0, 1, 3):
        planned = weeks >= 0
        day_person = {0: "duty", 1: "duty.liu", 3: "duty.liu"}.get(weeks, "duty")
        night_person = "duty" if day_person == "duty.liu" else "duty.liu"
        for weekday, hour, duty, engineers_in in (
            (2, 11, day_person, True),  # a Wednesday morning
            (2, 23, night_person, False),  # a Wednesday night
            (4, 19, night_person, False),  # a Friday evening
            (5, 15, day_person if planned else "duty.liu", False),  # a Saturday afternoon
            (6, 4, night_person, False),  # a Sunday in the small hours
        ):
            at = _local(now, weekday, hour, weeks)
            if weeks == -12 and at < now - dt.timedelta(days=demo.DAYS):
                continue
            on_duty_now = {p.user.username for p in on_duty(at)}
            call = duty_call(at)
            if DutyShift.objects.filter(origin="cover", starts_at__lte=at, ends_at__gt=at):
                duty = "supervisor"  # the demo's cover of a Friday evening
            assert not call.hole and [u.username for u in call.people] == [duty], at
            assert duty in on_duty_now, at
            if planned:
                working = on_duty_now & first_line
                office = _working_day(at) and 9 <= at.hour < 18  # 5×8, 调休 days included
                assert len(working) == (1 if office else 0), at
            else:
                assert (first_line <= on_duty_now) == engineers_in, at
            assert on_duty_now & {"se.zhao", "se.sun", "se.zhou"}, at  # an SE on shift or on call
            for case in cases:
                recs = recommendations(case, fetched_by=None, now=at, limit=20)
                assert recs, (case.number, at)
                assert all(r.score >= 0 for r in recs), (case.number, at)
                assert any(r.on_duty and "on_duty" in {x.code for x in r.reasons} for r in recs), (
                    case.number,
                    at,
                )


def _working_day(at: dt.datetime) -> bool:
    return is_working_day(at.astimezone(clock.desk_zone()).date())


def test_demo_builds_a_realistic_desk_once():
    out = StringIO()
    call_command("demo", stdout=out)
    now = clock.now()
    assert "Demo data loaded" in out.getvalue()

    _check_people()
    _check_cases(now)
    _check_history(now)
    _check_roster(now)

    assert authenticate(username="duty", password="demo") is not None
    assert authenticate(username="cust.ctbj", password="demo") is not None
    assert authenticate(username="duty", password="wrong") is None

    # `make run` loads it once: the second run writes nothing and says so.
    before = _counts()
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "not loaded" in out.getvalue()
    assert _counts() == before

    # Without --if-empty a second load is refused, cleanly.
    with pytest.raises(CommandError, match="already loaded"):
        call_command("demo", stdout=StringIO())
    assert _counts() == before


def test_if_empty_leaves_a_desk_with_cases_alone(org, contact):
    make_case(contact=contact)
    before = _counts()
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "1 CASEs" in out.getvalue()
    assert _counts() == before


def test_refuses_when_a_demo_login_exists():
    make_user("duty_engineer", username="duty")
    before = _counts()
    with pytest.raises(CommandError, match="duty"):
        call_command("demo", stdout=StringIO())
    assert _counts() == before


def test_same_seed_same_desk():
    now = dt.datetime(2026, 11, 18, 3, 0, tzinfo=dt.UTC)

    def fingerprint(seed: int) -> list[tuple]:
        with transaction.atomic():
            demo.load(seed=seed, cases=40, now=now)
            rows = list(
                Case.objects.order_by("number").values_list(
                    "number", "title", "status", "priority", "created_at", "engineer__username"
                )
            )
            rows += list(
                CaseEvent.objects.order_by("case__number", "id").values_list(
                    "case__number", "kind", "at"
                )
            )
            transaction.set_rollback(True)
        return rows

    first = fingerprint(7)
    assert len(first) > 40
    assert fingerprint(7) == first
    assert fingerprint(8) != first


# The desk ``demo.load(seed=1, cases=40, now=FINGERPRINT_NOW)`` builds, fingerprinted: rows per
# table and every CASE's number, title, state, priority, opening and engineer.  It pins the
# demo's content: change it only on purpose, when the demo's words or its story change.
FINGERPRINT_NOW = dt.datetime(2026, 11, 18, 3, 0, tzinfo=dt.UTC)
FINGERPRINT_SEED_1 = "379b1712526a8c214bde21db1bcc00033c83fee45fcb587c735427ca16e8d5f4"


def test_seed_1_builds_the_desk_it_always_built():
    demo.load(seed=1, cases=40, now=FINGERPRINT_NOW)
    counts = {
        **_counts(),
        "staff": StaffProfile.objects.count(),
        "shifts": DutyShift.objects.count(),
    }
    cases = [
        [number, title, status, priority, clock.iso_utc(created), engineer]
        for number, title, status, priority, created, engineer in Case.objects.order_by(
            "number"
        ).values_list("number", "title", "status", "priority", "created_at", "engineer__username")
    ]
    text = json.dumps({"counts": counts, "cases": cases}, ensure_ascii=False, sort_keys=True)
    assert hashlib.sha256(text.encode()).hexdigest() == FINGERPRINT_SEED_1, text
