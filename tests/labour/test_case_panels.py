"""Labour on a CASE's page: the console shows those who read costs the minutes per engineer
with the amount, the card and the day/night/holiday split; the portal shows the customer
the hours per day, never an amount; everyone else sees no labour block."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casedesk.labour import case_panels
from tests.accounts.factories import make_user
from tests.cases.factories import make_case
from tests.factories import client_for, page_text
from tests.labour.factories import log_work, make_rate_card, make_small_desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return make_small_desk()


def test_a_manager_reads_the_cases_labour_per_engineer(desk):
    covered, uncovered, beta_case = desk
    qian = make_user("supervisor", username="qian")
    # ACME's own price from 2026-12-03 on: the log of the 2nd keeps the general card.
    make_rate_card(
        name="艾克米协议", hourly_rate="180", organization="ACME", valid_from=dt.date(2026, 12, 3)
    )
    log_work(uncovered, qian, 90, dt.datetime(2026, 12, 3, 10, 0))  # 08:30–10:00
    text = page_text(
        client_for(make_user("cs_manager"), "zh-hans").get(f"/cases/{uncovered.number}/")
    )
    assert 'id="case-labour"' in text
    # zhao: 30 night minutes on the 2nd at 200 × 1.5 = 150.00 by the general card 通用
    assert "zhao" in text and "通用" in text and "150.00" in text
    # qian: 08:30–10:00 on Thursday the 3rd: 30 night + 60 day at 180 → 135 + 180 = 315.00
    assert "qian" in text and "艾克米协议" in text and "315.00" in text
    assert "465.00" in text  # the CASE's total
    assert "月度结算" in text  # outside the contract: billed in the settlement


def test_a_covered_case_says_it_is_not_billed_in_english(desk):
    covered, _uncovered, _beta = desk
    text = page_text(
        client_for(make_user("general_manager"), "en").get(f"/cases/{covered.number}/")
    )
    assert "Labour" in text and "200.00" in text and "Covered by the contract" in text


def test_an_engineer_sees_no_labour_block(desk):
    covered, _uncovered, _beta = desk
    r = client_for(make_user("supervisor"), "en").get(f"/cases/{covered.number}/")
    assert 'id="case-labour"' in page_text(r)  # a supervisor reads costs
    r = client_for(make_user("engineer"), "en").get(f"/cases/{covered.number}/")
    assert r.status_code in (200, 404)
    assert 'id="case-labour"' not in page_text(r)


def test_the_customer_reads_hours_per_day_and_no_amount(desk):
    _covered, uncovered, _beta = desk
    log_work(uncovered, make_user("supervisor"), 45, dt.datetime(2026, 12, 2, 21, 0))
    log_work(uncovered, make_user("supervisor"), 15, dt.datetime(2026, 12, 4, 10, 0))
    customer = make_user("customer", org=uncovered.organization)
    r = client_for(customer, "zh-hans").get(f"/portal/cases/{uncovered.number}/")
    assert r.status_code == 200
    text = page_text(r)
    assert 'id="case-hours"' in text
    assert "2026-12-02" in text and "75" in text and "1.25" in text  # 30 + 45 minutes
    assert "2026-12-04" in text and "0.25" in text
    assert "1.50" in text  # 90 minutes in all
    assert "150.00" not in text and "通用" not in text and "元" not in text.split("case-hours")[1]


def test_panels_are_empty_for_readers_with_nothing_to_see(desk, rf):
    covered, _uncovered, beta_case = desk
    request = rf.get("/")
    request.user = make_user("engineer")
    assert case_panels.console(request, covered) == []
    request.user = make_user("customer", org=beta_case.organization)
    assert case_panels.portal(request, covered) == []  # another organization's CASE
    request.user = make_user("cs_manager")
    assert case_panels.portal(request, covered) == []  # the portal's block is the customer's


def test_a_case_without_work_has_no_labour_block(rf):
    make_rate_card()
    case = make_case()
    request = rf.get("/")
    request.user = make_user("cs_manager")
    assert case_panels.console(request, case) == []


def test_the_console_panel_is_a_few_queries(desk, rf):
    _covered, uncovered, _beta = desk
    for hour in range(10, 16):
        log_work(uncovered, make_user("supervisor"), 10, dt.datetime(2026, 12, 9, hour, 0))
    request = rf.get("/")
    request.user = make_user("cs_manager")
    with CaptureQueriesContext(connection) as queries:
        (html,) = case_panels.console(request, uncovered)
    assert len(queries) <= 4, [q["sql"] for q in queries]
    assert "zhao" in html
