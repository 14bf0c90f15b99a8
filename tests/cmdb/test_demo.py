"""The demo's CMDB: two customers' networks linked to their equipment by serial, their
services, a later change and a retirement; every change audited, the chain intact."""

import datetime as dt

import pytest

from casedesk import demo
from casedesk.cmdb import selectors
from casedesk.cmdb.models import ConfigurationItem, Service
from casedesk.contracts.models import Equipment
from casedesk.core import audit, clock
from casedesk.core.models import AuditRecord

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)


def test_the_demo_builds_two_networks_with_their_services():
    with clock.frozen(NOW):
        summary = demo.load(seed=1, cases=40, now=NOW)
    assert any("configuration items" in line for line in summary.more)
    orgs = set(ConfigurationItem.objects.values_list("organization__code", flat=True))
    assert len(orgs) == 2
    assert Service.objects.count() == 6
    linked = ConfigurationItem.objects.exclude(serial_number="")
    assert linked.exists()
    assert all(Equipment.objects.filter(serial_number=ci.serial_number).exists() for ci in linked)
    assert ConfigurationItem.objects.filter(status="retired").count() == 2
    assert AuditRecord.objects.filter(action="ci.change").count() == 2
    circuit = ConfigurationItem.objects.filter(kind="circuit").first()
    found = selectors.impact(circuit, fetched_by=None)
    assert found.services and found.customers == [circuit.organization]
    assert audit.verify().ok
