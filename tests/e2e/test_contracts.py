"""Contracts in the browser: the customer service manager sees the renewals, makes a
contract and amends it; the call taker reads a box's entitlement; the customer sees their
own contracts and equipment in the portal."""

from __future__ import annotations

import datetime as dt

from casedesk.contracts import selectors
from casedesk.contracts.models import ContractAmendment
from tests.accounts.factories import OrganizationFactory, make_user
from tests.contracts.factories import make_contract, make_equipment, make_product


def _desk():
    today = selectors.local_day()
    org = OrganizationFactory(code="CTBJ", name="中国电信北京分公司")
    manager = make_user("cs_manager", username="csm")
    gold = make_product(code="GOLD-7X24", by=manager)
    make_product(code="SILVER-5X8", coverage="5x8", onsite_hours=None, by=manager)
    soon = make_contract(
        number="CTBJ-GS-2024-017",
        organization=org,
        product=gold,
        starts_on=today - dt.timedelta(days=340),
        ends_on=today + dt.timedelta(days=24),
        by=manager,
    )
    gone = make_contract(
        number="CTBJ-GS-2023-009",
        organization=org,
        product=gold,
        starts_on=today - dt.timedelta(days=800),
        ends_on=today - dt.timedelta(days=436),
        by=manager,
    )
    make_equipment(serial_number="FOC2131X0AB", contract=soon, by=manager)
    make_equipment(serial_number="FDO2245Y1CD", contract=gone, by=manager)
    make_equipment(serial_number="JMX2290Z2EF", organization=org, by=manager)
    return today, org, manager


def test_a_manager_makes_and_amends_a_contract(screens, transactional_db):
    today, org, manager = _desk()
    screen = screens(manager)
    screen.goto("/contracts/")
    renewals = screen.page.locator("#renewals").inner_text()
    assert "CTBJ-GS-2024-017" in renewals and "24 天后到期" in renewals
    screen.shot("contracts-list")

    screen.page.get_by_role("link", name="新建合同").click()
    screen.page.get_by_label("编号").fill("CTBJ-SS-2027-001")
    screen.page.get_by_label("客户单位").fill("CTBJ")
    screen.page.get_by_label("服务产品").fill("SILVER-5X8")
    screen.page.get_by_label("开始日期").fill(today.isoformat())
    screen.page.get_by_label("结束日期").fill((today - dt.timedelta(days=1)).isoformat())
    screen.allow_console(r"status of 400")  # the refused form comes back as a 400 page
    screen.page.get_by_role("button", name="保存").click()
    assert "早于开始日期" in screen.page.locator("main form.card").inner_text()
    screen.shot("contract-new-refused")
    screen.page.get_by_label("结束日期").fill((today + dt.timedelta(days=364)).isoformat())
    screen.page.get_by_role("button", name="保存").click()
    screen.page.wait_for_url("**/contracts/CTBJ-SS-2027-001/")

    cover = screen.page.locator("#cover")
    cover.get_by_label("序列号").fill("jmx2290 z2ef")
    cover.get_by_role("button", name="添加维保").click()
    screen.page.wait_for_url("**/contracts/CTBJ-SS-2027-001/")
    assert "JMX2290Z2EF" in screen.page.locator("main").inner_text()

    amend = screen.page.locator("#amend")
    amend.get_by_label("生效日期").fill(today.isoformat())
    amend.get_by_label("新的服务产品").fill("GOLD-7X24")
    amend.get_by_label("原因").fill("客户升级为金牌服务")
    amend.get_by_role("button", name="记录变更").click()
    screen.page.wait_for_url("**/contracts/CTBJ-SS-2027-001/")
    history = screen.page.locator(".timeline").inner_text()
    assert "客户升级为金牌服务" in history and "SILVER-5X8 → GOLD-7X24" in history
    assert ContractAmendment.objects.count() == 1
    screen.shot("contract-amended")


def test_the_call_taker_reads_entitlement_and_the_customer_their_portal(screens, transactional_db):
    _today, org, _manager = _desk()
    taker = screens(make_user("call_taker", username="taker"))
    taker.goto("/contracts/equipment/?q=foc2131")
    taker.page.get_by_role("link", name="FOC2131X0AB").click()
    status = taker.page.locator("#entitlement").inner_text()
    assert "在保" in status and "CTBJ-GS-2024-017" in status
    taker.shot("equipment-covered")
    taker.goto("/contracts/equipment/FDO2245Y1CD/")
    assert "到期" in taker.page.locator("#entitlement").inner_text()
    taker.shot("equipment-expired")

    customer = screens(make_user("customer", username="cust.ctbj", org=org))
    customer.goto("/portal/")
    customer.page.get_by_role("link", name="我们的合同与设备").click()
    customer.page.wait_for_url("**/portal/contracts/")
    text = customer.page.locator("main").inner_text()
    assert "CTBJ-GS-2024-017" in text and "FOC2131X0AB" in text and "JMX2290Z2EF" in text
    customer.shot("portal-contracts")
