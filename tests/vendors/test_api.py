"""The vendor endpoints: statuses, bodies, and bad input that writes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from casedesk.sla.models import Deadline
from casedesk.vendors.models import Vendor, VendorCase, VendorUpdate
from tests.accounts.factories import make_user
from tests.factories import database_snapshot
from tests.vendors.factories import make_vendor, working_case

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, path, body):
    return client.post("/api/v1" + path, data=json.dumps(body), content_type="application/json")


def _rows():
    return (
        database_snapshot(),
        list(VendorCase.objects.values()),
        list(VendorUpdate.objects.values()),
        list(Deadline.objects.order_by("pk").values()),
    )


def test_a_vendor_case_through_the_api():
    sup = make_user("supervisor")
    client = _api(sup)
    r = post(client, "/vendors", {"code": "cisco", "name": "Cisco TAC", "email": "tac@cisco.com",
                                  "update_hours": 4})  # fmt: skip
    assert r.status_code == 201, r.content
    assert r.json()["code"] == "CISCO" and r.json()["update_hours"] == 4
    case = working_case()
    owner = _api(case.engineer)
    r = post(owner, f"/cases/{case.number}/vendor-cases",
             {"vendor": "CISCO", "reference": "694512345", "severity": "S1", "sent": "show tech"})  # fmt: skip
    assert r.status_code == 201, r.content
    vc = r.json()
    assert vc["id"] and vc["case"] == case.number and vc["status"] == "open"
    kinds = {(d["kind"], d["recipient"]) for d in vc["deadlines"]}
    assert kinds == {("vendor_update", ""), ("vendor_update", "supervisor")}
    first_due = vc["next_update_due"]
    assert first_due is not None

    r = post(owner, f"/vendor-cases/{vc['id']}/updates", {"note": "TAC 要求 debug 输出"})
    assert r.status_code == 201, r.content
    after = r.json()
    assert [u["note"] for u in after["updates"]] == ["TAC 要求 debug 输出"]
    assert len(after["deadlines"]) == 4 and after["next_update_due"] >= first_due

    case_json = client.get(f"/api/v1/cases/{case.number}").json()
    assert case_json["vendor_reference"] == "694512345" and case_json["escalation_level"] == 2

    r = post(owner, f"/vendor-cases/{vc['id']}/close", {"note": "TAC 提供补丁"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert r.json()["next_update_due"] is None
    listed = client.get("/api/v1/vendor-cases?status=closed").json()
    assert [x["id"] for x in listed] == [vc["id"]]


def test_an_update_on_a_closed_vendor_case_is_409_and_writes_nothing():
    case = working_case()
    make_vendor(code="HW")
    owner = _api(case.engineer)
    vc = post(owner, f"/cases/{case.number}/vendor-cases",
              {"vendor": "HW", "reference": "C2612001", "severity": "S2"}).json()  # fmt: skip
    assert post(owner, f"/vendor-cases/{vc['id']}/close", {}).status_code == 200
    before = _rows()
    r = post(owner, f"/vendor-cases/{vc['id']}/updates", {"note": "迟到"})
    assert r.status_code == 409 and "closed" in r.json()["detail"]
    assert _rows() == before


@pytest.mark.parametrize(
    "body, status, words",
    [
        ({"vendor": "NOPE", "reference": "1", "severity": "S1"}, 422, "Unknown vendor"),
        ({"vendor": "HW", "reference": "1", "severity": "S9"}, 422, "Unknown severity"),
        ({"vendor": "OLD", "reference": "1", "severity": "S1"}, 422, "inactive"),
        ({"vendor": "HW", "reference": "a b", "severity": "S1"}, 422, "spaces"),
        ({"vendor": "HW", "reference": "1", "severity": "S1", "files": [987654]}, 422, "files"),
    ],
)
def test_bad_input_when_opening(body, status, words):
    case = working_case()
    make_vendor(code="HW")
    old = make_vendor(code="OLD")
    Vendor.objects.filter(pk=old.pk).update(active=False)
    before = _rows()
    r = post(_api(case.engineer), f"/cases/{case.number}/vendor-cases", body)
    assert r.status_code == status, r.content
    assert words in r.json()["detail"]
    assert _rows() == before


def test_the_old_escalation_to_the_vendor_points_to_the_vendor_case():
    case = working_case()
    before = _rows()
    r = post(_api(case.engineer), f"/cases/{case.number}/escalate",
             {"target": "vendor", "reason": "TAC"})  # fmt: skip
    assert r.status_code == 422 and "vendor-cases" in r.json()["detail"]
    assert _rows() == before


def test_bad_vendors_are_refused():
    client = _api(make_user("supervisor"))
    assert (
        post(client, "/vendors", {"code": "X", "name": "x", "update_hours": 0}).status_code == 422
    )
    make_vendor(code="DUP")
    r = post(client, "/vendors", {"code": "dup", "name": "x"})
    assert r.status_code == 409 and r.json()["detail"]
    r = post(_api(make_user("engineer")), "/vendors", {"code": "E", "name": "x"})
    assert r.status_code == 403
    assert not Vendor.objects.filter(code__in=("X", "E")).exists()
