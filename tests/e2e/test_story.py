"""Issue 4's story in a real browser, in English and in Chinese.

A call taker opens a CASE from a phone call by looking the caller up, the duty engineer
assigns it from the ranked list and logs that they phoned the engineer, the engineer logs a
callback and resolves it, the customer confirms in the portal, the duty engineer closes it.
Each step asserts what that user sees; the CASE's history is checked at the end.  Every
screen is saved under test-artifacts/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.utils import translation
from django.utils.translation import gettext

from casedesk.accounts.choices import Tier
from casedesk.cases import services
from casedesk.cases.choices import Status
from casedesk.cases.models import Case, CaseEvent
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

PASSWORD = "correct horse battery staple"


def t(language: str, msgid: str) -> str:
    """``msgid`` as the product shows it in ``language``."""
    with translation.override(language):
        return gettext(msgid)


def status(language: str, value: str) -> str:
    with translation.override(language):
        return str(Status(value).label)


@dataclass
class Desk:
    language: str
    org: object
    contact: object
    customer: object
    taker: object
    duty: object
    senior: object
    first_line: object


def make_desk(language: str) -> Desk:
    org = OrganizationFactory(code="CTBJ", name="中国电信北京分公司", service_level="gold")
    contact = ContactFactory(
        organization=org, name="张三", phone="13800138000", email="zhangsan@ctbj.example"
    )
    other = ContactFactory(
        organization=org, name="李四", phone="13900139000", email="lisi@ctbj.example"
    )
    # The caller's last CASE: the new one takes its contract and equipment.
    make_case(
        contact=contact,
        title="旧工单",
        contract_id="CT-2026-0042",
        hardware_platform="Cisco ASR 1002-X",
        software_version="IOS XE 17.9.4",
        serial_number="FOX1234ABCD",
    )
    people = {
        "customer": make_user("customer", username="cust.ctbj", org=org),
        "taker": make_user("call_taker", username="taker"),
        "duty": make_user("duty_engineer", username="duty"),
        "senior": make_user("engineer", username="se.zhao", tier="senior", skills=("routing",)),
        "first_line": make_user(
            "engineer", username="eng.li", tier="first_line", skills=("switching",)
        ),
    }
    people["customer"].contact = contact
    # Another senior engineer already carries a live CASE: the ranked list puts them second.
    busy = make_user("engineer", username="se.sun", tier="senior", skills=("security",))
    services.case_assign(
        case=make_case(contact=other, title="另一个工单", priority="P3"),
        engineer=busy,
        by=people["duty"],
    )
    for user in people.values():
        user.language = language
        user.set_password(PASSWORD)
        user.save()
    return Desk(language=language, org=org, contact=contact, **people)


def navigate(screen, locator, url) -> None:
    """Click ``locator`` and wait until the browser has loaded the page it leads to."""
    with screen.page.expect_navigation(url=url):
        locator.click()
    screen.check()


def open_action(details) -> None:
    """Unfold an action's form (a ``<details>``) unless the page already has."""
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()


def events_of(case: Case) -> list[tuple[str, str | None]]:
    return [
        (e.kind, e.actor.username if e.actor_id else None)
        for e in CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "pk")
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_phone_call_to_a_closed_case(screens, language):
    desk = make_desk(language)
    L = language
    if L == "zh-hans":  # the labels this test reads are really Chinese
        assert (t(L, "New CASE"), status(L, "closed")) == ("新建 CASE", "已关闭")
    title = {"en": "Core switch drops packets", "zh-hans": "核心交换机丢包"}[L]

    # --- 1. The call taker logs in and opens the CASE from the caller's phone number.
    taker = screens(None, locale=L)
    taker.goto("/login/")
    taker.page.get_by_label(t(L, "Username")).fill("taker")
    taker.page.get_by_label(t(L, "Password")).fill(PASSWORD)
    taker.shot("01-login")
    taker.page.get_by_role("button", name=t(L, "Log in")).click()
    navigate(taker, taker.page.get_by_role("link", name=t(L, "New CASE")), "**/cases/new/")
    taker.page.get_by_label(t(L, "Phone number, e-mail or company")).press_sequentially("1380013")
    caller = taker.page.locator("#lookup-results").get_by_role("button", name=re.compile("张三"))
    caller.wait_for()
    assert "李四" not in taker.page.locator("#lookup-results").inner_text()
    taker.shot("02-caller-lookup")
    caller.click()
    chosen = taker.page.locator("#chosen-contact")
    chosen.wait_for(state="visible")
    assert "中国电信北京分公司" in chosen.inner_text()
    # Contract and equipment come from the caller's last CASE.
    assert taker.page.get_by_label(t(L, "Contract ID")).input_value() == "CT-2026-0042"
    assert taker.page.get_by_label(t(L, "Serial number")).input_value() == "FOX1234ABCD"
    # The severity definitions are on screen next to P1–P4.
    severity = taker.page.locator("fieldset.severity")
    assert severity.locator("input[type=radio]").count() == 4
    taker.page.get_by_role("radio", name=re.compile(r"^\s*P2")).check()
    taker.page.get_by_label(t(L, "Title")).fill(title)
    taker.page.get_by_label(t(L, "Description")).fill("BGP 邻居反复断开 / BGP flapping")
    taker.shot("03-new-case-filled")
    navigate(
        taker,
        taker.page.get_by_role("button", name=t(L, "Open CASE")),
        re.compile(r"/cases/C\d{7,}/$"),
    )
    number = taker.page.locator(".case-head .case-number").inner_text().strip()
    case = Case.objects.get(number=number)
    assert case.contact == desk.contact and case.priority == "P2" and case.channel == "phone"
    assert case.serial_number == "FOX1234ABCD"
    assert taker.page.get_by_role("heading", name=title).is_visible()
    assert status(L, "open") in taker.page.locator(".case-badges").inner_text()
    assert "CT-2026-0042" in taker.body_text()
    taker.shot("04-case-opened")

    # --- 2. The duty engineer sees it unassigned on the board and assigns it.
    duty = screens(desk.duty)
    duty.goto("/board/")
    unassigned = duty.page.locator("#unassigned")
    assert number in unassigned.inner_text() and title in unassigned.inner_text()
    duty.shot("05-duty-board")
    navigate(duty, unassigned.get_by_role("link", name=number), f"**/cases/{number}/")
    navigate(
        duty,
        duty.page.locator(".case-actions").get_by_role("link", name=t(L, "Assign")),
        f"**/cases/{number}/assign/",
    )
    ranked = duty.page.locator("table.ranked tbody tr")
    # Ranked: a P2 goes to senior engineers only, engineers before the duty engineer, the
    # lightest load first; each row shows the tier, the skills and the load.
    rows = ranked.all_inner_texts()
    owners = [row.split()[1] for row in rows]
    assert owners == ["se.zhao", "se.sun", "duty"], rows
    with translation.override(L):
        senior_tier = str(Tier.SENIOR.label)
    senior_row = ranked.nth(0)
    assert senior_tier in rows[0] and "routing" in rows[0] and "0/8" in rows[0]
    assert senior_tier in rows[1] and "security" in rows[1] and "1/8" in rows[1]
    duty.shot("06-assign-ranked-list")
    navigate(duty, senior_row.get_by_role("button", name=t(L, "Assign")), f"**/cases/{number}/**")
    assert status(L, "assigned") in duty.page.locator(".case-badges").inner_text()
    assert "se.zhao" in duty.page.locator(".case-owner").inner_text()
    # The duty engineer phones the engineer and logs it.
    # Right after assigning, the page offers to log the phone call to the engineer.
    assert duty.page.locator("#phoned").evaluate("d => d.open")
    duty.page.locator("#phoned").get_by_label(t(L, "Note")).fill("已电话通知 / phoned")
    navigate(
        duty,
        duty.page.locator("#phoned").get_by_role("button", name=t(L, "Engineer phoned")),
        f"**/cases/{number}/**",
    )
    timeline = duty.page.locator("#timeline")
    assert "已电话通知 / phoned" in timeline.inner_text()
    duty.shot("07-assigned-and-phoned")

    # --- 3. The engineer finds it in "my CASEs", logs the callback and resolves it.
    engineer = screens(desk.senior)
    engineer.goto("/mine/")
    assert title in engineer.body_text()
    engineer.shot("08-my-cases")
    navigate(engineer, engineer.page.get_by_role("link", name=number), f"**/cases/{number}/")
    log_work = engineer.page.locator("#action-log_work")
    open_action(log_work)
    log_work.get_by_label(t(L, "Kind")).select_option("callback")
    log_work.get_by_label(t(L, "Note")).fill("已回呼客户，远程查看配置 / called back")
    log_work.get_by_label(t(L, "Minutes")).fill("15")
    engineer.shot("09-log-callback")
    navigate(
        engineer, log_work.get_by_role("button", name=t(L, "Log work")), f"**/cases/{number}/**"
    )
    assert status(L, "in_progress") in engineer.page.locator(".case-badges").inner_text()
    assert (
        "已回呼客户，远程查看配置 / called back" in engineer.page.locator("#timeline").inner_text()
    )
    resolve = engineer.page.locator("#action-resolve")
    open_action(resolve)
    resolve.get_by_label(t(L, "Solution")).fill("更换光模块后 BGP 稳定 / replaced the SFP")
    navigate(engineer, resolve.get_by_role("button", name=t(L, "Resolve")), f"**/cases/{number}/**")
    assert status(L, "resolved") in engineer.page.locator(".case-badges").inner_text()
    engineer.shot("10-resolved")

    # --- 4. The customer sees the solution in the portal and confirms it.
    customer = screens(desk.customer)
    customer.goto("/portal/")
    assert number in customer.body_text() and title in customer.body_text()
    customer.shot("11-portal-list")
    navigate(
        customer,
        customer.page.get_by_role("link", name=re.compile(number)).first,
        f"**/portal/cases/{number}/",
    )
    page_text = customer.body_text()
    assert "更换光模块后 BGP 稳定 / replaced the SFP" in page_text
    assert "已电话通知 / phoned" not in page_text  # the desk's internal note stays inside
    assert status(L, "resolved") in page_text
    customer.shot("12-portal-resolved")
    navigate(
        customer,
        customer.page.get_by_role("button", name=t(L, "Yes, it is solved")),
        f"**/portal/cases/{number}/**",
    )
    assert t(L, "Resolution confirmed") in customer.page.locator(".history").inner_text()
    customer.shot("13-portal-confirmed")

    # --- 5. The duty engineer closes it.
    duty.goto(f"/cases/{number}/")
    assert t(L, "Resolution confirmed") in duty.page.locator("#timeline").inner_text()
    navigate(
        duty,
        duty.page.get_by_role("button", name=t(L, "Close"), exact=True),
        f"**/cases/{number}/**",
    )
    assert status(L, "closed") in duty.page.locator(".case-badges").inner_text()
    duty.shot("14-closed")
    customer.goto(f"/portal/cases/{number}/")
    assert status(L, "closed") in customer.page.locator(".badges").inner_text()

    # --- The CASE's history: every step, by whom, in order.
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.engineer == desk.senior
    assert events_of(case) == [
        ("opened", "taker"),
        ("assigned", "duty"),
        ("work_logged", "duty"),
        ("work_logged", "se.zhao"),
        ("resolved", "se.zhao"),
        ("confirmed", "cust.ctbj"),
        ("closed", "duty"),
    ]
    worklogs = list(case.worklogs.order_by("created_at", "pk").values_list("kind", "minutes"))
    assert worklogs[-1] == ("callback", 15)
