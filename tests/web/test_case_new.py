"""Opening a CASE from a phone call: find the caller, grade it, describe it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from casedesk.accounts.selectors import contact_search
from casedesk.cases.models import Case, CaseEvent
from tests.factories import (
    ContactFactory,
    OrganizationFactory,
    client_for,
    database_snapshot,
    make_case,
)
from tests.factories import page_text as text


@pytest.fixture
def callers(org, other_org, contact):
    """The desk's address book: 张三 of ACME (gold), and people at another organization."""
    org.phone = "010-66668888"
    org.save(update_fields=["phone"])
    ContactFactory(organization=org, name="李四", phone="010-5850 1000", email="lisi@acme.cn")
    ContactFactory(organization=other_org, name="Alice", phone="+86 21 6288 1200", email="a@o.com")
    inactive = OrganizationFactory(code="GONE", name="Gone Corp", is_active=False)
    ContactFactory(organization=inactive, name="Ghost", phone="01058501000", email="g@gone.cn")
    return contact


def _lookup(client, **params):
    response = client.get("/cases/new/lookup/", params)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("01058501000", ["李四"]),  # the number as typed on a keypad…
        ("010-5850-1000", ["李四"]),  # …or with its punctuation
        ("62881200", ["Alice"]),
        ("010 6666 8888", ["张三", "李四"]),  # the organization's switchboard
        ("138 0013 8000", ["张三"]),
        ("LISI@acme", ["李四"]),
        ("中国电信", ["张三", "李四"]),  # the company name
        ("other corp", ["Alice"]),
        ("nobody", []),
    ],
)
def test_lookup_by_phone_email_or_company(call_taker, callers, q, names):
    found = _lookup(client_for(call_taker), q=q)["contacts"]
    assert sorted(c["name"] for c in found) == sorted(names)


def test_lookup_answers_what_the_form_fills(call_taker, callers, contact, org):
    make_case(
        contact=contact,
        by=call_taker,
        contract_id="OLD-1",
        hardware_platform="ASR 1001-X",
        software_version="16.9",
        serial_number="SN-OLD",
    )
    make_case(
        contact=contact,
        by=call_taker,
        contract_id="CTBJ-GS-2024-017",
        hardware_platform="Catalyst 9500",
        software_version="17.9.4",
        serial_number="FDO2231X0AB",
    )
    (found,) = _lookup(client_for(call_taker), q="13800138000")["contacts"]
    assert found["organization"] == {
        "code": "ACME",
        "name": "中国电信北京分公司",
        "service_level": "Gold (7×24)",
    }
    picked = _lookup(client_for(call_taker), contact=found["id"])["contact"]
    assert picked["defaults"] == {  # from the contact's most recent CASE
        "contract_id": "CTBJ-GS-2024-017",
        "hardware_platform": "Catalyst 9500",
        "software_version": "17.9.4",
        "serial_number": "FDO2231X0AB",
    }
    # a colleague who never called before gets the organization's contract, no equipment
    colleague = ContactFactory(organization=org, name="王五")
    picked = _lookup(client_for(call_taker), contact=colleague.pk)["contact"]
    assert picked["defaults"] == {
        "contract_id": "CTBJ-GS-2024-017",
        "hardware_platform": "",
        "software_version": "",
        "serial_number": "",
    }


def test_lookup_is_for_staff_only(customer, callers):
    assert client_for(customer).get("/cases/new/lookup/", {"q": "Alice"}).status_code == 403
    anonymous = Client().get("/cases/new/lookup/", {"q": "Alice"})
    assert anonymous.status_code == 302
    # the selector itself keeps a customer to their own organization
    assert [c.name for c in contact_search(q="acme.cn", fetched_by=customer)] == ["张三", "李四"]
    assert contact_search(q="Alice", fetched_by=customer) == []


def test_without_javascript_the_search_and_the_pick_are_links(call_taker, callers, contact):
    client = client_for(call_taker)
    body = text(client.get("/cases/new/", {"q": "138-0013-8000"}))
    assert f'href="/cases/new/?contact={contact.pk}&amp;q=138-0013-8000"' in body
    make_case(contact=contact, by=call_taker, contract_id="C-9", serial_number="SN-9")
    html = client.get("/cases/new/", {"contact": contact.pk}).content.decode()
    assert f'name="contact" value="{contact.pk}"' in html
    assert 'value="C-9"' in html and 'value="SN-9"' in html
    assert "中国电信北京分公司" in html


def test_the_severity_definitions_are_shown(call_taker):
    body = text(client_for(call_taker).get("/cases/new/"))
    for words in ("P1 – network down", "Network down: an existing network", "little or no effect"):
        assert words in body
    assert body.count('type="radio" name="priority"') == 4


def test_open_a_case_from_a_phone_call(call_taker, callers, contact):
    client = client_for(call_taker)
    response = client.post(
        "/cases/new/",
        {
            "contact": contact.pk,
            "priority": "P2",
            "title": "营业厅网络中断",
            "description": "三个营业厅无法访问核心系统",
            "channel": "phone",
            "contract_id": "CTBJ-GS-2024-017",
            "hardware_platform": "ISR 4451",
            "software_version": "17.3",
            "serial_number": "FGL1234",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert (case.organization.code, case.contact, case.priority, case.channel) == (
        "ACME",
        contact,
        "P2",
        "phone",
    )
    assert (case.caller_name, case.caller_phone, case.serial_number) == (
        "张三",
        "13800138000",
        "FGL1234",
    )
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.actor) == ("opened", call_taker)
    assert f"{case.number} opened." in text(client.get(response["Location"]))


def test_the_channel_defaults_to_phone(call_taker):
    html = client_for(call_taker).get("/cases/new/").content.decode()
    assert re.search(r'<option value="phone" selected>', html)


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"contact": ""}, 422, "Caller"),
        ({"contact": "999999"}, 422, "Unknown contact"),
        ({"contact": "9" * 30}, 422, "Caller"),
        ({"priority": "P9"}, 422, "Severity"),
        ({"title": "   "}, 422, "Title"),
    ],
)
def test_bad_input_opens_nothing(call_taker, contact, change, status, message):
    data = {"contact": contact.pk, "priority": "P3", "title": "x", "channel": "phone"}
    data.update(change)
    before = database_snapshot()
    response = client_for(call_taker).post("/cases/new/", data)
    assert response.status_code == status
    assert message in text(response) and "The CASE was not opened." in text(response)
    assert database_snapshot() == before


def test_an_inactive_organizations_contact_is_refused_by_the_operation(call_taker):
    gone = OrganizationFactory(code="GONE2", is_active=False)
    ghost = ContactFactory(organization=gone)
    before = database_snapshot()
    response = client_for(call_taker).post(
        "/cases/new/", {"contact": ghost.pk, "priority": "P3", "title": "x", "channel": "phone"}
    )
    assert response.status_code == 422 and "inactive" in text(response)
    assert database_snapshot() == before


def test_customers_cannot_use_the_desk_form(customer, contact):
    client = client_for(customer)
    assert client.get("/cases/new/").status_code == 403
    before = database_snapshot()
    response = client.post(
        "/cases/new/", {"contact": contact.pk, "priority": "P1", "title": "x", "channel": "phone"}
    )
    assert response.status_code == 403
    assert database_snapshot() == before


def test_a_bad_contact_id_is_not_found_not_an_error(call_taker, contact):
    client = client_for(call_taker)
    for bad in ("9" * 30, "abc", "-1", ""):
        assert client.get("/cases/new/lookup/", {"contact": bad}).status_code == 404
        assert client.get("/cases/new/", {"contact": bad}).status_code == 200
