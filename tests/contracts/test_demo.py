"""The demo desk carries contracts in every state and equipment covered, expired, bare."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk import demo
from casedesk.cases.models import Case
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
            ("cases", 120, "contract_year")
        ]
        assert not gold.has_allowances
        statuses = [selectors.contract_status(c) for c in selectors.contract_list(fetched_by=None)]
        # One expired, one renewed during the history (its predecessor expired too).
        assert statuses.count("expired") == 2 and statuses.count("active") == 5
        assert len(selectors.ending_soon(fetched_by=None, days=30)) == 1
        assert len(selectors.ending_soon(fetched_by=None, days=60)) == 2
        reasons = {
            selectors.entitlement(serial_number=e.serial_number, fetched_by=None).reason
            for e in Equipment.objects.all()
        }
        assert {"covered", "not_covered_for_onsite", "expired", "no_contract"} <= reasons
        assert ContractAmendment.objects.count() == 1
        # The CASEs were opened on the installed base: their entitlement decided at intake,
        # the boxes they name are the organizations' own.
        kept = [c.entitlement for c in Case.objects.all()]
        assert all(k is not None for k in kept)
        assert sum(1 for k in kept if k["entitled"]) >= len(kept) // 2
        for case in Case.objects.exclude(entitlement__reason="unknown_serial"):
            box = Equipment.objects.get(serial_number=case.serial_number)
            assert box.organization_id == case.organization_id
            assert box.model == case.hardware_platform
    assert audit.verify().ok


def test_an_urgent_case_on_an_expired_contract_is_served_as_goodwill():
    """The demo ``make run`` loads (its seed and size) shows goodwill service."""
    with clock.frozen(NOW):
        demo.load(now=NOW)
    served = [c for c in Case.objects.all() if (c.entitlement or {}).get("goodwill")]
    assert served, "the demo serves no CASE as goodwill"
    for case in served:
        # Only a CASE its expired contract no longer covered, approved once by the manager.
        assert (case.entitlement["entitled"], case.entitlement["reason"]) == (False, "expired")
        assert case.entitlement["goodwill"]["by"] == "csm"
        assert case.events.filter(kind="goodwill_approved").count() == 1
    # Not every uncovered CASE: the less urgent ones wait for the renewal.
    assert Case.objects.filter(entitlement__reason="expired").count() > len(served)
