"""Benchmark the installed base on PostgreSQL: importing equipment, and the entitlement lookup.

    createdb -h 127.0.0.1 -U postgres casedesk_equipment_bench
    .venv/bin/python bench/equipment_bench.py \
        --database-url postgres://postgres@127.0.0.1:5432/casedesk_equipment_bench

The first run migrates the database and generates, with COPY, 2,000 organizations, 8 service
products, 100,000 contracts (a quarter expired, a tenth about to start), 1,000,000 pieces of
equipment and about 1,150,000 coverage lines (every contract covers ten boxes; 15 % of the
boxes were also covered by an earlier, expired contract; 5 % have none); later runs reuse it
(``--regenerate`` starts again).

Then, in-process with production settings (DEBUG off):

- **import**: a 50,000-row CSV (a third naming a contract) read, checked and written by
  ``contracts.importing.equipment_import`` — the command's and the upload page's code path,
  audit records included — best and all of ``--import-runs`` runs, each with new serial
  numbers (the installed base grows by 50,000 a run).  Target ≥ 5,000 rows/s.
- **entitlement**: ``--lookups`` serial numbers (70 % covered today, 20 % whose coverage
  ended, 10 % unknown) looked up one at a time: the one indexed query the selector must run
  (serial → its coverage lines at the day, with contract and product), and the selector
  ``contracts.selectors.entitlement`` itself when it exists (the contracts domain's; a
  duty engineer reads).  Target p95 < 5 ms.

Wall p50/p95/max and CPU (this process plus its PostgreSQL backend, from /proc): the
machine is a shared 2-core VM, and CPU is what a noisy neighbour distorts least.
``--json FILE`` keeps every figure.
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

from bench.web_bench import backend_cpu_ms, percentile  # noqa: E402

IMPORT_TARGET = 5_000.0  # rows/s
LOOKUP_TARGET_MS = 5.0
ORGANIZATIONS, CONTRACTS, EQUIPMENT = 2_000, 100_000, 1_000_000
TODAY = dt.date(2026, 12, 7)

# serial → every coverage line of the box with its contract and product (a handful): the
# entitlement's one query; the day decides in the caller which line covers (and if none,
# which ended last: "expired on D").
LOOKUP_SQL = """
SELECT cl.starts_on, cl.ends_on, c.number, sp.code, sp.onsite_hours
FROM contracts_equipment e
JOIN contracts_coverageline cl ON cl.equipment_id = e.id
JOIN contracts_contract c ON c.id = cl.contract_id
JOIN contracts_serviceproduct sp ON sp.id = cl.service_product_id
WHERE e.serial_number = %s
ORDER BY cl.ends_on DESC
"""


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    os.environ.setdefault("CASEDESK_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def cpu_ms() -> tuple[float, float]:
    """(this process, its PostgreSQL backend) CPU in ms so far."""
    return time.process_time() * 1000, backend_cpu_ms() or 0.0


# --- the data set ---------------------------------------------------------------------------


def generated() -> bool:
    from casedesk.contracts.models import Equipment

    return Equipment.objects.filter(serial_number="BX00999999").exists()


def generate(seed: int = 1) -> dict:
    """Organizations, products, contracts, equipment and coverage lines, by COPY."""
    from django.db import connection, transaction

    from casedesk.core import clock

    rng = random.Random(seed)
    now = clock.now()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE contracts_coverageline, contracts_contractamendment, contracts_contract,"
            " contracts_equipment, contracts_serviceproduct CASCADE"
        )
        cursor.execute("DELETE FROM accounts_organization WHERE code LIKE 'BENCH%%'")
        raw = cursor.cursor
        with raw.copy(
            "COPY accounts_organization (code, name, service_level, phone, address, is_active,"
            " created_at) FROM STDIN"
        ) as copy:
            for n in range(ORGANIZATIONS):
                copy.write_row((f"BENCH{n:04d}", f"客户 {n}", "gold", "", "", True, now))
        cursor.execute(
            "SELECT id FROM accounts_organization WHERE code LIKE 'BENCH%%' ORDER BY code"
        )
        orgs = [r[0] for r in cursor.fetchall()]
        with raw.copy(
            "COPY contracts_serviceproduct (code, name, coverage, callback_minutes,"
            " first_worklog_minutes, onsite_hours, repair_days, replacement_hours, is_active,"
            " created_at) FROM STDIN"
        ) as copy:
            for n in range(8):
                copy.write_row(
                    (f"P{n}", f"产品 {n}", "7x24" if n % 2 else "5x8", 15, 60, 4, 14, 24, True, now)
                )
        cursor.execute("SELECT id FROM contracts_serviceproduct ORDER BY code")
        products = [r[0] for r in cursor.fetchall()]
        contracts = []  # (organization, product, starts_on, ends_on)
        with raw.copy(
            "COPY contracts_contract (number, organization_id, service_product_id, starts_on,"
            " ends_on, created_at) FROM STDIN"
        ) as copy:
            for n in range(CONTRACTS):
                kind = rng.random()
                if kind < 0.25:  # expired
                    start = TODAY - dt.timedelta(days=rng.randint(400, 1500))
                elif kind < 0.35:  # starts later
                    start = TODAY + dt.timedelta(days=rng.randint(1, 90))
                else:  # running
                    start = TODAY - dt.timedelta(days=rng.randint(0, 700))
                end = start + dt.timedelta(days=364 + 365 * rng.randint(0, 2))
                org, product = orgs[n % ORGANIZATIONS], rng.choice(products)
                contracts.append((org, product, start, end))
                copy.write_row((f"HT{n:07d}", org, product, start, end, now))
        cursor.execute("SELECT id FROM contracts_contract ORDER BY number")
        contract_ids = [r[0] for r in cursor.fetchall()]
        with raw.copy(
            "COPY contracts_equipment (serial_number, organization_id, model, vendor, site,"
            " installed_on, warranty_ends_on, created_at) FROM STDIN"
        ) as copy:
            for n in range(EQUIPMENT):
                org = contracts[n // 10][0]
                copy.write_row(
                    (f"BX{n:08d}", org, "C9300-48P", "Cisco", f"机房 {n % 500}", None, None, now)
                )
        cursor.execute("SELECT id FROM contracts_equipment ORDER BY serial_number")
        equipment = [r[0] for r in cursor.fetchall()]
        lines = 0
        with raw.copy(
            "COPY contracts_coverageline (contract_id, equipment_id, service_product_id,"
            " starts_on, ends_on) FROM STDIN"
        ) as copy:
            for n, box in enumerate(equipment):
                if n % 20 == 19:  # 5 %: no coverage at all
                    continue
                org, product, start, end = contracts[n // 10]
                copy.write_row((contract_ids[n // 10], box, product, start, end))
                lines += 1
                if rng.random() < 0.15:  # an earlier contract, long expired
                    earlier = contract_ids[(n // 10 + 1) % CONTRACTS]
                    older = start - dt.timedelta(days=800)
                    copy.write_row((earlier, box, product, older, older + dt.timedelta(days=364)))
                    lines += 1
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE accounts_organization, contracts_serviceproduct, contracts_contract,"
            " contracts_equipment, contracts_coverageline"
        )
    return {"seconds": round(time.perf_counter() - started, 1), "coverage_lines": lines}


# --- import -----------------------------------------------------------------------------------


def import_file(rows: int, prefix: str) -> bytes:
    from casedesk.contracts.models import Contract

    numbers = list(
        Contract.objects.filter(organization__code="BENCH0007").values_list("number", flat=True)
    )
    lines = ["serial_number,organization,model,vendor,contract,site,warranty_ends_on"]
    for n in range(rows):
        contract = numbers[n % len(numbers)] if n % 3 == 0 else ""
        day = ("2027-06-30", "2027/6/30", "46568")[n % 3]
        lines.append(
            f"{prefix}{n:07d},BENCH0007,C9300-48P,Cisco,{contract},北京市第{n}号机房,{day}"
        )
    return ("\n".join(lines) + "\n").encode()


def bench_import(rows: int, runs: int) -> dict:
    from casedesk.contracts import importing
    from casedesk.contracts.import_tables import read

    results = []
    for run in range(runs):
        prefix = f"IMP{int(time.time() * 1000) % 10**8:08d}R{run}-"
        data = import_file(rows, prefix)
        cpu0, db0 = cpu_ms()
        started = time.perf_counter()
        checked = importing.equipment_import(table=read(data), by=None, source="bench.csv")
        wall = time.perf_counter() - started
        cpu1, db1 = cpu_ms()
        assert checked.written and not checked.problems, checked.problems[:3]
        results.append(
            {
                "rows": rows,
                "seconds": round(wall, 2),
                "rows_per_s": round(rows / wall),
                "cpu_s": round((cpu1 - cpu0) / 1000, 2),
                "db_cpu_s": round((db1 - db0) / 1000, 2),
                "coverage_lines": checked.lines_to_add,
            }
        )
        print(f"  import run {run + 1}: {results[-1]}", flush=True)
    best = max(results, key=lambda r: r["rows_per_s"])
    return {"best": best, "runs": results, "target_rows_per_s": IMPORT_TARGET}


# --- entitlement --------------------------------------------------------------------------------


def sample_serials(n: int, rng: random.Random) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.serial_number, max(cl.ends_on) >= %s AND min(cl.starts_on) <= %s"
            " FROM contracts_equipment e JOIN contracts_coverageline cl ON cl.equipment_id = e.id"
            " WHERE e.serial_number LIKE 'BX%%' AND e.id %% 97 = 0 GROUP BY e.serial_number",
            [TODAY, TODAY],
        )
        rows = cursor.fetchall()
    covered = [s for s, c in rows if c]
    ended = [s for s, c in rows if not c]
    picks = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.7:
            picks.append(rng.choice(covered))
        elif kind < 0.9:
            picks.append(rng.choice(ended))
        else:
            picks.append(f"NOSUCH{rng.randint(0, 10**9):09d}")
    return picks


def timed(call, items: list, warmup: int = 50) -> dict:
    for item in items[:warmup]:
        call(item)
    times = []
    cpu0, db0 = cpu_ms()
    for item in items:
        started = time.perf_counter()
        call(item)
        times.append((time.perf_counter() - started) * 1000)
    cpu1, db1 = cpu_ms()
    return {
        "n": len(items),
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(percentile(times, 95), 3),
        "max_ms": round(max(times), 2),
        "cpu_ms_per_lookup": round((cpu1 - cpu0) / len(items), 3),
        "db_cpu_ms_per_lookup": round((db1 - db0) / len(items), 3),
        "target_p95_ms": LOOKUP_TARGET_MS,
    }


def bench_entitlement(n: int, rng: random.Random) -> dict:
    from django.db import connection

    serials = sample_serials(n, rng)

    def query(serial: str):
        with connection.cursor() as cursor:
            cursor.execute(LOOKUP_SQL, [serial])
            lines = cursor.fetchall()
        return next((line for line in lines if line[0] <= TODAY <= line[1]), None)

    out = {"query": timed(query, serials)}
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + LOOKUP_SQL, [serials[0]])
        out["query_plan"] = [r[0] for r in cursor.fetchall()]
    from django.db import transaction

    from casedesk.accounts import services as people
    from casedesk.accounts.models import User
    from casedesk.contracts import selectors, services
    from casedesk.contracts.models import ServiceProduct
    from casedesk.core import clock

    duty = User.objects.filter(username="bench.duty").first() or people.user_create(
        username="bench.duty", role="duty_engineer"
    )
    at = dt.datetime(2026, 12, 7, 10, 0, tzinfo=clock.desk_zone())

    def selector(serial: str):
        return selectors.entitlement(serial_number=serial, at=at, fetched_by=duty)

    out["selector"] = timed(selector, serials)
    # The same lookups when every product counts its CASEs against an allowance (the
    # allowances made in a transaction rolled back afterwards).
    with transaction.atomic():
        for product in ServiceProduct.objects.all():
            services.service_product_change(
                product=product,
                changes={
                    "allowances": [{"unit": "cases", "quantity": 1000, "period": "contract_year"}]
                },
                by=None,
            )
        out["selector_with_allowances"] = timed(selector, serials)
        transaction.set_rollback(True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("the benchmark runs on PostgreSQL")
    setup(args.database_url)
    from django.db import connection

    figures: dict = {"load_average": os.getloadavg()}
    if args.regenerate or not generated():
        print("generating the data set …", flush=True)
        figures["generate"] = generate(args.seed)
        print(f"  {figures['generate']}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM contracts_equipment),"
            " (SELECT count(*) FROM contracts_contract),"
            " (SELECT count(*) FROM contracts_coverageline)"
        )
        figures["data_set"] = dict(
            zip(("equipment", "contracts", "coverage_lines"), cursor.fetchone(), strict=True)
        )
    print(f"data set: {figures['data_set']}", flush=True)
    rng = random.Random(args.seed)
    print("entitlement …", flush=True)
    figures["entitlement"] = bench_entitlement(args.lookups, rng)
    for key in ("query", "selector", "selector_with_allowances"):
        if key in figures["entitlement"]:
            print(f"  {key}: {figures['entitlement'][key]}", flush=True)
    if args.import_runs > 0:  # --import-runs 0: the lookups alone
        print("import …", flush=True)
        figures["import"] = bench_import(args.import_rows, args.import_runs)
    figures["load_average_after"] = os.getloadavg()
    print(
        json.dumps({k: v for k, v in figures.items() if k != "entitlement"}, indent=1, default=str)
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str))


if __name__ == "__main__":
    main()
