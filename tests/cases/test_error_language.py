"""The operation layer's refusals speak the active language: whole sentences, no English verbs."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from casedesk.cases import services
from casedesk.cases.choices import CaseAction, Status
from casedesk.core import policy
from casedesk.core.errors import DomainError, InvalidInput, TransitionNotAllowed
from tests.cases.lifecycle import STATES, STATUS_OF, Cast, bring_to, make_cast


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def english_left(message: str, *data: str) -> list[str]:
    """English words in ``message`` once the data it quotes (numbers, names, codes) is removed."""
    for value in data:
        message = message.replace(value, "")
    return [w for w in re.findall(r"[A-Za-z_]{2,}", message) if w not in ("CASE", "RMA")]


def refusal(run) -> DomainError:
    with pytest.raises(DomainError) as info:
        run()
    return info.value


def test_every_action_has_a_verb_in_both_languages():
    actions = policy.actions()
    with translation.override("en"):
        english = {a: policy.verb(a) for a in actions}
    with translation.override("zh-hans"):
        chinese = {a: policy.verb(a) for a in actions}
    assert english[CaseAction.REQUEST_REASSIGNMENT] == "request reassignment of"
    for action in actions:
        assert english_left(chinese[action]) == [], (action, chinese[action])
        assert chinese[action] != english[action]


@pytest.mark.parametrize("state", STATES)
def test_an_action_the_state_does_not_allow_reads_as_one_chinese_sentence(cast, state):
    case = bring_to(state, cast)
    refused = [a for a in services.ALLOWED_FROM if STATUS_OF[state] not in services.ALLOWED_FROM[a]]
    assert refused
    with translation.override("zh-hans"):
        status = str(Status(case.status).label)
    for action in refused:
        with translation.override("zh-hans"):
            err = refusal(lambda a=action: services._check(case, a, None))
        assert isinstance(err, TransitionNotAllowed)
        with translation.override("zh-hans"):
            verb = policy.verb(action)
            expected = f"{case.number} 当前状态为“{status}”，现在不能执行此操作：{verb}。"
        assert err.detail == expected
        with translation.override("en"):
            english = refusal(lambda a=action: services._check(case, a, None)).detail
        assert english.startswith(f"{case.number} is {STATUS_OF[state].replace('_', ' ')}: cannot ")


def test_each_refusal_from_the_cases_own_fields_is_chinese(cast):
    resolved = bring_to("resolved", cast)
    confirmed = bring_to("resolved_confirmed", cast)
    p3 = bring_to("in_progress", cast, priority="P3", owner=cast.first_line)
    live = bring_to("in_progress", cast)
    services.case_request_reassignment(case=live, reason="出差", by=cast.owner)
    services.case_escalate(case=live, target="senior", reason="疑难", by=cast.owner)
    vendor = bring_to("in_progress", cast, priority="P1")
    services.case_escalate(case=vendor, target="vendor", reason="TAC", by=cast.owner)

    with translation.override("zh-hans"):
        messages = {
            "close": refusal(lambda: services.case_close(case=resolved, by=cast.duty)).detail,
            "confirm": refusal(
                lambda: services.case_confirm(case=confirmed, by=cast.customer)
            ).detail,
            "vendor_p3": refusal(
                lambda: services.case_escalate(case=p3, target="vendor", reason="x", by=cast.duty)
            ).detail,
            "reassign": refusal(
                lambda: services.case_request_reassignment(case=live, reason="x", by=cast.owner)
            ).detail,
            "senior": refusal(
                lambda: services.case_escalate(case=live, target="senior", reason="x", by=cast.duty)
            ).detail,
            "vendor": refusal(
                lambda: services.case_escalate(
                    case=vendor, target="vendor", reason="x", by=cast.duty
                )
            ).detail,
        }
    assert messages == {
        "close": f"客户确认解决之前，不能关闭 {resolved.number}。",
        "confirm": f"{confirmed.number} 已确认解决。",
        "vendor_p3": f"{p3.number} 为 P3 级别：须先升级至高级工程师，再升级至厂商。",
        "reassign": f"{live.number} 已申请改派。",
        "senior": f"{live.number} 已升级。",
        "vendor": f"{vendor.number} 已升级至厂商。",
    }
    # the web console asks the same table: it answers in the language active when asked
    with translation.override("en"):
        assert services.refusal(resolved, CaseAction.CLOSE) == (
            f"{resolved.number} cannot be closed before the customer confirms."
        )


def test_bad_input_names_the_field_and_the_rule_in_chinese(cast):
    case = bring_to("in_progress", cast)
    with translation.override("zh-hans"):
        kind = refusal(
            lambda: services.case_log_work(
                case=case, kind="fax", note="x", minutes=1, by=cast.owner
            )
        )
        minutes = refusal(
            lambda: services.case_log_work(
                case=case, kind="phone", note="x", minutes=-1, by=cast.owner
            )
        )
        note = refusal(
            lambda: services.case_log_work(
                case=case, kind="phone", note=" ", minutes=1, by=cast.owner
            )
        )
        helper = refusal(
            lambda: services.case_add_helper(case=case, helper=cast.owner, by=cast.duty)
        )
    assert isinstance(kind, InvalidInput)
    assert kind.detail.startswith("未知工作日志类型 'fax'，可选值：callback, phone,")
    assert minutes.detail == "分钟数必须是 0 到 1440 之间的整数。"
    assert note.detail == "note 为必填项。"
    assert helper.detail == f"se1 是 {case.number} 的负责工程师，协助人须另选他人。"


def test_a_customer_refused_in_chinese_is_sent_to_the_service_desk(cast):
    closed = bring_to("closed", cast)
    with translation.override("zh-hans"):
        err = refusal(
            lambda: services.case_reopen(case=closed, reason="还是不通", by=cast.customer)
        )
    assert err.status == 403
    assert err.detail == f"您无权对 {closed.number} 执行此操作：重新打开。请联系服务台。"
    assert english_left(err.detail, closed.number) == []
