"""What the CASE list read model reads along with a CASE equals what they read on their own.

Lists and single reads fetch helpers and deadlines inside the CASE's own query (built by
the database, for speed); actions read them separately.  Both ways must give the same
answer, to the character, on SQLite and PostgreSQL.
"""

import datetime as dt
from io import StringIO

from django.core.management import call_command

from casedesk.caselist import selectors
from casedesk.cases import selectors as case_selectors
from casedesk.cases import services
from casedesk.cases.models import Case
from casedesk.core import clock
from tests.factories import make_case, make_user

T0 = dt.datetime(2026, 11, 23, 2, 0, 7, 654321, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def _both_ways(case: Case, viewer) -> tuple[list, list, list]:
    fresh = Case.objects.get(pk=case.pk)  # no annotations: read on its own
    got = selectors.case_get(number=case.number, fetched_by=viewer)
    listed = next(c for c in selectors.case_list(fetched_by=viewer, q=case.number))
    return (
        selectors.deadlines_of(fresh, viewer),
        selectors.deadlines_of(got, viewer),
        selectors.deadlines_of(listed, viewer),
    )


def test_deadlines_read_with_the_case_equal_those_read_alone(contact, duty, senior, customer):
    with clock.frozen(T0):
        case = make_case(contact=contact, by=duty, priority="P1")
    with clock.frozen(T0 + dt.timedelta(minutes=3, microseconds=1)):
        case = services.case_assign(case=case, engineer=senior, by=duty)
    call_command("supervise", now="2026-11-23T02:16:30Z", stdout=StringIO(), stderr=StringIO())
    with clock.frozen(T0 + dt.timedelta(minutes=20, microseconds=999_999)):
        services.case_log_work(case=case, kind="callback", note="回呼", minutes=5, by=senior)
    with clock.frozen(T0 + dt.timedelta(minutes=40)):
        services.case_pend(case=case, reason="customer", by=senior)

    alone, got, listed = _both_ways(case, duty)
    assert alone == got == listed
    assert [d["kind"] for d in alone][:2] == ["callback", "first_worklog"]
    assert any(d["fired_at"] for d in alone) and any(d["met_at"] for d in alone)
    assert any(d["due_at"] is None for d in alone), "the pending CASE's resolution is paused"
    assert all(
        v is None or (len(v) == 20 and v.endswith("Z"))
        for d in alone
        for k, v in d.items()
        if k.endswith("_at")
    )
    assert set(alone[0]) == set(selectors.DEADLINE_FIELDS)

    alone, got, listed = _both_ways(case, customer)
    assert alone == got == listed
    assert {d["kind"] for d in alone} == set(selectors.CUSTOMER_DEADLINES)


def test_helpers_read_with_the_case_equal_those_read_alone(contact, duty, senior):
    other = make_user("engineer", username="a.zhang", tier="senior")
    case = services.case_assign(case=make_case(contact=contact, by=duty), engineer=senior, by=duty)
    assert _helpers_both_ways(case, duty) == ([], [])
    for helper in (other, duty):
        services.case_add_helper(case=case, helper=helper, by=duty)
    assert _helpers_both_ways(case, duty) == (["a.zhang", "duty"], ["a.zhang", "duty"])


def _helpers_both_ways(case: Case, viewer) -> tuple[list, list]:
    fresh = Case.objects.get(pk=case.pk)
    got = selectors.case_get(number=case.number, fetched_by=viewer)
    return case_selectors.helper_usernames(fresh), case_selectors.helper_usernames(got)
