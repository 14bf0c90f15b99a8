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
from tests.accounts.factories import make_user
from tests.factories import client_for, page_text
from tests.labour.factories import make_small_desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return make_small_desk()


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
        {
            "name": "艾克米专属",
            "hourly_rate": "150",
            "night_multiplier": "1.5",
            "holiday_multiplier": "2",
            "organization": "ACME",
            "tier": "",
        },
    )
    assert r.status_code == 302
    assert "艾克米专属" in page_text(manager.get("/labour/rate-cards/"))
    r = manager.post(
        "/labour/rate-cards/new/",
        {
            "name": "坏",
            "hourly_rate": "150",
            "night_multiplier": "0.5",
            "holiday_multiplier": "2",
            "organization": "",
            "tier": "",
        },
    )
    assert r.status_code == 400 and "夜间" in page_text(r)
    assert RateCard.objects.count() == 2
    engineer = client_for(make_user("engineer"), "zh-hans")
    assert engineer.get("/labour/").status_code == 403
    assert engineer.get("/labour/settlement.xlsx?month=2026-12").status_code == 403


def test_a_manager_edits_a_card_and_supersedes_its_rate(desk):
    card = RateCard.objects.get()
    manager = client_for(make_user("cs_manager"), "zh-hans")
    page = page_text(manager.get("/labour/rate-cards/"))
    assert f"/labour/rate-cards/{card.pk}/edit/" in page and "2026-01-01 起" in page
    r = manager.get(f"/labour/rate-cards/{card.pk}/edit/")
    assert r.status_code == 200 and 'value="通用"' in page_text(r)
    r = manager.post(
        f"/labour/rate-cards/{card.pk}/edit/",
        {
            "name": "通用费率",
            "night_multiplier": "1.6",
            "holiday_multiplier": "2",
            "valid_until": "",
        },
    )
    # it has priced work already: its multipliers are not the page's to change
    assert r.status_code == 302, page_text(r)
    card.refresh_from_db()
    assert (card.name, card.night_multiplier) == ("通用费率", Decimal("1.50"))
    assert "新的费率自某日起" in page_text(manager.get(f"/labour/rate-cards/{card.pk}/edit/"))
    with clock.frozen(dt.datetime(2026, 12, 20, 2, tzinfo=dt.UTC)):
        r = manager.post(
            f"/labour/rate-cards/{card.pk}/supersede/",
            {
                "hourly_rate": "250",
                "valid_from": "2027-01-01",
                "night_multiplier": "1.6",
                "holiday_multiplier": "2",
            },
        )
    assert r.status_code == 302
    card.refresh_from_db()
    assert card.valid_until == dt.date(2026, 12, 31)
    assert RateCard.objects.get(valid_from=dt.date(2027, 1, 1)).hourly_rate == Decimal("250.00")
    page = page_text(manager.get("/labour/rate-cards/"))
    assert "2026-01-01 至 2026-12-31" in page and "2027-01-01 起" in page


def test_a_bad_edit_or_supersede_shows_the_words_and_changes_nothing(desk):
    card = RateCard.objects.get()
    manager = client_for(make_user("cs_manager"), "en")
    r = manager.post(
        f"/labour/rate-cards/{card.pk}/edit/",
        {
            "name": "x",
            "night_multiplier": "1.5",
            "holiday_multiplier": "2",
            "valid_until": "2026-02-01",
        },
    )
    assert r.status_code == 400 and "days already past" in page_text(r)
    r = manager.post(
        f"/labour/rate-cards/{card.pk}/supersede/",
        {
            "hourly_rate": "250",
            "valid_from": "2026-02-01",
            "night_multiplier": "1.5",
            "holiday_multiplier": "2",
        },
    )
    assert r.status_code == 400 and "past amounts stay" in page_text(r)
    card.refresh_from_db()
    assert (card.name, card.valid_until) == ("通用", None) and RateCard.objects.count() == 1
    engineer = client_for(make_user("engineer"), "en")
    assert engineer.get(f"/labour/rate-cards/{card.pk}/edit/").status_code == 404
    supervisor = client_for(make_user("supervisor"), "en")
    assert supervisor.get(f"/labour/rate-cards/{card.pk}/supersede/").status_code == 403
    assert manager.get("/labour/rate-cards/999999/edit/").status_code == 404
