"""Benchmark the manager dashboard on the benchmark data set (100,000 CASEs, PostgreSQL).

    .venv/bin/python bench/dashboard_bench.py --database-url postgres://postgres@127.0.0.1:5432/casedesk_bench

Server time of ``GET /dashboard/`` (and its exports) as Django serves it in production
mode (DEBUG off, the real middleware, template rendering and session), timed in process
around each request: everything but the socket.  Also per request: the time spent in SQL
(as the client waits for it) and the Python process's CPU time, which depend less on what
else the machine runs than the wall time does.  Each scenario is requested ``--warmup``
times untimed, then ``--requests`` times; p50/p95/max and the query count are printed
(``--json FILE`` saves them).  The data set must exist (``make bench-data``); the bench
only adds its manager login (``bench.manager``) and that login's sessions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

MANAGER = "bench.manager"
# Indexes the dashboard would use, owned by the cases and sla apps (not added there yet):
# ``--candidate-indexes`` builds them inside a transaction that is rolled back at the end,
# so the data set is left as it was.  Writes to these tables wait meanwhile.
CANDIDATE_INDEXES = [
    "CREATE INDEX bench_deadline_kind_due ON sla_deadline (kind, due_at)",
    "CREATE INDEX bench_deadline_escalation_fired ON sla_deadline (fired_at)"
    " WHERE kind = 'escalation'",
    "CREATE INDEX bench_event_escalated_at ON cases_caseevent (at) WHERE kind = 'escalated'",
    "CREATE INDEX bench_worklog_created ON cases_worklog (created_at)",
]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def setup(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("CASEDESK_DEBUG", None)
    # One connection for the whole run (production keeps each for 60 s between requests).
    os.environ["CASEDESK_CONN_MAX_AGE"] = "86400"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from casedesk.accounts import services as people
    from casedesk.accounts.models import User

    user = User.objects.filter(username=MANAGER).first()
    if user is None:
        user = people.user_create(username=MANAGER, role="cs_manager", email="bench@desk.example")
    return user


def scenarios() -> list[tuple[str, str, dict]]:
    """(name, path, query) — the filters a manager uses, on the busiest values."""
    from django.db.models import Count

    from casedesk.cases.models import Case
    from casedesk.core import clock

    today = clock.local(clock.now()).date()
    busiest_org = (
        Case.objects.order_by().values("organization_id").annotate(n=Count("id")).order_by("-n")
    )[0]["organization_id"]
    busiest_engineer = (
        Case.objects.filter(engineer__isnull=False)
        .order_by()
        .values("engineer_id")
        .annotate(n=Count("id"))
        .order_by("-n")
    )[0]["engineer_id"]
    year = {"from": (today.replace(year=today.year - 1)).isoformat(), "to": today.isoformat()}
    return [
        ("default (last 8 weeks)", "/dashboard/", {}),
        ("customer", "/dashboard/", {"customer": busiest_org}),
        ("engineer", "/dashboard/", {"engineer": busiest_engineer}),
        ("severity P1", "/dashboard/", {"severity": "P1"}),
        (
            "customer + engineer + P2",
            "/dashboard/",
            {"customer": busiest_org, "engineer": busiest_engineer, "severity": "P2"},
        ),
        ("one year", "/dashboard/", year),
        ("export all.xlsx", "/dashboard/export/all.xlsx", {}),
        ("export sla.csv", "/dashboard/export/sla.csv", {}),
    ]


def backend_cpu_ms(pid: int | None) -> float:
    """CPU time (user + system) the database backend ``pid`` has used, from /proc."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def run(client, path: str, query: dict, *, warmup: int, requests: int, pid=None) -> dict:
    from django.db import connection, reset_queries

    for _ in range(warmup):
        assert client.get(path, query).status_code == 200
    times, cpu, db_cpu, sql, queries = [], [], [], [], 0
    for _ in range(requests):
        reset_queries()
        started, started_cpu = time.perf_counter(), time.process_time()
        started_db = backend_cpu_ms(pid)
        response = client.get(path, query)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        db_cpu.append(backend_cpu_ms(pid) - started_db)
        assert response.status_code == 200, response.status_code
        queries = len(connection.queries)
        sql.append(sum(float(q["time"]) for q in connection.queries) * 1000)
    return {
        "n": requests,
        "p50": round(percentile(times, 50), 1),
        "p95": round(percentile(times, 95), 1),
        "max": round(max(times), 1),
        "mean": round(statistics.fmean(times), 1),
        "python_cpu_p50": round(percentile(cpu, 50), 1),
        "python_cpu_mean": round(statistics.fmean(cpu), 1),
        "db_backend_cpu_mean": round(statistics.fmean(db_cpu), 1) if pid else None,
        "sql_p50": round(percentile(sql, 50), 1),
        "queries": queries,
        "bytes": len(response.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/casedesk_bench"
    )
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--json", help="save the figures to this file")
    parser.add_argument(
        "--candidate-indexes",
        action="store_true",
        help="measure with CANDIDATE_INDEXES, built in a transaction that is rolled back",
    )
    parser.add_argument(
        "--serial",
        action="store_true",
        help="no parallel query; also report the database backend's CPU time per request",
    )
    parser.add_argument(
        "--only", help="run only the scenarios whose names contain one of these (comma-separated)"
    )
    args = parser.parse_args()

    manager = setup(args.database_url)
    from django.db import connection, transaction

    class Rollback(Exception):
        pass

    if not args.candidate_indexes:
        figures = measure(args, manager)
    else:
        try:
            with transaction.atomic():
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    for sql in CANDIDATE_INDEXES:
                        cursor.execute(sql)
                    for table in ("sla_deadline", "cases_caseevent", "cases_worklog"):
                        cursor.execute(f"ANALYZE {table}")
                print(f"candidate indexes built in {time.perf_counter() - started:.1f} s")
                figures = measure(args, manager)
                figures["candidate_indexes"] = CANDIDATE_INDEXES
                raise Rollback
        except Rollback:
            print("rolled back: the candidate indexes are gone")
    figures["load_after"] = os.getloadavg()
    print(f"load after {figures['load_after']}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


def measure(args, manager) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from casedesk.cases.models import Case

    client = Client()
    client.force_login(manager)
    pid = None
    if args.serial:
        # One process does all of each query's work, so its CPU time is the database's
        # whole cost: a figure that depends little on what else the machine runs.
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
    figures = {
        "cases": Case.objects.count(),
        "database": connection.vendor,
        "python": platform.python_version(),
        "load_before": os.getloadavg(),
        "scenarios": {},
    }
    print(f"{figures['cases']} CASEs on {connection.vendor}; load {figures['load_before']}")
    for name, path, query in scenarios():
        if args.only and not any(part in name for part in args.only.split(",")):
            continue
        with CaptureQueriesContext(connection):  # count queries with DEBUG off
            result = run(client, path, query, warmup=args.warmup, requests=args.requests, pid=pid)
        figures["scenarios"][name] = result
        print(
            f"{name:28s} p50 {result['p50']:7.1f} ms  p95 {result['p95']:7.1f} ms  "
            f"max {result['max']:7.1f} ms | SQL p50 {result['sql_p50']:6.1f} ms, Python CPU p50 "
            f"{result['python_cpu_p50']:5.1f} ms | {result['queries']} queries, {result['bytes']} B"
        )
        if pid:
            print(
                f"{'':28s} CPU per request: Python {result['python_cpu_mean']:.1f} ms + "
                f"database {result['db_backend_cpu_mean']:.1f} ms (serial plans)"
            )
    return figures


if __name__ == "__main__":
    main()
