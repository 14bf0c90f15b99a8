"""The dashboard page and its exports: who may see them, and that every number shown or
downloaded is the selector's."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from casedesk.core import clock
from casedesk.reports import selectors
from tests.factories import make_user

from .conftest import NOW, XSS_NAME, sh

QUERY = {"from": "2026-10-26", "to": "2026-11-04"}


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def get(user, path, params=None, **kw):
    with clock.frozen(NOW):
        return client_for(user).get(path, params if params is not None else QUERY, **kw)


def english(user):
    """Labels (column heads, levels) come in the reader's language: read in English."""
    user.language = "en"
    user.save()


def table(key, **params):
    with clock.frozen(NOW), translation.override("en"):
        f = selectors.parse_filters({**QUERY, **params}, user=None)
        return selectors.TABLES[key](f, reader=None)


@pytest.mark.parametrize("who", ["csm", "sup", "gm", "root"])
def test_managers_and_admins_see_the_dashboard(desk, who):
    user = {"csm": desk.csm, "sup": desk.sup, "gm": desk.gm, "root": desk.admin}[who]
    response = get(user, "/dashboard/")
    assert response.status_code == 200
    for key in selectors.TABLES:
        assert f'id="chart-{key}"' in response.text


@pytest.mark.parametrize(
    "path",
    ["/dashboard/", "/dashboard/export/sla.csv", "/dashboard/export/all.xlsx"],
)
def test_others_are_refused(desk, path):
    customer = make_user("customer", username="cust", org=desk.acme)
    for user in (desk.eng, desk.duty, desk.taker, customer):
        response = get(user, path)
        assert response.status_code == 403, (user.username, path)
        assert b"<svg" not in response.content
        assert "attachment" not in response.get("Content-Disposition", "")
    anonymous = get(None, path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")


def test_unknown_export_is_404(desk):
    for path in (
        "/dashboard/export/nope.csv",
        "/dashboard/export/sla.pdf",
        "/dashboard/export/all.csv",
    ):
        assert get(desk.csm, path).status_code == 404, path


def test_bad_filters_show_a_reason_and_no_numbers(desk):
    response = get(desk.csm, "/dashboard/", {"from": "2026-11-05", "to": "2026-11-01"})
    assert response.status_code == 422
    assert "起始日期晚于结束日期" in response.text  # in the reader's language (zh-hans)
    english(desk.csm)
    response = get(desk.csm, "/dashboard/", {"from": "2026-11-05", "to": "2026-11-01"})
    assert response.status_code == 422
    assert "The period starts after it ends." in response.text
    assert "<svg" not in response.text
    # The form keeps what was typed, to correct it.
    assert 'value="2026-11-05"' in response.text
    assert get(desk.csm, "/dashboard/export/sla.csv", {"severity": "P9"}).status_code == 422


def test_the_page_shows_the_selectors_numbers(desk):
    response = get(desk.csm, "/dashboard/")
    text = response.text
    # Key figures: 3 open; callbacks 1 of 4 on time (25%); engineer callbacks 1 of 3;
    # SLA 1 of 4; 1 escalation (B to a senior engineer); 170 minutes of labour.
    figures = re.findall(r'<span class="kpi-value">([^<]*)</span>', text)
    assert figures == ["3", "25.0%", "33.3%", "25.0%", "1", "2.8"]
    sla_chart = re.search(r'<svg[^>]*id="chart-sla".*?</svg>', text, re.S).group(0)
    assert "33.3%" in sla_chart  # the week of 11-02, as a label on the point


def test_user_text_is_escaped_in_charts_filters_and_tables(desk):
    desk.log(sh(11, 3, 10), desk.c, desk.duty, "phone", 15)
    text = get(desk.csm, "/dashboard/").text
    assert XSS_NAME not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img" not in text
    # Every chart is well-formed SVG with a title and a description for screen readers.
    for svg in re.findall(r"<svg.*?</svg>", text, re.S):
        root = ET.fromstring(svg)
        ns = "{http://www.w3.org/2000/svg}"
        assert root.get("role") == "img"
        assert root.find(f"{ns}title").text
        assert root.find(f"{ns}desc") is not None
    customer_chart = re.search(r'<svg[^>]*id="chart-labour_customer".*?</svg>', text, re.S)
    labels = [t.text for t in ET.fromstring(customer_chart.group(0)).iter() if t.text]
    assert XSS_NAME in labels  # drawn as text, once unescaped by the XML parser


def test_filters_narrow_the_page(desk):
    text = get(desk.csm, "/dashboard/", {**QUERY, "customer": str(desk.evil.pk)}).text
    figures = re.findall(r'<span class="kpi-value">([^<]*)</span>', text)
    assert figures[0] == "1"  # only C is open for that customer
    assert f'<option value="{desk.evil.pk}" selected>' in text


def read_csv(response):
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("key", list(selectors.TABLES))
def test_csv_has_the_tables_numbers(desk, key):
    english(desk.csm)
    response = get(desk.csm, f"/dashboard/export/{key}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"casedesk-{key}-2026-10-26-2026-11-04.csv" in response["Content-Disposition"]
    expected = table(key)
    rows = read_csv(response)
    assert len(rows) == len(expected.rows) + 1
    assert len(rows[0]) == len(expected.columns)
    for got, want in zip(rows[1:], expected.rows, strict=True):
        assert got == ["" if v is None else str(v) for v in want]


def test_csv_writes_formula_like_names_as_text(desk):
    desk.evil.name = '=HYPERLINK("http://x")'
    desk.evil.save()
    desk.log(sh(11, 3, 10), desk.c, desk.duty, "phone", 15)
    rows = read_csv(get(desk.csm, "/dashboard/export/labour_customer.csv"))
    assert rows[2][0] == '\'=HYPERLINK("http://x")'


def test_xlsx_has_every_table_and_the_filters(desk):
    english(desk.csm)
    desk.evil.name = "=1+1"
    desk.evil.save()
    desk.log(sh(11, 3, 10), desk.c, desk.duty, "phone", 15)
    response = get(desk.csm, "/dashboard/export/all.xlsx", {**QUERY, "severity": "P2"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheets = book.worksheets
    assert len(sheets) == 1 + len(selectors.TABLES)
    about = {row[0]: row[1] for row in sheets[0].iter_rows(values_only=True)}
    assert "P2" in about.values()
    assert "2026-10-26 – 2026-11-04" in about.values()
    for sheet, key in zip(sheets[1:], selectors.TABLES, strict=True):
        expected = table(key, severity="P2")
        values = list(sheet.iter_rows(values_only=True))
        body = values[1 : 1 + len(expected.rows)]
        for got, want in zip(body, expected.rows, strict=True):
            got = [g.date() if hasattr(g, "date") and callable(g.date) else g for g in got]
            assert got == list(want), key
    customer_sheet = sheets[-1]
    cell = customer_sheet.cell(row=2, column=1)
    assert cell.value == "=1+1"
    assert cell.data_type == "s"  # text, not a formula


def test_one_table_as_xlsx(desk):
    response = get(desk.csm, "/dashboard/export/load.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    load = book.worksheets[-1]
    rows = list(load.iter_rows(values_only=True))
    assert rows[1][1:8] == ("eng1", 0, 0, 1, 1, 2, 3)


def test_the_page_reads_a_fixed_number_of_queries(desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casedesk.cases import services
    from tests.factories import make_case

    client = client_for(desk.gm)

    def count():
        with clock.frozen(NOW), CaptureQueriesContext(connection) as ctx:
            assert client.get("/dashboard/", QUERY).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(4):
        with clock.frozen(sh(11, 3, 10 + i)):
            case = make_case(contact=desk.evil_contact, by=desk.taker, priority="P1")
        desk.at(
            sh(11, 3, 10 + i, 5), services.case_assign, case=case, engineer=desk.se, by=desk.duty
        )
        desk.log(sh(11, 3, 10 + i, 9), case, desk.se, "callback", 25)
    assert count() == before


def test_rows_link_to_their_cases_in_the_list(desk):
    text = get(desk.csm, "/dashboard/", {**QUERY, "severity": "P3"}).text
    assert '<a href="/cases/?priority=P3&amp;engineer=eng1">' in text  # load per engineer
    assert '<a href="/cases/?priority=P1">P1</a>' in text  # open CASEs by severity
    evil = get(desk.csm, "/dashboard/", {**QUERY, "customer": str(desk.evil.pk)}).text
    assert '<a href="/cases/?organization=EVIL&amp;priority=P2">P2</a>' in evil
    listed = get(desk.csm, "/cases/", {"priority": "P3", "engineer": "eng1"})
    assert listed.status_code == 200
    assert desk.b.number in listed.text and desk.d.number not in listed.text
