"""One test per assignment rule: each one, and only it, changes who comes first.

``pair`` is two first-line engineers alike in everything, so ``a.li`` comes first by name;
each test gives ``b.wang`` one rule's advantage and shows that it puts him first.
"""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.accounts.models import Skill
from casedesk.cases import services
from casedesk.core import clock
from casedesk.core.errors import Forbidden, NotFound
from casedesk.roster.models import DutyShift
from casedesk.roster.selectors import duty_call
from casedesk.routing.selectors import recommendations
from tests.factories import ContactFactory, make_case, make_user
from tests.routing.support import give, ranked, reasons, solve


def test_alike_engineers_come_by_name(pair, contact):
    case = make_case(contact=contact, title="咨询", priority="P3")
    assert ranked(case) == ["a.li", "b.wang"]
    # the first-line point and the whole capacity free
    assert {r.score for r in recommendations(case, fetched_by=None)} == {17.0}


def test_only_staff_read_them_and_only_for_a_case_they_may_see(pair, contact, other_org):
    case = make_case(contact=contact, title="咨询", priority="P3")
    assert [r.engineer.username for r in recommendations(case, fetched_by=pair[0])] == [
        "a.li",
        "b.wang",
    ]
    with pytest.raises(Forbidden):  # their own organization's CASE: staff only
        recommendations(case, fetched_by=make_user("customer", org=contact.organization))
    with pytest.raises(NotFound):  # another organization's: not even there
        recommendations(case, fetched_by=make_user("customer", org=other_org))


# --- tier: P1/P2 to senior engineers; P3/P4 to first-line engineers first -------------


def test_p1_and_p2_go_to_senior_engineers_only(pair, duty, contact):
    busy_se = make_user("engineer", username="z.se", tier="senior")
    give(busy_se, duty, count=3)
    for priority in ("P1", "P2"):
        case = make_case(contact=contact, title="全网中断", priority=priority)
        # the first-line engineers are free and the SE is loaded: only SEs are offered
        assert ranked(case, everyone=True) == ["z.se", "duty"]
        assert "tier" in reasons(case, "z.se")


def test_p3_and_p4_go_to_first_line_engineers_before_seniors(duty, contact):
    make_user("engineer", username="a.se", tier="senior")
    make_user("engineer", username="b.first", tier="first_line")
    for priority in ("P3", "P4"):
        case = make_case(contact=contact, title="咨询", priority=priority)
        assert ranked(case)[:2] == ["b.first", "a.se"]
        assert "first-line" in reasons(case, "b.first")["tier"]


# --- capacity and role -----------------------------------------------------------------


def test_an_engineer_at_capacity_is_left_out(pair, duty, contact):
    a, _ = pair
    a.staff.capacity = 2
    a.staff.save()
    give(a, duty, count=1)
    case = make_case(contact=contact, title="咨询")
    assert ranked(case)[0] == "b.wang" and "a.li" in ranked(case)
    give(a, duty, count=1)
    assert "a.li" not in ranked(case)


def test_engineers_come_before_duty_engineers_and_supervisors(pair, duty, contact):
    a, b = pair
    give(a, duty, count=4)
    give(b, duty, count=4)
    make_user("supervisor", username="a.sup")
    case = make_case(contact=contact, title="咨询")
    # the duty engineer and the supervisor carry nothing, yet come after loaded engineers
    assert ranked(case, everyone=True) == ["a.li", "b.wang", "a.sup", "duty"]
    assert "role" in reasons(case, "duty")


# --- load weighted by severity ------------------------------------------------------------


def test_load_is_weighted_by_severity(pair, duty, contact):
    a, b = pair
    give(a, duty, priority="P2", count=1)  # one CASE, weight 3
    give(b, duty, priority="P4", count=2)  # two CASEs, weight 1 each
    case = make_case(contact=contact, title="咨询")
    # by count a.li (1) would be lighter; by severity b.wang (2 < 3) is
    assert ranked(case) == ["b.wang", "a.li"]
    recs = {r.engineer.username: r for r in recommendations(case, fetched_by=None)}
    assert (recs["a.li"].load, recs["a.li"].weighted_load) == (1, 3)
    assert (recs["b.wang"].load, recs["b.wang"].weighted_load) == (2, 2)
    assert "2×P4" in reasons(case, "b.wang")["load"]


def test_no_score_is_negative_however_loaded_the_engineer(pair, duty, senior, contact):
    a, b = pair
    a.staff.capacity = 12
    a.staff.save()
    give(a, duty, priority="P1", count=11)  # as heavy as can still be offered
    give(b, duty, priority="P4", count=1)
    give(senior, duty, priority="P2", count=7)
    case = make_case(contact=contact, title="咨询", priority="P3")
    recs = {r.engineer.username: r for r in recommendations(case, fetched_by=None, limit=50)}
    assert set(recs) >= {"a.li", "b.wang", "se1", "duty"}
    for r in recs.values():
        assert r.score >= 0 and all(x.points >= 0 for x in r.reasons), r.engineer.username
    assert recs["a.li"].score < recs["b.wang"].score  # the load still counts against him
    assert ranked(case)[0] == "b.wang"


# --- skills matching the CASE's product -------------------------------------------------


def test_skills_matching_the_cases_platform_rank_higher(pair, contact):
    _, b = pair
    b.staff.skills.add(Skill.objects.create(code="security", name="安全"))
    firewall = make_case(
        contact=contact, title="VPN 隧道中断", hardware_platform="ASA 5525-X", priority="P3"
    )
    assert ranked(firewall) == ["b.wang", "a.li"]
    assert "security (ASA)" in reasons(firewall, "b.wang")["skills"]
    # a CASE that does not call for security: the skill gives nothing
    wireless = make_case(contact=contact, title="无线 AP 掉线", priority="P3")
    assert ranked(wireless) == ["a.li", "b.wang"]


def test_a_skills_own_keywords_replace_the_built_in_ones(pair, contact):
    _, b = pair
    b.staff.skills.add(
        Skill.objects.create(code="storage", name="存储", keywords="MDS，光纤交换机")
    )
    case = make_case(contact=contact, title="MDS 9148 光纤端口 down", priority="P3")
    assert ranked(case) == ["b.wang", "a.li"]
    # whole words only: "MDS" is not found inside "CMDSERVER"
    other = make_case(contact=contact, title="CMDSERVER 无法登录", priority="P3")
    assert ranked(other) == ["a.li", "b.wang"]


# --- on duty now (the shift roster) -------------------------------------------------------


def test_an_engineer_on_shift_now_ranks_higher(pair, contact):
    _, b = pair
    now = clock.now()
    case = make_case(contact=contact, title="咨询")
    DutyShift.objects.create(
        user=b, starts_at=now - dt.timedelta(hours=8), ends_at=now - dt.timedelta(hours=1)
    )
    assert ranked(case) == ["a.li", "b.wang"]  # that shift is over
    DutyShift.objects.create(
        user=b,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=7),
        duty_engineer=False,
    )
    assert ranked(case) == ["b.wang", "a.li"]
    assert "on_duty" in reasons(case, "b.wang")
    # an engineer's working shift does not make him the duty engineer for alarms
    assert b not in duty_call(now).people


# --- the customer's original project and the customer's preferred engineer ---------------


def test_the_engineer_who_ran_the_customers_project_ranks_higher(pair, org, contact):
    _, b = pair
    org.project_engineers.add(b)
    case = make_case(contact=contact, title="咨询")
    assert ranked(case) == ["b.wang", "a.li"]
    assert org.name in reasons(case, "b.wang")["project"]
    elsewhere = make_case(contact=ContactFactory(), title="咨询")  # another customer
    assert ranked(elsewhere) == ["a.li", "b.wang"]


def test_the_customers_preferred_engineer_ranks_higher(pair, org, contact):
    _, b = pair
    org.preferred_engineer = b
    org.save()
    case = make_case(contact=contact, title="咨询")
    assert ranked(case) == ["b.wang", "a.li"]
    assert "preferred" in reasons(case, "b.wang")
    elsewhere = make_case(contact=ContactFactory(), title="咨询")
    assert ranked(elsewhere) == ["a.li", "b.wang"]


# --- success on similar past CASEs --------------------------------------------------------

FIREWALL = {"title": "防火墙 VPN 隧道频繁中断", "hardware_platform": "ASA 5525-X"}


def test_an_engineer_who_solved_similar_cases_for_good_ranks_higher(pair, duty, contact):
    _, b = pair
    solve(make_case(contact=contact, **FIREWALL), b, duty, close=True)
    solve(make_case(contact=contact, title="核心交换机电源告警"), pair[0], duty, close=True)
    case = make_case(
        contact=contact, title="ASA 防火墙 VPN 隧道中断", hardware_platform="ASA 5525-X"
    )
    assert ranked(case) == ["b.wang", "a.li"]
    text = reasons(case, "b.wang")["similar"]
    assert "1 similar CASE" in text and "for this customer" in text
    assert "similar" not in reasons(case, "a.li")  # his switch CASE is not like this one


def test_a_chinese_two_character_overlap_is_similar(pair, duty, contact):
    _, b = pair
    solve(make_case(contact=contact, title="光模块收光功率过低"), b, duty)
    case = make_case(contact=contact, title="上联口光模块告警，收光低")
    assert ranked(case) == ["b.wang", "a.li"]


def test_a_fix_that_was_reopened_or_never_confirmed_does_not_count(pair, duty, contact):
    _, b = pair
    past = make_case(contact=contact, **FIREWALL)
    solve(past, b, duty, confirm=False)  # resolved, the customer has not confirmed
    case = make_case(
        contact=contact, title="ASA 防火墙 VPN 隧道中断", hardware_platform="ASA 5525-X"
    )
    assert ranked(case) == ["a.li", "b.wang"]
    services.case_confirm(case=past, by=duty, note="客户电话确认")
    assert ranked(case) == ["b.wang", "a.li"]
    services.case_reopen(case=past, reason="问题复现", by=duty)  # not fixed after all
    services.case_accept(case=past, by=b)
    services.case_resolve(case=past, solution="更换设备", by=b)
    services.case_confirm(case=past, by=duty, note="客户电话确认")
    past.refresh_from_db()
    assert past.reopen_count == 1
    assert ranked(case) == ["a.li", "b.wang"]


def test_the_customers_own_past_cases_weigh_more(pair, duty, contact):
    a, b = pair
    solve(make_case(contact=ContactFactory(), **FIREWALL), a, duty)  # another customer
    solve(make_case(contact=contact, **FIREWALL), b, duty)  # this customer
    case = make_case(
        contact=contact, title="ASA 防火墙 VPN 隧道中断", hardware_platform="ASA 5525-X"
    )
    assert ranked(case) == ["b.wang", "a.li"]


def test_the_current_owner_is_left_out(pair, duty, contact):
    a, _ = pair
    case = make_case(contact=contact, title="咨询")
    services.case_assign(case=case, engineer=a, by=duty)
    assert "a.li" not in ranked(case, exclude=[a.pk])


def test_the_query_count_does_not_grow_with_the_desk(duty, org, contact):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        case = make_case(contact=contact, title="ASA 防火墙 VPN 中断", hardware_platform="ASA")
        with CaptureQueriesContext(connection) as captured:
            recommendations(case, fetched_by=None, limit=50)
        return len(captured)

    first = make_user("engineer", username="e0", skills=("security",))
    solve(make_case(contact=contact, title="ASA VPN 隧道中断"), first, duty)
    small = queries()
    for i in range(1, 8):
        engineer = make_user("engineer", username=f"e{i}", skills=("security", "routing"))
        give(engineer, duty, count=i % 3)
        org.project_engineers.add(engineer)
        solve(make_case(contact=contact, title=f"ASA VPN 隧道中断 {i}"), engineer, duty)
    assert queries() == small
