"""Concurrent edits of one CASE: no 5xx, a request that no longer applies is 409.

When one operation holds a CASE's row lock (say, a reassignment) and another operation on
the same CASE waits for it, the waiting one must see the committed row whole (engineer
included), re-check its preconditions on it, and either succeed on the fresh row or answer
409 with nothing written.

(a) Deterministic: a reassignment holds the lock; a priority change, a work log and an
    assignment by HTTP wait for it; the reassignment commits; each answer is right.
(b) The hammer: threads assigning, logging work and changing the priority of one CASE
    through the API at once; zero 5xx, every answer 2xx or 409, and the CASE's history
    is exactly the successful answers, chained (each change's "before" is the previous
    change's "after").

On SQLite writers serialize on the database lock (there is no row lock to wait on), so
(a) runs on PostgreSQL only; (b) runs on both.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from casedesk.accounts import services as people
from casedesk.cases import services
from casedesk.cases.models import Case, CaseEvent, WorkLog
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

# Row locks that a waiting request sees committed: PostgreSQL's (deselected on SQLite).
postgres_only = pytest.mark.postgres


def _token(user) -> str:
    return people.token_create(user=user)[1]


def _post(token: str, path: str, body: dict) -> tuple[int, dict]:
    """One API call on this thread's own connection; a server error is an answer, not a raise."""
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/v1" + path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    try:
        data = response.json()
    except ValueError:
        data = {"raw": response.content.decode(errors="replace")[:300]}
    return response.status_code, data


def _desk():
    org = OrganizationFactory(code="HAMMER")
    contact = ContactFactory(organization=org)
    desk = {
        "duty": make_user("duty_engineer", username="duty"),
        "taker": make_user("call_taker", username="taker"),
        "se1": make_user("engineer", username="se1", tier="senior"),
        "se2": make_user("engineer", username="se2", tier="senior"),
        "se3": make_user("engineer", username="se3", tier="senior"),
    }
    case = make_case(contact=contact, by=desk["taker"], priority="P3", title="并发编辑")
    case = services.case_assign(case=case, engineer=desk["se1"], by=desk["duty"])
    return desk, case


def _wait_until_blocked(count: int, timeout: float = 20.0) -> None:
    """Until ``count`` other sessions wait for a lock (PostgreSQL's own view of it)."""
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0] >= count:
                return
            assert time.monotonic() < deadline, "the requests never waited for the lock"
            time.sleep(0.05)


def _run_while_locked(hold, requests):
    """Run ``hold`` in a transaction on another thread and keep it open until every one of
    ``requests`` (callables answering (status, data)) waits for the lock; then commit.
    Returns the answers in order."""
    locked, release = threading.Event(), threading.Event()
    answers: list = [None] * len(requests)
    errors: list[BaseException] = []

    def holder():
        try:
            with transaction.atomic():
                hold()
                locked.set()
                assert release.wait(30)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
            locked.set()
        finally:
            connections.close_all()

    def requester(index, request):
        try:
            answers[index] = request()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    holding = threading.Thread(target=holder)
    holding.start()
    assert locked.wait(30)
    waiting = [threading.Thread(target=requester, args=(i, r)) for i, r in enumerate(requests)]
    for thread in waiting:
        thread.start()
    try:
        _wait_until_blocked(len(requests))
    finally:
        release.set()
        holding.join(30)
        for thread in waiting:
            thread.join(30)
    assert errors == [], errors
    return answers


@postgres_only
def test_operations_waiting_for_a_reassignment_see_the_new_engineer(transactional_db):
    desk, case = _desk()
    duty, taker = _token(desk["duty"]), _token(desk["taker"])
    number = case.number

    answers = _run_while_locked(
        lambda: services.case_assign(case=case, engineer=desk["se2"], by=desk["duty"]),
        [
            lambda: _post(duty, f"/cases/{number}/priority", {"priority": "P2"}),
            lambda: _post(taker, f"/cases/{number}/worklogs", {"kind": "phone", "note": "催促"}),
        ],
    )

    (p_status, p_data), (w_status, w_data) = answers
    assert p_status == 200, p_data
    assert p_data["engineer"] == "se2"  # the committed owner, not None, not the old one
    assert p_data["priority"] == "P2"
    assert w_status == 201, w_data
    kinds = list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))
    assert kinds[-3] == "assigned" and sorted(kinds[-2:]) == ["priority_changed", "work_logged"]


@postgres_only
def test_an_assignment_that_no_longer_applies_is_409_with_nothing_written(transactional_db):
    desk, case = _desk()
    duty = _token(desk["duty"])
    number = case.number
    events = CaseEvent.objects.filter(case=case).count()

    # Both dispatchers saw se1 as the owner and give the CASE to se2: the second one to get
    # the lock finds se2 already the owner.
    answers = _run_while_locked(
        lambda: services.case_assign(case=case, engineer=desk["se2"], by=desk["duty"]),
        [lambda: _post(duty, f"/cases/{number}/assign", {"engineer": "se2"})],
    )

    [(status, data)] = answers
    assert status == 409, data
    assert "already assigned to se2" in data["detail"]
    assert CaseEvent.objects.filter(case=case).count() == events + 1  # only the first one
    assert Case.objects.get(pk=case.pk).engineer.username == "se2"


@postgres_only
def test_an_assignment_is_checked_against_the_priority_committed_while_it_waited(
    transactional_db,
):
    desk, case = _desk()
    make_user("engineer", username="eng1", tier="first_line")
    duty = _token(desk["duty"])
    number = case.number
    events = CaseEvent.objects.filter(case=case).count()

    # The dispatcher saw a P3 and gives it to a first-line engineer; meanwhile it became P1.
    answers = _run_while_locked(
        lambda: services.case_set_priority(case=case, priority="P1", by=desk["duty"]),
        [lambda: _post(duty, f"/cases/{number}/assign", {"engineer": "eng1"})],
    )

    [(status, data)] = answers
    assert status == 409, data
    assert "is P1: P1 and P2 CASEs go to a senior engineer" in data["detail"]
    assert CaseEvent.objects.filter(case=case).count() == events + 1
    assert Case.objects.get(pk=case.pk).engineer.username == "se1"


@postgres_only
def test_the_owner_who_lost_the_case_while_waiting_gets_409_with_nothing_written(
    transactional_db,
):
    desk, case = _desk()
    se1 = _token(desk["se1"])
    number = case.number
    events = CaseEvent.objects.filter(case=case).count()

    # se1 owns the CASE when the request arrives; by the time it gets the lock, se2 does.
    answers = _run_while_locked(
        lambda: services.case_assign(case=case, engineer=desk["se2"], by=desk["duty"]),
        [lambda: _post(se1, f"/cases/{number}/priority", {"priority": "P2"})],
    )

    [(status, data)] = answers
    assert status == 409, data
    assert "se2" in data["detail"]
    assert CaseEvent.objects.filter(case=case).count() == events + 1
    assert Case.objects.get(pk=case.pk).priority == "P3"


@postgres_only
def test_a_not_fixed_mail_sees_the_case_closed_meanwhile_and_opens_a_new_one(
    transactional_db, settings, tmp_path
):
    """The mail gateway chooses what a reply does from the CASE's state: it must be the
    state under the lock (closed by then: a new CASE), not the one read before it."""
    from casedesk.mailgate import services as mailgate

    settings.MEDIA_ROOT = tmp_path / "media"
    desk, case = _desk()
    case.contact.email = "li@hammer.example"
    case.contact.save()
    services.case_accept(case=case, by=desk["se1"])
    services.case_resolve(case=case, solution="更换光模块", by=desk["se1"])
    services.case_confirm(case=case, by=desk["duty"], note="客户电话确认")
    raw = (
        "From: li@hammer.example\r\nTo: support@casedesk.example\r\n"
        f"Subject: Re: [{case.number}] 并发编辑\r\nMessage-ID: <not-fixed@client.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "It is still not working, the port flaps again.\r\n"
    ).encode()

    [message] = _run_while_locked(
        lambda: services.case_close(case=case, by=desk["duty"]),
        [lambda: mailgate.ingest_bytes(raw)],
    )

    assert message.status == "processed", message.reason
    assert message.case is not None and message.case.pk != case.pk  # a new CASE
    assert Case.objects.get(pk=case.pk).status == "closed"  # the archived one stays closed
    assert not CaseEvent.objects.filter(case=case, kind="reopened").exists()


# --- (b) the hammer ------------------------------------------------------------------------

ROUNDS = 12


def test_hammering_one_case_gives_no_5xx_and_a_consistent_history(transactional_db):
    desk, case = _desk()
    make_user("engineer", username="eng1", tier="first_line")  # not for a P1/P2 (no reason)
    number = case.number
    tokens = {name: _token(user) for name, user in desk.items()}
    start = threading.Barrier(6)
    answers: list[tuple[str, dict, int, dict]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(seed: int, token: str, make_request) -> None:
        rng = random.Random(seed)
        try:
            start.wait(timeout=30)
            for _ in range(ROUNDS):
                path, body = make_request(rng)
                status, data = _post(token, path, body)
                with lock:
                    answers.append((path, body, status, data))
        except BaseException as exc:  # noqa: BLE001
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    def assign(rng):
        return f"/cases/{number}/assign", {"engineer": rng.choice(["se1", "se2", "se3", "eng1"])}

    def priority(rng):
        return f"/cases/{number}/priority", {"priority": rng.choice(["P1", "P2", "P3", "P4"])}

    def worklog(rng):
        return f"/cases/{number}/worklogs", {"kind": "phone", "note": "跟进", "minutes": 5}

    plan = [
        (1, "duty", assign),
        (2, "taker", assign),
        (3, "duty", priority),
        (4, "taker", priority),
        (5, "duty", worklog),
        (6, "taker", worklog),
    ]
    threads = [threading.Thread(target=worker, args=(s, tokens[t], f)) for s, t, f in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert not any(t.is_alive() for t in threads), "a client hung"
    assert errors == [], errors
    assert len(answers) == 6 * ROUNDS
    server_errors = [a for a in answers if a[2] >= 500]
    assert server_errors == [], server_errors[:3]
    assert {a[2] for a in answers} <= {200, 201, 409}, Counter(a[2] for a in answers)

    ok = Counter(path.rsplit("/", 1)[1] for path, _, status, _ in answers if status < 300)
    history = list(CaseEvent.objects.filter(case=case).order_by("pk"))
    after_setup = history[2:]  # opened, assigned to se1
    kinds = Counter(e.kind for e in after_setup)
    assert kinds == Counter(
        {
            k: n
            for k, n in {
                "assigned": ok["assign"],
                "priority_changed": ok["priority"],
                "work_logged": ok["worklogs"],
            }.items()
            if n
        }
    )
    assert WorkLog.objects.filter(case=case).count() == ok["worklogs"]
    # Every change starts from where the previous one left the CASE, and each assignment
    # obeyed the tier rule on the priority the CASE had when it was made.
    engineer, priority = "se1", "P3"
    for event in after_setup:
        if event.kind == "assigned":
            assert event.data["engineer"] == {
                "before": engineer,
                "after": event.data["engineer"]["after"],
            }
            engineer = event.data["engineer"]["after"]
            assert engineer != "eng1" or priority in ("P3", "P4"), (event.pk, priority)
        elif event.kind == "priority_changed":
            assert event.data["priority"]["before"] == priority
            priority = event.data["priority"]["after"]
    fresh = Case.objects.select_related("engineer").get(pk=case.pk)
    assert (fresh.engineer.username, fresh.priority) == (engineer, priority)
    # Each successful answer showed the CASE as its own change left it.
    for path, body, status, data in answers:
        if status == 200 and path.endswith("/assign"):
            assert data["engineer"] == body["engineer"]
        if status == 200 and path.endswith("/priority"):
            assert data["priority"] == body["priority"]
        if status == 200:
            assert data["engineer"] in {"se1", "se2", "se3", "eng1"}
    refused = [a for a in answers if a[2] == 409]
    assert all(a[3].get("detail") for a in refused)
    print(f"hammer on {connection.vendor}: {Counter(a[2] for a in answers)}")
