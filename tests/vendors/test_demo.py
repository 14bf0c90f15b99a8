"""The demo's vendors: three with contacts; the CASEs that go to the vendor do so by a Cisco
TAC case, whose answer is a (late or not) update; every reference searchable on its CASE."""

import datetime as dt

import pytest

from casedesk import demo
from casedesk.cases.models import Case
from casedesk.core import audit, clock
from casedesk.vendors.models import Vendor, VendorCase, VendorUpdate

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)


def test_the_demo_has_vendors_and_vendor_cases():
    with clock.frozen(NOW):
        summary = demo.load(seed=1, cases=80, now=NOW)
    assert any("vendor cases" in line for line in summary.more)
    assert set(Vendor.objects.values_list("code", flat=True)) == {"CISCO", "HUAWEI", "CT-LINE"}
    assert all(v.contacts.count() >= 2 for v in Vendor.objects.all())
    escalated = Case.objects.filter(escalation_level=2)
    assert escalated.exists()
    for case in escalated:
        vc = VendorCase.objects.get(case=case)
        assert vc.vendor.code == "CISCO" and case.vendor_reference == vc.reference
    assert VendorUpdate.objects.exists()
    assert audit.verify().ok
