"""What moves on screen without a reload: the CASE page's SLA countdowns tick and turn red
when a deadline passes; the dashboard's numbers download as CSV and XLSX files."""

import csv
import io
import zipfile
from pathlib import Path

from casedesk.cases import services
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user


def test_sla_countdowns_tick_and_turn_red_when_overdue(screens, transactional_db):
    org = OrganizationFactory(code="CTBJ", name="中国电信北京分公司", service_level="gold")
    duty = make_user("duty_engineer", username="duty")
    duty.language = "en"
    duty.save(update_fields=["language"])
    case = make_case(contact=ContactFactory(organization=org), by=duty, priority="P3")

    screen = screens(duty)
    screen.page.clock.install()  # the page's own clock, so minutes pass in an instant
    screen.goto(f"/cases/{case.number}/")
    callback = screen.page.locator(".deadline", has_text="Callback").first
    countdown = callback.locator(".countdown")
    first = countdown.inner_text()
    assert first in ("15 min left", "14 min left"), first
    screen.page.clock.run_for(61_000)
    assert countdown.inner_text() != first  # ticking, a minute at a time
    assert countdown.evaluate("e => getComputedStyle(e).color") != "rgb(200, 30, 30)"
    screen.page.clock.run_for(16 * 60 * 1000)
    late = countdown.inner_text()
    assert late in ("1 min overdue", "2 min overdue"), late
    assert "deadline-overdue" in callback.get_attribute("class")
    screen.shot("countdown-overdue")


def test_dashboard_numbers_download_as_csv_and_xlsx(screens, transactional_db):
    org = OrganizationFactory(code="CTBJ", name="中国电信北京分公司", service_level="gold")
    contact = ContactFactory(organization=org)
    duty = make_user("duty_engineer", username="duty")
    engineer = make_user("engineer", username="se.zhao", tier="senior")
    manager = make_user("supervisor", username="sup")
    for priority in ("P1", "P2", "P2"):
        services.case_assign(
            case=make_case(contact=contact, by=duty, priority=priority),
            engineer=engineer,
            by=duty,
        )

    screen = screens(manager)
    screen.goto("/dashboard/")
    load = screen.page.locator("section#load")
    with screen.page.expect_download() as download:
        load.get_by_role("link", name="CSV").click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".csv")
    text = Path(path).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, *body = rows
    (zhao,) = [row for row in body if row[1] == "se.zhao"]
    assert (zhao[header.index("P1")], zhao[header.index("P2")]) == ("1", "2"), rows
    assert all(row[header.index("P1")] == "0" for row in body if row is not zhao)
    with screen.page.expect_download() as download:
        load.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with zipfile.ZipFile(download.value.path()) as workbook:  # a real XLSX (Office Open XML)
        assert "xl/workbook.xml" in workbook.namelist()
    screen.shot("dashboard")
