"""Each operation of the contracts domain: the change, the refusal (nothing written), the
audit record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from casedesk.contracts import services
from casedesk.contracts.models import (
    Contract,
    ContractAmendment,
    CoverageLine,
    Equipment,
    ServiceProduct,
)
from casedesk.contracts.serials import normalize_serial
from casedesk.core.errors import Conflict, Forbidden, InvalidInput
from casedesk.core.models import AuditRecord
from tests.accounts.factories import OrganizationFactory, make_user
from tests.contracts.factories import (
    contract_manager,
    make_contract,
    make_equipment,
    make_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """These tests read the operations' refusals in English (outside a request they speak
    whatever language is active: the desk's by default)."""
    with translation.override("en"):
        yield


D = dt.date


def test_a_contract_manager_defines_a_product_and_it_is_audited():
    product = make_product(code="gold-7x24", onsite_hours=4)
    assert product.code == "GOLD-7X24"
    record = AuditRecord.objects.get(action="service_product.create")
    assert record.object_id == str(product.pk)
    assert record.actor == contract_manager().username


@pytest.mark.parametrize("role", ["engineer", "call_taker", "supervisor", "duty_engineer"])
def test_only_contract_managers_define_products(role):
    with pytest.raises(Forbidden):
        make_product(by=make_user(role))
    assert not ServiceProduct.objects.exists()
    assert not AuditRecord.objects.filter(action="service_product.create").exists()


def test_a_product_code_is_taken_once():
    make_product(code="SILVER-5X8", coverage="5x8")
    with pytest.raises(Conflict):
        services.service_product_create(
            code="silver-5x8",
            name="again",
            coverage="5x8",
            callback_minutes=30,
            first_worklog_minutes=60,
            by=contract_manager(),
        )


def test_a_product_needs_a_known_coverage():
    with pytest.raises(InvalidInput):
        make_product(code="ODD", coverage="6x10")
    assert not ServiceProduct.objects.exists()


def test_a_product_change_is_audited_with_before_and_after():
    product = make_product()
    services.service_product_change(
        product=product, changes={"callback_minutes": 10}, by=contract_manager()
    )
    product.refresh_from_db()
    assert product.callback_minutes == 10
    record = AuditRecord.objects.get(action="service_product.change")
    assert '"callback_minutes":15' in record.data and '"callback_minutes":10' in record.data


def test_a_product_change_refuses_its_code():
    product = make_product()
    with pytest.raises(InvalidInput):
        services.service_product_change(
            product=product, changes={"code": "X"}, by=contract_manager()
        )


def test_a_contract_is_made_for_whole_days():
    contract = make_contract(starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
    assert (contract.starts_on, contract.ends_on) == (D(2026, 1, 1), D(2026, 12, 31))
    assert AuditRecord.objects.filter(action="contract.create", object_id=str(contract.pk)).exists()


def test_a_contract_may_not_end_before_it_starts():
    with pytest.raises(InvalidInput, match="before the start"):
        make_contract(number="HT-BAD", starts_on=D(2026, 6, 1), ends_on=D(2026, 5, 31))
    assert not Contract.objects.filter(number="HT-BAD").exists()


@pytest.mark.parametrize("number", ["", "  ", "HT 2026", "HT/2026/1"])
def test_a_contract_number_is_one_word(number):
    with pytest.raises(InvalidInput):
        make_contract(number=number or " ")
    assert not Contract.objects.exists()


def test_a_one_day_contract_is_fine():
    contract = make_contract(starts_on=D(2026, 6, 1), ends_on=D(2026, 6, 1))
    assert contract.starts_on == contract.ends_on


def test_a_contract_number_is_taken_once():
    make_contract(number="HT-1")
    with pytest.raises(Conflict):
        make_contract(number="HT-1")


def test_serial_numbers_are_normalized():
    assert normalize_serial("  foc 2131\tx0ab \n") == "FOC2131X0AB"
    equipment = make_equipment(serial_number=" foc 2131 x0ab ")
    assert equipment.serial_number == "FOC2131X0AB"
    with pytest.raises(Conflict):
        make_equipment(serial_number="FOC2131X0AB")


def test_equipment_with_a_contract_is_covered_over_the_contract_days():
    contract = make_contract(starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
    equipment = make_equipment(contract=contract)
    [line] = equipment.coverage.all()
    assert (line.contract, line.service_product, line.starts_on, line.ends_on) == (
        contract,
        contract.service_product,
        D(2026, 1, 1),
        D(2026, 12, 31),
    )
    assert AuditRecord.objects.filter(action="coverage.add").count() == 1


def test_equipment_change_is_audited_and_limited():
    equipment = make_equipment()
    services.equipment_change(
        equipment=equipment, changes={"site": " 上海机房 "}, by=contract_manager()
    )
    equipment.refresh_from_db()
    assert equipment.site == "上海机房"
    assert AuditRecord.objects.filter(action="equipment.change").exists()
    with pytest.raises(InvalidInput):
        services.equipment_change(
            equipment=equipment, changes={"serial_number": "X"}, by=contract_manager()
        )


def test_overlapping_coverage_of_one_serial_and_product_is_refused():
    org = OrganizationFactory()
    first = make_contract(organization=org, starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
    second = make_contract(organization=org, starts_on=D(2026, 12, 31), ends_on=D(2027, 12, 31))
    equipment = make_equipment(contract=first)
    with pytest.raises(Conflict, match=first.number):
        services.coverage_add(contract=second, equipment=equipment, by=contract_manager())
    assert CoverageLine.objects.filter(contract=second).count() == 0
    # From the day after, it is a renewal.
    line = services.coverage_add(
        contract=second, equipment=equipment, starts_on=D(2027, 1, 1), by=contract_manager()
    )
    assert line.starts_on == D(2027, 1, 1)


def test_another_product_may_cover_the_same_days():
    org = OrganizationFactory()
    contract = make_contract(organization=org)
    equipment = make_equipment(contract=contract)
    parts = make_product(code="PARTS-NBD", onsite_hours=None, replacement_hours=24)
    line = services.coverage_add(
        contract=contract, equipment=equipment, service_product=parts, by=contract_manager()
    )
    assert line.service_product == parts


def test_coverage_stays_within_the_contract_and_its_organization():
    contract = make_contract(starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30))
    mine = make_equipment(organization=contract.organization)
    theirs = make_equipment()
    with pytest.raises(InvalidInput):
        services.coverage_add(
            contract=contract, equipment=mine, ends_on=D(2026, 7, 1), by=contract_manager()
        )
    with pytest.raises(InvalidInput):
        services.coverage_add(contract=contract, equipment=theirs, by=contract_manager())
    assert not CoverageLine.objects.exists()


def test_an_extension_is_an_amendment_and_the_coverage_follows():
    contract = make_contract(starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
    equipment = make_equipment(contract=contract)
    amendment = services.contract_amend(
        contract=contract,
        effective_on=D(2026, 12, 1),
        ends_on=D(2027, 12, 31),
        reason="续约一年",
        by=contract_manager(),
    )
    contract.refresh_from_db()
    assert contract.ends_on == D(2027, 12, 31)
    assert amendment.seq == 1
    assert amendment.changes == {
        "before": {"ends_on": "2026-12-31"},
        "after": {"ends_on": "2027-12-31"},
    }
    assert equipment.coverage.get().ends_on == D(2027, 12, 31)
    record = AuditRecord.objects.get(action="contract.amend")
    assert record.reason == "续约一年"


def test_an_amendment_needs_a_reason_and_a_change():
    contract = make_contract()
    with pytest.raises(InvalidInput):
        services.contract_amend(
            contract=contract,
            effective_on=D(2026, 6, 1),
            ends_on=D(2027, 1, 1),
            reason=" ",
            by=contract_manager(),
        )
    with pytest.raises(InvalidInput):
        services.contract_amend(
            contract=contract, effective_on=D(2026, 6, 1), reason="nothing", by=contract_manager()
        )
    with pytest.raises(InvalidInput, match="before the start"):
        services.contract_amend(
            contract=contract,
            effective_on=D(2026, 1, 1),
            ends_on=D(2025, 1, 1),
            reason="x",
            by=contract_manager(),
        )
    assert not ContractAmendment.objects.exists()


def test_an_upgrade_splits_the_coverage_at_its_effective_day():
    silver = make_product(code="SILVER-5X8", coverage="5x8", onsite_hours=None)
    gold = make_product(code="GOLD-7X24")
    contract = make_contract(product=silver, starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
    equipment = make_equipment(contract=contract)
    services.contract_amend(
        contract=contract,
        effective_on=D(2026, 7, 1),
        service_product=gold,
        reason="升级金牌",
        by=contract_manager(),
    )
    lines = [
        (line.service_product.code, line.starts_on, line.ends_on)
        for line in equipment.coverage.order_by("starts_on")
    ]
    assert lines == [
        ("SILVER-5X8", D(2026, 1, 1), D(2026, 6, 30)),
        ("GOLD-7X24", D(2026, 7, 1), D(2026, 12, 31)),
    ]


def test_an_extension_into_a_renewal_is_refused_whole():
    org = OrganizationFactory()
    first = make_contract(organization=org, starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
    renewal = make_contract(organization=org, starts_on=D(2027, 1, 1), ends_on=D(2027, 12, 31))
    equipment = make_equipment(contract=first)
    services.coverage_add(contract=renewal, equipment=equipment, by=contract_manager())
    with pytest.raises(Conflict):
        services.contract_amend(
            contract=first,
            effective_on=D(2026, 12, 1),
            ends_on=D(2027, 3, 31),
            reason="延期",
            by=contract_manager(),
        )
    first.refresh_from_db()
    assert first.ends_on == D(2026, 12, 31)
    assert not ContractAmendment.objects.exists()


def test_amending_needs_the_right():
    contract = make_contract()
    with pytest.raises(Forbidden):
        services.contract_amend(
            contract=contract,
            effective_on=D(2026, 6, 1),
            ends_on=D(2027, 1, 1),
            reason="x",
            by=make_user("engineer"),
        )


def test_equipment_needs_a_serial_number():
    with pytest.raises(InvalidInput):
        make_equipment(serial_number="   ")
    assert not Equipment.objects.exists()
