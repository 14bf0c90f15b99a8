"""The renewals in the browser: the customer service manager finds a contract ending soon on
the dashboard, opens it and downloads its renewal quote."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
from pypdf import PdfReader

from casedesk.contracts import selectors
from tests.accounts.factories import OrganizationFactory, make_user
from tests.contracts.factories import make_contract, make_equipment, make_product


def test_a_manager_goes_from_the_dashboard_to_the_quote(screens, transactional_db, tmp_path):
    today = selectors.local_day()
    org = OrganizationFactory(code="CTBJ", name="中国电信北京分公司")
    manager = make_user("cs_manager", username="csm")
    gold = make_product(code="GOLD-7X24", annual_price="28800.00", by=manager)
    contract = make_contract(
        number="CTBJ-GS-2024-017",
        organization=org,
        product=gold,
        starts_on=today - dt.timedelta(days=340),
        ends_on=today + dt.timedelta(days=24),
        by=manager,
    )
    for serial in ("FOC2131X0AB", "FDO2245Y1CD"):
        make_equipment(serial_number=serial, contract=contract, by=manager)

    screen = screens(manager)
    screen.goto("/dashboard/")
    panel = screen.page.locator("#renewals")
    assert "CTBJ-GS-2024-017" in panel.inner_text() and "30 天内到期" in panel.inner_text()
    screen.shot("dashboard-renewals")

    panel.get_by_role("link", name="CTBJ-GS-2024-017").click()
    screen.page.wait_for_url("**/contracts/CTBJ-GS-2024-017/")
    screen.shot("contract-with-quote-links")
    with screen.page.expect_download() as pdf_download:
        screen.page.get_by_role("link", name="续约报价单（PDF）").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf_download.value.suggested_filename.startswith("CTBJ-GS-2024-017-Q")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "FOC2131X0AB" in text and "61,056.00" in text  # 2 × 28,800 + 6 % VAT

    with screen.page.expect_download() as xlsx_download:
        screen.page.get_by_role("link", name="续约报价单（XLSX）").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    serials = [row[1].value for row in book.active.iter_rows() if row[0].value in (1, 2)]
    assert serials == ["FDO2245Y1CD", "FOC2131X0AB"]
