"""The live entitlement hint at intake, in Chromium: the call taker types a serial number on
the phone form, the customer on the portal's form; the hint changes as they type (covered →
unknown), in the reader's language, and the CASE still opens, keeping what was decided."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from casedesk.cases.models import Case
from casedesk.contracts import selectors
from tests.accounts.factories import make_user
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import ContactFactory, OrganizationFactory


def _desk():
    today = selectors.local_day()
    ctbj = OrganizationFactory(code="CTBJ", name="中国电信北京分公司", service_level="gold")
    other = OrganizationFactory(code="CMB", name="招商银行", service_level="silver")
    manager = make_user("cs_manager", username="csm")
    gold = make_product(code="GOLD-7X24", by=manager)
    contract = make_contract(
        number="CTBJ-GS-2026-001",
        organization=ctbj,
        product=gold,
        starts_on=today - dt.timedelta(days=100),
        ends_on=today + dt.timedelta(days=300),
        by=manager,
    )
    theirs = make_contract(
        number="CMB-GS-2026-002",
        organization=other,
        product=gold,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=300),
        by=manager,
    )
    make_equipment(serial_number="FOC2131X0AB", contract=contract, by=manager)
    make_equipment(serial_number="FOC7777Z9ZZ", contract=theirs, by=manager)
    contact = ContactFactory(organization=ctbj, name="张三", phone="13800138000")
    return ctbj, contact


def _shot(screen, name: str) -> None:
    screen.shot(name)


def _type(field, text: str) -> None:
    field.fill("")
    field.press_sequentially(text, delay=20)


def test_the_phone_form_hint_follows_the_serial_number(screens, transactional_db):
    _ctbj, _contact = _desk()
    taker = screens(make_user("call_taker", username="taker"))
    taker.goto("/cases/new/")
    hint = taker.page.locator("#entitlement-hint")
    expect(hint).to_be_hidden()  # nobody chosen, no serial: nothing to say

    taker.page.locator("#lookup-q").press_sequentially("13800138")
    taker.page.locator("#lookup-results").get_by_role("button", name="张三").first.click()
    # The caller's organization's entitlement, before any serial number.
    expect(hint).to_have_attribute("data-state", "covered")
    expect(hint).to_contain_text("CTBJ-GS-2026-001")

    serial = taker.page.get_by_label("序列号")
    _type(serial, "foc2131 x0ab")
    expect(hint).to_contain_text("回访 15 分钟，首次工作记录 45 分钟，上门 4 小时")
    expect(hint).to_have_class(re.compile(r"\bcovered\b"))
    assert hint.get_attribute("aria-live") == "polite"
    _shot(taker, "phone-covered")

    _type(serial, "FOC0000X0ZZ")
    expect(hint).to_have_attribute("data-state", "uncovered")
    expect(hint).to_contain_text("未知序列号。CASE 仍会受理，并标记为不在保。")
    _shot(taker, "phone-unknown")

    # Never refused: the uncovered CASE opens, flagged.
    taker.page.get_by_role("radio", name=re.compile(r"^\s*P3")).check()
    taker.page.get_by_label("标题").fill("接入交换机风扇告警")
    with taker.page.expect_navigation(url=re.compile(r"/cases/C\d{7,}/$")):
        taker.page.get_by_role("button", name="创建 CASE").click()
    case = Case.objects.get()
    assert case.serial_number == "FOC0000X0ZZ"
    assert case.entitlement["reason"] == "unknown_serial"
    assert "未知序列号" in taker.page.locator("dd.entitlement.uncovered").inner_text()


def test_the_portal_hint_follows_the_serial_number(screens, transactional_db):
    ctbj, contact = _desk()
    customer = make_user("customer", username="cust.ctbj", org=ctbj)
    customer.contact = contact
    customer.save()
    screen = screens(customer)
    screen.goto("/portal/cases/new/")
    screen.page.locator("details.equipment summary").click()
    hint = screen.page.locator("#entitlement-hint")
    # Their organization's entitlement, before any serial number.
    expect(hint).to_have_attribute("data-state", "covered")
    expect(hint).to_contain_text("CTBJ-GS-2026-001")

    serial = screen.page.get_by_label("序列号")
    _type(serial, "FOC2131X0AB")
    expect(hint).to_contain_text("回访 15 分钟")
    _shot(screen, "portal-covered")

    # Another organization's box reads as unknown, with nothing of its contract.
    _type(serial, "FOC7777Z9ZZ")
    expect(hint).to_have_attribute("data-state", "uncovered")
    expect(hint).to_contain_text("未知序列号")
    assert "CMB-GS" not in hint.inner_text()
    _shot(screen, "portal-unknown")

    _type(serial, "FOC2131X0AB")
    expect(hint).to_have_attribute("data-state", "covered")
    screen.page.get_by_label("问题摘要").fill("分行核心交换机端口 down")
    screen.page.locator("input[name=priority][value=P2]").check()
    screen.page.get_by_label("发生了什么？").fill("10:05 起 Te1/1/1 down。")
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name="提交 CASE").click()
    case = Case.objects.get()
    assert case.serial_number == "FOC2131X0AB"
    assert case.entitlement["reason"] == "covered"
    assert "CTBJ-GS-2026-001" in screen.page.locator("dd.entitlement").inner_text()
