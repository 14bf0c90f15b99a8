"""Per-queue auto-assignment: the supervisor's pass gives new CASEs of auto-assign queues to
their top recommended engineer, through case_assign, as the system."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from casedesk.cases import services
from casedesk.cases.models import CaseEvent
from casedesk.notify.models import Notification
from casedesk.routing.models import RoutingQueue
from casedesk.sla.supervisor import run_pass
from tests.factories import ContactFactory, make_case, make_user
from tests.routing.support import give


@pytest.fixture
def desk(db):
    return {
        "se": make_user("engineer", username="se.zhao", tier="senior", skills=("security",)),
        "eng": make_user("engineer", username="eng.li", tier="first_line", skills=("switching",)),
    }


def test_an_auto_assign_queue_assigns_the_top_recommendation(desk, call_taker, contact):
    RoutingQueue.objects.create(name="全部", auto_assign=True)
    case = make_case(contact=contact, by=call_taker, title="ASA 防火墙 VPN 中断", priority="P3")
    result = run_pass()
    case.refresh_from_db()
    # eng.li is first-line (P3 goes to first-line first), but the CASE calls for security
    assert (case.status, case.engineer.username) == ("assigned", "se.zhao")
    assert f"{case.number} auto-assigned to se.zhao (queue 全部)" in result.lines
    event = CaseEvent.objects.filter(case=case, kind="assigned").get()
    assert event.actor is None and event.data["system"] == {
        "code": "routing_assigned",
        "queue": "全部",
    }
    assert Notification.objects.filter(case=case, recipient=desk["se"]).exists()
    assert run_pass().lines == []  # nothing more to do: assigned once


def test_without_auto_assign_the_case_waits_for_a_person(desk, call_taker, contact):
    RoutingQueue.objects.create(name="人工分派", auto_assign=False)
    case = make_case(contact=contact, by=call_taker, priority="P3")
    run_pass()
    case.refresh_from_db()
    assert (case.status, case.engineer) == ("open", None)


def test_no_queue_at_all_assigns_nothing(desk, call_taker, contact):
    case = make_case(contact=contact, by=call_taker, priority="P3")
    run_pass()
    case.refresh_from_db()
    assert case.engineer is None


def test_the_first_matching_queue_decides(desk, call_taker, contact, other_org):
    # P1s are for the duty engineer to assign by hand; everything else is automatic,
    # except for one customer who always wants a person to choose.
    RoutingQueue.objects.create(name="P1 人工", priority="P1", position=1)
    RoutingQueue.objects.create(name="OTHER 人工", organization=other_org, position=2)
    RoutingQueue.objects.create(name="其他自动", auto_assign=True, position=3)
    p1 = make_case(contact=contact, by=call_taker, priority="P1")
    p3 = make_case(contact=contact, by=call_taker, priority="P3")
    other = make_case(contact=ContactFactory(organization=other_org), priority="P3")
    run_pass()
    for case in (p1, p3, other):
        case.refresh_from_db()
    assert p1.engineer is None and other.engineer is None
    assert p3.engineer.username == "eng.li"


def test_a_queue_can_match_a_skill_or_channel(desk, call_taker, contact):
    from casedesk.accounts.models import Skill

    security = Skill.objects.get(code="security")
    RoutingQueue.objects.create(name="安全自动", skill=security, auto_assign=True, position=1)
    RoutingQueue.objects.create(name="邮件自动", channel="email", auto_assign=True, position=2)
    firewall = make_case(contact=contact, by=call_taker, title="Firepower 升级失败")
    switch = make_case(contact=contact, by=call_taker, title="交换机端口 down")
    mailed = make_case(contact=contact, by=call_taker, title="交换机端口 down", channel="email")
    run_pass()
    for case in (firewall, switch, mailed):
        case.refresh_from_db()
    assert firewall.engineer.username == "se.zhao"
    assert switch.engineer is None
    assert mailed.engineer.username == "eng.li"


def test_an_inactive_queue_is_ignored(desk, call_taker, contact):
    RoutingQueue.objects.create(name="停用", auto_assign=True, is_active=False)
    case = make_case(contact=contact, by=call_taker)
    run_pass()
    case.refresh_from_db()
    assert case.engineer is None


def test_a_case_waits_while_nobody_is_free_and_goes_when_someone_is(desk, duty, contact):
    RoutingQueue.objects.create(name="全部", auto_assign=True)
    for user in (*desk.values(), duty):
        user.staff.capacity = 1
        user.staff.save()
    give(desk["se"], duty)
    give(desk["eng"], duty)
    give(duty, duty)
    busy = list(desk["eng"].owned_cases.all())
    case = make_case(contact=contact, priority="P3")
    assert run_pass().lines == []
    case.refresh_from_db()
    assert case.engineer is None
    # eng.li finishes his CASE: the next pass gives him the waiting one
    services.case_accept(case=busy[0], by=desk["eng"])
    services.case_resolve(case=busy[0], solution="已处理", by=desk["eng"])
    run_pass()
    case.refresh_from_db()
    assert case.engineer.username == "eng.li"


def test_a_p1_waits_for_a_senior_engineer(desk, duty, contact):
    RoutingQueue.objects.create(name="全部", auto_assign=True)
    for user in (desk["se"], duty):
        user.staff.capacity = 1
        user.staff.save()
        give(user, duty)
    case = make_case(contact=contact, priority="P1")
    run_pass()
    case.refresh_from_db()
    assert case.engineer is None  # eng.li is free, but first-line engineers take no P1


def test_a_case_a_person_assigned_is_left_alone(desk, duty, call_taker, contact):
    RoutingQueue.objects.create(name="全部", auto_assign=True)
    case = make_case(contact=contact, by=call_taker, title="ASA 防火墙 VPN 中断")
    services.case_assign(case=case, engineer=desk["eng"], by=duty)
    run_pass()
    case.refresh_from_db()
    assert case.engineer.username == "eng.li"
    assert CaseEvent.objects.filter(case=case, kind="assigned").count() == 1


def test_the_supervise_command_auto_assigns_and_says_so(desk, call_taker, contact, capsys):
    RoutingQueue.objects.create(name="全部", auto_assign=True)
    case = make_case(contact=contact, by=call_taker, priority="P4")
    call_command("supervise", "--no-mail")
    assert f"{case.number} auto-assigned to eng.li" in capsys.readouterr().out


def test_queues_are_edited_in_the_admin(client, org):
    from django.urls import reverse

    client.force_login(make_user("admin", username="root"))
    queue = RoutingQueue.objects.create(name="全部", organization=org, auto_assign=True)
    assert client.get(reverse("admin:routing_routingqueue_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:routing_routingqueue_change", args=[queue.pk])).status_code == 200
    )
    response = client.post(
        reverse("admin:routing_routingqueue_add"),
        {"name": "P1 人工", "position": "1", "is_active": "on", "priority": "P1"},
    )
    assert response.status_code == 302
    assert list(RoutingQueue.objects.values_list("name", flat=True)) == ["P1 人工", "全部"]


def test_a_backlog_is_worked_off_over_several_passes(desk, call_taker, contact, monkeypatch):
    from casedesk.routing import services as routing

    monkeypatch.setattr(routing, "BUDGET", 0.0)  # one CASE a pass
    RoutingQueue.objects.create(name="全部", auto_assign=True)
    backlog = [make_case(contact=contact, by=call_taker, title="咨询") for _ in range(3)]
    for passes in (1, 2, 3):
        assert len(run_pass().lines) == 1
        assigned = [c for c in backlog if c.__class__.objects.get(pk=c.pk).engineer_id]
        assert len(assigned) == passes
    # oldest first: the first CASE opened was the first assigned
    first = CaseEvent.objects.filter(kind="assigned").order_by("pk").first()
    assert first.case_id == backlog[0].pk


def test_a_case_assigned_after_the_pass_read_it_is_not_taken_back(desk, duty, contact):
    """The pass reads the waiting CASEs, then a dispatcher assigns one before the pass gets
    to it: re-read under its lock, it is no longer waiting, and nothing is written."""
    from casedesk.accounts.selectors import assignable_staff
    from casedesk.routing.services import _assign_top

    queue = RoutingQueue.objects.create(name="全部", auto_assign=True)
    as_read = make_case(contact=contact, title="ASA 防火墙 VPN 中断")  # se.zhao would be top
    services.case_assign(case=as_read, engineer=desk["eng"], by=duty)
    events = CaseEvent.objects.count()
    assert _assign_top(as_read, queue, assignable_staff()) is None
    as_read.refresh_from_db()
    assert as_read.engineer.username == "eng.li" and CaseEvent.objects.count() == events
