"""The assign screen and the tier rule, in Chromium: a P1 shows the rule before anyone is
chosen; giving it to a first-line engineer without a reason is refused with the choice
kept and the reason field asked for (required, focused); with a reason it is assigned and
the CASE's timeline shows the override and why."""

from __future__ import annotations

from casedesk.cases.models import Case, CaseEvent
from tests.factories import (
    ContactFactory,
    OrganizationFactory,
    database_snapshot,
    make_case,
    make_user,
)


def test_a_p1_to_a_first_line_engineer_needs_a_reason_in_the_browser(screens, transactional_db):
    org = OrganizationFactory(code="CTBJ", name="中国电信北京分公司", service_level="gold")
    contact = ContactFactory(organization=org, name="张三")
    duty = make_user("duty_engineer", username="duty")
    make_user("engineer", username="se.zhao", tier="senior")
    make_user("engineer", username="eng.li", tier="first_line")
    case = make_case(contact=contact, by=duty, title="核心路由器宕机", priority="P1")

    screen = screens(duty)  # zh-hans: the shots also check that nothing shows in English
    screen.allow_console(r"status of 409")  # the browser's own note of the refusal
    screen.goto(f"/cases/{case.number}/assign/")
    page = screen.page
    warning = page.locator("#tier-warning")
    assert "P1、P2 级 CASE 应分派给高级工程师" in warning.inner_text()
    ranked = page.locator("table.ranked tbody tr").all_inner_texts()
    assert not any("eng.li" in row for row in ranked)  # first-line: not offered for P1
    screen.shot("01-p1-assign-screen")

    other = page.locator("#assign-other-engineer")
    if not other.evaluate("d => d.open"):
        other.locator("summary").click()
    page.locator("#assign-other").select_option("eng.li")
    page.locator("#assign-note").fill("客户点名")
    before = database_snapshot()
    with page.expect_navigation():
        other.locator("button[type=submit]").click()
    screen.check()
    assert "eng.li 是一线工程师" in page.locator(".alert-error").inner_text()
    assert database_snapshot() == before
    # The choice and the note are kept; the reason is what is asked for now.
    assert other.evaluate("d => d.open")
    assert page.locator("#assign-other").input_value() == "eng.li"
    assert page.locator("#assign-note").input_value() == "客户点名"
    reason = page.locator("#assign-override")
    assert reason.evaluate("e => e.required && document.activeElement === e")
    screen.shot("02-refused-reason-asked")

    # The browser itself will not send the form without the reason.
    other.locator("button[type=submit]").click()
    assert reason.evaluate("e => e.validity.valueMissing")
    assert Case.objects.get(pk=case.pk).engineer is None

    reason.fill("SE 均在现场，客户同意由一线先处理")
    with page.expect_navigation():
        other.locator("button[type=submit]").click()
    screen.check()
    case.refresh_from_db()
    assert (case.status, case.engineer.username) == ("assigned", "eng.li")
    event = CaseEvent.objects.get(case=case, kind="assigned")
    assert event.data["override_reason"] == "SE 均在现场，客户同意由一线先处理"
    timeline = page.locator("#timeline").inner_text()
    assert (
        "未遵循级别规则（P1/P2 应由高级工程师处理），理由：SE 均在现场，客户同意由一线先处理"
        in (timeline)
    )
    screen.shot("03-assigned-with-override")
