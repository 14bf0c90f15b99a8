"""The CMDB's endpoints: bodies and statuses, bad input answered 4xx with a detail and
nothing written."""

from __future__ import annotations

import pytest

from tests.accounts.factories import make_user
from tests.cmdb.factories import snapshot
from tests.factories import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(org, other_org):
    return ApiClient(make_user("engineer", tier="senior"))


def _ci(api, name, kind="router", org="ACME", **more):
    response = api.post(
        "/configuration-items", {"name": name, "kind": kind, "organization": org, **more}
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_a_network_and_its_impact(api):
    circuit = _ci(api, "北京-上海 MSTP 电路", "circuit", serial_number="ckt 001")
    router = _ci(api, "核心路由器", attributes={"ip": "10.1.1.1", "slots": 8})
    app = _ci(api, "ERP", "application")
    for ci, to, kind in ((router, circuit, "depends_on"), (app, router, "runs_on")):
        response = api.post(f"/configuration-items/{ci}/relations", {"to": to, "kind": kind})
        assert response.status_code == 201
        assert response.json()["ci"] == ci and response.json()["to"] == to
    service = api.post("/services", {"organization": "ACME", "name": "ERP 服务"})
    assert service.status_code == 201 and service.json()["downtime_budget_hours"] == 72
    sid = service.json()["id"]
    added = api.post(f"/services/{sid}/items", {"item": app})
    assert added.status_code == 201 and added.json()["items"] == [app]
    impact = api.get(f"/configuration-items/{circuit}/impact").json()
    assert impact["count"] == 2
    assert {i["id"] for i in impact["items"]} == {router, app}
    assert impact["services"] == [{"id": sid, "name": "ERP 服务", "organization": "ACME"}]
    assert impact["customers"] == ["ACME"]
    got = api.get(f"/configuration-items/{circuit}").json()
    assert got["serial_number"] == "CKT001"
    history = api.get(f"/configuration-items/{router}/history").json()
    assert [h["action"] for h in history] == ["ci.relate", "ci.create"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"to": "self", "kind": "depends_on"}, 422),
        ({"to": 987654321, "kind": "depends_on"}, 422),
        ({"to": "b", "kind": "likes"}, 422),
        ({"to": "b", "kind": "depends_on"}, 409),  # a duplicate
        ({"to": "c", "kind": "runs_on"}, 409),  # c depends on a: a cycle
        ({"to": "b", "kind": "depends_on", "extra": 1}, 422),
    ],
)
def test_bad_relations_are_refused_with_a_detail_and_nothing_written(api, body, status):
    a, b, c = _ci(api, "a"), _ci(api, "b"), _ci(api, "c")
    api.post(f"/configuration-items/{a}/relations", {"to": b, "kind": "depends_on"})
    api.post(f"/configuration-items/{c}/relations", {"to": a, "kind": "depends_on"})
    body = {**body, "to": {"self": a, "b": b, "c": c}.get(body["to"], body["to"])}
    before = snapshot()
    response = api.post(f"/configuration-items/{a}/relations", body)
    assert response.status_code == status
    assert response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "kind": "toaster", "organization": "ACME"},
        {"name": "x", "kind": "router", "organization": "NOPE"},
        {"name": "", "kind": "router", "organization": "ACME"},
        {"name": "x", "kind": "router", "organization": "ACME", "attributes": {"a": {"b": 1}}},
        {"name": "x", "kind": "router", "organization": "ACME", "attributes": {"a": "x" * 300}},
        {"name": "x", "kind": "router", "organization": "ACME", "attributes": [1]},
    ],
)
def test_bad_items_are_422(api, body):
    before = snapshot()
    response = api.post("/configuration-items", body)
    assert response.status_code == 422, response.json()
    assert response.json()["detail"]
    assert snapshot() == before


def test_a_service_takes_no_other_customers_item(api):
    theirs = _ci(api, "乙方路由器", org="OTHER")
    sid = api.post("/services", {"organization": "ACME", "name": "专线"}).json()["id"]
    response = api.post(f"/services/{sid}/items", {"item": theirs})
    assert response.status_code == 422 and response.json()["detail"]
    assert api.post(f"/services/{sid}/items", {"item": 987654321}).status_code == 422
    assert api.post("/services", {"organization": "ACME", "name": "专线"}).status_code == 409


def test_change_retire_and_remove_a_relation(api):
    a, b = _ci(api, "a"), _ci(api, "b")
    rel = api.post(f"/configuration-items/{a}/relations", {"to": b, "kind": "connected_to"})
    response = api.delete(f"/configuration-items/{a}/relations/{rel.json()['id']}")
    assert response.status_code == 204
    assert api.delete(f"/configuration-items/{a}/relations/{rel.json()['id']}").status_code == 404
    changed = api.patch(f"/configuration-items/{a}", {"attributes": {"rack": "A-01"}})
    assert changed.status_code == 200 and changed.json()["attributes"] == {"rack": "A-01"}
    retired = api.post(f"/configuration-items/{a}/retire", {"reason": "下线"})
    assert retired.json()["status"] == "retired"
    again = api.post(f"/configuration-items/{a}/relations", {"to": b, "kind": "depends_on"})
    assert again.status_code == 409


def test_customers_and_first_line_engineers(org):
    customer = ApiClient(make_user("customer", org=org))
    assert customer.get("/configuration-items").status_code == 403
    first_line = ApiClient(make_user("engineer", tier="first_line"))
    assert first_line.get("/configuration-items").status_code == 200
    response = first_line.post(
        "/configuration-items", {"name": "x", "kind": "router", "organization": "ACME"}
    )
    assert response.status_code == 403
