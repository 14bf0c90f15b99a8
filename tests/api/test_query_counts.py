"""Query counts of the CASE read endpoints: constant in page size, bounded per request.

A list that loads a relation per row (an N+1) costs ten times more queries for a page of
50 than for a page of 5; a history that loads each event's actor grows with the history.
Each endpoint is read twice, at two sizes, over data that exercises every relation the
answer shows (organization, engineer, helpers, actors of many kinds), and the numbers of
queries must match and stay within a small budget.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casedesk.cases import services
from tests.factories import ContactFactory, make_case, make_user

# Token, engineer lookup, count, page, helpers: the most a list may need (with room for one
# more relation loaded per page, never per row).
LIST_BUDGET = 6
# Token, CASE, helpers (and one more per-CASE relation at most).
DETAIL_BUDGET = 4

OWN = 36  # CASEs of the customer's organization
OTHER = 14  # CASEs of another organization


@pytest.fixture
def desk(org, other_org, contact, duty, engineer, senior, customer):
    """CASEs in both organizations, half assigned to three engineers, some with helpers."""
    second = make_user("engineer", username="eng2", tier="first_line")
    engineers = [engineer, senior, second]
    other_contact = ContactFactory(organization=other_org)
    cases = []
    for i in range(OWN + OTHER):
        case = make_case(
            contact=contact if i < OWN else other_contact,
            by=duty,
            title=f"核心交换机故障 switch fault {i}",
            priority="P2" if i % 4 < 2 else "P3",
        )
        if i % 4 != 3:  # three in four are assigned, to different engineers
            owner = engineer if i % 4 == 0 else engineers[i % 3]
            case = services.case_assign(case=case, engineer=owner, by=duty, override_reason="测试")
            for j, helper in enumerate(engineers):  # and many have helpers
                if helper.pk != owner.pk and (i + j) % 3 == 0:
                    services.case_add_helper(case=case, helper=helper, by=duty)
        cases.append(case)
    return cases


def _queries(client, path: str, params: dict | None = None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), response.json()


def _warm(client) -> None:
    """The first request with a new token records its use (one UPDATE): not part of a read."""
    assert client.get("/cases", {"limit": 1}).status_code == 200


STAFF_FILTERS = {
    "none": {},
    "status": {"status": "assigned"},
    "priority and engineer": {"status": "assigned", "priority": "P2", "engineer": "eng1"},
    "engineer": {"engineer": "se1"},
    "unassigned": {"engineer": "none"},
    "organization": {"organization": "ACME"},
    "words": {"q": "switch"},
    "second page": {"offset": 5},
}


@pytest.mark.parametrize("filters", STAFF_FILTERS.values(), ids=STAFF_FILTERS)
def test_a_staff_list_costs_the_same_queries_for_5_or_50_cases(api, desk, duty, filters):
    client = api(duty)
    _warm(client)
    small, page5 = _queries(client, "/cases", {**filters, "limit": 5})
    large, page50 = _queries(client, "/cases", {**filters, "limit": 50})

    assert len(page5["items"]) == 5 < len(page50["items"]), "the filter must match > 5 CASEs"
    assert page5["count"] == page50["count"]
    assert small == large <= LIST_BUDGET
    shown = page50["items"]
    assert any(item["engineer"] for item in shown) or filters.get("engineer") == "none"
    if filters.get("engineer") != "none":
        assert any(item["helpers"] for item in shown), "the page must show helpers"


CUSTOMER_FILTERS = {
    "none": {},
    "status": {"status": "assigned"},
    "engineer": {"engineer": "eng1"},
    "words": {"q": "故障"},
}


@pytest.mark.parametrize("filters", CUSTOMER_FILTERS.values(), ids=CUSTOMER_FILTERS)
def test_a_customer_list_costs_the_same_queries_for_5_or_50_cases(api, desk, customer, filters):
    client = api(customer)
    _warm(client)
    small, page5 = _queries(client, "/cases", {**filters, "limit": 5})
    large, page50 = _queries(client, "/cases", {**filters, "limit": 50})

    assert len(page5["items"]) == 5 < len(page50["items"])
    assert {item["organization"] for item in page50["items"]} == {"ACME"}
    assert page50["count"] <= OWN
    assert small == large <= LIST_BUDGET


def test_one_case_costs_the_same_queries_with_or_without_helpers(api, desk, duty, customer):
    plain = next(c for c in desk[:OWN] if not c.helpers.exists() and c.engineer_id)
    helped = max(desk[:OWN], key=lambda c: c.helpers.count())
    assert helped.helpers.count() >= 1
    for user in (duty, customer):
        client = api(user)
        _warm(client)
        n_plain, body_plain = _queries(client, f"/cases/{plain.number}")
        n_helped, body_helped = _queries(client, f"/cases/{helped.number}")
        assert body_plain["helpers"] == [] and body_helped["helpers"]
        assert n_plain == n_helped <= DETAIL_BUDGET


def test_history_and_work_logs_cost_the_same_queries_however_long(
    api, desk, duty, engineer, senior, customer
):
    short = desk[3]  # unassigned: just its opening
    long = desk[0]  # assigned to eng1, then worked on by many people
    if not long.helpers.filter(pk=senior.pk).exists():
        services.case_add_helper(case=long, helper=senior, by=duty)
    services.case_accept(case=long, by=engineer)
    for author, kind in [
        (engineer, "callback"),
        (senior, "remote"),
        (duty, "phone"),
        (customer, "note"),
        (engineer, "onsite"),
        (senior, "note"),
    ]:
        services.case_log_work(
            case=long, kind=kind, note=f"{kind} by {author.username}", minutes=0, by=author
        )
    for user in (duty, customer):
        client = api(user)
        _warm(client)
        n_short, events_short = _queries(client, f"/cases/{short.number}/events")
        n_long, events_long = _queries(client, f"/cases/{long.number}/events")
        assert len(events_short) == 1 and len(events_long) >= 8
        assert len({e["actor"] for e in events_long}) >= 4
        assert n_short == n_long <= DETAIL_BUDGET

        n_short, logs_short = _queries(client, f"/cases/{short.number}/worklogs")
        n_long, logs_long = _queries(client, f"/cases/{long.number}/worklogs")
        assert logs_short == [] and len({w["author"] for w in logs_long}) >= 3
        assert n_short == n_long <= DETAIL_BUDGET
