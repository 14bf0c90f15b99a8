"""The console's stock pages in zh-hans and English: who sees them, the reorder list, the
part's ledger, and a move through the form (a refused one writes nothing)."""

from __future__ import annotations

import pytest

from casedesk.parts.models import StockMove
from tests.accounts.factories import make_user
from tests.factories import client_for, page_text
from tests.parts.factories import make_location, make_part, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(db):
    central, van = make_location("WH-BJ", name="北京中心仓"), make_location("VAN-1", kind="van")
    low = make_part("QSFP-40G-SR4", description="40G 光模块", safety_stock=6)
    receive(low, central, 4)
    ok = make_part("SFP-10G-SR", description="10G 光模块", safety_stock=2)
    receive(ok, central, 9)
    return central, van


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", ("待补货", "安全库存")), ("en", ("To reorder", "safety stock"))],
)
def test_the_stock_page_lists_parts_and_what_to_reorder(stocked, language, words):
    r = client_for(make_user("engineer"), language).get("/stock/")
    assert r.status_code == 200
    text = page_text(r)
    assert all(w in text for w in words)
    reorder = text.split(words[0], 1)[1]
    assert "QSFP-40G-SR4" in reorder.split("SFP-10G-SR")[0]


def test_an_engineer_reads_the_part_page_but_has_no_form_nor_may_post(stocked):
    client = client_for(make_user("engineer"), "zh-hans")
    r = client.get("/stock/parts/SFP-10G-SR/")
    assert r.status_code == 200 and "库存流水" in page_text(r) and "记录移动" not in page_text(r)
    r = client.post("/stock/parts/SFP-10G-SR/move/", {"kind": "loss", "quantity": "1"})
    assert r.status_code == 403
    assert StockMove.objects.count() == 2


def test_a_manager_moves_stock_and_a_refused_move_writes_nothing(stocked):
    client = client_for(make_user("cs_manager"), "zh-hans")
    form = {
        "kind": "transfer",
        "from_location": "WH-BJ",
        "to_location": "VAN-1",
        "condition": "good",
    }
    r = client.post("/stock/parts/SFP-10G-SR/move/", {**form, "quantity": "10"})
    assert r.status_code == 409 and "只有 9 件" in page_text(r)
    r = client.post("/stock/parts/SFP-10G-SR/move/", {**form, "quantity": "0"})
    assert r.status_code == 422
    assert StockMove.objects.count() == 2
    r = client.post("/stock/parts/SFP-10G-SR/move/", {**form, "quantity": "3", "reason": "驻场"})
    assert r.status_code == 302
    assert "VAN-1" in page_text(client.get("/stock/parts/SFP-10G-SR/"))


def test_a_customer_and_an_unknown_part_are_refused(stocked):
    from tests.accounts.factories import OrganizationFactory

    customer = make_user("customer", org=OrganizationFactory())
    assert client_for(customer, "zh-hans").get("/stock/").status_code in (302, 403)
    staff = client_for(make_user("engineer"), "zh-hans")
    assert staff.get("/stock/parts/NOPE/").status_code == 404
