"""Grow a generated data set (``bench/generate.py``) to N times its CASEs inside PostgreSQL.

    .venv/bin/python bench/multiply_cases.py \
        --database-url postgres://postgres@127.0.0.1:5432/casedesk_knowledge_bench --times 10

``generate.py`` builds every row in memory before writing: a million CASEs (10 million
events, 5 million work logs, 9 million deadlines) needs more than this machine's 23 GB.
This copies what it wrote ``times - 1`` more times with ``INSERT … SELECT``: each copy's
ids shifted past the last, its CASE numbers the original's with ``-<k>``, every
reference to a copied row shifted with it.  The copies are the same CASEs again, so they
test volume (table and index sizes, the planner's statistics), not variety.  Tables: the
CASEs, their helpers, events, work logs, SLA clocks and deadlines, and their search
documents (token statistics multiplied to match).  Then ``VACUUM ANALYZE``.
"""

from __future__ import annotations

import argparse
import time

import psycopg

# (table, the column that is its own key shifted per copy or None, {column: table it names})
TABLES = (
    ("cases_case", "id", {}),
    ("cases_case_helpers", "id", {"case_id": "cases_case"}),
    ("cases_caseevent", "id", {"case_id": "cases_case"}),
    ("cases_worklog", "id", {"case_id": "cases_case"}),
    ("sla_caseclock", "id", {"case_id": "cases_case"}),
    ("sla_deadline", "id", {"case_id": "cases_case"}),
    ("search_casedocument", None, {"case_id": "cases_case"}),
)


def columns(cur, table: str) -> list[str]:
    cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
        " ORDER BY ordinal_position",
        (table,),
    )
    return [row[0] for row in cur.fetchall()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--times", type=int, default=10)
    args = parser.parse_args()
    if not 2 <= args.times <= 99:
        parser.error("--times is 2 to 99")
    started = time.monotonic()
    with psycopg.connect(args.database_url, autocommit=False) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case WHERE number LIKE '%-%'")
        if cur.fetchone()[0]:
            raise SystemExit("already multiplied (copies' numbers, C…-k, exist)")
        shift: dict[str, int] = {}
        for table, key, _refs in TABLES:
            if key:
                cur.execute(f"SELECT coalesce(max({key}), 0) FROM {table}")
                shift[table] = cur.fetchone()[0]
        for k in range(1, args.times):
            for table, key, refs in TABLES:
                t0 = time.monotonic()
                names = columns(cur, table)
                values = []
                for name in names:
                    if name == key:
                        values.append(f"{name} + {k * shift[table]}")
                    elif name in refs:
                        values.append(f"{name} + {k * shift[refs[name]]}")
                    elif table == "cases_case" and name == "number":
                        values.append(f"number || '-{k}'")
                    else:
                        values.append(name)
                # only the original rows (ids up to the last the generator wrote)
                first = "id" if table == "cases_case" else next(iter(refs))
                where = f" WHERE {first} <= {shift['cases_case']}"
                cur.execute(
                    f"INSERT INTO {table} ({', '.join(names)}) "
                    f"SELECT {', '.join(values)} FROM {table}{where}"
                )
                print(f"  copy {k}: {table} {cur.rowcount} rows ({time.monotonic() - t0:.1f} s)")
        cur.execute("UPDATE search_tokenstat SET documents = documents * %s", (args.times,))
        for table, key, _refs in TABLES:
            if key:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), "
                    f"(SELECT max({key}) FROM {table}))"
                )
        conn.commit()
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        total = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    print(f"done in {time.monotonic() - started:.0f} s: {total} CASEs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
