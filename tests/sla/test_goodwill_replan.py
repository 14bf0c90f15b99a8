"""Issue 13: when a manager approves goodwill for an uncovered CASE, its first callback and
first work log fall due as the goodwill product promises, in that product's hours, counted
from the CASE's creation; a promise already kept stays as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services
from casedesk.core import clock
from casedesk.sla.models import Deadline
from tests.accounts.factories import ContactFactory, OrganizationFactory
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

SATURDAY_NIGHT = dt.datetime(2026, 11, 28, 14, 0, tzinfo=dt.UTC)  # 22:00 in Shanghai
MONDAY_OPENING = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
LATER = SATURDAY_NIGHT + dt.timedelta(minutes=3)


def uncovered_case(org, product, serial: str):
    contract = make_contract(
        organization=org,
        product=product,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    make_equipment(serial_number=serial, contract=contract)
    with clock.frozen(SATURDAY_NIGHT):
        return make_case(
            contact=ContactFactory(organization=org),
            by=make_user("call_taker"),
            serial_number=serial,
        )


def due(case) -> dict[str, Deadline]:
    return {d.key: d for d in Deadline.objects.filter(case=case)}


def approve(case, **kwargs):
    with clock.frozen(LATER):
        return services.case_approve_goodwill(
            case=case, reason="续约中", by=make_user("cs_manager"), **kwargs
        )


def test_a_silver_customer_served_as_7x24_goodwill_is_due_in_the_products_minutes_tonight():
    silver = OrganizationFactory(service_level="silver")
    platinum = make_product(
        code="PLAT-7X24", coverage="7x24", callback_minutes=10, first_worklog_minutes=30
    )
    case = uncovered_case(silver, platinum, "FOC2611R001")
    before = due(case)
    # Uncovered: silver's 5×8 hours decide, counted from Monday 09:00.
    assert before["callback:c0"].due_at == MONDAY_OPENING + dt.timedelta(minutes=15)
    assert before["first_worklog:c0"].due_at == MONDAY_OPENING + dt.timedelta(minutes=45)
    approve(case)
    after = due(case)
    # Served as the expired contract's PLAT-7X24: counted on Saturday night, from creation.
    assert after["callback:c0"].due_at == SATURDAY_NIGHT + dt.timedelta(minutes=10)
    assert after["first_worklog:c0"].due_at == SATURDAY_NIGHT + dt.timedelta(minutes=30)
    assert (after["callback:c0"].target_minutes, after["first_worklog:c0"].target_minutes) == (
        10,
        30,
    )
    assert after["callback:c0"].anchor_at == case.created_at


def test_a_gold_customer_served_with_a_5x8_product_waits_for_its_hours():
    gold = OrganizationFactory(service_level="gold")
    expired = make_product(code="GOLD-7X24", coverage="7x24")
    make_product(code="BASIC-5X8", coverage="5x8", callback_minutes=20, first_worklog_minutes=60)
    case = uncovered_case(gold, expired, "FOC2611R002")
    # Uncovered: gold's 7×24 decides, counted at once.
    assert due(case)["callback:c0"].due_at == SATURDAY_NIGHT + dt.timedelta(minutes=15)
    approve(case, service_product="BASIC-5X8")
    after = due(case)
    assert after["callback:c0"].due_at == MONDAY_OPENING + dt.timedelta(minutes=20)
    assert after["first_worklog:c0"].due_at == MONDAY_OPENING + dt.timedelta(minutes=60)


def test_a_promise_already_kept_is_left_as_it_was():
    silver = OrganizationFactory(service_level="silver")
    platinum = make_product(
        code="PLAT-7X24", coverage="7x24", callback_minutes=10, first_worklog_minutes=30
    )
    case = uncovered_case(silver, platinum, "FOC2611R003")
    owner = make_user("engineer", tier="senior")
    with clock.frozen(SATURDAY_NIGHT + dt.timedelta(minutes=1)):
        case = services.case_assign(case=case, engineer=owner, by=make_user("duty_engineer"))
        services.case_log_work(case=case, kind="callback", note="已回电", minutes=5, by=owner)
    kept = due(case)["callback:c0"]
    assert kept.met_at is not None
    approve(case)
    after = due(case)
    assert (after["callback:c0"].due_at, after["callback:c0"].met_at) == (
        kept.due_at,
        kept.met_at,
    )
    assert after["callback:c0"].target_minutes == kept.target_minutes
