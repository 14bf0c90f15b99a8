"""Labour in the browser: the customer service manager reads the labour report per month,
downloads it as XLSX, reads the monthly settlement and the rate cards (zh-hans and English)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from casedesk.labour.models import RateCard
from tests.accounts.factories import make_user
from tests.labour.factories import make_small_desk


def test_a_manager_reads_the_labour_report_and_the_settlement(screens, transactional_db):
    covered, uncovered, beta_case = make_small_desk()
    manager = make_user("cs_manager", username="csm")
    screen = screens(manager)
    screen.goto("/labour/")
    page = screen.page
    page.get_by_label("开始日期").fill("2026-11-01")
    page.get_by_label("结束日期（含）").fill("2026-12-31")
    page.get_by_label("汇总方式").select_option("organization")
    page.get_by_label("按月").check()
    page.get_by_role("button", name="显示").click()
    table = page.locator("#labour-rows").inner_text()
    assert "2026-12" in table and "ACME" in table and "350.00" in table and "750.00" in table
    screen.shot("labour-report")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 XLSX").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert list(book.active.iter_rows(values_only=True))[1][:2] == ("2026-12", "ACME")

    page.get_by_role("link", name="月度结算").click()
    page.get_by_label("月").fill("2026-12")
    page.get_by_role("button", name="显示").click()
    main = page.locator("main").inner_text()
    assert uncovered.number in main and beta_case.number in main
    assert covered.number not in main
    screen.shot("labour-settlement")

    page.get_by_role("link", name="费率卡").first.click()
    assert "通用" in page.locator("main").inner_text()
    screen.shot("labour-rate-cards")

    reader = make_user("general_manager", username="gm")
    reader.language = "en"  # the test's setup: a manager who reads English
    reader.save(update_fields=["language"])
    english = screens(reader)
    english.goto("/labour/?since=2026-12-01&until=2026-12-31&by=engineer")
    assert "Labour report" in english.page.locator("h1").inner_text()
    assert "zhao" in english.page.locator("#labour-rows").inner_text()
    english.shot("labour-report-en")


def test_a_manager_edits_a_rate_card_and_reads_a_cases_labour(screens, transactional_db):
    covered, uncovered, beta_case = make_small_desk()
    card = RateCard.objects.get()
    manager = make_user("cs_manager", username="csm")
    screen = screens(manager)
    screen.goto("/labour/rate-cards/")
    page = screen.page
    page.locator(f"#card-{card.pk}").get_by_role("link", name="编辑").click()
    page.get_by_label("名称").fill("通用（2026 修订）")
    page.get_by_label("截止日期（含）").fill("2099-12-31")
    screen.shot("labour-rate-card-edit")
    page.get_by_role("button", name="保存").click()
    row = page.locator(f"#card-{card.pk}").inner_text()
    assert "通用（2026 修订）" in row and "1.50" in row and "2026-01-01 至 2099-12-31" in row
    card.refresh_from_db()
    assert card.night_multiplier == Decimal("1.50")

    # A new rate from a later day: the card ends the day before, a new one starts.
    page.locator(f"#card-{card.pk}").get_by_role("link", name="自某日起调价").click()
    page.get_by_label("新小时费率（元）").fill("260")
    page.get_by_label("开始日期").fill("2099-01-01")
    page.get_by_role("button", name="保存").click()
    assert "2026-01-01 至 2098-12-31" in page.locator(f"#card-{card.pk}").inner_text()
    assert RateCard.objects.filter(valid_from=dt.date(2099, 1, 1), hourly_rate=260).exists()

    # A bad end (before the card starts) is refused in words (a 400), nothing changed.
    screen.allow_console(r"status of 400")
    page.locator(f"#card-{card.pk}").get_by_role("link", name="编辑").click()
    page.get_by_label("截止日期（含）").fill("2025-01-01")
    page.get_by_role("button", name="保存").click()
    assert "早于生效日期" in page.locator("main").inner_text()
    card.refresh_from_db()
    assert card.valid_until == dt.date(2098, 12, 31)

    # December's work on the CASE page: per engineer, by the (night ×1.5) card.
    screen.goto(f"/cases/{uncovered.number}/")
    panel = page.locator("#labour").inner_text()
    assert "zhao" in panel and "150.00" in panel  # 30 night minutes: 200 × 1.5 / 2
    screen.shot("labour-case-panel")
