"""The CMDB's operations: each change, its audit record, and each refusal writing nothing."""

from __future__ import annotations

import pytest

from casedesk.cmdb import selectors, services
from casedesk.cmdb.models import ConfigurationItem, Relation
from casedesk.core.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from casedesk.core.models import AuditRecord
from tests.accounts.factories import OrganizationFactory, make_user
from tests.cmdb.factories import keeper, make_ci, make_service, relate, snapshot

pytestmark = pytest.mark.django_db


def _actions(ci) -> list[str]:
    return list(
        AuditRecord.objects.filter(object_type="cmdb.configurationitem", object_id=str(ci.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_create_normalizes_the_serial_and_is_audited():
    ci = make_ci(
        "核心交换机",
        kind="switch",
        serial_number=" fdo 2131 x0ab",
        attributes={"ip": " 10.0.0.1 ", "ports": 48},
    )
    assert ci.serial_number == "FDO2131X0AB"
    assert ci.attributes == {"ip": "10.0.0.1", "ports": 48}
    assert _actions(ci) == ["ci.create"]


@pytest.mark.parametrize(
    "attributes",
    [
        [1, 2],
        {"nested": {"a": 1}},
        {"flag": True},
        {"none": None},
        {"long": "x" * 201},
        {f"k{i}": i for i in range(41)},
        {"bad key!": "1"},
        {"nan": float("nan")},
        {f"k{i}": "y" * 199 for i in range(30)},
    ],
)
def test_bad_attributes_are_refused_and_nothing_is_written(attributes):
    make_ci("已有")
    before = snapshot()
    with pytest.raises(InvalidInput):
        make_ci("坏属性", attributes=attributes)
    assert snapshot() == before


def test_bad_kind_and_empty_name_are_refused():
    with pytest.raises(InvalidInput):
        make_ci("x", kind="toaster")
    with pytest.raises(InvalidInput):
        make_ci("  ")
    assert not ConfigurationItem.objects.exists()


def test_a_serial_names_one_ci():
    make_ci("a", serial_number="SN1")
    with pytest.raises(Conflict):
        make_ci("b", serial_number="sn1")


def test_change_records_before_and_after():
    ci = make_ci("旧名", attributes={"ip": "10.0.0.1"})
    services.ci_change(ci=ci, name="新名", attributes={"ip": "10.0.0.2"}, by=keeper())
    services.ci_change(ci=ci, name="新名", by=keeper())  # nothing changed: no record
    assert _actions(ci) == ["ci.create", "ci.change"]
    history = selectors.ci_history(ci, fetched_by=keeper())
    assert '"before":{"attributes":{"ip":"10.0.0.1"},"name":"旧名"}' in history[0].data


def test_relations_refused_to_itself_twice_and_in_a_cycle():
    a, b, c = make_ci("a"), make_ci("b"), make_ci("c")
    relate(a, b)
    relate(b, c, "runs_on")
    before = snapshot()
    with pytest.raises(InvalidInput):
        relate(a, a)
    with pytest.raises(Conflict):
        relate(a, b)
    with pytest.raises(Conflict):  # c → a closes a → b → c → a
        relate(c, a)
    with pytest.raises(Conflict):
        relate(c, a, "runs_on")
    with pytest.raises(InvalidInput):
        relate(a, c, "likes")
    assert snapshot() == before


def test_connected_to_may_form_a_ring_but_not_twice_either_way():
    a, b, c = make_ci("a"), make_ci("b"), make_ci("c")
    relate(a, b, "connected_to")
    relate(b, c, "connected_to")
    relate(c, a, "connected_to")
    with pytest.raises(Conflict):
        relate(b, a, "connected_to")
    # A ring carries no impact: nothing depends on a.
    assert selectors.impact(a, fetched_by=keeper()).count == 0


def test_impact_walks_up_the_dependencies_to_services_and_customers():
    acme = OrganizationFactory(code="ACME1", name="甲客户")
    other = OrganizationFactory(code="OTHER", name="乙客户")
    circuit = make_ci("电路", kind="circuit", organization=acme)
    router = make_ci("路由器", organization=acme)
    app = make_ci("应用", kind="application", organization=acme)
    server = make_ci("服务器", kind="server", organization=acme)
    their = make_ci("乙路由器", organization=other)
    relate(router, circuit)
    relate(server, router)
    relate(app, server, "runs_on")
    relate(their, circuit)  # a shared carrier circuit: both customers ride on it
    service = make_service("ERP", organization=acme, items=[app])
    make_service("乙专线", organization=other, items=[their])
    unrelated = make_service("其它", organization=acme, items=[make_ci("别的", organization=acme)])
    impact = selectors.impact(circuit, fetched_by=keeper())
    assert {ci.name for ci in impact.items} == {"路由器", "服务器", "应用", "乙路由器"}
    assert [s.name for s in impact.services] == ["ERP", "乙专线"]
    assert [o.code for o in impact.customers] == ["ACME1", "OTHER"]
    assert unrelated not in impact.services
    assert selectors.impact(app, fetched_by=keeper()).count == 0
    assert [s.pk for s in selectors.impact(router, fetched_by=keeper()).services] == [service.pk]


def test_impact_survives_a_cycle_written_behind_the_operations_back():
    a, b = make_ci("a"), make_ci("b")
    relate(a, b)
    Relation.objects.create(source=b, target=a, kind="depends_on", created_at=a.created_at)
    assert [ci.name for ci in selectors.impact(a, fetched_by=keeper()).items] == ["b"]
    assert [ci.name for ci in selectors.impact(b, fetched_by=keeper()).items] == ["a"]


def test_retire_removes_its_relations_and_services_in_one_record():
    org = OrganizationFactory(code="RET")
    a, b, c = (
        make_ci("a", organization=org),
        make_ci("b", organization=org),
        make_ci("c", organization=org),
    )
    relate(a, b)
    relate(b, c)
    service = make_service(organization=org, items=[b])
    services.ci_retire(ci=b, reason="设备下线", by=keeper())
    assert not Relation.objects.filter(source=b).exists()
    assert not Relation.objects.filter(target=b).exists()
    assert not service.items.exists()
    assert _actions(b)[-1] == "ci.retire"
    with pytest.raises(TransitionNotAllowed):
        relate(a, b)
    with pytest.raises(TransitionNotAllowed):
        services.ci_retire(ci=b, by=keeper())


def test_unrelate_is_audited_on_the_ci_it_went_from():
    a, b = make_ci("a"), make_ci("b")
    relation = relate(a, b)
    services.ci_unrelate(relation=relation, by=keeper())
    assert _actions(a) == ["ci.create", "ci.relate", "ci.unrelate"]


def test_service_takes_only_its_customers_cis_once():
    org, other = OrganizationFactory(code="S1"), OrganizationFactory(code="S2")
    service = make_service(organization=org)
    mine, theirs = make_ci("mine", organization=org), make_ci("theirs", organization=other)
    services.service_add_item(service=service, item=mine, by=keeper())
    with pytest.raises(Conflict):
        services.service_add_item(service=service, item=mine, by=keeper())
    with pytest.raises(InvalidInput):
        services.service_add_item(service=service, item=theirs, by=keeper())
    with pytest.raises(InvalidInput):
        services.service_create(organization=org, name="x", downtime_budget_hours=-1, by=keeper())
    with pytest.raises(Conflict):
        make_service(organization=org)


@pytest.mark.parametrize(
    ("role", "tier", "may"),
    [
        ("engineer", "first_line", False),
        ("engineer", "senior", True),
        ("supervisor", None, True),
        ("admin", None, True),
        ("cs_manager", None, False),
        ("call_taker", None, False),
    ],
)
def test_who_keeps_the_cmdb(role, tier, may):
    user = make_user(role, tier=tier)
    org = OrganizationFactory(code="WHO")
    if may:
        services.ci_create(name="x", kind="site", organization=org, by=user)
    else:
        with pytest.raises(Forbidden):
            services.ci_create(name="x", kind="site", organization=org, by=user)
        assert not ConfigurationItem.objects.exists()
