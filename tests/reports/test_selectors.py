"""Each dashboard aggregate against the hand-built desk of conftest.py, worked out by hand."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from casedesk.cases import services
from casedesk.core import clock
from casedesk.core.errors import InvalidInput
from casedesk.reports import selectors
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

from .conftest import NOW, XSS_NAME, sh

OCT26, NOV2 = dt.date(2026, 10, 26), dt.date(2026, 11, 2)


def filters(user=None, **params):
    params.setdefault("from", "2026-10-26")
    params.setdefault("to", "2026-11-04")
    with clock.frozen(NOW):
        return selectors.parse_filters(params, user=user)


def rows(table):
    return [list(r) for r in table.rows]


def test_open_cases_by_severity_and_age(desk):
    t = selectors.open_by_age(filters(), reader=None)
    # B (P3, 50 h) and C (P2, 27 h) in 1–3 days; D (P4, 9 days) over 7 days; A resolved.
    assert rows(t) == [
        ["P1", 0, 0, 0, 0, 0, 0],
        ["P2", 0, 0, 1, 0, 0, 1],
        ["P3", 0, 0, 1, 0, 0, 1],
        ["P4", 0, 0, 0, 0, 1, 1],
    ]
    only_evil = selectors.open_by_age(filters(customer=str(desk.evil.pk)), reader=None)
    assert only_evil.column("total") == [0, 1, 0, 0]
    mine = selectors.open_by_age(filters(engineer=str(desk.eng.pk)), reader=None)
    assert mine.column("total") == [0, 0, 1, 1]


def test_age_buckets_are_bounded_at_the_hour(desk):
    with clock.frozen(NOW - dt.timedelta(hours=4)):
        fresh = make_case(contact=desk.acme_contact, by=desk.taker, priority="P1")
    t = selectors.open_by_age(filters(), reader=None)
    assert rows(t)[0] == ["P1", 0, 1, 0, 0, 0, 1]  # exactly 4 h old: no longer under 4 h
    with clock.frozen(NOW - dt.timedelta(seconds=1)):
        earlier = selectors.parse_filters({}, user=None)
    assert rows(selectors.open_by_age(earlier, reader=None))[0] == ["P1", 1, 0, 0, 0, 0, 1]
    assert fresh.status == "open"


def test_callbacks_on_time_per_week(desk):
    t = selectors.callbacks(filters(), reader=None)
    assert [c.key for c in t.columns] == [
        "week",
        "callback_on_time",
        "callback_late",
        "callback_pct",
        "engineer_on_time",
        "engineer_late",
        "engineer_pct",
    ]
    assert rows(t) == [
        # D: callback due 10-26 09:15 and engineer callback due 10:30, both met at 11:00.
        [OCT26, 0, 1, 0.0, 0, 1, 0.0],
        # A on time for both; B late for both (the 10:15 one fired before it was met);
        # C's callback never came (fired and still unmet).
        [NOV2, 1, 2, 33.3, 1, 1, 50.0],
    ]
    by_engineer = selectors.callbacks(filters(engineer=str(desk.eng.pk)), reader=None)
    assert rows(by_engineer) == [[OCT26, 0, 1, 0.0, 0, 1, 0.0], [NOV2, 0, 1, 0.0, 0, 1, 0.0]]


def test_a_promise_not_yet_due_is_not_counted(desk):
    with clock.frozen(NOW - dt.timedelta(minutes=5)):
        make_case(contact=desk.acme_contact, by=desk.taker, priority="P4")
    # Its callback is due at 12:10, after NOW: neither kept nor broken yet.
    assert rows(selectors.callbacks(filters(), reader=None))[1][1:4] == [1, 2, 33.3]


def test_a_promise_withdrawn_before_due_is_not_counted(desk):
    # Reassigning B withdraws the engineer callback of the first assignment (already
    # decided) and makes a new one, due 13:00 on Wednesday: not decided at NOW.
    desk.at(sh(11, 4, 11, 50), services.case_assign, case=desk.b, engineer=desk.se, by=desk.duty)
    assert rows(selectors.callbacks(filters(), reader=None))[1][4:] == [1, 1, 50.0]
    # Resolving A early does not count its resolution twice; cancelling other kinds of A
    # changes nothing either.
    assert rows(selectors.sla_compliance(filters(), reader=None))[1] == [NOV2, 1, 2, 33.3]


def test_sla_compliance_per_week(desk):
    t = selectors.sla_compliance(filters(), reader=None)
    # D's 3-day P4 target broke on 10-29; A was resolved within 4 h; B (24 h, Tue 10:00)
    # and C (8 h, Tue 17:00) broke in the week of 11-02.
    assert rows(t) == [[OCT26, 0, 1, 0.0], [NOV2, 1, 2, 33.3]]
    assert rows(selectors.sla_compliance(filters(severity="P1"), reader=None)) == [
        [OCT26, 0, 0, None],
        [NOV2, 1, 0, 100.0],
    ]
    one_week = selectors.sla_compliance(filters(**{"from": "2026-11-02"}), reader=None)
    assert rows(one_week) == [[NOV2, 1, 2, 33.3]]


def test_escalations_per_level(desk):
    t = selectors.escalations(filters(), reader=None)
    assert [c.key for c in t.columns] == ["level", "P1", "P2", "P3", "P4", "total"]
    assert [r[1:] for r in rows(t)] == [
        [0, 0, 1, 0, 1],  # B to a senior engineer
        [0, 0, 0, 0, 0],  # nobody to the vendor
        [1, 1, 1, 0, 3],  # matrix: duty engineer (A at 11:30 Mon, C and B at NOW)
        [1, 1, 1, 0, 3],  # supervisor
        [1, 1, 1, 0, 3],  # general manager
    ]
    with translation.override("en"):
        labels = [r[0] for r in rows(selectors.escalations(filters(), reader=None))]
    assert labels == [
        "To a senior engineer",
        "To the vendor",
        "Matrix: The duty engineer on shift",
        "Matrix: Technical support supervisor",
        "Matrix: General manager",
    ]
    before = selectors.escalations(filters(to="2026-11-03"), reader=None)
    # Only A's matrix fired before Wednesday; B's escalation was on Monday.
    assert [r[-1] for r in rows(before)] == [1, 0, 1, 1, 1]


def test_vendor_escalations_are_counted_per_severity(desk):
    desk.at(
        sh(11, 4, 11),
        services.case_escalate,
        case=desk.b,
        target="vendor",
        reason="硬件故障",
        vendor_reference="TAC-1",
        by=desk.duty,
    )
    t = selectors.escalations(filters(severity="P3"), reader=None)
    assert rows(t)[1][1:] == [0, 0, 1, 0, 1]
    assert [r[-1] for r in rows(t)] == [1, 1, 1, 1, 1]


def test_load_per_engineer_is_weighted_by_severity(desk):
    t = selectors.engineer_load(filters(), reader=None)
    assert [c.key for c in t.columns] == [
        "engineer",
        "username",
        "P1",
        "P2",
        "P3",
        "P4",
        "total",
        "weighted",
        "capacity",
    ]
    # eng1 holds B (P3, weight 2) and D (P4, weight 1); C is unassigned, A resolved.
    assert rows(t)[0][1:] == ["eng1", 0, 0, 1, 1, 2, 3, 8]
    assert {r[1]: r[7] for r in rows(t)} == {"eng1": 3, "duty": 0, "se1": 0, "sup": 0}
    assert rows(selectors.engineer_load(filters(severity="P3"), reader=None))[0][1:8] == [
        "eng1",
        0,
        0,
        1,
        0,
        1,
        2,
    ]
    assert [
        r[1] for r in rows(selectors.engineer_load(filters(engineer=str(desk.se.pk)), reader=None))
    ] == ["se1"]


def test_labour_hours_per_week_engineer_and_customer(desk):
    f = filters()
    assert rows(selectors.labour_by_week(f, reader=None)) == [
        [OCT26, 1, 60, 1.0],
        [NOV2, 3, 110, 1.8],
    ]
    by_engineer = rows(selectors.labour_by_engineer(f, reader=None))
    assert [r[1:] for r in by_engineer] == [[3, 150, 2.5], [1, 20, 0.3]]
    assert [r[1:] for r in rows(selectors.labour_by_customer(f, reader=None))] == [[4, 170, 2.8]]
    assert rows(selectors.labour_by_customer(f, reader=None))[0][0] == "中国电信北京分公司"
    # The engineer filter means who did the work.
    assert rows(selectors.labour_by_week(filters(engineer=str(desk.se.pk)), reader=None)) == [
        [OCT26, 0, 0, 0.0],
        [NOV2, 1, 20, 0.3],
    ]
    assert (
        rows(selectors.labour_by_customer(filters(customer=str(desk.evil.pk)), reader=None)) == []
    )


def test_weeks_follow_the_readers_time_zone(db):
    org = OrganizationFactory(service_level="gold")
    eng = make_user("duty_engineer", username="duty9")
    with clock.frozen(sh(11, 1, 20)):
        case = make_case(contact=ContactFactory(organization=org))
    # Monday 07:00 in Shanghai is still Sunday 23:00 in UTC.
    with clock.frozen(sh(11, 2, 7)):
        services.case_log_work(case=case, kind="phone", note="电话", minutes=30, by=eng)
    london = make_user("cs_manager", username="utc.manager")
    london.time_zone = "UTC"
    london.save()
    shanghai = filters(**{"from": "2026-10-26"})
    utc = filters(london, **{"from": "2026-10-26"})
    assert rows(selectors.labour_by_week(shanghai, reader=None)) == [
        [OCT26, 0, 0, 0.0],
        [NOV2, 1, 30, 0.5],
    ]
    assert rows(selectors.labour_by_week(utc, reader=None)) == [
        [OCT26, 1, 30, 0.5],
        [NOV2, 0, 0, 0.0],
    ]


def test_names_are_kept_as_plain_text(desk):
    assert rows(selectors.open_by_age(filters(customer=str(desk.evil.pk)), reader=None))[1][-1] == 1
    desk.log(sh(11, 3, 10), desk.c, desk.duty, "phone", 15)
    assert rows(selectors.labour_by_customer(filters(), reader=None))[1][0] == XSS_NAME


def test_each_table_is_a_fixed_number_of_queries(desk):
    counts = {}
    for key, build in selectors.TABLES.items():
        f = filters()
        with CaptureQueriesContext(connection) as ctx:
            build(f, reader=None)
        counts[key] = len(ctx.captured_queries)
    # More CASEs and work logs do not add queries: aggregates, not loops over rows.
    for i in range(5):
        with clock.frozen(sh(11, 3, 10 + i)):
            case = make_case(contact=desk.acme_contact, by=desk.taker, priority="P2")
        desk.at(
            sh(11, 3, 10 + i, 5), services.case_assign, case=case, engineer=desk.se, by=desk.duty
        )
        desk.log(sh(11, 3, 10 + i, 10), case, desk.se, "callback", 10)
    for key, build in selectors.TABLES.items():
        f = filters()
        with CaptureQueriesContext(connection) as ctx:
            build(f, reader=None)
        assert len(ctx.captured_queries) == counts[key], key
    assert max(counts.values()) <= 2
    # The whole dashboard reads the deadline table twice, whatever the tables that use
    # them: the promises' outcomes once, the matrix's escalations once.
    with CaptureQueriesContext(connection) as ctx:
        selectors.dashboard(filters(), reader=None)
    assert sum('"sla_deadline"' in q["sql"] for q in ctx.captured_queries) == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-13-01"}, "date"),
        ({"from": "2026-11-05", "to": "2026-11-01"}, "starts after it ends"),
        ({"from": "2024-01-01", "to": "2026-11-01"}, "at most 366 days"),
        ({"customer": "x"}, "Unknown customer"),
        ({"customer": "999999"}, "Unknown customer"),
        ({"engineer": "999999"}, "Unknown engineer"),
        ({"severity": "P9"}, "Unknown severity"),
    ],
)
def test_bad_filters_are_refused_with_a_reason(db, params, message):
    with translation.override("en"), pytest.raises(InvalidInput) as exc:
        selectors.parse_filters(params, user=None)
    assert message in exc.value.detail


def test_a_manager_is_not_an_engineer_filter(desk):
    with pytest.raises(InvalidInput):
        selectors.parse_filters({"engineer": str(desk.csm.pk)}, user=None)


def test_the_default_period_is_eight_whole_weeks_to_today(db):
    with clock.frozen(NOW):
        f = selectors.parse_filters({}, user=None)
    assert f.end == dt.date(2026, 11, 4)
    assert f.start == dt.date(2026, 9, 14)  # a Monday, seven weeks before this one
    assert len(f.weeks()) == 8


def _stranger():
    """A reader of a role added for a later domain, before the policy learnt it."""
    user = make_user("engineer", username="stranger")
    user.role = "future_role"
    return user


def test_every_table_counts_only_what_its_reader_may_see(desk):
    """A reader the policy shows no CASE gets empty tables, whichever rows a table counts
    (CASEs, deadlines, events, work logs); the system (None) sees them all."""
    stranger = _stranger()
    f = filters()
    for key, build in selectors.TABLES.items():
        everything = build(f, reader=None)
        seen = build(f, reader=stranger)
        numbers = [v for r in seen.rows for v in r if isinstance(v, int | float)]
        assert not any(numbers), (key, seen.rows)
        assert everything.rows != seen.rows or not everything.rows, key


def test_the_filters_offer_what_the_reader_may_see(desk):
    stranger = _stranger()
    assert {o.code for o in selectors.customers(reader=desk.csm)} == {"ACME", "EVIL"}
    assert desk.eng in selectors.engineers(reader=desk.csm)
    assert selectors.customers(reader=stranger) == []
    assert selectors.engineers(reader=stranger) == []
    with pytest.raises(InvalidInput):
        selectors.parse_filters({"customer": str(desk.acme.pk)}, user=stranger)
