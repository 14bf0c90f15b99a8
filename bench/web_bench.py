"""Benchmark the web console's pages on the 100,000-CASE PostgreSQL data set.

    .venv/bin/python bench/web_bench.py --database-url postgres://postgres@127.0.0.1:5432/casedesk_bench

In-process: Django's test ``Client`` (the whole request path — middleware, session, auth,
view, template, database — but no socket) logged in through a real session (a session row
in the database, read on every request), production settings (DEBUG off, cached templates).
For each page: ``--warmup`` requests, then ``--requests`` timed ones; server time is the wall
time of ``client.get`` (p50/p95/max); CPU per request is this Python process's plus its
PostgreSQL backend's (from /proc; parallel query workers not counted), which a busy machine
distorts far less than wall time.  Query counts per page are printed too.

Pages: the duty board (as a duty engineer), "my CASEs" (as the engineer owning the most open
CASEs), the CASE list (page 1, a deep page, with filters, with ``q``, sorted by engineer)
and the CASE page of a random sample of CASEs.  Read-only: it creates its two users (if
missing) and their sessions, nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

TARGET_MS = 150.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    os.environ.setdefault("CASEDESK_DEBUG", "0")
    import django

    django.setup()


def bench_users():
    from django.db.models import Count, Q

    from casedesk.accounts import services as people
    from casedesk.accounts.models import User
    from casedesk.caselist.queues import WORKING

    duty = User.objects.filter(username="bench.duty").first() or people.user_create(
        username="bench.duty", role="duty_engineer"
    )
    busiest = (
        User.objects.filter(role__in=["engineer", "duty_engineer", "supervisor"])
        .annotate(open=Count("owned_cases", filter=Q(owned_cases__status__in=WORKING)))
        .order_by("-open")
        .first()
    )
    return duty, busiest


def pages(rng: random.Random, sample: int) -> list[tuple[str, str, list[str]]]:
    """(label, user key, paths) for every page measured."""
    from casedesk.cases.models import Case

    count = Case.objects.count()
    deep = max(1, count // 25 // 2)
    numbers = list(Case.objects.order_by("?").values_list("number", flat=True)[:sample])
    open_numbers = list(
        Case.objects.filter(status__in=["open", "assigned", "in_progress", "pending"])
        .order_by("?")
        .values_list("number", flat=True)[:sample]
    )
    return [
        ("duty board", "duty", ["/board/"]),
        ("my CASEs (busiest engineer)", "engineer", ["/mine/"]),
        ("CASE list, page 1", "duty", ["/cases/"]),
        (f"CASE list, page {deep}", "duty", [f"/cases/?page={deep}"]),
        (
            "CASE list, status=in_progress&priority=P2",
            "duty",
            ["/cases/?status=in_progress&priority=P2"],
        ),
        (
            "CASE list, engineer=<busiest>&status=in_progress",
            "duty",
            ["/cases/?engineer={engineer}&status=in_progress"],
        ),
        ("CASE list, q=<CASE number>", "duty", [f"/cases/?q={n}" for n in numbers]),
        ("CASE list, q=交换机 (substring)", "duty", ["/cases/?q=%E4%BA%A4%E6%8D%A2%E6%9C%BA"]),
        ("CASE list, sort=engineer, 100 a page", "duty", ["/cases/?sort=engineer&size=100"]),
        ("CASE page (any CASE)", "duty", [f"/cases/{n}/" for n in numbers]),
        ("CASE page (open CASEs)", "duty", [f"/cases/{n}/" for n in open_numbers]),
    ]


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def backend_cpu_ms() -> float | None:
    """CPU (user + system) used so far by this process's PostgreSQL backend (not counting
    parallel query workers), from /proc: the database server runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * TICK_MS


def measure(client, paths: list[str], n: int, warmup: int, rng: random.Random) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        r = client.get(rng.choice(paths))
        assert r.status_code == 200, (r.status_code, r.content[:300])
    db_before = backend_cpu_ms()
    times, cpu = [], []
    for _ in range(n):
        path = rng.choice(paths)
        c0, t0 = time.process_time(), time.perf_counter()
        r = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    db_after = backend_cpu_ms()
    with CaptureQueriesContext(connection) as ctx:
        client.get(paths[0])
    return {
        "n": n,
        "p50": round(percentile(times, 50), 1),
        "p95": round(percentile(times, 95), 1),
        "max": round(max(times), 1),
        "cpu_mean": round(statistics.fmean(cpu), 1),
        "db_cpu_mean": None
        if db_before is None or db_after is None
        else round((db_after - db_before) / n, 1),
        "queries": len(ctx.captured_queries),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/casedesk_bench"
        ),
    )
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--sample", type=int, default=200, help="CASE numbers sampled")
    parser.add_argument("--only", default="", help="comma-separated substrings of page labels")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    setup(args.database_url)
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rng = random.Random(args.seed)
    duty, engineer = bench_users()
    clients = {"duty": Client(), "engineer": Client()}
    clients["duty"].force_login(duty)
    clients["engineer"].force_login(engineer)

    print(
        f"# web_bench {time.strftime('%Y-%m-%d %H:%M:%S')} on {platform.node()},"
        f" load {os.getloadavg()[0]:.1f}; busiest engineer {engineer.username}"
    )
    results = {}
    only = [s for s in args.only.split(",") if s]
    for label, who, paths in pages(rng, args.sample):
        if only and not any(s in label for s in only):
            continue
        paths = [p.replace("{engineer}", engineer.username) for p in paths]
        res = measure(clients[who], paths, args.requests, args.warmup, rng)
        res["target_met"] = res["p95"] < TARGET_MS
        results[label] = res
        print(
            f"{label:52s} p50 {res['p50']:7.1f}  p95 {res['p95']:7.1f}  max {res['max']:7.1f} ms"
            f"  cpu {res['cpu_mean']:6.1f} + db {res['db_cpu_mean'] or 0:5.1f} ms"
            f"  {res['queries']:2d} queries"
            f"  {'ok' if res['target_met'] else 'MISS'}",
            flush=True,
        )
    print(f"# load after: {os.getloadavg()[0]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0 if all(r["target_met"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
