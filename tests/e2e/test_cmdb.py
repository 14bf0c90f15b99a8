"""The CMDB in the browser: a supervisor finds a carrier circuit in the CI list, reads on
its page what its failure hits (drawn and listed: CIs, services, customers), adds a
relation by the form (a cycle refused on the page) and sees it in the history; the page in
English; a P1 whose serial names a router shows the router's impact on the CASE page."""

from __future__ import annotations

from casedesk.cmdb.models import Relation
from tests.accounts.factories import ContactFactory, OrganizationFactory, make_user
from tests.cases.factories import make_case
from tests.cmdb.factories import make_ci, make_service, relate


def _network():
    bank = OrganizationFactory(code="CMB", name="招商银行")
    hospital = OrganizationFactory(code="RHYY", name="北京仁和医院")
    circuit = make_ci(
        "西单—亦庄 MSTP 专线",
        kind="circuit",
        organization=bank,
        attributes={"carrier": "中国电信", "bandwidth_mbps": 500},
    )
    router = make_ci(
        "CMB-西单-出口路由器", organization=bank, serial_number="FXS2231Q1AB",
        attributes={"mgmt_ip": "10.20.0.1", "model": "ASR1001-X"},
    )  # fmt: skip
    firewall = make_ci("CMB-西单-防火墙", kind="firewall", organization=bank)
    core = make_ci("CMB-西单-核心交换机", kind="switch", organization=bank)
    server = make_ci("CMB-APP-01", kind="server", organization=bank)
    app = make_ci("网点柜面业务系统", kind="application", organization=bank)
    his = make_ci("RHYY-HIS 前置机", kind="server", organization=hospital)
    relate(router, circuit)
    relate(firewall, router)
    relate(core, firewall)
    relate(server, core)
    relate(app, server, "runs_on")
    relate(his, circuit)  # the hospital's line rides the same carrier circuit
    make_service("网点柜面业务", organization=bank, items=[app], budget=24)
    make_service("西单互联专线", organization=bank, items=[router])
    make_service("HIS 远程访问", organization=hospital, items=[his])
    return {"bank": bank, "circuit": circuit, "router": router, "app": app, "core": core}


def test_a_supervisor_reads_the_impact_of_a_circuit_and_adds_a_relation(screens, transactional_db):
    net = _network()
    screen = screens(make_user("supervisor", username="supervisor"))
    screen.goto("/cmdb/")
    filters = screen.page.locator("main form.filters")
    filters.get_by_role("searchbox", name="搜索", exact=True).fill("MSTP")
    filters.get_by_role("button", name="搜索").click()
    screen.shot("ci-list-zh")
    screen.page.get_by_role("link", name="西单—亦庄 MSTP 专线").click()
    screen.page.wait_for_url(f"**/cmdb/{net['circuit'].pk}/")
    impact = screen.page.locator("#impact")
    assert impact.locator("svg.impact-graph").is_visible()
    assert "受影响的有： 6 个配置项 · 3 项业务 · 2 家客户" in impact.inner_text()
    assert "网点柜面业务" in screen.page.locator("#impact-services").inner_text()
    customers = screen.page.locator("#impact-customers").inner_text()
    assert "招商银行" in customers and "北京仁和医院" in customers
    screen.shot("ci-impact-zh")

    screen.goto(f"/cmdb/{net['router'].pk}/")
    form = screen.page.locator("#relate")
    form.get_by_label("关系").select_option("depends_on")
    form.get_by_label("配置项", exact=True).select_option(str(net["app"].pk))
    screen.allow_console(r"status of 422")
    form.get_by_role("button", name="添加").click()
    assert "形成环" in screen.page.locator("#relate").inner_text()
    assert not Relation.objects.filter(source=net["router"], target=net["app"]).exists()

    form = screen.page.locator("#relate")
    form.get_by_label("关系").select_option("connected_to")
    form.get_by_label("配置项", exact=True).select_option(str(net["core"].pk))
    form.get_by_role("button", name="添加").click()
    screen.page.wait_for_url(f"**/cmdb/{net['router'].pk}/")
    assert "CMB-西单-核心交换机" in screen.page.locator("#relations").inner_text()
    assert "添加关系：连接到 CMB-西单-核心交换机" in screen.page.locator("#history").inner_text()
    screen.shot("ci-router-zh")


def test_the_ci_page_in_english(screens, transactional_db):
    net = _network()
    reader = make_user("engineer", username="eng.li", tier="first_line")
    reader.language = "en"
    reader.save(update_fields=["language"])
    screen = screens(reader)
    screen.goto(f"/cmdb/{net['circuit'].pk}/")
    text = screen.page.locator("main").inner_text()
    assert "If it fails, these are hit: 6 configuration items · 3 services · 2 customers" in text
    assert "Services hit" in text and "Change history" in text
    assert screen.page.locator("#relate").count() == 0  # a first-line engineer reads only
    screen.shot("ci-impact-en")


def test_a_p1_shows_what_its_router_hits(screens, transactional_db):
    net = _network()
    duty = make_user("duty_engineer", username="duty")
    contact = ContactFactory(organization=net["bank"], name="王经理")
    case = make_case(
        contact=contact, by=duty, title="西单出口路由器宕机，网点业务中断",
        serial_number="FXS2231Q1AB", priority="P1",
    )  # fmt: skip
    screen = screens(duty)
    screen.goto(f"/cases/{case.number}/")
    block = screen.page.locator("#cmdb-impact")
    assert "CMB-西单-出口路由器" in block.inner_text()
    assert block.locator("svg.impact-graph").is_visible()
    assert "网点柜面业务" in block.inner_text()
    block.scroll_into_view_if_needed()
    screen.shot("case-p1-impact-zh")
