"""The demo desk carries contracts in every state and equipment covered, expired, bare."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk import demo
from casedesk.contracts import selectors
from casedesk.contracts.models import ContractAmendment, Equipment, ServiceProduct
from casedesk.core import audit, clock
from casedesk.sla.models import SlaPolicy

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)


def test_the_demo_makes_contracts_in_every_state():
    with clock.frozen(NOW):
        summary = demo.load(seed=1, cases=10, now=NOW)
        assert any("service products" in line for line in summary.more)
        gold = ServiceProduct.objects.get(code="GOLD-7X24")
        silver = ServiceProduct.objects.get(code="SILVER-5X8")
        policy = SlaPolicy.objects.get(service_level="gold")
        assert (gold.callback_minutes, gold.first_worklog_minutes) == (
            policy.callback_minutes,
            policy.first_worklog_minutes,
        )
        assert (gold.coverage, silver.coverage) == ("7x24", "5x8")
        assert [(a.unit, a.quantity, a.period) for a in silver.allowances.all()] == [
            ("cases", 12, "contract_year")
        ]
        assert not gold.has_allowances
        statuses = [selectors.contract_status(c) for c in selectors.contract_list(fetched_by=None)]
        assert statuses.count("expired") == 1 and statuses.count("active") == 5
        assert len(selectors.ending_soon(fetched_by=None, days=30)) == 1
        assert len(selectors.ending_soon(fetched_by=None, days=60)) == 2
        reasons = {
            selectors.entitlement(serial_number=e.serial_number, fetched_by=None).reason
            for e in Equipment.objects.all()
        }
        assert {"covered", "not_covered_for_onsite", "expired", "no_contract"} <= reasons
        assert ContractAmendment.objects.count() == 1
    assert audit.verify().ok
