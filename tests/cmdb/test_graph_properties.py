"""Random graphs: the relations the operations accept never form a cycle of dependencies,
and impact equals a plain breadth-first walk over the reverse edges."""

from __future__ import annotations

from collections import defaultdict, deque

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedesk.cmdb import selectors, services
from casedesk.cmdb.choices import IMPACT_KINDS
from casedesk.cmdb.models import ConfigurationItem, Relation
from casedesk.core.errors import Conflict, InvalidInput
from tests.accounts.factories import OrganizationFactory
from tests.cmdb.factories import keeper

pytestmark = pytest.mark.django_db

N = 9
EDGES = st.lists(
    st.tuples(
        st.integers(0, N - 1),
        st.integers(0, N - 1),
        st.sampled_from(["depends_on", "runs_on", "connected_to"]),
    ),
    max_size=30,
)


def _has_cycle(edges: dict[int, set[int]]) -> bool:
    state: dict[int, int] = {}

    def visit(node: int) -> bool:
        state[node] = 1
        for nxt in edges[node]:
            if state.get(nxt) == 1 or (nxt not in state and visit(nxt)):
                return True
        state[node] = 2
        return False

    return any(node not in state and visit(node) for node in list(edges))


def _bfs(start: int, reverse) -> set[int]:
    """Every node reachable from ``start`` over ``reverse`` (itself excluded)."""
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in reverse.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen - {start}


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edges=EDGES)
def test_accepted_relations_never_cycle_and_impact_is_a_bfs(edges):
    Relation.objects.all().delete()
    ConfigurationItem.objects.all().delete()
    by = keeper()
    org = OrganizationFactory.build(code="PROP")
    org = type(org).objects.filter(code="PROP").first() or OrganizationFactory(code="PROP")
    cis = [
        services.ci_create(name=f"ci{i}", kind="switch", organization=org, by=by) for i in range(N)
    ]
    forward: dict[int, set[int]] = defaultdict(set)
    for a, b, kind in edges:
        # Refused exactly when it is to itself, a duplicate, or closes a cycle.
        closes = b == a or a in _bfs(b, forward) or b in forward[a]
        try:
            services.ci_relate(ci=cis[a], to=cis[b], kind=kind, by=by)
        except (Conflict, InvalidInput):
            assert kind not in IMPACT_KINDS or closes
            continue
        if kind in IMPACT_KINDS:
            assert not closes
            forward[a].add(b)
    stored = defaultdict(set)
    for source, target in Relation.objects.filter(kind__in=IMPACT_KINDS).values_list(
        "source_id", "target_id"
    ):
        stored[source].add(target)
    ids = [ci.pk for ci in cis]
    assert stored == {ids[a]: {ids[b] for b in bs} for a, bs in forward.items() if bs}
    assert not _has_cycle(defaultdict(set, {a: set(bs) for a, bs in forward.items()}))
    reverse: dict[int, set[int]] = defaultdict(set)
    for a, bs in forward.items():
        for b in bs:
            reverse[b].add(a)
    for i, ci in enumerate(cis):
        got = {ids.index(item.pk) for item in selectors.impact(ci, fetched_by=by).items}
        assert got == _bfs(i, reverse)
