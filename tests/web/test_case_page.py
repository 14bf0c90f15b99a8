"""The CASE page: the record, one timeline, live deadlines, and the actions the operations allow."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casedesk.cases import services
from casedesk.cases.actions import available_actions
from casedesk.cases.models import Case, WorkLog
from casedesk.core import clock
from tests.cases.lifecycle import Cast, bring_to, make_cast
from tests.factories import client_for, database_snapshot, make_case, make_user
from tests.factories import page_text as text


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def page(user, case: Case, language: str = "en"):
    return client_for(user, language).get(f"/cases/{case.number}/")


def post(user, case: Case, action: str, data: dict | None = None, language: str = "en"):
    return client_for(user, language).post(f"/cases/{case.number}/do/{action}/", data or {})


def offered_forms(response) -> set[str]:
    html = response.content.decode()
    return set(re.findall(r'/do/([a-z_]+)/"', html))


# --- what the page shows ----------------------------------------------------------------


def test_the_page_shows_the_caller_record_and_equipment(cast):
    case = make_case(
        contact=cast.contact,
        by=cast.call_taker,
        title="核心交换机端口down",
        description="第二行\n第三行",
        contract_id="CTBJ-GS-2024-017",
        hardware_platform="Catalyst 9500",
        software_version="IOS-XE 17.9.4",
        serial_number="FDO2231X0AB",
    )
    response = page(cast.duty, case)
    assert response.status_code == 200
    body = text(response)
    for value in (
        case.number,
        "核心交换机端口down",
        "张三",
        "中国电信北京分公司",
        "Gold (7×24)",
        "CTBJ-GS-2024-017",
        "Catalyst 9500",
        "IOS-XE 17.9.4",
        "FDO2231X0AB",
        "第二行<br> 第三行",  # line breaks kept (casedesk/markup.py)
    ):
        assert value in body, value


def test_the_timeline_merges_events_and_work_logs_and_shows_internal_ones_to_staff(cast):
    case = bring_to("in_progress", cast)
    services.case_log_work(
        case=case, kind="remote", note="远程登录检查日志", minutes=25, by=cast.owner
    )
    services.case_log_work(
        case=case, kind="note", note="内部：客户合同将到期", minutes=0, internal=True, by=cast.duty
    )
    body = text(page(cast.owner, case))
    timeline = body[body.index('id="timeline"') :]
    # oldest first: opened, assigned, helper added, accepted, the two work logs
    order = [
        timeline.index(s)
        for s in ("Opened by Phone as P2", "Assigned to se1", "Accepted", "远程登录检查日志")
    ]
    assert order == sorted(order)
    assert "Remote login, 25 min" in timeline
    assert "内部：客户合同将到期" in timeline and "internal" in timeline


def test_markup_in_a_title_and_notes_is_shown_as_text(cast):
    case = make_case(contact=cast.contact, by=cast.call_taker, title="<script>alert(1)</script>")
    services.case_log_work(
        case=case, kind="note", note="<img src=x onerror=alert(1)>", minutes=0, by=cast.duty
    )
    html = page(cast.duty, case).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_deadlines_count_down_and_turn_red_when_overdue(cast):
    case = make_case(contact=cast.contact, by=cast.call_taker, priority="P1")
    html = page(cast.duty, case).content.decode()
    # the 15-minute callback: running, with its due time for the script to count to
    assert re.search(r'class="countdown" data-due="[^"]+"[^>]*>1[45] min left<', html)
    with clock.frozen(case.created_at + dt.timedelta(minutes=20)):
        html = page(cast.duty, case).content.decode()
    assert re.search(r'class="countdown overdue" data-due="[^"]+"[^>]*>[45] min overdue<', html)


def test_a_fired_escalation_is_an_alarm_sent_and_a_missed_callback_stays_overdue(cast):
    from casedesk.sla.supervisor import run_pass

    case = make_case(contact=cast.contact, by=cast.call_taker, priority="P1")
    later = case.created_at + dt.timedelta(minutes=40)  # past the callback and the 30-min level
    run_pass(now=later)
    with clock.frozen(later):
        body = text(page(cast.duty, case))
    live, history = body.split("Kept promises and alarms sent")
    assert re.search(r"Callback to the customer</span>.{0,200}2\d min overdue", live)
    # the 30-minute level told its people: done, listed as sent; later levels still run
    sent = re.search(r"(Escalation · [^<]+)</span> <span>sent <time", history)
    assert sent and sent.group(1) not in live
    assert "Escalation · " in live


def test_a_pending_case_shows_its_resolution_clock_as_paused(cast):
    case = bring_to("pending", cast)  # waiting for the customer pauses the resolution clock
    body = text(page(cast.owner, case))
    assert re.search(r"Resolution</span> <span class=\"countdown paused\">paused</span>", body)


def test_a_customer_is_refused_and_an_unknown_case_is_not_found(cast):
    case = bring_to("in_progress", cast)
    assert page(cast.customer, case).status_code == 403
    assert client_for(cast.duty).get("/cases/C9912999/").status_code == 404
    anonymous = Client().get(f"/cases/{case.number}/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    before = database_snapshot()
    assert post(cast.customer, case, "resolve", {"solution": "x"}).status_code == 403
    assert database_snapshot() == before


# --- the actions offered are the operation layer's -----------------------------------


@pytest.mark.parametrize("state", ["open", "assigned", "in_progress", "pending", "resolved"])
@pytest.mark.parametrize("who", ["call_taker", "duty", "owner", "helper", "first_line"])
def test_the_page_offers_exactly_the_available_actions(cast, state, who):
    case = bring_to(state, cast)
    user = getattr(cast, who)
    # (assigning has its own screen; escalating to the vendor is the vendors panel's and
    # subcontracting the partners panel's)
    expected = set(available_actions(case=case, user=user)) - {
        "assign",
        "escalate_vendor",
        "subcontract",
    }
    assert offered_forms(page(user, case)) == expected
    assert (f"/cases/{case.number}/assign/" in page(user, case).content.decode()) == (
        "assign" in available_actions(case=case, user=user)
    )


def test_the_owner_accepts_in_one_click(cast):
    case = bring_to("assigned", cast)
    client = client_for(cast.owner)
    response = client.post(f"/cases/{case.number}/do/accept/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    case.refresh_from_db()
    assert case.status == "in_progress"
    followed = client.get(response["Location"])
    assert f"You accepted {case.number}." in text(followed)


def test_log_work_with_minutes(cast):
    case = bring_to("in_progress", cast)
    response = post(
        cast.owner,
        case,
        "log_work",
        {"kind": "onsite", "note": "现场更换电源模块", "minutes": "90"},
    )
    assert response.status_code == 302
    log = WorkLog.objects.get(case=case)
    assert (log.author, log.kind, log.minutes, log.internal) == (cast.owner, "onsite", 90, False)


def test_a_refused_action_shows_the_operations_message_and_changes_nothing(cast):
    case = bring_to("resolved", cast)  # not confirmed yet: it cannot be closed
    # the page does not offer it…
    assert "close" not in offered_forms(page(cast.duty, case))
    # …and a forged POST is refused by the operation with its 409
    before = database_snapshot()
    response = post(cast.duty, case, "close")
    assert response.status_code == 409
    assert "cannot be closed before the customer confirms" in text(response)
    assert database_snapshot() == before


def test_bad_input_is_a_422_and_changes_nothing(cast):
    case = bring_to("in_progress", cast)
    before = database_snapshot()
    response = post(cast.owner, case, "log_work", {"kind": "phone", "note": "", "minutes": "-5"})
    assert response.status_code == 422
    assert "Nothing was changed." in text(response)
    response = post(cast.owner, case, "log_work", {"kind": "phone", "note": "x", "minutes": "9999"})
    assert response.status_code == 422
    assert post(cast.owner, case, "frobnicate", {}).status_code == 422
    assert database_snapshot() == before


def test_a_forbidden_action_is_a_403_and_changes_nothing(cast):
    case = bring_to("in_progress", cast)
    before = database_snapshot()
    # a first-line engineer unrelated to the CASE may not resolve it
    response = post(cast.first_line, case, "resolve", {"solution": "重启"})
    assert response.status_code == 403
    assert database_snapshot() == before


def test_escalating_to_the_vendor_is_opening_a_vendor_case(cast):
    """The old action is gone from the page: the vendors panel opens a vendor case, which
    escalates the CASE (tests/vendors/test_web.py)."""
    case = bring_to("in_progress", cast, priority="P1")
    before = database_snapshot()
    response = post(cast.owner, case, "escalate_vendor", {"reason": "疑似IOS缺陷"})
    assert response.status_code in (400, 404, 422)
    assert database_snapshot() == before
    assert 'id="action-escalate_vendor"' not in text(page(cast.owner, case))


def test_helpers_pend_resume_priority_and_reassignment_request(cast):
    case = bring_to("in_progress", cast)
    assert (
        post(cast.owner, case, "add_helper", {"engineer": cast.spare.username}).status_code == 302
    )
    assert post(cast.owner, case, "remove_helper", {"engineer": "eng2"}).status_code == 302
    assert sorted(case.helpers.values_list("username", flat=True)) == ["eng3"]
    assert (
        post(cast.owner, case, "set_priority", {"priority": "P1", "reason": "全网"}).status_code
        == 302
    )
    assert post(cast.owner, case, "pend", {"reason": "parts", "note": "等备件"}).status_code == 302
    case.refresh_from_db()
    assert (case.priority, case.status, case.pending_reason) == ("P1", "pending", "parts")
    assert post(cast.owner, case, "resume", {"note": "备件到货"}).status_code == 302
    assert post(cast.owner, case, "request_reassignment", {"reason": "休假"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "in_progress" and case.reassignment_requested


def test_resolve_confirm_on_behalf_close_and_reopen(cast):
    case = bring_to("in_progress", cast)
    assert post(cast.owner, case, "resolve", {"solution": "更换光模块后恢复"}).status_code == 302
    # confirming for the customer needs a note: the operation says so
    response = post(cast.call_taker, case, "confirm", {"note": ""})
    assert response.status_code == 422 and "needs a note" in text(response)
    assert post(cast.call_taker, case, "confirm", {"note": "客户电话确认"}).status_code == 302
    assert post(cast.duty, case, "close").status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.confirmed_by == cast.call_taker
    assert post(cast.duty, case, "reopen", {"reason": "故障复现"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "assigned" and case.reopen_count == 1


def test_every_form_carries_a_csrf_token_and_a_post_without_it_is_refused(cast):
    case = bring_to("in_progress", cast)
    html = page(cast.duty, case).content.decode()
    forms = html.count('method="post"')
    assert forms > 5 and html.count("csrfmiddlewaretoken") >= forms
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.owner)
    before = database_snapshot()
    response = client.post(f"/cases/{case.number}/do/resolve/", {"solution": "x"})
    assert response.status_code == 403
    assert database_snapshot() == before


def test_the_page_speaks_chinese(cast):
    case = bring_to("in_progress", cast)
    body = text(page(cast.owner, case, language="zh-hans"))
    assert "时间线" in body and "记录工作" in body and "解决" in body


# --- cost --------------------------------------------------------------------------------


def _queries(user, case) -> int:
    client = client_for(user)
    client.get(f"/cases/{case.number}/")  # warm the session and caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/cases/{case.number}/").status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_history(cast):
    small = bring_to("in_progress", cast)
    big = bring_to("in_progress", cast)
    for i in range(15):
        services.case_log_work(case=big, kind="phone", note=f"第{i}次", minutes=5, by=cast.owner)
        helper = make_user("engineer", username=f"h{i}", tier="first_line")
        services.case_add_helper(case=big, helper=helper, by=cast.duty)
    services.case_set_priority(case=big, priority="P1", by=cast.duty)
    for user in (cast.duty, cast.owner, cast.helper):
        assert _queries(user, big) == _queries(user, small)


def test_a_dispatcher_escalates_to_a_senior_engineer_and_hands_the_case_over(cast):
    senior = cast.owner  # se1, a senior engineer, not on this CASE
    case = bring_to("in_progress", cast, priority="P3", owner=cast.first_line)
    html = page(cast.duty, case).content.decode()
    assert '<option value="se1">' in html  # the senior engineers to hand it to
    response = post(
        cast.duty, case, "escalate_senior", {"reason": "一线无法定位", "engineer": "se1"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.escalation_level, case.engineer, case.status) == (1, senior, "assigned")


def test_the_owner_escalates_without_choosing_who(cast):
    case = bring_to("in_progress", cast, priority="P3", owner=cast.first_line)
    html = page(cast.first_line, case).content.decode()
    assert "id_escalate_senior_engineer" not in html
    assert post(cast.first_line, case, "escalate_senior", {"reason": "需要SE"}).status_code == 302
    case.refresh_from_db()
    assert (case.escalation_level, case.engineer) == (1, cast.first_line)
    # and a forged hand-over is the operation's refusal
    assert cast.owner.username == "se1"
    other = bring_to("in_progress", cast, priority="P3", owner=cast.first_line)
    before = database_snapshot()
    response = post(cast.first_line, other, "escalate_senior", {"reason": "r", "engineer": "se1"})
    assert response.status_code == 403
    assert database_snapshot() == before


def test_the_timeline_tells_what_the_supervisor_did(cast):
    from casedesk.sla.supervisor import run_pass

    case = bring_to("assigned", cast, priority="P3")
    cast.first_line  # someone free to take it over  # noqa: B018
    run_pass(now=case.assigned_at + dt.timedelta(minutes=50))  # no callback: chase, reassign
    with clock.frozen(case.assigned_at + dt.timedelta(minutes=50)):
        body = text(page(cast.duty, case))
    timeline = body[body.index('id="timeline"') :]
    assert "Deadline reached: Callback check: reassign" in timeline
    assert re.search(r"Reassigned to \w+|Proposed reassignment to \w+", timeline)
    assert "system" in timeline
