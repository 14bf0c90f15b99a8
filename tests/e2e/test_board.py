"""The duty board as the duty engineer sees it: what is overdue is red, what is due within
the hour is amber, escalated CASEs have their own list; the page keeps itself fresh."""

import datetime as dt

from casedesk.cases import services
from casedesk.core import clock
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

RED, AMBER = "rgb(200, 30, 30)", "rgb(138, 90, 0)"


def test_overdue_is_red_due_soon_amber_and_escalations_listed(screens, transactional_db):
    org = OrganizationFactory(code="CTBJ", name="中国电信北京分公司", service_level="gold")
    contact = ContactFactory(organization=org, name="张三")
    duty = make_user("duty_engineer", username="duty")
    engineer = make_user("engineer", username="eng.li", tier="first_line")
    now = clock.now()
    with clock.frozen(now - dt.timedelta(minutes=20)):  # its 15-minute callback has passed
        late = make_case(contact=contact, by=duty, title="逾期未回呼", priority="P3")
    soon = make_case(contact=contact, by=duty, title="即将到期", priority="P3")
    escalated = make_case(contact=contact, by=duty, title="已升级工单", priority="P4")
    services.case_assign(case=escalated, engineer=engineer, by=duty)
    services.case_log_work(case=escalated, kind="callback", note="回呼", minutes=5, by=engineer)
    services.case_escalate(case=escalated, target="senior", reason="需要 SE 支持", by=engineer)

    screen = screens(duty)
    screen.goto("/board/")
    due = screen.page.locator("#due")
    rows = due.locator("tbody tr")
    assert rows.nth(0).inner_text().startswith(late.number)  # nearest (most overdue) first
    late_due = due.locator("tr", has_text=late.number).locator("time.due")
    soon_due = due.locator("tr", has_text=soon.number).locator("time.due")
    assert late_due.evaluate("e => getComputedStyle(e).color") == RED
    assert soon_due.evaluate("e => getComputedStyle(e).color") == AMBER
    unassigned = screen.page.locator("#unassigned").inner_text()
    assert late.number in unassigned and soon.number in unassigned
    assert escalated.number not in unassigned
    listed = screen.page.locator("#escalated")
    assert escalated.number in listed.inner_text()
    assert late.number not in listed.inner_text()
    screen.shot("duty-board")
