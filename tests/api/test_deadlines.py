"""The API shows each CASE's deadlines: staff all of them, a customer its own promises."""

import datetime as dt
from io import StringIO

from django.core.management import call_command

from casedesk.cases import services
from casedesk.core import clock
from tests.factories import make_case

T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def test_deadlines_in_the_api(api, contact, duty, senior, customer):
    with clock.frozen(T0):
        case = make_case(contact=contact, by=duty, priority="P1")
    body = api(duty).get(f"/cases/{case.number}").json()
    kinds = {(d["kind"], d["recipient"]): d for d in body["deadlines"]}
    assert kinds[("callback", "")]["due_at"] == "2026-11-23T02:15:00Z"
    assert kinds[("first_worklog", "")]["due_at"] == "2026-11-23T02:45:00Z"
    assert kinds[("escalation", "duty_engineer")]["due_at"] == "2026-11-23T02:30:00Z"
    assert kinds[("escalation", "supervisor")]["due_at"] == "2026-11-23T03:00:00Z"
    assert kinds[("escalation", "general_manager")]["due_at"] == "2026-11-23T04:00:00Z"
    assert kinds[("resolution", "")]["due_at"] == "2026-11-23T06:00:00Z"
    assert all(d["fired_at"] is None and d["met_at"] is None for d in body["deadlines"])

    call_command("supervise", now="2026-11-23T02:16:00Z", stdout=StringIO(), stderr=StringIO())
    body = api(duty).get("/cases", {"q": case.number}).json()["items"][0]
    callback = next(d for d in body["deadlines"] if d["kind"] == "callback")
    assert callback["fired_at"] == "2026-11-23T02:16:00Z"

    seen = api(customer).get(f"/cases/{case.number}").json()["deadlines"]
    assert {d["kind"] for d in seen} == {"callback", "resolution"}


def test_a_paused_clock_shows_no_due_time(api, contact, duty, senior):
    with clock.frozen(T0):
        case = make_case(contact=contact, by=duty, priority="P2")
        case = services.case_assign(case=case, engineer=senior, by=duty)
        services.case_accept(case=case, by=senior)
        services.case_pend(case=case, reason="customer", by=senior)
    body = api(duty).get(f"/cases/{case.number}").json()
    resolution = next(d for d in body["deadlines"] if d["kind"] == "resolution")
    assert resolution["due_at"] is None
    # the matrix keeps running while the customer is awaited (policy default)
    assert all(d["due_at"] for d in body["deadlines"] if d["kind"] == "escalation")
