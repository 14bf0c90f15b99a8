"""Spare parts in the browser: the customer service manager reads the stock page with its
reorder list, opens a part, moves two pieces to an engineer's van and sees the ledger; a
move of more than is on hand is refused on the page."""

from __future__ import annotations

from casedesk.parts import services
from casedesk.parts.models import StockMove
from tests.accounts.factories import make_user
from tests.parts.factories import make_location, make_part, receive


def _desk():
    manager = make_user("cs_manager", username="csm")
    central = make_location("WH-BJ", name="北京中心仓")
    make_location("DP-SH", kind="depot", name="上海备件库")
    make_location("VAN-ZHAO", kind="van", name="赵刚的工程车")
    quarantine = make_location("QT-BJ", kind="quarantine", name="北京隔离区")
    sfp = make_part("SFP-10G-SR", description="10G 多模光模块 SR", safety_stock=20, vendor="Cisco")
    receive(sfp, central, 24)
    psu = make_part("PWR-C1-715WAC", description="C9300 715W 交流电源", safety_stock=4)
    receive(psu, central, 3)
    services.stock_move(
        part=psu, kind="defective_return", quantity=1, to_location=quarantine, by=manager
    )
    return manager


def test_a_manager_reads_the_stock_and_moves_a_part(screens, transactional_db):
    manager = _desk()
    screen = screens(manager)
    screen.goto("/stock/")
    reorder = screen.page.locator("#reorder").inner_text()
    assert "PWR-C1-715WAC" in reorder and "SFP-10G-SR" not in reorder
    stock = screen.page.locator("#stock").inner_text()
    assert "WH-BJ 24" in stock and "QT-BJ 0 / 1" in stock
    screen.shot("stock")

    screen.page.get_by_role("link", name="SFP-10G-SR").click()
    screen.page.wait_for_url("**/stock/parts/SFP-10G-SR/")
    screen.page.get_by_label("类型").select_option("transfer")
    screen.page.get_by_label("数量").fill("30")
    screen.page.get_by_label("来源库位").select_option("WH-BJ")
    screen.page.get_by_label("目的库位").select_option("VAN-ZHAO")
    screen.allow_console(r"status of 409")  # the refused move comes back as a 409 page
    screen.page.get_by_role("button", name="记录移动").click()
    assert "只有 24 件" in screen.page.locator("main form").inner_text()
    assert StockMove.objects.filter(kind="transfer").count() == 0

    screen.page.get_by_label("数量").fill("2")
    screen.page.get_by_label("原因").fill("赵刚驻场备件")
    screen.page.get_by_role("button", name="记录移动").click()
    screen.page.wait_for_url("**/stock/parts/SFP-10G-SR/")
    assert "VAN-ZHAO" in screen.page.locator("#on-hand").inner_text()
    assert "赵刚驻场备件" in screen.page.locator("#ledger").inner_text()
    screen.shot("part")


def test_the_stock_page_in_english(screens, transactional_db):
    manager = _desk()
    manager.language = "en"
    manager.save(update_fields=["language"])
    screen = screens(manager)
    screen.goto("/stock/")
    assert "To reorder" in screen.page.locator("main").inner_text()
    screen.shot("stock-en")
