"""Two people add the same serial number's coverage at the same moment: one wins, the other
is told why, and the box is never covered twice (the equipment's row lock; PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.contracts import services
from casedesk.contracts.models import CoverageLine, Equipment
from casedesk.core.errors import Conflict
from tests.accounts.factories import OrganizationFactory
from tests.contracts.factories import contract_manager, make_contract, make_equipment
from tests.racing import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_additions_cannot_both_cover_one_serial():
    org = OrganizationFactory()
    manager = contract_manager()
    one = make_contract(
        organization=org, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    two = make_contract(
        organization=org, starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2027, 5, 31)
    )
    equipment = make_equipment(organization=org)

    def add(contract):
        return lambda: services.coverage_add(contract=contract, equipment=equipment, by=manager)

    results, errors = race([add(one), add(two)], hold=CoverageLine)
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert CoverageLine.objects.filter(equipment=equipment).count() == 1
    assert Equipment.objects.count() == 1
