"""The call taker finds the caller by whatever the caller gives: a phone number, an e-mail
address or the company's name; picking them fills the organization's record."""

import pytest

from tests.factories import ContactFactory, OrganizationFactory, make_user


@pytest.mark.parametrize("typed", ["1380013", "zhangsan@ctbj", "电信北京"])
def test_the_caller_is_found_by_phone_email_or_company(screens, transactional_db, typed):
    ctbj = OrganizationFactory(code="CTBJ", name="中国电信北京分公司", service_level="gold")
    cmb = OrganizationFactory(code="CMB", name="招商银行", service_level="silver")
    ContactFactory(
        organization=ctbj, name="张三", phone="13800138000", email="zhangsan@ctbj.example"
    )
    ContactFactory(organization=cmb, name="王五", phone="13500135000", email="wangwu@cmb.example")
    taker = make_user("call_taker", username="taker")

    screen = screens(taker)
    screen.goto("/cases/new/")
    screen.page.locator("#lookup-q").press_sequentially(typed)
    results = screen.page.locator("#lookup-results")
    results.get_by_role("button").first.wait_for()
    assert "张三" in results.inner_text() and "王五" not in results.inner_text()
    results.get_by_role("button", name="张三").first.click()
    chosen = screen.page.locator("#chosen-contact")
    chosen.wait_for(state="visible")
    assert "中国电信北京分公司" in chosen.inner_text() and "13800138000" in chosen.inner_text()
    assert screen.page.locator("input[name=contact]").input_value() != ""
    screen.shot(f"picked-{typed}")
