"""Benchmark CMDB impact analysis on PostgreSQL: 200,000 CIs and 1,000,000 relations.

    createdb -h 127.0.0.1 -U postgres casedesk_cmdb_bench
    .venv/bin/python bench/cmdb_bench.py \
        --database-url postgres://postgres@127.0.0.1:5432/casedesk_cmdb_bench

The first run migrates the database and generates a network (later runs reuse it;
``--regenerate`` starts again).  A carrier's backbone (``--core`` core routers in a ring,
``--aggregation`` aggregation routers each dual-homed on two of them) carries ``--customers``
customers, each with ``--sites`` sites.  A site: the site itself, a primary and a backup
circuit (each on an aggregation router), two routers on both circuits, two firewalls, two
core switches, four aggregation switches, sixteen access switches (dual-homed, stacked to
their neighbours), twelve servers (dual-homed, some depending on the site's storage and
database servers) and six applications (each running on two servers, on the site's database, and
depending on other applications of the customer, across sites).  Each customer buys a dozen customer services
(a "service" CI on three applications and a router, and its ``Service`` with a 72-hour
budget).  Rows are written with COPY, not through the operations: a data generator (every
relation still points from a CI to one made before it, or across a symmetric
``connected_to``, so no cycle of dependencies exists, as the operations guarantee).

Then, in-process with production settings (DEBUG off), ``--lookups`` uniformly random CIs
are analysed one at a time through ``cmdb.selectors.impact`` — the API's read: the CIs hit
(recursive CTE), the services hit and their customers — and through
``selectors.impact_count`` (the CTE alone); and the ten heaviest CIs (the carrier's core)
for the worst case.  CPU is the bench process's and the PostgreSQL backend's
(``/proc/<pid>/stat``).  Target: p95 < 50 ms.  ``--json FILE`` keeps every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "src", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench.web_bench import percentile  # noqa: E402

TARGET_MS = 50.0
PER_SITE = {  # kind-of-box → how many per site
    "circuit": 2,
    "router": 2,
    "firewall": 2,
    "core": 2,
    "aggregation": 4,
    "access": 16,
    "server": 12,
    "application": 6,
}
SERVICES_PER_CUSTOMER = 12


class Network:
    """Rows for COPY: CIs (id, name, kind, organization, serial, attributes) and relations
    (source, target, kind); ids are given here, in creation order."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.items: list[tuple] = []
        self.relations: list[tuple[int, int, str]] = []
        self.services: list[tuple[int, str, int]] = []  # (organization, name, item)

    def ci(self, name: str, kind: str, org: int, serial: str = "", **attributes) -> int:
        self.items.append((name, kind, org, serial, json.dumps(attributes)))
        return len(self.items)

    def rel(self, source: int, target: int, kind: str = "depends_on") -> None:
        self.relations.append((source, target, kind))


def serial(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(8))


def carrier(net: Network, org: int, cores: int, aggregations: int) -> list[int]:
    core = [
        net.ci(f"CN2-CORE-{n:02d}", "router", org, serial(net.rng, "FOX"), role="core")
        for n in range(cores)
    ]
    for n in range(cores):
        net.rel(core[n], core[(n + 1) % cores], "connected_to")
    aggregation = []
    for n in range(aggregations):
        agg = net.ci(f"CN2-AGG-{n:03d}", "router", org, serial(net.rng, "FOX"), role="agg")
        net.rel(agg, core[n % cores])
        net.rel(agg, core[(n + 1) % cores])
        aggregation.append(agg)
    return aggregation


def site(net: Network, org: int, code: str, n: int, uplinks: list[int]) -> dict[str, list[int]]:
    rng, name = net.rng, f"{code}-S{n:02d}"
    place = net.ci(name, "site", org, address=f"{name} 机房")
    got: dict[str, list[int]] = {"site": [place]}
    circuits = []
    for i in range(PER_SITE["circuit"]):
        c = net.ci(f"{name}-CKT{i}", "circuit", org, bandwidth_mbps=rng.choice((100, 500)))
        net.rel(c, rng.choice(uplinks))
        net.rel(c, place)
        circuits.append(c)
    tiers = [("router", "ASR1001-X", "FXS"), ("firewall", "FPR2130", "JMX")]
    tiers.append(("core", "N9K-C93180", "FDO"))
    below = circuits
    for kind, model, prefix in tiers:
        boxes = []
        for i in range(PER_SITE[kind]):
            ci_kind = "switch" if kind == "core" else kind
            box = net.ci(
                f"{name}-{kind.upper()}{i}", ci_kind, org, serial(rng, prefix), model=model
            )
            for b in below:
                net.rel(box, b)
            if kind in ("router", "core"):
                net.rel(box, place)
            boxes.append(box)
        net.rel(boxes[0], boxes[1], "connected_to")
        got[kind] = boxes
        below = boxes
    aggregation = []
    for i in range(PER_SITE["aggregation"]):
        box = net.ci(f"{name}-AGG{i}", "switch", org, serial(rng, "FDO"), role="aggregation")
        for b in got["core"]:
            net.rel(box, b)
        if i % 2:
            net.rel(box, aggregation[-1], "connected_to")
        aggregation.append(box)
    access = []
    for i in range(PER_SITE["access"]):
        box = net.ci(f"{name}-ACC{i:02d}", "switch", org, serial(rng, "FOC"), ports=48)
        pair = 2 * (i % 2)
        net.rel(box, aggregation[pair])
        net.rel(box, aggregation[pair + 1])
        net.rel(box, place)
        for neighbour in access[-3:]:  # the stack
            net.rel(box, neighbour, "connected_to")
        access.append(box)
    servers = []
    for i in range(PER_SITE["server"]):
        box = net.ci(f"{name}-SRV{i:02d}", "server", org, serial(rng, "CZ"), cpu=32)
        for a in rng.sample(access, 2):
            net.rel(box, a)
        net.rel(box, place)
        for s in rng.sample(servers, min(len(servers), 4)):  # storage, database, directory
            net.rel(box, s)
        servers.append(box)
    got.update(aggregation=aggregation, access=access, server=servers, application=[])
    return got


def customer(net: Network, org: int, code: str, sites: int, uplinks: list[int]) -> None:
    made = [site(net, org, code, n, uplinks) for n in range(sites)]
    apps: list[int] = []
    for n, s in enumerate(made):
        for i in range(PER_SITE["application"]):
            app = net.ci(f"{code}-APP-{n:02d}-{i}", "application", org, version="4.2")
            for server in net.rng.sample(s["server"][1:], 2):
                net.rel(app, server, "runs_on")
            net.rel(app, s["server"][0])  # the site's database
            for other in net.rng.sample(apps, min(len(apps), 3)):  # made before: acyclic
                net.rel(app, other)
            apps.append(app)
    for i in range(SERVICES_PER_CUSTOMER):
        service = net.ci(f"{code}-业务-{i:02d}", "service", org, sla="99.9%")
        for app in net.rng.sample(apps, 3):
            net.rel(service, app)
        net.rel(service, net.rng.choice(made)["router"][0])
        net.services.append((org, f"{code} 业务 {i:02d}", service))


def setup(args) -> None:
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    os.environ.setdefault("CASEDESK_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cmdb_relation")
        (count,) = cursor.fetchone()
    if count and not args.regenerate:
        print(f"reusing {count:,} relations")
        return
    generate(args)


def generate(args) -> None:
    from django.db import connection

    from casedesk.accounts.models import Organization

    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE cmdb_service_items, cmdb_service, cmdb_relation, cmdb_configurationitem "
            "RESTART IDENTITY CASCADE"
        )
    Organization.objects.filter(code__startswith="CMDB").delete()
    orgs = Organization.objects.bulk_create(
        Organization(code=f"CMDB{n:04d}", name=f"CMDB 客户 {n}", created_at=now)
        for n in range(args.customers + 1)
    )
    rng = random.Random(args.seed)
    net = Network(rng)
    uplinks = carrier(net, orgs[0].pk, args.core, args.aggregation)
    for org in orgs[1:]:
        customer(net, org.pk, org.code, args.sites, uplinks)
    with connection.cursor() as cursor:
        raw = cursor.connection
        with raw.cursor() as c:
            with c.copy(
                "COPY cmdb_configurationitem (id, name, kind, organization_id, serial_number,"
                " attributes, status, created_at, updated_at) FROM STDIN"
            ) as copy:
                for n, (name, kind, org, sn, attributes) in enumerate(net.items, start=1):
                    copy.write_row((n, name, kind, org, sn, attributes, "active", now, now))
            with c.copy(
                "COPY cmdb_relation (source_id, target_id, kind, created_at) FROM STDIN"
            ) as copy:
                for source, target, kind in net.relations:
                    copy.write_row((source, target, kind, now))
            with c.copy(
                "COPY cmdb_service (id, organization_id, name, downtime_budget_hours, created_at)"
                " FROM STDIN"
            ) as copy:
                for n, (org, name, _item) in enumerate(net.services, start=1):
                    copy.write_row((n, org, name, 72, now))
            with c.copy(
                "COPY cmdb_service_items (service_id, configurationitem_id) FROM STDIN"
            ) as copy:
                for n, (_org, _name, item) in enumerate(net.services, start=1):
                    copy.write_row((n, item))
        for table in ("cmdb_configurationitem", "cmdb_service"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
        for table in ("cmdb_configurationitem", "cmdb_relation", "cmdb_service_items"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        f"generated {len(net.items):,} CIs, {len(net.relations):,} relations,"
        f" {len(net.services):,} services in {time.perf_counter() - started:.0f} s"
    )


def backend_cpu(pid: int) -> float:
    """Seconds of CPU the PostgreSQL backend ``pid`` used so far (same machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(call, cis: list, pid: int) -> dict:
    samples, sizes = [], []
    cpu, backend = time.process_time(), backend_cpu(pid)
    for ci in cis:
        started = time.perf_counter()
        size = call(ci)
        samples.append((time.perf_counter() - started) * 1000)
        sizes.append(size)
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "max_ms": round(max(samples), 2),
        "hit_p50": statistics.median(sizes),
        "hit_p95": percentile(sizes, 95),
        "hit_max": max(sizes),
        "bench_cpu_ms_per_call": round((time.process_time() - cpu) * 1000 / len(cis), 2),
        "postgres_cpu_ms_per_call": round((backend_cpu(pid) - backend) * 1000 / len(cis), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--customers", type=int, default=353)
    parser.add_argument("--sites", type=int, default=12)
    parser.add_argument("--core", type=int, default=20)
    parser.add_argument("--aggregation", type=int, default=200)
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    setup(args)

    from django.db import connection

    from casedesk.cmdb import selectors
    from casedesk.cmdb.models import ConfigurationItem, Relation, Service

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    rng = random.Random(args.seed + 1)
    top = ConfigurationItem.objects.order_by("-id").values_list("id", flat=True).first()
    picks = [rng.randint(1, top) for _ in range(args.lookups)]
    cis = list(ConfigurationItem.objects.select_related("organization").filter(pk__in=picks))
    by_pk = {ci.pk: ci for ci in cis}
    cis = [by_pk[pk] for pk in picks if pk in by_pk]
    core = list(
        ConfigurationItem.objects.select_related("organization").filter(name__startswith="CN2-CORE")
    )[:10]
    for ci in cis[:50]:  # warm the caches once
        selectors.impact_count(ci, fetched_by=None)

    def impact(ci) -> int:
        return selectors.impact(ci, fetched_by=None).count

    results = {
        "items": ConfigurationItem.objects.count(),
        "relations": Relation.objects.count(),
        "services": Service.objects.count(),
        "lookups": len(cis),
        "impact_random_ci": measure(impact, cis, pid),
        "impact_count_random_ci": measure(
            lambda ci: selectors.impact_count(ci, fetched_by=None), cis, pid
        ),
        "impact_carrier_core": measure(impact, core, pid),
        "impact_count_carrier_core": measure(
            lambda ci: selectors.impact_count(ci, fetched_by=None), core, pid
        ),
        "target_p95_ms": TARGET_MS,
    }
    with connection.cursor() as cursor:
        sql, params = selectors.graph.impacted_ids(cis[0].pk).as_sql(None, connection)
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        results["plan"] = [row[0] for row in cursor.fetchall()]
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
