"""Benchmark stock on hand on PostgreSQL: one part across all locations, from the ledger.

    createdb -h 127.0.0.1 -U postgres casedesk_parts_bench
    .venv/bin/python bench/parts_bench.py \
        --database-url postgres://postgres@127.0.0.1:5432/casedesk_parts_bench

The first run migrates the database and generates, in SQL, 60 locations, 5,000 parts and
1,000,000 ledger rows (receipts, transfers, shipments and defective returns; a Zipf-like
skew puts ~50,000 rows on the hottest part); later runs reuse it (``--regenerate`` starts
again).  Then, in-process with production settings (DEBUG off), ``--lookups`` random parts
(and the hottest part ``--lookups`` times) are read one at a time through
``parts.selectors.on_hand`` — the API's and the stock page's read, from the balances each
move keeps — and the safety-stock count ``parts.selectors.good_stock`` (run inside every
move); then the same read summed from the ledger itself (``ledger_totals``: the covering
indexes ``parts_move_in``/``parts_move_out`` make it two index-only scans of the part's
rows), to show what the balances save.  Target: p95 < 10 ms.  ``--json FILE`` keeps every
figure.
"""

from __future__ import annotations

import argparse
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

TARGET_MS = 10.0
LOCATIONS, PARTS, MOVES = 60, 5_000, 1_000_000
KINDS = ("central", "depot", "van", "vendor", "customer", "quarantine")

GENERATE = """
INSERT INTO parts_location (code, name, kind)
SELECT 'L' || g, 'Location ' || g, (ARRAY%(kinds)s)[1 + g %% 6]
FROM generate_series(1, %(locations)s) g;
INSERT INTO parts_part (part_number, description, vendor, safety_stock, serial_tracked,
                        below_safety_alerted)
SELECT 'P-' || lpad(g::text, 5, '0'), 'Bench part ' || g, 'Vendor', 5, false, false
FROM generate_series(1, %(parts)s) g;
-- part: skewed towards the first parts (the hottest gets ~5 %% of the rows); ids start at 1
INSERT INTO parts_stockmove (part_id, from_location_id, to_location_id, quantity,
    from_condition, to_condition, serial_numbers, kind, at, reason)
SELECT m.part,
       CASE WHEN m.g %% 4 = 0 THEN NULL ELSE 1 + (m.g * 7) %% %(locations)s END,
       CASE WHEN m.g %% 4 = 1 THEN NULL ELSE 1 + (m.g * 13 + 1) %% %(locations)s END,
       1 + (m.g %% 5), 'good', CASE WHEN m.g %% 10 = 3 THEN 'defective' ELSE 'good' END, '[]',
       (ARRAY['receipt','transfer','shipment','transfer'])[1 + m.g %% 4],
       now() - (m.g || ' seconds')::interval, ''
FROM (SELECT g, 1 + floor(%(parts)s * power(random(), 3))::int AS part
      FROM generate_series(1, %(moves)s) g) m;
-- the balances each move would have kept (the random ledger may dip below 0: clamped)
INSERT INTO parts_stockbalance (part_id, location_id, condition, quantity)
SELECT part_id, location_id, condition, GREATEST(sum(n), 0)
FROM (SELECT part_id, to_location_id AS location_id, to_condition AS condition, quantity AS n
      FROM parts_stockmove WHERE to_location_id IS NOT NULL
      UNION ALL
      SELECT part_id, from_location_id, from_condition, -quantity
      FROM parts_stockmove WHERE from_location_id IS NOT NULL) t
GROUP BY 1, 2, 3;
"""


def setup(database_url: str, regenerate: bool) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    os.environ.setdefault("CASEDESK_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM parts_stockmove")
        (count,) = cursor.fetchone()
        if count and not regenerate:
            print(f"reusing {count:,} ledger rows")
            return
        cursor.execute(
            "TRUNCATE parts_partunit, parts_stockbalance, parts_stockmove, parts_part, "
            "parts_location "
            "RESTART IDENTITY CASCADE"
        )
        started = time.perf_counter()
        cursor.execute(
            GENERATE
            % {
                "kinds": "['" + "','".join(KINDS) + "']",
                "locations": LOCATIONS,
                "parts": PARTS,
                "moves": MOVES,
            }
        )
        cursor.execute("VACUUM ANALYZE parts_stockmove")  # the visibility map: index-only scans
        cursor.execute("VACUUM ANALYZE parts_stockbalance")
        print(f"generated {MOVES:,} ledger rows in {time.perf_counter() - started:.0f} s")


def timed(call, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def figures(samples: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "max_ms": round(max(samples), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    setup(args.database_url, args.regenerate)

    from django.db import connection
    from django.db.models import Count

    from casedesk.parts import selectors
    from casedesk.parts.models import Part, StockMove

    rng = random.Random(14)
    parts = list(Part.objects.all())
    hot_id = StockMove.objects.values("part").annotate(n=Count("id")).order_by("-n").first()["part"]
    hot = Part.objects.get(pk=hot_id)
    hot_rows = StockMove.objects.filter(part=hot).count()
    total = StockMove.objects.count()
    with connection.cursor() as cursor:  # warm the indexes once
        cursor.execute("SELECT count(*) FROM parts_stockmove WHERE part_id > 0")

    results = {
        "ledger_rows": total,
        "parts": len(parts),
        "hot_part_rows": hot_rows,
        "on_hand_random_part": figures(
            timed(lambda: selectors.on_hand(part=rng.choice(parts), fetched_by=None), args.lookups)
        ),
        "on_hand_hot_part": figures(
            timed(lambda: selectors.on_hand(part=hot, fetched_by=None), args.lookups)
        ),
        "good_stock_hot_part": figures(timed(lambda: selectors.good_stock(part=hot), args.lookups)),
        # the same read summed from the ledger itself (what the balances save)
        "ledger_sum_random_part": figures(
            timed(lambda: selectors.ledger_totals(part=rng.choice(parts)), args.lookups)
        ),
        "ledger_sum_hot_part": figures(
            timed(lambda: selectors.ledger_totals(part=hot), args.lookups)
        ),
        "target_p95_ms": TARGET_MS,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT to_location_id, to_condition, sum(quantity) FROM parts_stockmove "
            "WHERE part_id = %s AND to_location_id IS NOT NULL GROUP BY 1, 2",
            [hot.pk],
        )
        results["plan"] = [row[0] for row in cursor.fetchall()]
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
