"""Progressive enhancement: with JavaScript off, a call taker still opens a CASE from a
phone call (the caller lookup is a plain search and a link) and the desk still acts on it."""

import re

from casedesk.cases.models import Case
from tests.factories import ContactFactory, OrganizationFactory, make_user


def test_a_case_is_opened_and_assigned_without_javascript(screens, transactional_db):
    org = OrganizationFactory(code="CTBJ", name="中国电信北京分公司", service_level="gold")
    contact = ContactFactory(organization=org, name="张三", phone="13800138000")
    taker = make_user("call_taker", username="taker")
    make_user("engineer", username="eng.li", tier="first_line")
    taker.language = "en"
    taker.save(update_fields=["language"])

    screen = screens(taker, javascript=False)
    screen.goto("/cases/new/")
    screen.page.get_by_label("Phone number, e-mail or company").fill("13800138000")
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name="Search", exact=True).click()
    with screen.page.expect_navigation():
        screen.page.locator("#lookup-results").get_by_role("link", name=re.compile("张三")).click()
    assert "张三" in screen.page.locator("#chosen-contact").inner_text()
    screen.page.get_by_role("radio", name=re.compile(r"^\s*P4")).check()
    screen.page.get_by_label("Title").fill("咨询 VPN 配置")
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name="Open CASE").click()
    case = Case.objects.get(contact=contact)
    assert screen.page.url.endswith(f"/cases/{case.number}/")
    screen.shot("01-opened-without-javascript")

    screen.goto(f"/cases/{case.number}/assign/")
    row = screen.page.locator("table.ranked tbody tr", has_text="eng.li")
    with screen.page.expect_navigation():
        row.get_by_role("button", name="Assign").click()
    case.refresh_from_db()
    assert case.status == "assigned" and case.engineer.username == "eng.li"
    screen.shot("02-assigned-without-javascript")
