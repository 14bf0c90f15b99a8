"""The contracts API: bodies and statuses, bad input as 4xx with ``detail``."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.contracts.models import Contract, CoverageLine, Equipment
from casedesk.core import clock
from casedesk.core.models import AuditRecord
from tests.accounts.factories import OrganizationFactory, make_user
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import ApiClient

pytestmark = pytest.mark.django_db

GOLD = {
    "code": "GOLD-7x24",
    "name": "金牌 7×24",
    "coverage": "7x24",
    "callback_minutes": 15,
    "first_worklog_minutes": 45,
    "onsite_hours": 4,
    "repair_days": 14,
}


@pytest.fixture
def manager():
    return ApiClient(make_user("cs_manager"))


@pytest.fixture
def acme(db):
    return OrganizationFactory(code="ACME", name="艾克米")


def test_a_manager_builds_catalogue_contract_and_equipment(manager, acme):
    r = manager.post("/service-products", GOLD)
    assert r.status_code == 201, r.content
    assert r.json()["code"] == "GOLD-7X24" and r.json()["onsite_hours"] == 4
    with clock.frozen(dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)):
        r = manager.post(
            "/contracts",
            {
                "number": "HT-2026-001",
                "organization": "ACME",
                "service_product": "gold-7x24",
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
            },
        )
    assert r.status_code == 201, r.content
    assert r.json() == {
        "number": "HT-2026-001",
        "organization": "ACME",
        "service_product": "GOLD-7X24",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "status": "active",
    }
    r = manager.post(
        "/equipment",
        {
            "serial_number": " foc2131 x0ab ",
            "organization": "ACME",
            "model": "C9300-48P",
            "vendor": "Cisco",
            "contract": "HT-2026-001",
            "site": "北京",
            "warranty_ends_on": "2027-06-30",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["serial_number"] == "FOC2131X0AB"
    r = manager.get("/equipment/foc2131x0ab")
    assert r.status_code == 200
    assert r.json()["coverage"] == [
        {
            "contract": "HT-2026-001",
            "service_product": "GOLD-7X24",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        }
    ]
    r = manager.get("/entitlement", {"serial_number": "FOC2131X0AB", "at": "2026-12-31T15:59:59Z"})
    assert r.status_code == 200
    body = r.json()
    assert (body["entitled"], body["contract"], body["service_product"], body["reason"]) == (
        True,
        "HT-2026-001",
        "GOLD-7X24",
        "covered",
    )
    assert body["targets"]["callback_minutes"] == 15
    r = manager.get("/entitlement", {"serial_number": "FOC2131X0AB", "at": "2026-12-31T16:00:00Z"})
    assert (r.json()["entitled"], r.json()["reason"], r.json()["ends_on"]) == (
        False,
        "expired",
        "2026-12-31",
    )


def test_an_end_before_the_start_is_422_and_writes_nothing(manager, acme):
    make_product()
    r = manager.post(
        "/contracts",
        {
            "number": "HT-BAD",
            "organization": "ACME",
            "service_product": "GOLD-7X24",
            "starts_on": "2026-06-01",
            "ends_on": "2026-05-31",
        },
    )
    assert r.status_code == 422 and "before the start" in r.json()["detail"]
    assert not Contract.objects.exists()
    assert not AuditRecord.objects.filter(action="contract.create").exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"organization": "NOPE"},
        {"service_product": "NOPE"},
        {"starts_on": "2026/01/01"},
        {"ends_on": 20261231},
        {"number": ""},
        {"surprise": 1},
    ],
)
def test_bad_contract_bodies_are_4xx_with_detail(manager, acme, bad):
    make_product()
    body = {
        "number": "HT-X",
        "organization": "ACME",
        "service_product": "GOLD-7X24",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        **bad,
    }
    r = manager.post("/contracts", body)
    assert r.status_code in (400, 422), r.content
    assert r.json()["detail"]
    assert not Contract.objects.exists()


def test_duplicates_and_overlaps_are_409(manager, acme):
    contract = make_contract(number="HT-1", organization=acme)
    make_equipment(serial_number="SN1", contract=contract)
    r = manager.post("/service-products", GOLD)
    assert r.status_code == 409
    r = manager.post(
        "/equipment",
        {"serial_number": "sn1", "organization": "ACME", "model": "x", "vendor": "y"},
    )
    assert r.status_code == 409 and "SN1" in r.json()["detail"]
    r = manager.post("/contracts/HT-1/coverage", {"serial_number": "SN1"})
    assert r.status_code == 409 and "HT-1" in r.json()["detail"]
    assert CoverageLine.objects.count() == 1
    assert Equipment.objects.count() == 1


def test_an_amendment_through_the_api(manager, acme):
    make_contract(number="HT-1", organization=acme, ends_on=dt.date(2026, 12, 31))
    r = manager.post(
        "/contracts/HT-1/amendments",
        {"effective_on": "2026-12-01", "ends_on": "2027-12-31", "reason": "续约一年"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["ends_on"] == "2027-12-31"
    [amendment] = body["amendments"]
    assert amendment["reason"] == "续约一年" and amendment["seq"] == 1
    assert amendment["changes"]["after"] == {"ends_on": "2027-12-31"}
    r = manager.post("/contracts/HT-1/amendments", {"effective_on": "2026-12-01", "reason": "x"})
    assert r.status_code == 422


def test_lists_are_counted_pages(manager, acme):
    for n in range(3):
        make_contract(number=f"HT-{n}", organization=acme)
    r = manager.get("/contracts", {"limit": 2, "offset": 1})
    assert r.status_code == 200
    assert r.json()["count"] == 3
    assert [c["number"] for c in r.json()["items"]] == ["HT-1", "HT-2"]
    assert manager.get("/contracts", {"status": "bogus"}).status_code == 422
    assert manager.get("/contracts", {"limit": 0}).status_code == 422
    r = manager.get("/service-products")
    assert r.json()["count"] == 1


def test_a_customer_sees_only_their_organization(acme):
    mine = make_contract(number="HT-MINE", organization=acme)
    theirs = make_contract(number="HT-THEIRS")
    make_equipment(serial_number="MINE1", contract=mine)
    make_equipment(serial_number="THEIRS1", contract=theirs)
    customer = ApiClient(make_user("customer", org=acme))
    assert [c["number"] for c in customer.get("/contracts").json()["items"]] == ["HT-MINE"]
    assert [e["serial_number"] for e in customer.get("/equipment").json()["items"]] == ["MINE1"]
    assert customer.get("/equipment/THEIRS1").status_code == 404
    assert customer.get("/contracts/HT-THEIRS").status_code == 404
    r = customer.get("/entitlement", {"serial_number": "THEIRS1"})
    assert r.json()["reason"] == "unknown_serial"
    assert (
        customer.post("/contracts/HT-MINE/coverage", {"serial_number": "MINE1"}).status_code == 403
    )


def test_entitlement_needs_a_question(manager):
    r = manager.get("/entitlement")
    assert r.status_code == 422 and r.json()["detail"]
    r = manager.get("/entitlement", {"serial_number": "X", "at": "yesterday"})
    assert r.status_code == 422


def test_a_product_carries_its_annual_price(manager):
    r = manager.post("/service-products", {**GOLD, "annual_price": "28800.5"})
    assert r.status_code == 201, r.content
    assert r.json()["annual_price"] == "28800.50"
    r = manager.post("/service-products", {**GOLD, "code": "NO-PRICE"})
    assert r.json()["annual_price"] is None
    listed = {
        p["code"]: p["annual_price"] for p in manager.get("/service-products").json()["items"]
    }
    assert listed == {"GOLD-7X24": "28800.50", "NO-PRICE": None}


@pytest.mark.parametrize("price", [-1, "abc", "1.234", 10**12])
def test_a_bad_price_is_422_and_writes_nothing(manager, price):
    r = manager.post("/service-products", {**GOLD, "annual_price": price})
    assert r.status_code in (400, 422), r.content
    assert r.json()["detail"]
    assert not AuditRecord.objects.filter(action="service_product.create").exists()
