"""Promises other domains make about a CASE (sla.services.deadline_promise): a defective
part due back, a repair due from the vendor, an engineer due on site.  The supervisor fires
them like the CASE's own, to their recipients over SMTP, exactly once; a part's promises
outlive the CASE's resolution, an arrival does not."""

import datetime as dt

import pytest

from casedesk.cases import services
from casedesk.core import clock
from casedesk.sla import services as sla
from casedesk.sla.models import Deadline
from tests.sla.test_supervisor import Desk, at, mailed, supervise

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    return Desk()


def working(desk):
    case = desk.open("P3")
    desk.do(1, services.case_assign, case=case, engineer=desk.eng, by=desk.duty)
    desk.do(2, services.case_accept, case=case, by=desk.eng)
    return case


def test_a_defective_part_due_back_fires_once_after_the_case_is_closed(desk, smtp):
    case = working(desk)
    due = at(60 * 24 * 10)  # "10 days" is calendar time
    with clock.frozen(at(3)):
        sla.deadline_promise(
            case=case,
            key="rma:R1:defective_return",
            kind="defective_return",
            anchor=at(3),
            due_at=due,
        )
    desk.do(20, services.case_resolve, case=case, solution="换板", by=desk.eng)
    desk.do(21, services.case_confirm, case=case, note="确认", by=desk.duty)
    desk.do(22, services.case_close, case=case, by=desk.duty)
    mailed(smtp)
    assert "defective_return" not in supervise(due - dt.timedelta(seconds=1))
    assert "defective_return" in supervise(due + dt.timedelta(seconds=1))
    assert set(mailed(smtp)) == {"eng1", "csm"}  # the engineer and the CS manager
    assert supervise(due + dt.timedelta(days=1)) == ""  # once
    assert Deadline.objects.get(case=case, kind="defective_return").fired_at is not None


def test_an_arrival_counts_on_the_cases_hours_and_is_kept_by_check_in(desk, smtp):
    case = working(desk)
    with clock.frozen(at(3)):
        d = sla.deadline_promise(
            case=case,
            key="visit:1:onsite_arrival",
            kind="onsite_arrival",
            anchor=at(3),
            minutes=240,
        )
    assert d.due_at == at(243)  # gold: 7×24
    assert sla.deadline_keep(case=case, key="visit:1:onsite_arrival", at=at(200))
    assert not sla.deadline_keep(case=case, key="visit:1:onsite_arrival")  # kept once
    assert "onsite_arrival" not in supervise(at(300))


def test_an_arrival_due_when_the_case_is_resolved_no_longer_stands(desk, smtp):
    case = working(desk)
    with clock.frozen(at(3)):
        sla.deadline_promise(
            case=case,
            key="visit:2:onsite_arrival",
            kind="onsite_arrival",
            anchor=at(3),
            minutes=240,
        )
    desk.do(30, services.case_resolve, case=case, solution="远程解决", by=desk.eng)
    assert "onsite_arrival" not in supervise(at(300))
    assert Deadline.objects.get(case=case, kind="onsite_arrival").cancelled_at == at(30)


def test_a_visit_called_off_drops_its_promise(desk, smtp):
    case = working(desk)
    with clock.frozen(at(3)):
        sla.deadline_promise(
            case=case,
            key="visit:3:onsite_arrival",
            kind="onsite_arrival",
            anchor=at(3),
            minutes=240,
        )
        assert sla.deadline_drop(case=case, key="visit:3:onsite_arrival")
    assert "onsite_arrival" not in supervise(at(300))


def test_only_the_domains_kinds_may_be_promised(desk):
    case = working(desk)
    with pytest.raises(ValueError):
        sla.deadline_promise(case=case, key="x", kind="resolution", anchor=at(3), minutes=5)
    with pytest.raises(ValueError):
        sla.deadline_promise(case=case, key="x", kind="onsite_arrival", anchor=at(3))
