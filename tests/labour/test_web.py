"""The console's labour pages in zh-hans and English: the report and its XLSX, the monthly
settlement of work outside the contract and its XLSX, the rate cards."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from casedesk.core import clock
from casedesk.labour.models import RateCard
from tests.accounts.factories import ContactFactory, OrganizationFactory, make_user
from tests.cases.factories import make_case
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import client_for, page_text
from tests.labour.factories import log_work, make_rate_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    """ACME has a contract covering box FOC1; BETA has none.  One covered and one uncovered
    CASE of ACME, one of BETA; general card 200/h (night ×1.5, holiday ×2)."""
    acme = OrganizationFactory(code="ACME", name="艾克米")
    beta = OrganizationFactory(code="BETA", name="贝塔")
    contract = make_contract(number="HT-1", organization=acme, product=make_product())
    make_equipment(serial_number="FOC1", contract=contract)
    make_rate_card(name="通用", hourly_rate="200", night="1.5", holiday="2")
    sup = make_user("supervisor", username="zhao")
    with clock.frozen(dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC)):
        covered = make_case(contact=ContactFactory(organization=acme), serial_number="FOC1")
        uncovered = make_case(contact=ContactFactory(organization=acme), serial_number="NOPE9")
        beta_case = make_case(org=beta)
    assert covered.entitlement["entitled"] and not uncovered.entitlement["entitled"]
    log_work(covered, sup, 60, dt.datetime(2026, 12, 2, 12, 0))  # 200.00, covered
    log_work(uncovered, sup, 30, dt.datetime(2026, 12, 2, 20, 0))  # night: 150.00
    log_work(beta_case, sup, 60, dt.datetime(2026, 12, 5, 10, 0))  # Saturday: 400.00
    return covered, uncovered, beta_case


@pytest.mark.parametrize(("language", "title"), [("zh-hans", "工时报表"), ("en", "Labour report")])
def test_the_report_page_shows_rows_and_totals(desk, language, title):
    client = client_for(make_user("cs_manager"), language)
    r = client.get("/labour/?since=2026-12-01&until=2026-12-31&by=organization")
    assert r.status_code == 200
    text = page_text(r)
    assert title in text
    assert "ACME" in text and "350.00" in text and "BETA" in text and "400.00" in text
    assert "750.00" in text  # the total


def test_the_report_per_month_as_xlsx_reads_back(desk):
    client = client_for(make_user("general_manager"), "zh-hans")
    r = client.get("/labour/report.xlsx?since=2026-11-01&until=2026-12-31&by=engineer&per_month=on")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("月", "工程师", "分钟", "金额（元）")
    assert rows[1:] == [("2026-12", "zhao", 150, 750)]
    assert Decimal(str(ws.cell(2, 4).value)) == Decimal("750.00")


def test_a_bad_period_is_a_400_with_words(desk):
    client = client_for(make_user("cs_manager"), "en")
    r = client.get("/labour/?since=2026-12-31&until=2026-12-01&by=engineer")
    assert r.status_code == 400 and "ends before it starts" in page_text(r)


def test_the_settlement_has_only_work_outside_the_contract(desk):
    covered, uncovered, beta_case = desk
    client = client_for(make_user("cs_manager"), "zh-hans")
    r = client.get("/labour/settlement/?month=2026-12")
    text = page_text(r)
    assert r.status_code == 200
    assert uncovered.number in text and beta_case.number in text
    assert covered.number not in text
    r = client.get("/labour/settlement.xlsx?month=2026-12")
    book = load_workbook(io.BytesIO(r.content))
    totals = list(book.worksheets[0].iter_rows(values_only=True))
    assert totals[1:] == [("ACME", "艾克米", 30, 150), ("BETA", "贝塔", 60, 400)]
    logs = list(book.worksheets[1].iter_rows(values_only=True))
    assert [row[1] for row in logs[1:]] == [uncovered.number, beta_case.number]
    assert logs[1][5:8] == (0, 30, 0)  # day, night, holiday minutes
    assert logs[2][5:8] == (0, 0, 60)


def test_a_manager_adds_a_card_and_an_engineer_sees_no_costs(desk):
    manager = client_for(make_user("cs_manager"), "zh-hans")
    r = manager.post(
        "/labour/rate-cards/new/",
        {"name": "艾克米专属", "hourly_rate": "150", "night_multiplier": "1.5",
         "holiday_multiplier": "2", "organization": "ACME", "tier": ""},
    )
    assert r.status_code == 302
    assert "艾克米专属" in page_text(manager.get("/labour/rate-cards/"))
    r = manager.post(
        "/labour/rate-cards/new/",
        {"name": "坏", "hourly_rate": "150", "night_multiplier": "0.5",
         "holiday_multiplier": "2", "organization": "", "tier": ""},
    )
    assert r.status_code == 400 and "夜间" in page_text(r)
    assert RateCard.objects.count() == 2
    engineer = client_for(make_user("engineer"), "zh-hans")
    assert engineer.get("/labour/").status_code == 403
    assert engineer.get("/labour/settlement.xlsx?month=2026-12").status_code == 403
