"""What webhooks add to opening a CASE: nothing registered, one that wants none of it, one that queues it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hooks_bench .venv/bin/python bench/webhooks_bench.py
    CASEDESK_VAR_DIR=/tmp/hooks_bench .venv/bin/python bench/webhooks_bench.py      # SQLite

Run it against a throwaway database: it migrates it and opens ``--openings`` CASEs per
variant.  Wall and CPU (``time.process_time``) per call; the variants alternate in rounds
so a busy machine slows them alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--openings", type=int, default=300, help="per variant")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--lookups", type=int, default=20000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from casedesk.accounts.models import Contact, Organization
    from casedesk.cases import services as cases
    from casedesk.core import clock
    from casedesk.sla.defaults import ensure_all
    from casedesk.webhooks import selectors
    from casedesk.webhooks import services as webhooks
    from casedesk.webhooks.models import Webhook, WebhookDelivery

    call_command("migrate", verbosity=0)
    ensure_all()
    Webhook.objects.all().delete()
    org, _ = Organization.objects.get_or_create(
        code="WHBENCH",
        defaults={"name": "bench", "service_level": "gold", "created_at": clock.now()},
    )
    contact, _ = Contact.objects.get_or_create(
        organization=org, name="bench", defaults={"created_at": clock.now()}
    )
    print(f"database: {connection.vendor}")

    # 1. The check on every event when no webhook exists.
    with transaction.atomic():
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.lookups):
            webhooks.on_event(None, None)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"on_event, no webhooks: {wall / args.lookups * 1e6:.1f} µs wall, "
        f"{cpu / args.lookups * 1e6:.1f} µs CPU per call ({args.lookups} calls)"
    )

    # For scale: one database round trip, the least any check in the database costs.
    with transaction.atomic(), connection.cursor() as cursor:
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.lookups):
            cursor.execute("SELECT 1")
            cursor.fetchone()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"SELECT 1 (a round trip): {wall / args.lookups * 1e6:.1f} µs wall, "
        f"{cpu / args.lookups * 1e6:.1f} µs CPU per call"
    )

    real_on_event = webhooks.on_event

    def opening(i):
        cases.case_open(
            organization=org, contact=contact, title=f"bench {i}", priority="P3",
            channel="api", by=None,
        )  # fmt: skip

    def variant(name):
        Webhook.objects.all().delete()
        webhooks.on_event = real_on_event
        if name == "webhooks off (no-op)":
            webhooks.on_event = lambda case, event: None
        elif name == "one webhook, event filtered out":
            Webhook.objects.create(name="x", url="http://127.0.0.1:9/", event_kinds=["closed"])
        elif name == "one webhook, event queued":
            Webhook.objects.create(name="x", url="http://127.0.0.1:9/")

    names = [
        "webhooks off (no-op)",
        "no webhooks",
        "one webhook, event filtered out",
        "one webhook, event queued",
    ]
    times = {n: ([], []) for n in names}
    per_round = max(1, args.openings // args.rounds)
    i = 0
    for _ in range(args.rounds):
        for name in names:
            variant(name)
            opening(i)  # warm the caches of this variant
            i += 1
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(per_round):
                opening(i)
                i += 1
            times[name][0].append((time.perf_counter() - wall) / per_round)
            times[name][1].append((time.process_time() - cpu) / per_round)
    webhooks.on_event = real_on_event
    Webhook.objects.all().delete()
    WebhookDelivery.objects.all().delete()
    selectors.hooks_changed()
    for name in names:
        wall, cpu = times[name]
        print(
            f"case_open, {name:32}: {statistics.median(wall) * 1e3:6.2f} ms wall, "
            f"{statistics.median(cpu) * 1e3:6.2f} ms CPU (median of {args.rounds} rounds "
            f"of {per_round})"
        )


if __name__ == "__main__":
    main()
