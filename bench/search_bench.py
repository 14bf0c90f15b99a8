"""Benchmark search (``q``) on the 100,000-CASE, 500,000-work-log PostgreSQL data set.

    .venv/bin/python bench/generate.py --database-url postgres://postgres@127.0.0.1:5432/casedesk_search_bench --reset
    .venv/bin/python bench/search_bench.py --database-url postgres://postgres@127.0.0.1:5432/casedesk_search_bench

In-process, production settings (DEBUG off).  For each kind of query (Chinese of two,
three and four characters, English words, mixed, a serial number, one character), the
API's list request ``GET /api/v1/cases?q=…`` through Django's test ``Client`` with a real
bearer token (count plus the first page of 25, by relevance) as a duty engineer, and as a
customer of the largest organization; then ``similar_cases`` for the text of sampled
CASEs; then the index's cost when CASEs are opened (``search.on_event``, in a transaction
rolled back).  Wall p50/p95/max and CPU per request (this process plus its PostgreSQL
backend, from /proc), which a busy machine distorts far less than wall time.
"""

from __future__ import annotations

import argparse
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

from bench.web_bench import backend_cpu_ms, percentile  # noqa: E402

TARGET_MS = 200.0
SIMILAR_TARGET_MS = 30.0
QUERIES = {
    "zh 2 chars": ["防火", "光模", "端口", "告警", "隧道", "备件", "故障", "邻居"],
    "zh 3-4 chars": ["光模块", "端口故障", "防火墙策略", "收光功率", "墙策"],
    "English": ["flapping", "uplink", "latency", "PSU", "customer", "packet loss", "Syslog"],
    "mixed": ["ASR 光模块", "OSPF 邻居", "IOS-XE 17.3.4", "CRC 光模块", "VPN 隧道中断"],
    "one character": ["墙", "模", "障"],
}


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    os.environ.setdefault("CASEDESK_DEBUG", "0")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def clients():
    from django.db.models import Count
    from django.test import Client

    from casedesk.accounts import services as people
    from casedesk.accounts.models import Organization, User

    duty = User.objects.filter(username="bench.duty").first() or people.user_create(
        username="bench.duty", role="duty_engineer"
    )
    org = Organization.objects.annotate(n=Count("cases")).order_by("-n").first()
    customer = User.objects.filter(username="bench.customer").first() or people.user_create(
        username="bench.customer", role="customer", organization=org
    )
    out = {}
    for label, user in (("duty engineer", duty), (f"customer ({org.code})", customer)):
        _, raw = people.token_create(user=user, name="search bench")
        out[label] = (Client(), {"Authorization": f"Bearer {raw}"})
    return out


def measure(call, items: list, n: int, warmup: int, rng: random.Random) -> dict:
    for item in items[:warmup]:
        call(item)
    db0 = backend_cpu_ms()
    times, cpu, found = [], [], []
    per_item: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    for i in range(n):
        item = items[i % len(items)] if i < len(items) else rng.choice(items)
        c0, t0 = time.process_time(), time.perf_counter()
        found.append(call(item))
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        key = item if isinstance(item, str) else "-"
        per_item.setdefault(key, []).append(times[-1])
        counts[key] = found[-1]
    db1 = backend_cpu_ms()
    return {
        "n": n,
        "p50": round(percentile(times, 50), 1),
        "p95": round(percentile(times, 95), 1),
        "max": round(max(times), 1),
        "cpu": round(statistics.fmean(cpu), 2),
        "db_cpu": None if db0 is None else round((db1 - db0) / n, 2),
        "found": f"{min(found)}–{max(found)}",
        "per_item": {
            k: (counts[k], round(statistics.median(v), 1)) for k, v in per_item.items() if k != "-"
        },
    }


def show(label: str, r: dict, target: float) -> None:
    mark = "ok" if r["p95"] < target else "OVER"
    print(
        f"  {label:<34} p50 {r['p50']:7.1f}  p95 {r['p95']:7.1f}  max {r['max']:7.1f} ms  "
        f"CPU {r['cpu']:6.2f} + db {r['db_cpu']} ms  found {r['found']:<12} {mark}"
    )
    if r["per_item"]:
        print(
            "      median ms (CASEs found): "
            + ", ".join(f"{q} {ms} ({n})" for q, (n, ms) in r["per_item"].items())
        )


def opening_cost(n: int) -> None:
    """CPU and wall time inside ``search.on_event`` for ``n`` openings (rolled back)."""
    from django.db import transaction

    from casedesk.accounts.models import Contact
    from casedesk.cases import services as case_services
    from casedesk.search import services as search

    contacts = list(Contact.objects.select_related("organization")[:50])
    real = search.on_event
    spent: list[tuple[float, float]] = []

    def timed(case, event):
        c0, t0 = time.process_time(), time.perf_counter()
        real(case, event)
        spent.append(((time.process_time() - c0) * 1000, (time.perf_counter() - t0) * 1000))

    search.on_event = timed
    try:
        with transaction.atomic():
            for i in range(n):
                contact = contacts[i % len(contacts)]
                case_services.case_open(
                    organization=contact.organization,
                    contact=contact,
                    title=f"核心交换机端口频繁 flapping {i}",
                    description="客户反映从 10:20 开始业务缓慢，影响约 200 个用户。日志中出现 "
                    "%LINK-3-UPDOWN，重启后问题依旧。设备序列号 FOC2345ABCD，在保修期内。",
                    serial_number="FOC2345ABCD",
                    priority="P3",
                    channel="phone",
                    by=None,
                )
            transaction.set_rollback(True)
    finally:
        search.on_event = real
    cpu = [c for c, _ in spent]
    wall = [w for _, w in spent]
    print(
        f"  search.on_event at opening (n={len(spent)}): CPU mean {statistics.fmean(cpu):.3f} ms, "
        f"p95 {percentile(cpu, 95):.3f} ms; wall mean {statistics.fmean(wall):.3f} ms "
        f"(includes the INSERT's round trip)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--requests", type=int, default=60, help="timed requests per kind")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--openings", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup(args.database_url)
    from django.db import connection

    from casedesk.cases.models import Case, WorkLog
    from casedesk.search.selectors import similar_cases

    rng = random.Random(args.seed)
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}: {Case.objects.count()} CASEs, "
        f"{WorkLog.objects.count()} work logs"
    )
    queries = dict(QUERIES)
    queries["serial number"] = list(
        Case.objects.order_by("?").values_list("serial_number", flat=True)[:10]
    )
    for who, (client, headers) in clients().items():
        print(f"GET /api/v1/cases?q=… as {who} (count + first 25, by relevance):")
        for kind, items in queries.items():

            def call(q, client=client, headers=headers):
                r = client.get("/api/v1/cases", {"q": q, "limit": 25}, headers=headers)
                assert r.status_code == 200, (q, r.status_code, r.content[:200])
                return r.json()["count"]

            show(kind, measure(call, items, args.requests, args.warmup, rng), TARGET_MS)
    print("similar_cases(title + description of a sampled CASE), resolved/closed, limit 20:")
    texts = [
        (pk, f"{title}\n{description}")
        for pk, title, description in Case.objects.order_by("?").values_list(
            "pk", "title", "description"
        )[: args.requests]
    ]

    def similar(item):
        pk, text = item
        return len(similar_cases(text, fetched_by=None, exclude_case_id=pk))

    show(
        "similar_cases", measure(similar, texts, args.requests, args.warmup, rng), SIMILAR_TARGET_MS
    )
    opening_cost(args.openings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
