"""Two CASEs of one box opened at the same moment for the last CASE of the allowance: one is
covered, the other opens over the allowance (the counter row's lock; PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.contracts import allowances
from casedesk.contracts.models import AllowanceCounter
from casedesk.core import clock
from tests.accounts.factories import ContactFactory, make_user
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import make_case
from tests.racing import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

AT = dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC)


def test_two_intakes_racing_for_the_last_case_cannot_both_be_covered():
    product = make_product(
        code="ONE-A-YEAR",
        allowances=({"unit": "cases", "quantity": 1, "period": "contract_year"},),
    )
    contract = make_contract(product=product)
    make_equipment(serial_number="FOCRACE0001", contract=contract)
    contacts = [ContactFactory(organization=contract.organization) for _ in range(2)]
    taker = make_user("call_taker")

    def open_for(contact):
        def job():
            with clock.frozen(AT):
                return make_case(contact=contact, by=taker, serial_number="FOCRACE0001")

        return job

    results, errors = race([open_for(c) for c in contacts], hold=AllowanceCounter)
    assert not errors, errors
    reasons = sorted(case.entitlement["reason"] for case in results)
    assert reasons == ["allowance_used_up", "covered"]
    [use] = allowances.usage(
        contract_id=contract.pk,
        contract_starts_on=contract.starts_on,
        product_id=product.pk,
        day=dt.date(2026, 6, 1),
    )
    assert (use.used, use.remaining) == (2, 0)
