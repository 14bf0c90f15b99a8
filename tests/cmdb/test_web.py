"""The CMDB's console pages and its block on a CASE's page, in both languages: bad input
answered by form errors and nothing written."""

from __future__ import annotations

import pytest

from casedesk.cmdb.models import ConfigurationItem, Relation
from tests.accounts.factories import ContactFactory, OrganizationFactory, make_user
from tests.cases.factories import make_case
from tests.cmdb.factories import make_ci, make_service, relate, snapshot
from tests.factories import client_for, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    org = OrganizationFactory(code="NET", name="华北电力")
    circuit = make_ci("北京-天津 专线电路", kind="circuit", organization=org, serial_number="CKT-9")
    router = make_ci(
        "核心路由器 R1",
        organization=org,
        serial_number="FDO123",
        attributes={"mgmt_ip": "10.0.0.1"},
    )
    app = make_ci("调度系统", kind="application", organization=org)
    relate(router, circuit)
    relate(app, router, "runs_on")
    make_service("调度业务", organization=org, items=[app])
    return {"org": org, "circuit": circuit, "router": router, "app": app}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "zh-hans",
            ["影响范围", "受影响的业务", "调度业务", "华北电力", "变更历史", "记录了配置项"],
        ),
        (
            "en",
            [
                "Impact",
                "Services hit",
                "调度业务",
                "华北电力",
                "Change history",
                "recorded the configuration item",
            ],
        ),
    ],
)
def test_the_ci_page_shows_its_impact_and_history(network, language, words):
    reader = make_user("engineer", tier="first_line")
    response = client_for(reader, language).get(f"/cmdb/{network['circuit'].pk}/")
    text = page_text(response)
    assert response.status_code == 200
    for word in words:
        assert word in text, word
    assert "<svg" in text and "核心路由器 R1" in text
    assert 'id="relate"' not in text  # a first-line engineer reads only


def test_the_list_filters_by_organization_kind_and_search(network):
    OrganizationFactory(code="ELSE")
    make_ci("别家的路由器", organization=OrganizationFactory(code="ELSE2"))
    client = client_for(make_user("supervisor"), "en")
    text = page_text(client.get("/cmdb/", {"organization": "NET", "kind": "router"}))
    assert "核心路由器 R1" in text and "调度系统" not in text and "别家的路由器" not in text
    text = page_text(client.get("/cmdb/", {"q": "fdo 123"}))
    assert "核心路由器 R1" in text and "北京-天津" not in text


def test_create_edit_relate_and_retire_through_the_forms(network):
    client = client_for(make_user("engineer", tier="senior"), "zh-hans")
    response = client.post(
        "/cmdb/new/",
        {
            "name": "汇聚交换机",
            "kind": "switch",
            "organization": "NET",
            "attributes": "ports = 48\nrack = A-3",
        },
    )
    assert response.status_code == 302
    switch = ConfigurationItem.objects.get(name="汇聚交换机")
    assert switch.attributes == {"ports": 48, "rack": "A-3"}
    response = client.post(
        f"/cmdb/{switch.pk}/relations/", {"kind": "depends_on", "to": network["router"].pk}
    )
    assert response.status_code == 302
    response = client.post(
        f"/cmdb/{switch.pk}/edit/",
        {"name": "汇聚交换机 S1", "serial_number": "", "attributes": "ports = 24"},
    )
    assert response.status_code == 302
    text = page_text(client.get(f"/cmdb/{switch.pk}/"))
    assert "依赖" in text and "核心路由器 R1" in text
    assert "属性 ports：48 → 24" in text and "属性 rack：A-3 → —" in text
    relation = Relation.objects.get(source=switch)
    assert client.post(f"/cmdb/{switch.pk}/relations/{relation.pk}/remove/").status_code == 302
    assert client.post(f"/cmdb/{switch.pk}/retire/", {"reason": "拆除"}).status_code == 302
    switch.refresh_from_db()
    assert switch.status == "retired"


@pytest.mark.parametrize(
    ("post", "error"),
    [
        ({"kind": "depends_on", "to": "self"}, "自身"),
        ({"kind": "depends_on", "to": "circuit"}, "已经"),  # a duplicate
        ({"kind": "depends_on", "to_id": "987654321"}, "987654321"),
        ({"kind": "runs_on", "to": "app"}, "环"),  # the app runs on the router: a cycle
        ({"kind": "depends_on"}, "请选择"),
    ],
)
def test_bad_relations_are_form_errors_and_write_nothing(network, post, error):
    client = client_for(make_user("supervisor"), "zh-hans")
    router = network["router"]
    if post.get("to") == "self":
        post = {**post, "to_id": str(router.pk)}
        del post["to"]
    elif "to" in post:
        post = {**post, "to": str(network[post["to"]].pk)}
    before = snapshot()
    response = client.post(f"/cmdb/{router.pk}/relations/", post)
    assert response.status_code == 422
    assert error in page_text(response)
    assert snapshot() == before


def test_bad_attributes_are_form_errors(network):
    client = client_for(make_user("supervisor"), "en")
    before = snapshot()
    response = client.post(
        "/cmdb/new/",
        {"name": "x", "kind": "router", "organization": "NET", "attributes": "no equals sign"},
    )
    assert response.status_code == 422 and "name = value" in page_text(response)
    response = client.post(
        "/cmdb/new/",
        {"name": "x", "kind": "router", "organization": "NET", "attributes": "a = " + "x" * 300},
    )
    assert response.status_code == 422 and "longer than 200" in page_text(response)
    assert snapshot() == before


def test_a_case_page_shows_the_ci_its_serial_names_and_what_it_hits(network):
    contact = ContactFactory(organization=network["org"])
    dispatcher = make_user("duty_engineer")
    case = make_case(
        contact=contact, by=dispatcher, title="R1 宕机", serial_number="fdo123", priority="P1"
    )
    text = page_text(client_for(dispatcher, "zh-hans").get(f"/cases/{case.number}/"))
    assert 'id="cmdb-impact"' in text
    assert "核心路由器 R1" in text and "调度业务" in text and "<svg" in text
    other = make_case(
        contact=contact, by=dispatcher, title="别的", serial_number="NOPE1", priority="P3"
    )
    assert 'id="cmdb-impact"' not in page_text(
        client_for(dispatcher).get(f"/cases/{other.number}/")
    )


def test_the_pages_read_in_a_bounded_number_of_queries(network, django_assert_max_num_queries):
    org = network["org"]
    for n in range(30):
        relate(make_ci(f"接入交换机 {n}", kind="switch", organization=org), network["router"])
    client = client_for(make_user("supervisor"), "en")
    with django_assert_max_num_queries(20):
        assert client.get("/cmdb/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(f"/cmdb/{network['circuit'].pk}/").status_code == 200
