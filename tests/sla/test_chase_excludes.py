"""SPEC §3: 45 minutes without a callback, the supervisor reassigns.  It never hands the
CASE back to an engineer who already let the callback run out on it."""

from __future__ import annotations

import pytest

from casedesk.cases import services
from casedesk.cases.models import CaseEvent
from casedesk.routing.models import RoutingQueue
from casedesk.sla.models import SlaPolicy
from casedesk.sla.selectors import config_changed
from casedesk.sla.supervisor import run_pass
from tests.factories import make_user
from tests.sla.test_supervisor import Desk, at, supervise


@pytest.fixture
def desk(db):
    return Desk()


def owner(case) -> str:
    case.refresh_from_db()
    return case.engineer.username


def chase_events(case) -> list[dict]:
    return [
        e.data
        for e in CaseEvent.objects.filter(case=case, kind="deadline_fired").order_by("id")
        if e.data["deadline"] == "callback_reassign"
    ]


def test_the_chase_never_hands_the_case_back_to_one_who_missed_it(desk, smtp):
    case = desk.open("P4")
    desk.do(5, services.case_assign, case=case, engineer=desk.eng, by=desk.duty)
    assert "reassigned" in supervise(at(50.1))  # eng1 missed: to a senior engineer
    first = owner(case)
    assert first in ("se1", "se2")

    # 45 minutes later the senior engineer has not called back either.  eng1 is free and
    # first-line (P4 goes to first-line first), but eng1 already missed this CASE.
    out = supervise(at(95.2))
    assert "reassigned" in out
    second = owner(case)
    assert second not in ("eng1", first)
    assert [d["missed_by"] for d in chase_events(case)] == ["eng1", first]

    # Every engineer has missed it now: a duty engineer or manager stands in (they own
    # CASEs when no engineer is free), never one of the three.
    out = supervise(at(140.3))
    assert "reassigned" in out
    assert owner(case) not in ("eng1", "se1", "se2")
    assert chase_events(case)[-1]["missed_by"] == second


def test_a_proposal_passes_over_those_who_missed_it_too(desk, smtp):
    SlaPolicy.objects.filter(service_level="gold").update(chase_action="propose")
    config_changed()
    case = desk.open("P4")
    desk.do(5, services.case_assign, case=case, engineer=desk.se, by=desk.duty)
    supervise(at(50.1))
    assert chase_events(case)[-1] == {
        **chase_events(case)[-1],
        "action": "proposed",
        "missed_by": "se1",
    }
    # the duty engineer follows the proposal; that engineer misses it too
    proposed = chase_events(case)[-1]["engineer"]
    assert proposed != "se1"
    desk.do(
        51, services.case_assign, case=case, engineer=make_user_or(desk, proposed), by=desk.duty
    )
    supervise(at(96.2))
    last = chase_events(case)[-1]
    assert last["missed_by"] == proposed
    assert last["engineer"] not in ("se1", proposed)


def make_user_or(desk, username):
    return {u.username: u for u in (desk.eng, desk.se, desk.se2)}[username]


def test_auto_assign_passes_over_one_who_missed_the_case(desk, smtp):
    """A CASE back in the queue (its engineer left) is not auto-assigned to an engineer
    who let its callback run out before."""
    RoutingQueue.objects.create(name="全部", auto_assign=True)
    gone = make_user("engineer", username="se3", tier="senior")
    case = desk.open("P4")
    with_case = desk.do(1, services.case_assign, case=case, engineer=desk.eng, by=desk.duty)
    assert with_case.engineer == desk.eng
    # eng1 missed the callback; the chase gave it to someone, who is then replaced by se3
    supervise(at(46.1))
    assert chase_events(case)[-1]["missed_by"] == "eng1"
    desk.do(47, services.case_assign, case=case, engineer=gone, by=desk.duty)
    desk.do(48, services.case_accept, case=case, by=gone)
    desk.do(49, services.case_resolve, case=case, solution="已处理", by=gone)
    gone.is_active = False
    gone.save()
    desk.do(50, services.case_reopen, case=case, reason="复现", by=desk.duty)
    case.refresh_from_db()
    assert (case.status, case.engineer) == ("open", None)
    # se1 and se2 are busy to the brim; eng1 is free and first-line: still passed over
    for se in (desk.se, desk.se2):
        se.staff.capacity = 0
        se.staff.save()
    from casedesk.core import clock

    with clock.frozen(at(51)):
        run_pass(now=at(51))
    case.refresh_from_db()
    # the free first-line engineer is passed over: a duty engineer or manager stands in
    assert case.engineer is not None and case.engineer != desk.eng
