"""Benchmark the labour report on PostgreSQL: a month of work logs priced by rate cards.

    createdb -h 127.0.0.1 -U postgres hw_labour
    .venv/bin/python bench/labour_bench.py \
        --database-url postgres://postgres@127.0.0.1:5432/hw_labour

The first run migrates the database and makes 20 organizations (one with its own rate
card), 40 engineers, 2,000 CASEs (opened through ``cases.services.case_open``) and
``--logs`` work logs (default 20,000: a busy desk's month) spread over December 2026, at all
hours, holidays and weekends included (bulk-inserted: the bench measures the read); later
runs reuse it.  Then ``labour.selectors.labour_rows`` for the month by engineer,
organization and CASE, and ``labour.selectors.settlement`` for the month, ``--runs`` times
each: wall p50/max and this process's CPU.  Target: a month's report well under a second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "src", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

TARGET_S = 1.0
MONTH = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    os.environ.setdefault("CASEDESK_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(logs: int) -> None:
    from casedesk.accounts import services as people
    from casedesk.accounts.models import Contact, Organization, User
    from casedesk.cases import services as cases
    from casedesk.cases.models import Case, WorkLog
    from casedesk.core import clock
    from casedesk.labour import services as labour

    if WorkLog.objects.filter(note="bench").count() >= logs:
        return
    rng = random.Random("labour-bench")
    start = dt.datetime(2026, 12, 1, tzinfo=clock.desk_zone())
    manager = people.user_create(username="bench.csm", role="cs_manager", email="")
    with clock.frozen(start):
        orgs = [
            Organization.objects.create(
                code=f"LB{n:02d}", name=f"工时客户{n:02d}", created_at=start
            )
            for n in range(20)
        ]
        contacts = [
            Contact.objects.create(organization=o, name="联系人", created_at=start) for o in orgs
        ]
        engineers = [
            people.user_create(username=f"bench.se{n:02d}", role="supervisor", email="")
            for n in range(40)
        ]
        labour.rate_card_create(
            name="通用",
            hourly_rate=Decimal("200"),
            night_multiplier=Decimal("1.5"),
            holiday_multiplier=Decimal("2"),
            by=manager,
        )
        labour.rate_card_create(
            name="协议",
            hourly_rate=Decimal("160"),
            night_multiplier=Decimal("1.3"),
            holiday_multiplier=Decimal("1.8"),
            organization="LB00",
            by=manager,
        )
        opened = []
        for n in range(2000):
            c = contacts[n % len(contacts)]
            opened.append(
                cases.case_open(
                    organization=c.organization,
                    contact=c,
                    title="基准",
                    priority="P3",
                    channel="phone",
                    by=None,
                )
            )
    rows = []
    for _ in range(logs):
        case: Case = rng.choice(opened)
        author: User = rng.choice(engineers)
        ended = start + dt.timedelta(minutes=rng.randrange(31 * 24 * 60))
        rows.append(
            WorkLog(
                case=case,
                author=author,
                kind="note",
                note="bench",
                minutes=rng.choice((15, 30, 45, 60, 90, 120, 240)),
                created_at=ended,
            )
        )
    WorkLog.objects.bulk_create(rows, batch_size=5000)


def measure(runs: int) -> None:
    from casedesk.accounts.models import User
    from casedesk.cases.models import WorkLog
    from casedesk.labour import selectors

    reader = User.objects.get(username="bench.csm")
    print(f"work logs in the month: {WorkLog.objects.filter(note='bench').count()}")
    jobs = {
        f"report by {by}": (
            lambda by=by: selectors.labour_rows(
                since=MONTH[0], until=MONTH[1], by=by, fetched_by=reader
            )
        )
        for by in selectors.BY
    }
    jobs["report by organization per month"] = lambda: selectors.labour_rows(
        since=MONTH[0], until=MONTH[1], by="organization", per_month=True, fetched_by=reader
    )
    jobs["settlement"] = lambda: selectors.settlement(month="2026-12", fetched_by=reader)
    for name, job in jobs.items():
        walls, cpus = [], []
        for _ in range(runs):
            w, c = time.perf_counter(), time.process_time()
            job()
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        print(
            f"{name:36s} p50 {statistics.median(walls) * 1000:7.0f} ms  "
            f"max {max(walls) * 1000:7.0f} ms  cpu {statistics.median(cpus) * 1000:7.0f} ms  "
            f"{'ok' if max(walls) < TARGET_S else 'SLOW'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--logs", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup(args.database_url)
    generate(args.logs)
    measure(args.runs)


if __name__ == "__main__":
    main()
