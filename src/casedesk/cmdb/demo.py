"""Demo data of the CMDB: the networks of the first two customers (a telecom operator's
branch and a bank), each a carrier circuit between two sites, a router per site, a
firewall, core and access switches, servers, an application, and the customer services
they carry with their downtime budgets.  The boxes are the customer's installed base where
it has one of that kind (the CI takes its serial number, so a CASE naming that box shows
the CI and what its failure hits); servers and applications have no serial.  Later, a
switch is re-addressed and an old access switch retired, so the histories are not all one
line."""

from __future__ import annotations

import datetime as dt
import random

from casedesk.contracts.models import Equipment
from casedesk.core import clock

from . import services
from .models import ConfigurationItem, Relation, Service

CUSTOMERS = 2  # the first customers of ``desk.orgs``


def _boxes(org) -> dict[str, list[Equipment]]:
    found: dict[str, list[Equipment]] = {"router": [], "firewall": [], "core": [], "access": []}
    for box in Equipment.objects.filter(organization=org).order_by("serial_number"):
        if box.model.startswith("ASR"):
            found["router"].append(box)
        elif box.model.startswith("FPR"):
            found["firewall"].append(box)
        elif box.model.startswith(("N9K", "CE68")):
            found["core"].append(box)
        elif box.model.startswith("C9300"):
            found["access"].append(box)
    return found


def _network(org, sites: list[str], rng: random.Random, by, supervisor) -> tuple:
    boxes = _boxes(org.org)
    code = org.spec.code

    def ci(name, kind, box_kind="", **attributes):
        pool = boxes.get(box_kind) or []
        box = pool.pop(0) if pool else None
        return services.ci_create(
            name=name,
            kind=kind,
            organization=org.org,
            serial_number=box.serial_number if box else "",
            attributes={**attributes, **({"model": box.model} if box else {})},
            by=by,
        )

    def rel(a, b, kind="depends_on"):
        services.ci_relate(ci=a, to=b, kind=kind, by=by)

    net = 10 + rng.randrange(0, 200)
    a, b = sites[0], sites[1]
    site_a = ci(a, "site", address=a)
    site_b = ci(b, "site", address=b)
    circuit = ci(
        f"{a}—{b} MSTP 专线",
        "circuit",
        carrier="中国电信",
        bandwidth_mbps=rng.choice((100, 200, 500)),
        circuit_id=f"BJ{rng.randrange(100000, 999999)}",
    )
    router_a = ci(f"{code}-{a}-出口路由器", "router", "router", mgmt_ip=f"10.{net}.0.1")
    router_b = ci(f"{code}-{b}-出口路由器", "router", "router", mgmt_ip=f"10.{net}.0.2")
    firewall = ci(f"{code}-{a}-防火墙", "firewall", "firewall", mgmt_ip=f"10.{net}.0.5")
    core = ci(f"{code}-{a}-核心交换机", "switch", "core", role="core", mgmt_ip=f"10.{net}.1.1")
    access = [
        ci(f"{code}-{site}-接入交换机-{n}", "switch", "access", role="access", ports=48)
        for n, site in enumerate((a, a, b), start=1)
    ]
    servers = [
        ci(f"{code}-APP-{n:02d}", "server", os="CentOS Stream 9", cpu=32, memory_gb=128)
        for n in (1, 2)
    ]
    app_name = {"CTBJ": "政企客户综合网管系统", "CMB": "网点柜面业务系统"}.get(code, "业务系统")
    app = ci(app_name, "application", version=f"{rng.randrange(3, 6)}.{rng.randrange(0, 9)}")
    for router, site in ((router_a, site_a), (router_b, site_b)):
        rel(router, site)
        rel(router, circuit)
    rel(circuit, site_a)
    rel(firewall, router_a)
    rel(core, firewall)
    rel(core, site_a)
    rel(access[0], core)
    rel(access[1], core)
    rel(access[2], router_b)
    rel(access[0], access[1], "connected_to")
    old = ci(f"{code}-{a}-接入交换机-旧", "switch", role="access", ports=24)
    rel(old, core)
    for server in servers:
        rel(server, access[0] if server is servers[0] else access[1])
        rel(app, server, "runs_on")
    line = ci(f"{a}—{b} 互联专线业务", "service", sla="99.9%")
    rel(line, router_a)
    rel(line, router_b)
    hosted = ci(f"{app_name}（托管）", "service")
    rel(hosted, app)
    branch = ci(f"{b} 办公上网", "service")
    rel(branch, access[2])
    for item, name, hours in (
        (line, f"{a}—{b} 互联专线", 72),
        (hosted, app_name, 24),
        (branch, f"{b} 办公网络", 72),
    ):
        service = services.service_create(
            organization=org.org, name=name, downtime_budget_hours=hours, by=supervisor
        )
        services.service_add_item(service=service, item=item, by=supervisor)
    return core, old


def load(desk) -> None:
    """``desk``: the demo's desk (its ``now``, ``start``, ``seed``, ``staff``, ``orgs``)."""
    rng = random.Random(f"{desk.seed}:cmdb")
    by, supervisor = desk.staff["se.zhao"], desk.staff["supervisor"]
    later = []
    with clock.frozen(desk.start + dt.timedelta(days=3)):
        for org in desk.orgs[:CUSTOMERS]:
            sites = [zh for zh, _en in org.spec.sites]
            later.append(_network(org, sites, rng, by, supervisor))
    with clock.frozen(desk.now - dt.timedelta(days=20)):
        for core, old_access in later:
            attributes = {**core.attributes, "mgmt_ip": core.attributes["mgmt_ip"][:-1] + "254"}
            services.ci_change(ci=core, attributes=attributes, by=by)
            services.ci_retire(ci=old_access, reason="机房改造，设备下线", by=supervisor)


def summary() -> list[str]:
    return [
        f"{ConfigurationItem.objects.count()} configuration items, "
        f"{Relation.objects.count()} relations, {Service.objects.count()} services"
    ]
