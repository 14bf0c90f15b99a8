"""SPEC §2: P1/P2 go to a senior engineer.  Giving one to a first-line engineer by hand
is refused unless the desk says why; the override and its reason are in the history."""

from __future__ import annotations

import pytest

from casedesk.cases import services
from casedesk.cases.models import CaseEvent
from casedesk.core.errors import TransitionNotAllowed
from tests.factories import database_snapshot, make_case


@pytest.mark.parametrize("priority", ["P1", "P2"])
def test_a_p1_or_p2_to_a_first_line_engineer_is_refused_without_a_reason(
    priority, contact, duty, engineer
):
    case = make_case(contact=contact, by=duty, priority=priority)
    before = database_snapshot()
    with pytest.raises(TransitionNotAllowed) as refused:
        services.case_assign(case=case, engineer=engineer, by=duty, note="客户要求")
    assert f"is {priority}: P1 and P2 CASEs go to a senior engineer" in refused.value.detail
    assert "eng1 is a first-line engineer" in refused.value.detail
    assert "give a reason for overriding the rule" in refused.value.detail
    assert database_snapshot() == before
    with pytest.raises(TransitionNotAllowed):  # blanks are no reason
        services.case_assign(case=case, engineer=engineer, by=duty, override_reason="  ")
    assert database_snapshot() == before


def test_with_a_reason_the_override_is_recorded_in_the_event(contact, duty, engineer):
    case = make_case(contact=contact, by=duty, priority="P1")
    case = services.case_assign(
        case=case, engineer=engineer, by=duty, note="已电话通知", override_reason="SE 全部在现场"
    )
    assert (case.engineer, case.status) == (engineer, "assigned")
    event = CaseEvent.objects.filter(case=case, kind="assigned").get()
    assert event.actor == duty
    assert event.data["override"] == "tier"
    assert event.data["override_reason"] == "SE 全部在现场"
    assert event.data["note"] == "已电话通知"
    assert event.data["engineer"] == {"before": None, "after": "eng1"}


def test_a_raised_priority_applies_to_the_next_assignment(contact, duty, engineer, senior):
    case = make_case(contact=contact, by=duty, priority="P3")
    case = services.case_assign(case=case, engineer=senior, by=duty)
    case = services.case_set_priority(case=case, priority="P1", by=duty)
    with pytest.raises(TransitionNotAllowed):
        services.case_assign(case=case, engineer=engineer, by=duty)
    assert case.events.filter(kind="assigned").count() == 1


@pytest.mark.parametrize(
    ("priority", "who"), [("P3", "engineer"), ("P4", "engineer"), ("P1", "senior")]
)
def test_no_override_where_the_rule_holds(priority, who, contact, duty, engineer, senior):
    to = {"engineer": engineer, "senior": senior}[who]
    case = make_case(contact=contact, by=duty, priority=priority)
    # a reason given where none is needed overrides nothing, and says nothing
    case = services.case_assign(case=case, engineer=to, by=duty, override_reason="以防万一")
    assert case.engineer == to
    data = CaseEvent.objects.filter(case=case, kind="assigned").get().data
    assert "override" not in data and "override_reason" not in data


def test_the_system_obeys_the_rule_too(contact, engineer):
    case = make_case(contact=contact, priority="P2")
    with pytest.raises(TransitionNotAllowed):
        services.case_assign(case=case, engineer=engineer, by=None)
