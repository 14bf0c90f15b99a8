"""The admin edits equipment through the audited save; contracts are read-only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casedesk.core import audit
from casedesk.core.models import AuditRecord
from tests.accounts.factories import make_user
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.core.test_audit_domains import _form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    user = make_user("admin", username="root")
    client.force_login(user)
    return user


def test_an_admin_edit_of_equipment_is_audited(client, root):
    equipment = make_equipment(serial_number="FOCADMIN1")
    url = reverse("admin:contracts_equipment_change", args=[equipment.pk])
    data = _form_data(client.get(url))
    data["site"] = "上海浦东机房"
    r = client.post(url, data)
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    equipment.refresh_from_db()
    assert equipment.site == "上海浦东机房"
    (rec,) = AuditRecord.objects.filter(action="equipment.change", actor="root")
    assert rec.changes["after"]["site"] == "上海浦东机房"
    assert audit.verify().ok


def test_a_contract_cannot_be_edited_in_the_admin(client, root):
    contract = make_contract(number="HT-ADMIN")
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    assert client.get(url).status_code == 200  # shown, read-only
    r = client.post(url, {"number": "HT-CHANGED", "ends_on": "2099-12-31"})
    assert r.status_code == 403
    contract.refresh_from_db()
    assert contract.number == "HT-ADMIN"


def test_an_allowance_added_in_the_admin_is_audited_and_limits_entitlement(client, root):
    product = make_product(code="ADMIN-P")
    url = reverse("admin:contracts_serviceproduct_change", args=[product.pk])
    data = _form_data(client.get(url))
    prefix = "allowances"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-unit": "cases",
            f"{prefix}-0-quantity": "12",
            f"{prefix}-0-period": "contract_year",
        }
    )
    r = client.post(url, data)
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    product.refresh_from_db()
    assert product.has_allowances  # the entitlement now reads them
    assert [(a.unit, a.quantity) for a in product.allowances.all()] == [("cases", 12)]
    assert AuditRecord.objects.filter(action="allowance.create", actor="root").exists()
    assert audit.verify().ok
