"""History: after a full lifecycle the events list every step, oldest first, with the actor
and the before/after of what changed; the customer sees all but the internal entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from casedesk.cases import selectors, services
from casedesk.cases.models import Case
from casedesk.core import clock, context
from casedesk.core.errors import DomainError
from tests.cases.lifecycle import Cast, make_cast

START = dt.datetime(2026, 11, 3, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing


def ba(before, after) -> dict:
    return {"before": before, "after": after}


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


@pytest.fixture
def step() -> Iterator[Callable]:
    """``step(fn)`` runs one operation a minute after the previous one; ``step.times`` are
    the instants, in order."""
    times: list[dt.datetime] = []

    def run(fn: Callable[[], object]) -> object:
        times.append(START + dt.timedelta(minutes=len(times)))
        with clock.frozen(times[-1]):
            return fn()

    run.times = times  # type: ignore[attr-defined]
    yield run


def test_a_full_lifecycle_is_recorded_step_by_step(cast, step):
    c, s = cast, services
    eng1, eng2, se1, duty, taker, cust = (
        c.first_line,
        c.helper,
        c.owner,
        c.duty,
        c.call_taker,
        c.customer,
    )
    case: Case = step(
        lambda: s.case_open(
            organization=c.org,
            contact=c.contact,
            title="核心交换机故障",
            priority="P3",
            channel="phone",
            by=taker,
        )
    )
    step(lambda: s.case_assign(case=case, engineer=eng1, note="已电话通知", by=duty))
    callback = step(
        lambda: s.case_log_work(case=case, kind="callback", note="已回呼", minutes=10, by=eng1)
    )
    remote = step(
        lambda: s.case_log_work(case=case, kind="remote", note="远程检查", minutes=30, by=eng1)
    )
    step(lambda: s.case_add_helper(case=case, helper=eng2, by=eng1))
    onsite = step(
        lambda: s.case_log_work(case=case, kind="onsite", note="现场更换", minutes=90, by=eng2)
    )
    internal = step(
        lambda: s.case_log_work(
            case=case, kind="note", note="客户配置混乱", minutes=0, internal=True, by=eng1
        )
    )
    step(lambda: s.case_set_priority(case=case, priority="P2", reason="影响扩大", by=duty))
    step(lambda: s.case_escalate(case=case, target="senior", reason="需要SE", by=eng1))
    step(lambda: s.case_request_reassignment(case=case, reason="请SE接手", by=eng1))
    step(lambda: s.case_assign(case=case, engineer=se1, by=duty))
    step(lambda: s.case_accept(case=case, by=se1))

    def to_vendor():
        token = context.set_request_id("req-vendor-1")
        try:
            return s.case_escalate(
                case=case,
                target="vendor",
                reason="疑似软件缺陷",
                vendor_reference="SR 612345678",
                by=se1,
            )
        finally:
            context.reset_request_id(token)

    step(to_vendor)
    step(lambda: s.case_pend(case=case, reason="vendor", note="等待TAC", by=se1))
    info = step(
        lambda: s.case_log_work(case=case, kind="note", note="日志已上传", minutes=0, by=cust)
    )
    step(lambda: s.case_resume(case=case, by=se1))
    step(lambda: s.case_resolve(case=case, solution="升级IOS", by=se1))
    step(lambda: s.case_confirm(case=case, by=cust))
    step(lambda: s.case_close(case=case, by=duty))
    step(lambda: s.case_reopen(case=case, reason="故障复现", by=taker))
    step(lambda: s.case_accept(case=case, by=se1))
    step(lambda: s.case_resolve(case=case, solution="更换主板", by=se1))
    step(lambda: s.case_confirm(case=case, note="客户电话确认", by=taker))
    step(lambda: s.case_close(case=case, by=taker))

    def work(log, **extra) -> dict:
        return {
            "worklog": log.pk,
            "kind": log.kind,
            "minutes": log.minutes,
            "note": log.note,
            **extra,
        }

    expected = [
        (
            "opened",
            "taker",
            {
                "number": case.number,
                "organization": "ACME",
                "contact": c.contact.pk,
                "priority": "P3",
                "channel": "phone",
                "title": "核心交换机故障",
            },
        ),
        (
            "assigned",
            "duty",
            {
                "engineer": ba(None, "eng1"),
                "status": ba("open", "assigned"),
                "note": "已电话通知",
            },
        ),
        ("work_logged", "eng1", work(callback, status=ba("assigned", "in_progress"))),
        ("work_logged", "eng1", work(remote)),
        ("helper_added", "eng1", {"helper": "eng2"}),
        ("work_logged", "eng2", work(onsite)),
        ("work_logged", "eng1", work(internal)),
        ("priority_changed", "duty", {"priority": ba("P3", "P2"), "reason": "影响扩大"}),
        (
            "escalated",
            "eng1",
            {"escalation_level": ba(0, 1), "target": "senior", "reason": "需要SE"},
        ),
        (
            "reassignment_requested",
            "eng1",
            {"reassignment_requested": ba(False, True), "reason": "请SE接手"},
        ),
        (
            "assigned",
            "duty",
            {
                "engineer": ba("eng1", "se1"),
                "status": ba("in_progress", "assigned"),
                "reassignment_requested": ba(True, False),
            },
        ),
        ("accepted", "se1", {"status": ba("assigned", "in_progress")}),
        (
            "escalated",
            "se1",
            {
                "escalation_level": ba(1, 2),
                "vendor_reference": ba("", "SR 612345678"),
                "target": "vendor",
                "reason": "疑似软件缺陷",
            },
        ),
        (
            "pended",
            "se1",
            {
                "status": ba("in_progress", "pending"),
                "pending_reason": ba("", "vendor"),
                "note": "等待TAC",
            },
        ),
        ("work_logged", "cust", work(info)),
        (
            "resumed",
            "se1",
            {"status": ba("pending", "in_progress"), "pending_reason": ba("vendor", "")},
        ),
        (
            "resolved",
            "se1",
            {"status": ba("in_progress", "resolved"), "solution": ba("", "升级IOS")},
        ),
        ("confirmed", "cust", {"confirmed_by": ba(None, "cust"), "on_behalf": False}),
        ("closed", "duty", {"status": ba("resolved", "closed")}),
        (
            "reopened",
            "taker",
            {
                "status": ba("closed", "assigned"),
                "solution": ba("升级IOS", ""),
                "confirmed_by": ba("cust", None),
                "reopen_count": ba(0, 1),
                "reason": "故障复现",
            },
        ),
        ("accepted", "se1", {"status": ba("assigned", "in_progress")}),
        (
            "resolved",
            "se1",
            {"status": ba("in_progress", "resolved"), "solution": ba("", "更换主板")},
        ),
        (
            "confirmed",
            "taker",
            {"confirmed_by": ba(None, "taker"), "note": "客户电话确认", "on_behalf": True},
        ),
        ("closed", "taker", {"status": ba("resolved", "closed")}),
    ]

    events = list(selectors.case_events(case=case, fetched_by=duty))
    assert [(e.kind, e.actor.username, e.data) for e in events] == expected
    assert [e.at for e in events] == step.times  # oldest first, each at its own instant
    assert [e.request_id for e in events if e.request_id] == ["req-vendor-1"]

    case.refresh_from_db()
    assert (case.status, case.engineer, case.reopen_count) == ("closed", se1, 1)
    assert case.created_at == step.times[0] and case.closed_at == step.times[-1]
    assert case.accepted_at == step.times[-4]  # the second acceptance, after the reopen
    assert callback.created_at == case.events.get(data__worklog=callback.pk).at

    # The customer follows the same history without the internal entries.
    seen = list(selectors.case_events(case=case, fetched_by=cust))
    hidden = [e for e in events if e not in seen]
    assert [(e.kind, e.actor.username) for e in hidden] == [
        ("work_logged", "eng1"),
        ("reassignment_requested", "eng1"),
    ]
    assert hidden[0].data["worklog"] == internal.pk
    assert [e.pk for e in seen] == [e.pk for e in events if not e.internal]
    assert len(seen) == len(expected) - 2


def test_a_refused_operation_leaves_no_trace_in_the_history(cast):
    case = services.case_open(
        organization=cast.org,
        contact=cast.contact,
        title="t",
        priority="P4",
        channel="web",
        by=cast.customer,
    )
    refusals = [
        lambda: services.case_close(case=case, by=cast.duty),
        lambda: services.case_accept(case=case, by=None),
        lambda: services.case_assign(case=case, engineer=cast.customer, by=cast.duty),
        lambda: services.case_set_priority(case=case, priority="P9", by=cast.duty),
        lambda: services.case_resolve(case=case, solution="x", by=cast.customer),
    ]
    for refuse in refusals:
        with pytest.raises(DomainError) as info:
            refuse()
        assert info.value.status in (403, 409, 422)
    assert [e.kind for e in selectors.case_events(case=case, fetched_by=cast.customer)] == [
        "opened"
    ]
