"""Benchmark opening a CASE in process (``cases.services.case_open``), alone and contended.

    .venv/bin/python bench/open_bench.py \\
        --database-url postgres://postgres@127.0.0.1:5432/casedesk_bench

1. ``--openings`` CASEs opened one after the other by a call taker (random organization,
   contact and priority, P1–P4 as the data set weights them): CPU (``time.process_time``)
   and wall time per opening, median and p95, after ``--warmup`` openings.
2. ``--threads`` threads each opening ``--per-thread`` CASEs at once, each on its own
   connection: the wall time of the whole and the openings per second.  This is where
   the locks an opening holds until its commit (the month's number, the audit chain's
   head) show: every opening waits for the one before it.
3. Deletes the CASEs it opened and everything that refers to them (not their audit
   records: the chain is append-only), then VACUUM ANALYZE, so every run sees the same data.

Runs on any casedesk revision whose ``case_open`` takes these keywords, so the same
command measures before and after a change (``PYTHONPATH=<other worktree>/src``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--openings", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--threads", type=int, default=50)
    parser.add_argument("--per-thread", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django

    django.setup()

    from django.db import connection

    from api_bench import cleanup
    from casedesk.accounts import services as people
    from casedesk.accounts.models import Contact, User
    from casedesk.cases import services

    if not User.objects.filter(username="bench.opener").exists():
        people.user_create(username="bench.opener", role="call_taker", email="o@bench.example")
    opener = User.objects.get(username="bench.opener")
    contacts = list(
        Contact.objects.filter(organization__is_active=True).select_related("organization")
    )
    last_id = connection.cursor()
    last_id.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
    (created_after,) = last_id.fetchone()
    rng = random.Random(args.seed)
    priorities = ["P1"] * 3 + ["P2"] * 15 + ["P3"] * 52 + ["P4"] * 30

    def open_one(r: random.Random) -> None:
        contact = r.choice(contacts)
        services.case_open(
            organization=contact.organization,
            contact=contact,
            title=f"bench: interface flapping on {r.randrange(1000)}",
            priority=r.choice(priorities),
            channel="phone",
            by=opener,
        )

    print(f"{connection.vendor}: {args.database_url.rsplit('/', 1)[-1]}, load {os.getloadavg()}")
    try:
        for _ in range(args.warmup):
            open_one(rng)
        cpu, wall = [], []
        for _ in range(args.openings):
            c0, w0 = time.process_time(), time.perf_counter()
            open_one(rng)
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        print(
            f"serial: {args.openings} openings, CPU/opening median {statistics.median(cpu):.2f} ms"
            f" p95 {percentile(cpu, 95):.2f}; wall median {statistics.median(wall):.2f} ms"
            f" p95 {percentile(wall, 95):.2f}"
        )

        errors: list[BaseException] = []
        start = threading.Barrier(args.threads + 1)

        def worker(seed: int) -> None:
            r = random.Random(seed)
            try:
                start.wait()
                for _ in range(args.per_thread):
                    open_one(r)
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=worker, args=(args.seed * 1000 + i,))
            for i in range(args.threads)
        ]
        for t in threads:
            t.start()
        start.wait()
        w0 = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - w0
        if errors:
            raise SystemExit(f"{len(errors)} openings failed, the first: {errors[0]!r}")
        n = args.threads * args.per_thread
        print(
            f"contended: {n} openings from {args.threads} threads in {elapsed:.2f} s"
            f" = {n / elapsed:.1f} openings/s"
        )
    finally:
        removed = cleanup(created_after, [opener.pk])
        print(f"removed the {removed} CASEs opened; load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
