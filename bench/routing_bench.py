"""Benchmark engineer recommendations on the bench data set (PostgreSQL).

    .venv/bin/python bench/routing_bench.py --database-url postgres://postgres@127.0.0.1:5432/casedesk_bench

Everything the bench sets up runs inside one transaction that is rolled back at the end, so
the data set is left exactly as it was:

1. Applies the routing and accounts migrations if the data set lacks them (these commit).
2. Gives the generated desk what routing reads: skills on every engineer, a roster with a
   third of the engineers on shift now, a preferred and two project engineers for every
   customer; ``--free`` raises every capacity so that nobody is full and every rule runs
   for every engineer (the generated desk has its engineers far over capacity, which
   would make most recommendations an early "nobody is free").
3. For ``--samples`` CASEs drawn from every status (seeded), times
   ``routing.selectors.recommendations`` (what the assign screen and the supervisor call)
   and ``GET /api/v1/cases/{number}/recommendations`` in-process (Django's test client
   with a bearer token: routing, auth, policy, serialization; no network).  Wall and CPU
   time (``time.process_time``: this process only, not PostgreSQL's) per call; the time
   spent in queries (client side: includes waiting for a CPU when the machine is busy).
4. One auto-assign pass with an auto-assign queue over the open CASEs, timed per CASE.
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
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "mean": round(statistics.fmean(values), 2),
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "p99": round(percentile(values, 99), 2),
        "max": round(max(values), 2),
    }


class Rollback(Exception):
    pass


def setup_desk(rng: random.Random, *, free: bool) -> dict:
    from casedesk.accounts.choices import ASSIGNABLE_ROLES, Role
    from casedesk.accounts.models import Organization, Skill, StaffProfile, User
    from casedesk.core import clock
    from casedesk.roster.models import DutyShift
    from casedesk.routing.skills import DEFAULT_KEYWORDS

    skills = [
        Skill.objects.get_or_create(code=c, defaults={"name": c})[0] for c in DEFAULT_KEYWORDS
    ]
    engineers = list(User.objects.filter(role=Role.ENGINEER, is_active=True).order_by("pk"))
    through = StaffProfile.skills.through
    profiles = dict(StaffProfile.objects.values_list("user_id", "pk"))
    through.objects.bulk_create(
        [
            through(staffprofile_id=profiles[u.pk], skill_id=s.pk)
            for u in engineers
            for s in rng.sample(skills, 2)
        ],
        ignore_conflicts=True,
    )
    now = clock.now()
    DutyShift.objects.bulk_create(
        [
            DutyShift(
                user=u,
                starts_at=now - dt.timedelta(hours=2),
                ends_at=now + dt.timedelta(hours=6),
                duty_engineer=False,
            )
            for u in engineers[::3]
        ]
    )
    orgs = list(Organization.objects.all())
    project = Organization.project_engineers.through
    project.objects.bulk_create(
        [
            project(organization_id=o.pk, user_id=u.pk)
            for o in orgs
            for u in rng.sample(engineers, 2)
        ],
        ignore_conflicts=True,
    )
    for o in orgs:
        o.preferred_engineer = rng.choice(engineers)
    Organization.objects.bulk_update(orgs, ["preferred_engineer"])
    if free:
        StaffProfile.objects.filter(user__role__in=ASSIGNABLE_ROLES).update(capacity=10_000)
    return {"engineers": len(engineers), "organizations": len(orgs)}


def sample_cases(rng: random.Random, n: int) -> list:
    from casedesk.cases.models import Case

    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    picked = rng.sample(ids, min(n, len(ids)))
    by_id = Case.objects.select_related("organization").in_bulk(picked)
    return [by_id[pk] for pk in picked]


def time_calls(fn, items, warmup: int) -> dict:
    from django.db import connection, reset_queries

    for item in items[:warmup]:
        fn(item)
    wall, cpu, db, queries = [], [], [], []
    for item in items[warmup:]:
        reset_queries()
        w0, c0 = time.perf_counter(), time.process_time()
        fn(item)
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        queries.append(len(connection.queries))
        db.append(sum(float(q["time"]) for q in connection.queries) * 1000)
    return {
        "wall_ms": summary(wall),
        "cpu_ms": summary(cpu),
        "db_ms": summary(db),
        "queries": summary(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/casedesk_bench"
    )
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--as-generated",
        action="store_true",
        help="keep the generated capacities (most engineers full) instead of freeing everyone",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.DEBUG = True  # count queries
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    call_command("migrate", "accounts", verbosity=0)
    call_command("migrate", "routing", verbosity=0)

    from casedesk.accounts import services as people
    from casedesk.cases.models import Case
    from casedesk.routing import services as routing
    from casedesk.routing.models import RoutingQueue
    from casedesk.routing.selectors import recommendations

    rng = random.Random(args.seed)
    out: dict = {
        "database": connection.vendor,
        "cases": Case.objects.count(),
        "free": not args.as_generated,
    }
    try:
        with transaction.atomic():
            out["desk"] = setup_desk(rng, free=not args.as_generated)
            # Two disjoint samples: the API's CASEs must not find the selector's warm in
            # PostgreSQL's buffers.
            both = sample_cases(rng, 2 * (args.samples + args.warmup))
            cases, api_cases = both[: len(both) // 2], both[len(both) // 2 :]
            out["recommendations"] = time_calls(
                lambda c: recommendations(c, fetched_by=None, exclude=[c.engineer_id], limit=20),
                cases,
                args.warmup,
            )
            ranked = [
                len(recommendations(c, fetched_by=None, exclude=[c.engineer_id], limit=20))
                for c in cases[:50]
            ]
            out["engineers_ranked_mean"] = round(statistics.fmean(ranked), 1)

            duty = people.user_create(username="bench.routing.duty", role="duty_engineer")
            _, raw = people.token_create(user=duty)
            client = Client(headers={"Authorization": f"Bearer {raw}"})

            def get(case):
                response = client.get(f"/api/v1/cases/{case.number}/recommendations")
                assert response.status_code == 200, response.content[:200]

            out["api"] = time_calls(get, api_cases, args.warmup)

            RoutingQueue.objects.create(name="bench", auto_assign=True)
            waiting = Case.objects.filter(status="open", engineer__isnull=True).count()
            w0, c0 = time.perf_counter(), time.process_time()
            lines = routing.auto_assign_pass()
            wall = (time.perf_counter() - w0) * 1000
            cpu = (time.process_time() - c0) * 1000
            out["auto_assign_pass"] = {
                "open_unassigned": waiting,
                "assigned": len(lines),
                "wall_ms": round(wall, 1),
                "cpu_ms": round(cpu, 1),
                "wall_ms_per_case": round(wall / max(len(lines), 1), 2),
            }
            raise Rollback
    except Rollback:
        pass
    print(json.dumps(out, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
