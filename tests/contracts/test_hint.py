"""The live entitlement hint of the intake forms: the console's (phone form) and the
portal's, worded by the desk in the reader's language, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from casedesk.core import clock
from tests.accounts.factories import OrganizationFactory, make_user
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import client_for

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)  # 10:00 in Shanghai
CONSOLE = "/contracts/entitlement-hint/"
PORTAL = "/portal/contracts/entitlement-hint/"


@pytest.fixture
def desk(db):
    acme = OrganizationFactory(code="ACME", name="艾克米科技")
    other = OrganizationFactory(code="OTHER", name="别家公司")
    bare = OrganizationFactory(code="BARE", name="无合同公司")
    gold = make_product(code="GOLD-7X24")
    remote = make_product(code="REMOTE-5X8", coverage="5x8", onsite_hours=None, repair_days=1)
    with clock.frozen(NOW):
        current = make_contract(
            number="C-2026-001",
            organization=acme,
            product=gold,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2027, 3, 31),
        )
        gone = make_contract(
            number="C-2025-009",
            organization=acme,
            product=gold,
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2026, 10, 31),
        )
        phone_only = make_contract(
            number="C-2026-REM",
            organization=other,
            product=remote,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2027, 6, 30),
        )
        make_equipment(serial_number="FOCCOVERED", contract=current)
        make_equipment(serial_number="FOCEXPIRED", contract=gone)
        make_equipment(serial_number="FOCREMOTE", contract=phone_only)
    return {"acme": acme, "other": other, "bare": bare}


def hint(client, url: str, **query) -> dict:
    with clock.frozen(NOW):
        r = client.get(url, query)
    assert r.status_code == 200, r.content
    return r.json()


@pytest.fixture
def staff(desk):
    return make_user("call_taker")


@pytest.mark.parametrize(
    ("serial", "state", "words"),
    [
        (
            "FOCCOVERED",
            "covered",
            "Covered by contract C-2026-001 (GOLD-7X24) until 2027-03-31. 7×24 · callback 15 "
            "min, first work log 45 min, on site 4 h, repair 14 days",
        ),
        (
            " foc expired\n",  # pasted: spaces, lower case
            "uncovered",
            "Coverage expired on 2026-10-31 (contract C-2025-009). "
            "The CASE will still open, flagged as uncovered.",
        ),
        (
            "FOCNOBODY",
            "uncovered",
            "Unknown serial number. The CASE will still open, flagged as uncovered.",
        ),
        (
            "FOCREMOTE",
            "warning",
            "Covered by contract C-2026-REM (REMOTE-5X8) until 2027-06-30, but not for on-site "
            "service. 5×8 · callback 15 min, first work log 45 min, repair 1 day",
        ),
    ],
)
def test_the_phone_form_hint_says_each_state_in_english(staff, serial, state, words):
    answer = hint(client_for(staff, "en"), CONSOLE, serial_number=serial)
    assert answer["state"] == state
    assert answer["text"] == words


def test_the_phone_form_hint_in_chinese(staff):
    client = client_for(staff, "zh-hans")
    covered = hint(client, CONSOLE, serial_number="FOCCOVERED")
    assert covered["text"] == (
        "在保：合同 C-2026-001（GOLD-7X24），至 2027-03-31。"
        "7×24 · 回访 15 分钟，首次工作记录 45 分钟，上门 4 小时，维修 14 天"
    )
    unknown = hint(client, CONSOLE, serial_number="FOCNOBODY")
    assert unknown["text"] == "未知序列号。CASE 仍会受理，并标记为不在保。"
    assert unknown["state"] == "uncovered"


def test_without_a_serial_the_phone_form_hint_is_the_callers_organizations(staff):
    client = client_for(staff, "en")
    acme = hint(client, CONSOLE, organization="ACME", serial_number="  ")
    assert acme["state"] == "covered" and "C-2026-001" in acme["text"]
    # No contract at all: the organization's service level decides, as the CASE will.
    bare = hint(client, CONSOLE, organization="BARE")
    assert bare["state"] == "neutral"
    assert bare["text"] == "No contract: the organization's service level applies."
    # The serial number wins over the organization.
    box = hint(client, CONSOLE, organization="ACME", serial_number="FOCEXPIRED")
    assert box["reason"] == "expired"


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"serial_number": "   "},
        {"serial_number": "X" * 65},
        {"serial_number": "FOC\x00COVERED"},
        {"organization": "O" * 33},
    ],
)
def test_bad_input_to_the_hint_is_a_4xx_with_detail(staff, query):
    with clock.frozen(NOW):
        r = client_for(staff, "en").get(CONSOLE, query)
    assert 400 <= r.status_code < 500
    assert r.json()["detail"]


def test_the_portal_hint_is_the_customers_own(desk):
    customer = make_user("customer", org=desk["acme"])
    client = client_for(customer, "zh-hans")
    own = hint(client, PORTAL, serial_number="FOCCOVERED")
    assert own["state"] == "covered" and "C-2026-001" in own["text"]
    # Another organization's box reads as unknown: nothing of its contract shows.
    foreign = hint(client, PORTAL, serial_number="FOCREMOTE")
    assert foreign["reason"] == "unknown_serial"
    assert "C-2026-REM" not in foreign["text"] and "REMOTE" not in foreign["text"]
    # No serial: their organization's, whatever organization the query names.
    mine = hint(client, PORTAL, organization="OTHER")
    assert mine["reason"] == "covered" and "C-2026-001" in mine["text"]


def test_the_portal_hint_is_for_customers_only(desk):
    with clock.frozen(NOW):
        anonymous = Client().get(PORTAL, {"serial_number": "FOCCOVERED"})
        staff = client_for(make_user("engineer")).get(PORTAL, {"serial_number": "FOCCOVERED"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert staff.status_code == 302 and b"C-2026-001" not in staff.content


def test_the_console_hint_is_for_staff_only(desk):
    customer = make_user("customer", org=desk["acme"])
    with clock.frozen(NOW):
        r = client_for(customer).get(CONSOLE, {"serial_number": "FOCCOVERED"})
    assert r.status_code == 403 and b"C-2026-001" not in r.content
