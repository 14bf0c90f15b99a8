"""Issue 13: every CASE keeps the entitlement decided when it was opened (whatever the
channel: the operation decides it, not the form), and its promised times come from it."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.accounts import services as people
from casedesk.core import clock
from casedesk.sla.models import Deadline
from tests.accounts.factories import ContactFactory, OrganizationFactory
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

# Saturday 2026-11-28 22:00 in Shanghai: outside 5×8 hours, inside 7×24.
SATURDAY_NIGHT = dt.datetime(2026, 11, 28, 14, 0, tzinfo=dt.UTC)
MONDAY_OPENING = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai


@pytest.fixture
def silver():
    return OrganizationFactory(service_level="silver")


@pytest.fixture
def platinum():
    return make_product(code="PLAT-7X24", coverage="7x24", callback_minutes=10)


def open_case(org, *, serial="", when=SATURDAY_NIGHT):
    with clock.frozen(when):
        return make_case(
            contact=ContactFactory(organization=org),
            by=make_user("call_taker"),
            serial_number=serial,
        )


def callback_due(case) -> dt.datetime:
    return Deadline.objects.get(case=case, kind="callback").due_at


def test_a_covered_box_gets_its_products_times_in_its_coverage_hours(silver, platinum):
    contract = make_contract(number="HT-PLAT-1", organization=silver, product=platinum)
    make_equipment(serial_number="FOC2611A001", contract=contract)
    case = open_case(silver, serial=" foc2611a001 ")
    assert case.entitlement["entitled"] is True
    assert case.entitlement["contract"] == "HT-PLAT-1"
    assert case.entitlement["service_product"] == "PLAT-7X24"
    assert case.entitlement["ends_on"] == "2026-12-31"
    # A silver (5×8) customer, but the box's product is 7×24 with a 10-minute callback.
    assert callback_due(case) == SATURDAY_NIGHT + dt.timedelta(minutes=10)


def test_an_expired_box_opens_anyway_flagged_with_its_levels_times(silver, platinum):
    contract = make_contract(
        organization=silver,
        product=platinum,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    make_equipment(serial_number="FOC2611A002", contract=contract)
    case = open_case(silver, serial="FOC2611A002")
    assert case.status == "open"
    assert (case.entitlement["entitled"], case.entitlement["reason"]) == (False, "expired")
    assert case.entitlement["ends_on"] == "2025-12-31"
    assert callback_due(case) == MONDAY_OPENING + dt.timedelta(minutes=15)  # silver's


def test_an_unknown_serial_is_kept_as_such(silver):
    case = open_case(silver, serial="NOSUCHBOX")
    assert (case.entitlement["entitled"], case.entitlement["reason"]) == (False, "unknown_serial")


def test_another_organizations_box_is_an_unknown_serial_to_this_case(silver, platinum):
    theirs = OrganizationFactory()
    contract = make_contract(number="HT-THEIRS", organization=theirs, product=platinum)
    make_equipment(serial_number="FOC2611A003", contract=contract)
    case = open_case(silver, serial="FOC2611A003")
    # Neither their contract's number nor its promises reach this CASE.
    assert case.entitlement == {
        "entitled": False,
        "reason": "unknown_serial",
        "contract": None,
        "service_product": None,
        "starts_on": None,
        "ends_on": None,
        "coverage": None,
        "calendar": None,
        "targets": None,
    }
    assert callback_due(case) == MONDAY_OPENING + dt.timedelta(minutes=15)  # silver's


def test_without_a_serial_the_organizations_one_active_contract_decides(silver, platinum):
    make_contract(number="HT-PLAT-2", organization=silver, product=platinum)
    case = open_case(silver)
    assert case.entitlement["contract"] == "HT-PLAT-2" and case.entitlement["entitled"]
    assert callback_due(case) == SATURDAY_NIGHT + dt.timedelta(minutes=10)


def test_an_organization_that_never_had_a_contract_keeps_its_level(silver):
    case = open_case(silver)
    assert case.entitlement is None
    assert callback_due(case) == MONDAY_OPENING + dt.timedelta(minutes=15)


def test_an_api_opening_answers_its_entitlement(client, silver, platinum):
    contract = make_contract(number="HT-PLAT-3", organization=silver, product=platinum)
    make_equipment(serial_number="FOC2611A003", contract=contract)
    contact = ContactFactory(organization=silver)
    taker = make_user("call_taker")
    token = people.token_create(user=taker, name="t")[1]
    with clock.frozen(SATURDAY_NIGHT):
        r = client.post(
            "/api/v1/cases",
            {
                "organization": silver.code,
                "contact": contact.pk,
                "title": "交换机端口down",
                "priority": "P3",
                "channel": "phone",
                "serial_number": "FOC2611A003",
            },
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert r.status_code == 201, r.content
    assert r.json()["entitlement"] == {
        "entitled": True,
        "contract": "HT-PLAT-3",
        "service_product": "PLAT-7X24",
        "reason": "covered",
        "goodwill": False,
        "allowances": None,  # its product counts nothing
    }


def test_the_case_page_says_what_the_case_is_entitled_to_in_the_readers_language(silver, platinum):
    from tests.factories import client_for, page_text

    contract = make_contract(number="HT-PLAT-4", organization=silver, product=platinum)
    make_equipment(serial_number="FOC2611A004", contract=contract)
    covered = open_case(silver, serial="FOC2611A004")
    unknown = open_case(silver, serial="NOSUCHBOX")
    duty = make_user("duty_engineer")
    english = page_text(client_for(duty, "en").get(f"/cases/{covered.number}/"))
    assert "Covered by contract HT-PLAT-4 (PLAT-7X24) until 2026-12-31." in english
    chinese = page_text(client_for(duty, "zh-hans").get(f"/cases/{covered.number}/"))
    assert "在保：合同 HT-PLAT-4（PLAT-7X24），至 2026-12-31。" in chinese
    flagged = page_text(client_for(duty, "en").get(f"/cases/{unknown.number}/"))
    assert 'class="entitlement uncovered"' in flagged
    # The customer reads it in the portal too.
    customer = make_user("customer", org=silver)
    portal = page_text(client_for(customer, "zh-hans").get(f"/portal/cases/{covered.number}/"))
    assert "在保：合同 HT-PLAT-4" in portal


SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("coverage", "opened", "callback", "first_worklog"),
    [
        # docs/PROMISES.md's worked example: the eve of National Day 2026 (1–7 October off).
        ("7x24", (2026, 9, 30, 17, 50), (2026, 9, 30, 18, 5), (2026, 9, 30, 18, 35)),
        ("5x8", (2026, 9, 30, 17, 50), (2026, 10, 8, 9, 5), (2026, 10, 8, 9, 35)),
        # Saturday 2026-10-10 is a 调休 working day.
        ("5x8", (2026, 10, 9, 17, 50), (2026, 10, 10, 9, 5), (2026, 10, 10, 9, 35)),
        # The last covered day at 17:59: covered, the promise runs past the end.
        ("5x8", (2026, 12, 31, 17, 59), (2027, 1, 4, 9, 14), (2027, 1, 4, 9, 44)),
    ],
)
def test_the_products_minutes_count_on_its_coverage_calendar(
    silver, coverage, opened, callback, first_worklog
):
    product = make_product(code=f"P-{coverage}", coverage=coverage, onsite_hours=None)
    contract = make_contract(organization=silver, product=product)  # all of 2026
    make_equipment(serial_number="FOC2609B001", contract=contract)
    case = open_case(silver, serial="FOC2609B001", when=dt.datetime(*opened, tzinfo=SHANGHAI))
    assert case.entitlement["entitled"] is True
    due = {d.kind: d.due_at for d in Deadline.objects.filter(case=case)}
    assert due["callback"] == dt.datetime(*callback, tzinfo=SHANGHAI)
    assert due["first_worklog"] == dt.datetime(*first_worklog, tzinfo=SHANGHAI)
