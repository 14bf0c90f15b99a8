"""Concurrent relations cannot close a cycle together: one of them is refused.

(On PostgreSQL ``cmdb.graph.lock_relations`` serializes the check and the insert; this
test also passed with that lock taken out — something else ordered the two racers — so it
guards the outcome, not the lock.)"""

from __future__ import annotations

import pytest

from casedesk.cmdb import selectors, services
from casedesk.cmdb.models import Relation
from casedesk.core.errors import Conflict
from tests.cmdb.factories import keeper, make_ci
from tests.racing import race


@pytest.mark.django_db(transaction=True)
def test_two_relations_racing_to_close_a_square_leave_no_cycle():
    """a → b and c → d exist; b → c and d → a, each fine alone, share no CI (so no row
    lock orders them) and together would close a → b → c → d → a."""
    a, b, c, d = make_ci("a"), make_ci("b"), make_ci("c"), make_ci("d")
    by = keeper()
    services.ci_relate(ci=a, to=b, kind="depends_on", by=by)
    services.ci_relate(ci=c, to=d, kind="runs_on", by=by)

    def relate(x, y):
        return lambda: services.ci_relate(ci=x, to=y, kind="depends_on", by=by)

    results, errors = race([relate(b, c), relate(d, a)], hold=Relation)
    assert len(results) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert Relation.objects.count() == 3
    for ci in (a, b, c, d):  # a DAG: no CI is hit by its own failure
        assert ci.pk not in {i.pk for i in selectors.impact(ci, fetched_by=None).items}
