"""The console's contract pages and the portal's, in zh-hans and en."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.contracts.models import Contract, ContractAmendment, CoverageLine
from casedesk.core import clock
from tests.accounts.factories import OrganizationFactory, make_user
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import client_for, page_text

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)  # 10:00 in Shanghai


@pytest.fixture
def desk(db):
    acme = OrganizationFactory(code="ACME", name="艾克米科技")
    with clock.frozen(NOW):
        soon = make_contract(
            number="HT-SOON",
            organization=acme,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        )
        later = make_contract(
            number="HT-LATER",
            organization=acme,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2027, 1, 31),
        )
        gone = make_contract(
            number="HT-GONE",
            organization=acme,
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2025, 12, 31),
        )
        make_equipment(serial_number="FOCCOVERED", contract=soon)
        make_equipment(serial_number="FOCEXPIRED", contract=gone)
        make_equipment(serial_number="FOCBARE", organization=acme)
    return {"acme": acme, "soon": soon, "later": later, "gone": gone}


def test_the_contract_list_shows_status_and_renewals_in_chinese(desk):
    client = client_for(make_user("engineer"), "zh-hans")
    with clock.frozen(NOW):
        text = page_text(client.get("/contracts/"))
    assert "合同" in text and "续约" in text
    renewals = text.split('id="renewals"')[1].split("全部合同")[0]
    # 24 days left: in both windows; 55 days: only within 60.
    assert renewals.count(">HT-SOON<") == 2 and renewals.count(">HT-LATER<") == 1
    assert "HT-GONE" not in renewals
    assert "已过期" in text and "24 天后到期" in text


def test_the_contract_list_in_english_and_filtered(desk):
    client = client_for(make_user("engineer"), "en")
    with clock.frozen(NOW):
        text = page_text(client.get("/contracts/", {"status": "expired"}))
    assert "Renewals" in text and "Ending within 30 days" in text
    rows = text.split("All contracts")[1]
    assert "HT-GONE" in rows and "HT-SOON" not in rows


def test_a_manager_makes_and_amends_a_contract_through_the_forms(desk):
    make_product(code="SILVER-5X8", coverage="5x8", onsite_hours=None)
    client = client_for(make_user("cs_manager"), "zh-hans")
    r = client.post(
        "/contracts/new/",
        {
            "number": "HT-NEW",
            "organization": "ACME",
            "service_product": "silver-5x8",
            "starts_on": "2026-06-01",
            "ends_on": "2026-05-31",
        },
    )
    assert r.status_code == 400 and not Contract.objects.filter(number="HT-NEW").exists()
    assert "早于" in page_text(r)  # the end before the start, in Chinese
    r = client.post(
        "/contracts/new/",
        {
            "number": "HT-NEW",
            "organization": "ACME",
            "service_product": "silver-5x8",
            "starts_on": "2026-06-01",
            "ends_on": "2027-05-31",
        },
    )
    assert r.status_code == 302 and r["Location"] == "/contracts/HT-NEW/"
    r = client.post("/contracts/HT-NEW/coverage/", {"serial_number": "focbare"})
    assert r.status_code == 302
    assert CoverageLine.objects.get(contract__number="HT-NEW").equipment.serial_number == "FOCBARE"
    r = client.post(
        "/contracts/HT-NEW/amend/",
        {"effective_on": "2027-05-01", "ends_on": "2028-05-31", "reason": "客户续约"},
    )
    assert r.status_code == 302
    text = page_text(client.get("/contracts/HT-NEW/"))
    assert "客户续约" in text and "2027-05-31 → 2028-05-31" in text and "结束日期" in text
    assert ContractAmendment.objects.count() == 1


def test_an_engineer_sees_no_forms_and_may_not_post(desk):
    client = client_for(make_user("engineer"), "en")
    text = page_text(client.get("/contracts/HT-SOON/"))
    assert "FOCCOVERED" in text and "Amend the contract" not in text
    r = client.post("/contracts/HT-SOON/amend/", {"effective_on": "2026-12-01", "reason": "x"})
    assert r.status_code == 403
    assert client.get("/contracts/HT-SOON/amend/").status_code == 405
    assert client.get("/contracts/NOPE/").status_code == 404


def test_the_equipment_page_says_its_entitlement(desk):
    client = client_for(make_user("call_taker"), "zh-hans")
    with clock.frozen(NOW):
        covered = page_text(client.get("/contracts/equipment/foccovered/"))
        expired = page_text(client.get("/contracts/equipment/FOCEXPIRED/"))
        bare = page_text(client.get("/contracts/equipment/FOCBARE/"))
    assert "HT-SOON" in covered and "2026-12-31" in covered and "在保" in covered
    assert "2025-12-31" in expired and "维保已于 2025-12-31 到期" in expired
    assert "没有合同" in bare


def test_the_portal_shows_a_customer_their_own(desk):
    theirs = make_contract(number="HT-OTHER")
    make_equipment(serial_number="OTHERBOX", contract=theirs)
    client = client_for(make_user("customer", org=desk["acme"]), "zh-hans")
    with clock.frozen(NOW):
        r = client.get("/portal/contracts/")
    text = page_text(r)
    assert r.status_code == 200
    assert "HT-SOON" in text and "FOCCOVERED" in text and "2026-12-31" in text
    assert "HT-OTHER" not in text and "OTHERBOX" not in text
    staff = client_for(make_user("engineer"))
    assert staff.get("/portal/contracts/")["Location"] == "/contracts/"
