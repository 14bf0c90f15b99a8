"""Issue 13: a customer service manager approves goodwill for an uncovered CASE from its page;
the entitlement line then says it is served as goodwill, on the console and in the portal,
and the history says who approved it (the customer reads only that it is served)."""

from __future__ import annotations

import datetime as dt

from casedesk.cases.models import Case
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user


def test_a_manager_approves_goodwill_from_the_case_page(screens, transactional_db):
    org = OrganizationFactory(code="CMB", name="招商银行", service_level="silver")
    product = make_product(code="PLAT-7X24", coverage="7x24", callback_minutes=10)
    contract = make_contract(
        number="HT-2025-0088",
        organization=org,
        product=product,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    make_equipment(serial_number="FOC2611E001", contract=contract)
    contact = ContactFactory(organization=org, name="王五")
    case = make_case(
        contact=contact,
        by=make_user("call_taker", username="taker"),
        title="ASR 1002-X 反复重启",
        serial_number="FOC2611E001",
    )
    assert case.entitlement["entitled"] is False

    # A call taker sees the flag but is offered no goodwill.
    taker = screens(make_user("call_taker", username="taker2"))
    taker.goto(f"/cases/{case.number}/")
    assert taker.page.locator(".entitlement.uncovered").is_visible()
    assert taker.page.locator("#action-approve_goodwill").count() == 0

    manager = screens(make_user("cs_manager", username="csm", first_name="经理", last_name="陈"))
    manager.goto(f"/cases/{case.number}/")
    entitlement = manager.page.locator("dd.entitlement")
    assert "uncovered" in (entitlement.get_attribute("class") or "")
    assert "已于" in entitlement.inner_text() or "HT-2025-0088" in entitlement.inner_text()
    form = manager.page.locator("#action-approve_goodwill")
    form.locator("summary").click()
    manager.shot("01-before")

    form.get_by_label("原因").fill("续约谈判中，老客户先行服务")
    assert form.get_by_label("服务产品").input_value() == ""  # the contract's product
    with manager.page.expect_navigation():
        form.locator("button[type=submit]").click()
    manager.check()

    entitlement = manager.page.locator("dd.entitlement")
    assert "已按善意服务受理" in entitlement.inner_text()
    assert "uncovered" not in (entitlement.get_attribute("class") or "")
    timeline = manager.page.locator("#timeline").inner_text()
    assert "已批准善意服务（PLAT-7X24）" in timeline
    assert "续约谈判中，老客户先行服务" in timeline
    assert manager.page.locator("#action-approve_goodwill").count() == 0
    manager.shot("02-after")

    goodwill = Case.objects.get(pk=case.pk).entitlement["goodwill"]
    assert (goodwill["by"], goodwill["service_product"]) == ("csm", "PLAT-7X24")

    # The customer reads that they are served as goodwill, not the desk's reasons.
    customer = screens(make_user("customer", username="cust", org=org))
    customer.goto(f"/portal/cases/{case.number}/")
    text = customer.body_text()
    assert "已按善意服务受理" in text and "已作为善意服务受理" in text
    assert "续约谈判中" not in text
    customer.shot("03-portal")
