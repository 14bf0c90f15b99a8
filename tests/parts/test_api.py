"""The stock API: bodies and statuses; bad input is a 4xx with ``detail`` and writes nothing."""

from __future__ import annotations

import pytest

from casedesk.core.models import AuditRecord
from casedesk.parts.models import Location, Part, StockMove
from tests.accounts.factories import OrganizationFactory, make_user
from tests.factories import ApiClient
from tests.parts.factories import make_location, make_part, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return ApiClient(make_user("cs_manager"))


@pytest.fixture
def stocked(db):
    part = make_part("PSU-750W")
    central, depot = make_location("WH-BJ"), make_location("DP-SH", kind="depot")
    receive(part, central, 5)
    return part, central, depot


def test_a_manager_sets_up_locations_parts_and_receives_stock(manager):
    r = manager.post("/locations", {"code": "WH-BJ", "name": "北京中心库", "kind": "central"})
    assert r.status_code == 201, r.content
    assert r.json() == {
        "code": "WH-BJ",
        "name": "北京中心库",
        "kind": "central",
        "keeper": None,
        "serves": [],
    }
    r = manager.post(
        "/parts",
        {"part_number": "SFP-10G-SR", "description": "10G 多模光模块", "safety_stock": 4},
    )
    assert r.status_code == 201, r.content
    assert r.json()["safety_stock"] == 4 and r.json()["serial_tracked"] is False
    r = manager.post(
        "/stock/receipts", {"part_number": "SFP-10G-SR", "location": "WH-BJ", "quantity": 6}
    )
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "receipt" and r.json()["to_location"] == "WH-BJ"
    r = manager.get("/stock", {"part_number": "SFP-10G-SR"})
    assert r.json() == {"items": [{"location": "WH-BJ", "good": 6, "defective": 0}]}


def test_transfer_loss_and_correction_move_the_balance(manager, stocked):
    body = {"part_number": "PSU-750W", "quantity": 2}
    r = manager.post("/stock/transfers", {**body, "from_location": "WH-BJ", "to_location": "DP-SH"})
    assert r.status_code == 201, r.content
    r = manager.post(
        "/stock/losses", {**body, "location": "DP-SH", "quantity": 1, "reason": "丢失"}
    )
    assert r.status_code == 201, r.content
    r = manager.post(
        "/stock/corrections",
        {**body, "location": "WH-BJ", "direction": "in", "quantity": 1, "reason": "盘点"},
    )
    assert r.status_code == 201, r.content
    assert manager.get("/stock", {"part_number": "PSU-750W"}).json()["items"] == [
        {"location": "DP-SH", "good": 1, "defective": 0},
        {"location": "WH-BJ", "good": 4, "defective": 0},
    ]
    assert manager.get("/stock", {"part_number": "PSU-750W", "location": "DP-SH"}).json() == {
        "items": [{"location": "DP-SH", "good": 1, "defective": 0}]
    }


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/stock/receipts", {"location": "WH-BJ", "quantity": 0}, 422),
        ("/stock/receipts", {"location": "WH-BJ", "quantity": -3}, 422),
        ("/stock/receipts", {"location": "WH-BJ", "quantity": "2"}, 422),
        ("/stock/receipts", {"location": "WH-BJ", "quantity": 1, "part_number": "NOPE"}, 422),
        ("/stock/receipts", {"location": "NOWHERE", "quantity": 1}, 422),
        (
            "/stock/transfers",
            {"from_location": "WH-BJ", "to_location": "DP-SH", "quantity": 6},
            409,
        ),
        (
            "/stock/transfers",
            {"from_location": "WH-BJ", "to_location": "WH-BJ", "quantity": 1},
            422,
        ),
        ("/stock/losses", {"location": "DP-SH", "quantity": 1, "reason": "丢失"}, 409),
        (
            "/stock/corrections",
            {"location": "WH-BJ", "direction": "out", "quantity": 9, "reason": "x"},
            409,
        ),
        ("/stock/receipts", {"location": "WH-BJ", "quantity": 1, "serial_numbers": ["SN1"]}, 422),
    ],
)
def test_bad_moves_are_refused_and_write_nothing(manager, stocked, path, body, status):
    before = (StockMove.objects.count(), AuditRecord.objects.count())
    r = manager.post(path, {"part_number": "PSU-750W", **body})
    assert r.status_code == status, r.content
    assert r.json()["detail"]
    assert (StockMove.objects.count(), AuditRecord.objects.count()) == before


def test_bad_setup_is_refused(manager, stocked):
    assert (
        manager.post("/locations", {"code": "WH-BJ", "name": "重复", "kind": "central"}).status_code
        == 409
    )
    assert manager.post("/locations", {"code": "X", "name": "x", "kind": "moon"}).status_code == 422
    assert (
        manager.post("/parts", {"part_number": "PSU-750W", "description": "重复"}).status_code
        == 409
    )
    r = manager.post("/parts", {"part_number": "P-NEG", "description": "x", "safety_stock": -1})
    assert r.status_code == 422
    assert Location.objects.count() == 2 and Part.objects.count() == 1
    assert manager.get("/stock", {"part_number": "NOPE"}).status_code == 422


def test_an_engineer_reads_but_may_not_move_stock(stocked):
    engineer = ApiClient(make_user("engineer"))
    assert engineer.get("/stock", {"part_number": "PSU-750W"}).status_code == 200
    r = engineer.post(
        "/stock/receipts", {"part_number": "PSU-750W", "location": "WH-BJ", "quantity": 1}
    )
    assert r.status_code == 403
    customer = ApiClient(make_user("customer", org=OrganizationFactory()))
    assert customer.get("/stock", {"part_number": "PSU-750W"}).status_code == 403
