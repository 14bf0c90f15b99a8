"""The renewal quote: its period, lines and figures; the XLSX and PDF a manager downloads,
read back; who may have one."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from casedesk.contracts import quote_files, quotes, services
from casedesk.core import clock
from casedesk.core import pdf as pdf_fonts
from casedesk.core.errors import Forbidden, NotFound
from casedesk.core.models import AuditRecord
from tests.accounts.factories import OrganizationFactory, make_user
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import client_for

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)  # 10:00 on 7 December in Shanghai


@pytest.mark.parametrize(
    ("ends_on", "starts", "ends"),
    [
        (dt.date(2026, 12, 31), dt.date(2027, 1, 1), dt.date(2027, 12, 31)),
        (dt.date(2027, 3, 31), dt.date(2027, 4, 1), dt.date(2028, 3, 31)),
        # The new year holds 29 February 2028: 366 days.
        (dt.date(2027, 2, 28), dt.date(2027, 3, 1), dt.date(2028, 2, 29)),
        # It starts on 29 February: its anniversary is 1 March, so it ends on 28 February.
        (dt.date(2028, 2, 28), dt.date(2028, 2, 29), dt.date(2029, 2, 28)),
        # A contract that ended on 29 February.
        (dt.date(2028, 2, 29), dt.date(2028, 3, 1), dt.date(2029, 2, 28)),
    ],
)
def test_the_renewal_period_is_the_next_year_of_days(ends_on, starts, ends):
    assert quotes.renewal_period(ends_on) == (starts, ends)


@pytest.fixture
def contract(db):
    acme = OrganizationFactory(code="ACME", name="艾克米科技")
    with clock.frozen(NOW):
        gold = make_product(code="GOLD-7X24", annual_price="28800.00")
        silver = make_product(code="SILVER-5X8", coverage="5x8", annual_price="9600.50")
        contract = make_contract(
            number="HT-2026-0042",
            organization=acme,
            product=gold,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        )
        make_equipment(serial_number="FOC2001A", contract=contract, model="C9300-48P")
        make_equipment(serial_number="FOC1001B", contract=contract, model="N9K-C93180YC")
        box = make_equipment(serial_number="FOC3001C", organization=acme, model="ASR1001-X")
        services.coverage_add(
            contract=contract, equipment=box, service_product=silver, by=make_user("cs_manager")
        )
        make_equipment(serial_number="FOC9999Z", organization=acme)  # not on the contract
    return contract


def _quote(user=None):
    with clock.frozen(NOW):
        return quotes.renewal_quote(
            number="HT-2026-0042", fetched_by=user or make_user("cs_manager")
        )


def test_a_quote_has_a_line_per_covered_box_and_adds_up(contract):
    quote = _quote()
    assert quote.number == "HT-2026-0042-Q20261207"
    assert (quote.starts_on, quote.ends_on) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert quote.valid_until == dt.date(2027, 1, 6)
    assert [(li.serial_number, li.product_code, li.amount) for li in quote.lines] == [
        ("FOC1001B", "GOLD-7X24", Decimal("28800.00")),
        ("FOC2001A", "GOLD-7X24", Decimal("28800.00")),
        ("FOC3001C", "SILVER-5X8", Decimal("9600.50")),
    ]
    assert quote.subtotal == Decimal("67200.50")
    assert quote.tax == Decimal("4032.03")  # 6 % of 67,200.50 = 4,032.03
    assert quote.total == Decimal("71232.53")
    assert quote.unpriced == []


def test_the_tax_rate_is_a_setting(contract, settings):
    settings.CASEDESK_QUOTE_TAX_RATE = Decimal("0.13")
    quote = _quote()
    assert quote.tax == Decimal("8736.07")  # 13 % of 67,200.50 = 8,736.065 → 8,736.07
    assert quote.total == Decimal("75936.57")


def test_a_product_without_a_price_is_quoted_on_request_and_left_out_of_the_total(contract):
    with clock.frozen(NOW):
        services.service_product_change(
            product=contract.service_product,
            changes={"annual_price": None},
            by=make_user("cs_manager"),
        )
    quote = _quote()
    assert [li.amount for li in quote.lines] == [None, None, Decimal("9600.50")]
    assert quote.subtotal == Decimal("9600.50")
    assert quote.unpriced == ["GOLD-7X24"]


def test_the_product_changed_by_an_amendment_is_the_one_quoted(contract):
    with clock.frozen(NOW):
        services.contract_amend(
            contract=contract,
            effective_on=dt.date(2026, 7, 1),
            service_product=make_product(code="SILVER-5X8"),
            reason="降级",
            by=make_user("cs_manager"),
        )
    assert {li.product_code for li in _quote().lines} == {"SILVER-5X8"}


def test_who_may_have_a_quote(contract):
    assert _quote(make_user("supervisor")).lines
    assert _quote(make_user("general_manager")).lines
    with pytest.raises(Forbidden):
        _quote(make_user("engineer", tier="senior"))
    customer = make_user("customer", org=contract.organization)
    with pytest.raises(Forbidden):
        _quote(customer)
    stranger = make_user("customer", org=OrganizationFactory(code="OTHER"))
    with pytest.raises(NotFound):
        _quote(stranger)
    with clock.frozen(NOW), pytest.raises(NotFound):
        quotes.renewal_quote(number="HT-NOPE", fetched_by=make_user("cs_manager"))


def test_the_workbook_reads_back_with_numbers_and_a_frozen_header(contract, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    from django.utils import translation

    with translation.override("zh-hans"):
        book = openpyxl.load_workbook(io.BytesIO(quote_files.to_xlsx(_quote())))
    ws = book.active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(rows, start=1) if row[0] == "#")
    assert ws.freeze_panes == f"A{header + 1}"
    assert rows[header - 1][1] == "序列号"
    body = rows[header : header + 3]
    assert [r[1] for r in body] == ["FOC1001B", "FOC2001A", "FOC3001C"]
    assert body[0][4] == "GOLD-7X24 GOLD-7X24 服务"
    assert [r[5] for r in body] == [28800, 28800, 9600.5]
    assert ws.cell(header + 1, 7).number_format == "#,##0.00"
    totals = {r[5]: r[6] for r in rows[header + 3 : header + 6]}
    assert totals == {"小计": 67200.5, "增值税 6%": 4032.03, "合计": 71232.53}
    about = {r[0]: r[2] for r in rows[1:header] if r[0]}
    assert about["报价单号"] == "HT-2026-0042-Q20261207"
    assert about["客户"] == "艾克米科技 (ACME)"
    assert about["续约期限"] == "2027-01-01 – 2027-12-31"
    assert ws.column_dimensions["B"].width == 20


def test_the_pdf_carries_the_contract_the_serials_and_the_total(contract):
    from django.utils import translation

    with translation.override("zh-hans"):
        pdf = quote_files.to_pdf(_quote())
    assert pdf.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("HT-2026-0042", "FOC1001B", "FOC2001A", "FOC3001C", "71,232.53"):
        assert expected in text
    assert "续约报价单" in text and "艾克米科技" in text


def test_the_pdf_falls_back_to_the_built_in_cjk_font(contract, monkeypatch):
    """A server without a CJK TrueType font still writes Chinese (a CID font readers have)."""
    monkeypatch.setattr(pdf_fonts, "CJK_FONTS", (("/nonexistent/font.ttc", 0),))
    pdf_fonts.cjk_font.cache_clear()
    try:
        assert pdf_fonts.cjk_font() == "STSong-Light"
        pdf = quote_files.to_pdf(_quote())
        assert b"STSong-Light" in pdf
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    finally:
        pdf_fonts.cjk_font.cache_clear()


# --- the console ----------------------------------------------------------------------------------


def _get(user, path, language="en"):
    with clock.frozen(NOW):
        return client_for(user, language).get(path)


def test_the_contract_page_links_its_quotes_and_they_download(contract):
    manager = make_user("cs_manager")
    page = _get(manager, "/contracts/HT-2026-0042/").content.decode()
    assert "/contracts/HT-2026-0042/quote.xlsx" in page
    assert "/contracts/HT-2026-0042/quote.pdf" in page
    xlsx = _get(manager, "/contracts/HT-2026-0042/quote.xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == quote_files.XLSX_TYPE
    assert 'filename="HT-2026-0042-Q20261207.xlsx"' in xlsx["Content-Disposition"]
    pdf = _get(manager, "/contracts/HT-2026-0042/quote.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert not AuditRecord.objects.filter(action__startswith="contract.quote").exists()


def test_an_engineer_sees_no_quote_links_and_is_refused_one(contract):
    engineer = make_user("engineer", tier="senior")
    page = _get(engineer, "/contracts/HT-2026-0042/").content.decode()
    assert "quote.xlsx" not in page
    assert _get(engineer, "/contracts/HT-2026-0042/quote.pdf").status_code == 403


def test_an_unknown_contract_has_no_quote(contract):
    assert _get(make_user("cs_manager"), "/contracts/HT-NOPE/quote.xlsx").status_code == 404


def test_a_customer_gets_no_quote_from_the_console(contract):
    customer = make_user("customer", org=contract.organization)
    assert _get(customer, "/contracts/HT-2026-0042/quote.pdf").status_code == 403
