"""Several workers' supervisor passes at once assign each waiting CASE exactly once."""

from __future__ import annotations

import threading
from collections import Counter

from django.db import connections

from casedesk.cases.models import Case, CaseEvent
from casedesk.routing.models import RoutingQueue
from casedesk.sla.supervisor import run_pass
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

WORKERS = 4
CASES = 12


def test_concurrent_passes_assign_each_case_once(transactional_db):
    contact = ContactFactory(organization=OrganizationFactory(code="RACE"))
    for name in ("eng.a", "eng.b", "eng.c"):
        make_user("engineer", username=name, tier="first_line")
    RoutingQueue.objects.create(name="全部", auto_assign=True)
    waiting = [make_case(contact=contact, title=f"咨询 {i}") for i in range(CASES)]

    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait(timeout=30)
            for _ in range(3):
                run_pass()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    run_pass()  # whatever a busy worker left for the next pass
    events = Counter(CaseEvent.objects.filter(kind="assigned").values_list("case_id", flat=True))
    assert events == Counter({c.pk: 1 for c in waiting})
    assert not Case.objects.filter(engineer__isnull=True).exists()
