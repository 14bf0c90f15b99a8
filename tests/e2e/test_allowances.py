"""Allowances in the browser: the product page says what each product allows per period, in
Chinese and English; a box whose contract used up its CASEs reads so on its page."""

from __future__ import annotations

import datetime as dt

from casedesk.contracts import selectors
from tests.accounts.factories import ContactFactory, OrganizationFactory, make_user
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import make_case


def _desk():
    today = selectors.local_day()
    manager = make_user("cs_manager", username="csm")
    silver = make_product(
        code="SILVER-5X8",
        coverage="5x8",
        onsite_hours=None,
        allowances=({"unit": "cases", "quantity": 2, "period": "contract_year"},),
        by=manager,
    )
    make_product(
        code="GOLD-7X24",
        allowances=(
            {"unit": "cases", "quantity": 5, "period": "month"},
            {"unit": "onsite_visits", "quantity": 10, "period": "contract_year"},
        ),
        by=manager,
    )
    make_product(code="PLAT-7X24", by=manager)
    org = OrganizationFactory(code="RHYY", name="瑞华医院")
    contract = make_contract(
        number="RHYY-SS-2025-008",
        organization=org,
        product=silver,
        starts_on=today - dt.timedelta(days=64),
        ends_on=today + dt.timedelta(days=300),
        by=manager,
    )
    make_equipment(serial_number="FOC2131X0AB", contract=contract, by=manager)
    return org, manager


def test_the_product_page_shows_allowances_and_a_box_reads_used_up(screens, transactional_db):
    org, manager = _desk()
    screen = screens(manager)
    screen.goto("/contracts/products/")
    text = screen.page.locator("main table").inner_text()
    assert "每合同年度 2 个 CASE" in text
    assert "每月 5 个 CASE" in text and "每合同年度 10 次上门服务" in text
    screen.shot("products-zh")
    screen.page.get_by_role("link", name="新建服务产品").click()
    assert screen.page.get_by_label("额度（每周期数量）").is_visible()
    screen.shot("product-new-zh")

    reader = make_user("cs_manager", username="csm.en")
    reader.language = "en"  # the test's setup: a manager who reads English
    reader.save(update_fields=["language"])
    english = screens(reader)
    english.goto("/contracts/products/")
    text = english.page.locator("main table").inner_text()
    assert "2 CASEs per contract year" in text and "5 CASEs per month" in text
    assert "10 on-site visits per contract year" in text
    english.shot("products-en")

    taker = make_user("call_taker", username="taker")
    for _ in range(2):
        case = make_case(
            contact=ContactFactory(organization=org), by=taker, serial_number="FOC2131X0AB"
        )
        assert case.entitlement["entitled"] is True
    screen.goto("/contracts/equipment/FOC2131X0AB/")
    status = screen.page.locator("#entitlement").inner_text()
    assert "RHYY-SS-2025-008" in status and "已用完" in status
    screen.shot("equipment-used-up-zh")
    english.goto("/contracts/equipment/FOC2131X0AB/")
    assert "is used up" in english.page.locator("#entitlement").inner_text()
    english.shot("equipment-used-up-en")
