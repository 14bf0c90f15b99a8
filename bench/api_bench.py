"""Benchmark the CASE API as it runs in production: gunicorn on loopback, PostgreSQL.

    .venv/bin/python bench/api_bench.py --database-url postgres://postgres@127.0.0.1:5432/casedesk_bench

1. Migrates the database and fills it with ``--cases`` CASEs (bench/generate.py) if it has
   none; creates the bench's users (a call taker, a duty engineer, a customer) and tokens.
2. Starts ``casedesk serve --no-worker`` (gunicorn) on a free 127.0.0.1 port against that
   database, with gunicorn's access log carrying each request's server time.
3. Reads: for each list query, ``--get-requests`` sequential GETs from one keep-alive
   client (latency), then ``--clients`` concurrent clients for ``--get-duration`` seconds
   (latency under load).  Client-side p50/p95/p99 and server time from the access log.
4. Writes: ``--clients`` client processes, each with one keep-alive connection, POST
   /api/v1/cases for ``--duration`` seconds after ``--warmup`` seconds; throughput and
   p50/p95/p99.
5. Stops the server, deletes the CASEs the bench opened (unless ``--keep``) so the data
   set stays at its size, and prints the figures (``--json FILE`` saves them).

Every loop is bounded by a count or a deadline; every request has a timeout.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

HOST = "127.0.0.1"
BENCH_USERS = {
    "bench.taker": {"role": "call_taker"},
    "bench.duty": {"role": "duty_engineer"},
}
ACCESS_LOG_FORMAT = 'BENCH %({x-bench}i)s %(s)s %(D)s "%(r)s"'
ACCESS_LINE = re.compile(r"BENCH (\S+) (\d{3}) (\d+) ")
TITLES = [
    "核心交换机端口 down",
    "VPN 隧道频繁中断",
    "BGP neighbor flapping on ASR 1002-HX",
    "无线 AP 批量离线",
    "防火墙 CPU 持续 100%",
    "request for a config review before a change window",
    "电源模块告警，需 RMA",
    "Packet loss between data centres",
]


# --- statistics --------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(latencies_ms: list[float]) -> dict:
    if not latencies_ms:
        return {"n": 0}
    return {
        "n": len(latencies_ms),
        "mean": round(statistics.fmean(latencies_ms), 2),
        "p50": round(percentile(latencies_ms, 50), 2),
        "p95": round(percentile(latencies_ms, 95), 2),
        "p99": round(percentile(latencies_ms, 99), 2),
        "max": round(max(latencies_ms), 2),
    }


# --- HTTP clients (run in their own processes) --------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int, token: str, label: str):
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "X-Bench": label,
        }

    def call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=self.headers)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # reconnect on the next call
            return 0, b"", (time.perf_counter() - started) * 1000
        return response.status, data, (time.perf_counter() - started) * 1000

    def close(self) -> None:
        self.conn.close()


def _create_body(rng: random.Random, contacts: list[tuple[str, int]]) -> bytes:
    org, contact = rng.choice(contacts)
    return json.dumps(
        {
            "organization": org,
            "contact": contact,
            "title": rng.choice(TITLES),
            "description": "客户来电：业务中断，已重启设备无效。Logs attached; please call back.",
            "priority": rng.choice(("P1", "P2", "P2", "P3", "P3", "P3", "P4")),
            "channel": "api",
            "hardware_platform": "Catalyst 9300",
            "software_version": "IOS-XE 17.9.4a",
            "serial_number": f"FOC{rng.randrange(10**7, 10**8)}",
        },
        ensure_ascii=False,
    ).encode()


def run_client(job: dict) -> dict:
    """Wait for ``start_at``, warm up, then measure until ``end_at`` (wall clock)."""
    rng = random.Random(job["seed"])
    client = Client(job["port"], job["token"], job["label"])
    latencies: list[float] = []
    errors: dict[str, int] = defaultdict(int)
    paths = job["paths"]
    time.sleep(max(0.0, job["start_at"] - time.time()))
    measured_from = job["start_at"] + job["warmup"]
    first = last = None
    total = 0
    while (now := time.time()) < job["end_at"]:
        total += 1
        if job["method"] == "POST":
            status, data, ms = client.call(
                "POST", "/api/v1/cases", _create_body(rng, job["contacts"])
            )
            ok = status == 201
        else:
            status, data, ms = client.call("GET", rng.choice(paths))
            ok = status == 200
        if now < measured_from:
            continue
        first = first or now
        last = time.time()
        if ok:
            latencies.append(ms)
        else:
            errors[f"{status} {data[:120].decode(errors='replace')}"] += 1
    client.close()
    return {
        "latencies": latencies,
        "errors": dict(errors),
        "first": first,
        "last": last,
        "total": total,
    }


def run_sequential(port: int, token: str, label: str, paths: list[str], n: int, warmup: int):
    """One keep-alive client, one request at a time, cycling through ``paths``."""
    client = Client(port, token, label)
    latencies: list[float] = []
    errors: dict[str, int] = defaultdict(int)
    count = None
    for i in range(warmup + n):
        status, data, ms = client.call("GET", paths[i % len(paths)])
        if status != 200:
            errors[f"{status} {data[:120].decode(errors='replace')}"] += 1
            continue
        if i == 0:
            body = json.loads(data)
            count = body.get("count") if isinstance(body, dict) else len(body)
        if i >= warmup:
            latencies.append(ms)
    client.close()
    return {"latencies": latencies, "errors": dict(errors), "count": count, "total": warmup + n}


def run_concurrent(pool, *, clients: int, warmup: float, duration: float, **job) -> dict:
    start_at = time.time() + 0.5
    jobs = [
        {
            **job,
            "seed": job.get("seed", 0) * 100 + i,
            "start_at": start_at,
            "warmup": warmup,
            "end_at": start_at + warmup + duration,
        }
        for i in range(clients)
    ]
    results = pool.map(run_client, jobs)
    latencies = [ms for r in results for ms in r["latencies"]]
    errors: dict[str, int] = defaultdict(int)
    for r in results:
        for k, v in r["errors"].items():
            errors[k] += v
    firsts = [r["first"] for r in results if r["first"]]
    lasts = [r["last"] for r in results if r["last"]]
    window = (max(lasts) - min(firsts)) if firsts else 0
    return {
        "latencies": latencies,
        "errors": dict(errors),
        "total": sum(r["total"] for r in results),
        "seconds": round(window, 2),
        "throughput": round(len(latencies) / window, 1) if window else 0.0,
    }


# --- server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(args, env: dict, log_path: Path) -> tuple[subprocess.Popen, int]:
    port = args.port or free_port()
    command = [sys.executable, "-m", "casedesk", "serve", "--no-worker", "--port", str(port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    server_env = {
        **env,
        "GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_LOG_FORMAT}'",
        "CASEDESK_BIND": HOST,
    }
    log = log_path.open("w")
    process = subprocess.Popen(
        command, env=server_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited ({process.returncode}); see {log_path}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return process, port
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise SystemExit(f"the server did not answer within 60 s; see {log_path}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # serve forwards it to gunicorn
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def server_times(log_path: Path) -> dict[str, list[float]]:
    """Request times (ms) per X-Bench label, from gunicorn's access log."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in log_path.read_text(errors="replace").splitlines():
        m = ACCESS_LINE.search(line)
        if m and m.group(2) in ("200", "201"):
            times[m.group(1)].append(int(m.group(3)) / 1000)
    return times


class CpuMeter:
    """CPU time (user + system) used by the server's processes and by the database's
    backends for the bench's database, so cost per request can be read even on a busy
    machine where wall-clock latency is noisy."""

    TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")

    def __init__(self, server_pid: int, database: str | None):
        self.server_pid = server_pid
        self.database = database

    @staticmethod
    def _stat(pid: int) -> tuple[int, float] | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return int(fields[1]), (int(fields[11]) + int(fields[12])) * CpuMeter.TICK_MS

    def _server_pids(self) -> list[int]:
        parents: dict[int, list[int]] = defaultdict(list)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (st := self._stat(int(entry.name))):
                parents[st[0]].append(int(entry.name))
        tree, todo = [], [self.server_pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(parents.get(pid, []))
        return tree

    def _db_pids(self) -> list[int]:
        if not self.database:
            return []
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            )
            return [pid for (pid,) in cursor.fetchall()]

    def snapshot(self) -> dict[str, dict[int, float]]:
        out: dict[str, dict[int, float]] = {}
        for kind, pids in (("server", self._server_pids()), ("db", self._db_pids())):
            out[kind] = {pid: st[1] for pid in pids if (st := self._stat(pid))}
        return out

    @staticmethod
    def used(before: dict, after: dict) -> dict[str, float]:
        return {
            kind: sum(ms - before[kind].get(pid, 0.0) for pid, ms in after[kind].items())
            for kind in after
        }


# --- data set and users ------------------------------------------------------------------


def prepare(args, env: dict) -> dict:
    """Migrate/generate if needed, then users, tokens and the values the queries use."""
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--if-empty",
            "--cases",
            str(args.cases),
        ],
        env=env,
        check=True,
        timeout=900,
    )
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Q

    from casedesk.accounts import services as people
    from casedesk.accounts.models import ApiToken, Contact, Organization, User
    from casedesk.cases.models import Case

    users = {}
    for username, spec in BENCH_USERS.items():
        users[username] = User.objects.filter(username=username).first() or people.user_create(
            username=username, email=f"{username}@bench.example", **spec
        )
    biggest_org = (
        Organization.objects.annotate(n=Count("cases")).order_by("-n").values_list("pk", flat=True)
    )[0]
    org = Organization.objects.get(pk=biggest_org)
    customer = User.objects.filter(username="bench.customer").first() or people.user_create(
        username="bench.customer", role="customer", organization=org, email="c@bench.example"
    )
    users["bench.customer"] = customer
    ApiToken.objects.filter(user__in=users.values()).delete()
    tokens = {name: people.token_create(user=u, name="bench")[1] for name, u in users.items()}

    busy = (
        User.objects.filter(role="engineer")
        .annotate(live=Count("owned_cases", filter=~Q(owned_cases__status="closed")))
        .order_by("-live")
        .values_list("username", flat=True)
    )[0]
    contacts = list(
        Contact.objects.filter(organization__is_active=True).values_list("organization__code", "pk")
    )
    # A random sample for ?q=<number>, ?q=<serial> and GET /cases/{number}.
    sample = list(Case.objects.order_by("?").values_list("number", "serial_number")[:200])
    numbers = [n for n, _ in sample]
    serials = [s for _, s in sample if s]
    info = {
        "cases": Case.objects.count(),
        "open": Case.objects.filter(status="open").count(),
        "busy_engineer": busy,
        "customer_org": org.code,
        "customer_org_cases": Case.objects.filter(organization=org).count(),
        "database": f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}",
        "db_name": connection.settings_dict["NAME"] if connection.vendor == "postgresql" else None,
        "last_case_id": Case.objects.order_by("-id").values_list("id", flat=True).first() or 0,
    }
    connection.close()
    return {
        "tokens": tokens,
        "contacts": contacts,
        "numbers": numbers,
        "serials": serials,
        "info": info,
        "users": users,
    }


def cleanup(created_after_id: int, bench_user_ids: list[int]) -> int:
    """Delete the CASEs the bench opened, and every row that refers to them (events, work
    logs, deadlines, notifications… whatever apps exist), keeping the data set's size."""
    from django.db import connection, transaction

    from casedesk.cases.models import Case

    def purge(model, qs, depth: int = 0) -> None:
        if depth < 4:
            for rel in model._meta.related_objects:
                if not rel.many_to_many:  # M2M rows go with the delete below
                    related = rel.related_model._base_manager
                    purge(
                        rel.related_model,
                        related.filter(**{f"{rel.field.name}__in": qs}),
                        depth + 1,
                    )
        qs.delete()

    with transaction.atomic():
        ids = list(
            Case.objects.filter(
                id__gt=created_after_id, created_by_id__in=bench_user_ids
            ).values_list("id", flat=True)
        )
        if ids:
            purge(Case, Case._base_manager.filter(id__in=ids))
    if connection.vendor == "postgresql" and ids:  # leave no dead rows for the next run
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return len(ids)


# --- main --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--cases", type=int, default=100_000, help="data set size if generated")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of POSTs")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before measuring")
    parser.add_argument("--get-requests", type=int, default=300, help="sequential GETs per query")
    parser.add_argument("--get-duration", type=float, default=5.0, help="seconds of loaded GETs")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: serve's)")
    parser.add_argument("--threads", type=int, help="gunicorn threads (default: serve's)")
    parser.add_argument("--port", type=int, help="default: a free port")
    parser.add_argument("--only", choices=("reads", "writes"), help="run one half only")
    parser.add_argument("--reads", help="comma-separated labels of the reads to run (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the CASEs the bench opened")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")

    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "casedesk.settings",
    }
    env.pop("CASEDESK_DEBUG", None)
    data = prepare(args, env)
    tokens, info = data["tokens"], data["info"]
    print(
        f"data set: {info['cases']} CASEs ({info['open']} open) on {info['database']}; "
        f"busy engineer {info['busy_engineer']}; customer org {info['customer_org']} "
        f"({info['customer_org_cases']} CASEs)"
    )
    busy = info["busy_engineer"]
    numbers, serials = data["numbers"], data["serials"]
    reads = [
        ("healthz", "bench.duty", ["/healthz"]),  # the floor: gunicorn + Django + one query
        ("open", "bench.duty", ["/api/v1/cases?status=open&limit=25"]),
        ("open_p2_eng", "bench.duty", [f"/api/v1/cases?status=open&priority=P2&engineer={busy}&limit=25"]),
        ("inprog_p2_eng", "bench.duty", [f"/api/v1/cases?status=in_progress&priority=P2&engineer={busy}&limit=25"]),
        ("q_number", "bench.duty", [f"/api/v1/cases?q={n}&limit=25" for n in numbers]),
        ("q_serial", "bench.duty", [f"/api/v1/cases?q={s}&limit=25" for s in serials]),
        ("q_words", "bench.duty", ["/api/v1/cases?q=%E5%85%89%E6%A8%A1%E5%9D%97&limit=25"]),  # 光模块
        ("all_newest", "bench.duty", ["/api/v1/cases?limit=25"]),
        ("customer", "bench.customer", ["/api/v1/cases?limit=25"]),
        ("case_get", "bench.duty", [f"/api/v1/cases/{n}" for n in numbers]),
        ("case_events", "bench.duty", [f"/api/v1/cases/{n}/events" for n in numbers]),
    ]  # fmt: skip
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_before": os.getloadavg(),
        },
        "info": info,
        "reads": {},
    }
    log_path = Path(tempfile.mkdtemp(prefix="casedesk-bench-")) / "server.log"
    process, port = start_server(args, env, log_path)
    print(f"server: casedesk serve --no-worker on {HOST}:{port} (log {log_path})")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    meter = CpuMeter(process.pid, info["db_name"])

    def measured(run, *a, **kw) -> dict:
        before = meter.snapshot()
        result = run(*a, **kw)
        used = CpuMeter.used(before, meter.snapshot())
        n = max(result["total"], 1)
        result["cpu_ms_per_request"] = {k: round(v / n, 2) for k, v in used.items()}
        return result

    try:
        with mp.get_context("spawn").Pool(args.clients) as pool:
            wanted = set(args.reads.split(",")) if args.reads else {label for label, *_ in reads}
            for label, user, paths in reads if args.only != "writes" else []:
                if label not in wanted:
                    continue
                token = tokens[user]
                seq = measured(run_sequential, port, token, label, paths, args.get_requests, 20)
                conc = measured(
                    run_concurrent,
                    pool,
                    clients=args.clients,
                    warmup=1.0,
                    duration=args.get_duration,
                    method="GET",
                    port=port,
                    token=token,
                    label=label + "@load",
                    paths=paths,
                    contacts=[],
                )
                results["reads"][label] = {
                    "path": paths[0],
                    "count": seq["count"],
                    "sequential": summary(seq["latencies"])
                    | {"errors": seq["errors"], "cpu_ms_per_request": seq["cpu_ms_per_request"]},
                    "concurrent": summary(conc["latencies"])
                    | {
                        "clients": args.clients,
                        "rps": conc["throughput"],
                        "errors": conc["errors"],
                        "cpu_ms_per_request": conc["cpu_ms_per_request"],
                    },
                }
                _print_read(label, results["reads"][label])
            if args.only != "reads":
                writes = measured(
                    run_concurrent,
                    pool,
                    clients=args.clients,
                    warmup=args.warmup,
                    duration=args.duration,
                    method="POST",
                    port=port,
                    token=tokens["bench.taker"],
                    label="create",
                    paths=[],
                    contacts=data["contacts"],
                    seed=7,
                )
                results["writes"] = summary(writes["latencies"]) | {
                    "clients": args.clients,
                    "seconds": writes["seconds"],
                    "cases_per_s": writes["throughput"],
                    "errors": writes["errors"],
                    "cpu_ms_per_request": writes["cpu_ms_per_request"],
                }
                _print_write(results["writes"])
    finally:
        stop_server(process)
    results["machine"]["loadavg_after"] = os.getloadavg()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results["server_ms"] = {
        label: summary(ms) for label, ms in sorted(server_times(log_path).items())
    }
    print("server time per request (gunicorn access log), ms:")
    for label, st in results["server_ms"].items():
        if label != "-":
            print(
                f"  {label:20} n={st['n']:6} p50 {st['p50']:7} p95 {st['p95']:7} p99 {st['p99']:7}"
            )
    if not args.keep and args.only != "reads":
        bench_ids = [u.pk for u in data["users"].values()]
        print(f"deleted the {cleanup(info['last_case_id'], bench_ids)} CASEs the bench opened")
    _print_verdict(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
        print(f"figures written to {args.json}")
    return 0


def _print_read(label: str, r: dict) -> None:
    s, c = r["sequential"], r["concurrent"]
    errors = sum(s.get("errors", {}).values()) + sum(c.get("errors", {}).values())
    print(
        f"GET {label:13} count={r['count']!s:6} 1 client: p50 {s.get('p50')} p95 {s.get('p95')} "
        f"p99 {s.get('p99')} ms, cpu/req {s['cpu_ms_per_request']} | {c.get('clients')} clients: "
        f"{c.get('rps')} req/s p50 {c.get('p50')} p95 {c.get('p95')} p99 {c.get('p99')} ms"
        f" | errors {errors}"
    )


def _print_write(w: dict) -> None:
    print(
        f"POST /cases ×{w['clients']} clients: {w['cases_per_s']} CASEs/s over {w['seconds']} s, "
        f"p50 {w.get('p50')} p95 {w.get('p95')} p99 {w.get('p99')} max {w.get('max')} ms, "
        f"cpu/req {w['cpu_ms_per_request']}; errors {sum(w['errors'].values())}"
    )
    for k, v in list(w["errors"].items())[:5]:
        print(f"    {v} × {k}")


def _print_verdict(results: dict) -> None:
    """The issue's targets, met or not."""
    checks = []
    if w := results.get("writes"):
        checks.append(("POST /cases ≥ 200 CASEs/s", w["cases_per_s"] >= 200, w["cases_per_s"]))
        checks.append(("POST /cases p99 < 100 ms", w.get("p99", 1e9) < 100, w.get("p99")))
    for label in ("open", "open_p2_eng"):
        if r := results["reads"].get(label):
            p95 = r["sequential"].get("p95", 1e9)
            checks.append((f"GET {label} p95 < 50 ms (1 client)", p95 < 50, p95))
            p95 = r["concurrent"].get("p95", 1e9)
            checks.append((f"GET {label} p95 < 50 ms (under load)", p95 < 50, p95))
    print("targets:")
    for name, ok, value in checks:
        print(f"  {'MET ' if ok else 'MISS'} {name}: {value}")
    results["targets"] = {name: {"met": ok, "value": value} for name, ok, value in checks}


if __name__ == "__main__":
    sys.exit(main())
