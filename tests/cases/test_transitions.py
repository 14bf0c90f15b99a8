"""The transition table: every state × every action, allowed and forbidden, event or not.

Each action is done by someone the policy lets do it, so only the CASE's state decides.
The expected outcome is written out below, not derived from ``services.ALLOWED_FROM``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casedesk.cases import services
from casedesk.cases.choices import CaseAction, EscalationLevel, EventKind, Priority
from casedesk.cases.models import Case, CaseEvent, WorkLog
from casedesk.core import policy
from casedesk.core.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from tests.cases.lifecycle import (
    MOVES,
    STATES,
    STATUS_OF,
    Cast,
    bring_to,
    make_cast,
    new_events,
    snapshot,
)

A = CaseAction
NO = None  # refused: TransitionNotAllowed, nothing written

# The status after each action, by starting state ("confirmed": resolved and confirmed).
# fmt: off
EXPECTED: dict[str, tuple[str | None, ...]] = {
    #                        open           assigned       in_progress    pending        resolved       confirmed      closed
    A.ASSIGN:               ("assigned",    "assigned",    "assigned",    "assigned",    NO,            NO,            NO),
    A.ACCEPT:               (NO,            "in_progress", NO,            NO,            NO,            NO,            NO),
    A.ADD_HELPER:           (NO,            "assigned",    "in_progress", "pending",     NO,            NO,            NO),
    A.REMOVE_HELPER:        (NO,            "assigned",    "in_progress", "pending",     NO,            NO,            NO),
    A.REQUEST_REASSIGNMENT: (NO,            "assigned",    "in_progress", "pending",     NO,            NO,            NO),
    A.LOG_WORK:             ("open",        "assigned",    "in_progress", "pending",     "resolved",    "resolved",    NO),
    A.SET_PRIORITY:         ("open",        "assigned",    "in_progress", "pending",     NO,            NO,            NO),
    A.ESCALATE_SENIOR:      (NO,            "assigned",    "in_progress", "pending",     NO,            NO,            NO),
    A.ESCALATE_VENDOR:      (NO,            "assigned",    "in_progress", "pending",     NO,            NO,            NO),
    A.PEND:                 (NO,            NO,            "pending",     NO,            NO,            NO,            NO),
    A.RESUME:               (NO,            NO,            NO,            "in_progress", NO,            NO,            NO),
    A.RESOLVE:              (NO,            NO,            "resolved",    "resolved",    NO,            NO,            NO),
    A.CONFIRM:              (NO,            NO,            NO,            NO,            "resolved",    NO,            NO),
    A.CLOSE:                (NO,            NO,            NO,            NO,            NO,            "closed",      NO),
    A.REOPEN:               (NO,            NO,            NO,            NO,            "assigned",    "assigned",    "assigned"),
    A.APPROVE_GOODWILL:     ("open",        "assigned",    "in_progress", "pending",     NO,            NO,            NO),
    A.SUBCONTRACT:          ("assigned",    "assigned",    "assigned",    "assigned",    NO,            NO,            NO),
}
# fmt: on

EVENT_OF = {
    A.ASSIGN: EventKind.ASSIGNED,
    A.ACCEPT: EventKind.ACCEPTED,
    A.ADD_HELPER: EventKind.HELPER_ADDED,
    A.REMOVE_HELPER: EventKind.HELPER_REMOVED,
    A.REQUEST_REASSIGNMENT: EventKind.REASSIGNMENT_REQUESTED,
    A.LOG_WORK: EventKind.WORK_LOGGED,
    A.SET_PRIORITY: EventKind.PRIORITY_CHANGED,
    A.ESCALATE_SENIOR: EventKind.ESCALATED,
    A.ESCALATE_VENDOR: EventKind.ESCALATED,
    A.PEND: EventKind.PENDED,
    A.RESUME: EventKind.RESUMED,
    A.RESOLVE: EventKind.RESOLVED,
    A.CONFIRM: EventKind.CONFIRMED,
    A.CLOSE: EventKind.CLOSED,
    A.REOPEN: EventKind.REOPENED,
    A.APPROVE_GOODWILL: EventKind.GOODWILL_APPROVED,
    A.SUBCONTRACT: EventKind.SUBCONTRACTED,
}


# Every action of the transition table (VIEW and OPEN are not transitions of a CASE).
TABLE_ACTIONS = [a for a in CaseAction if a not in (A.VIEW, A.OPEN)]


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def test_the_table_covers_every_action_and_state():
    assert set(EXPECTED) == set(TABLE_ACTIONS) == set(MOVES) == set(services.ALLOWED_FROM)
    assert all(len(row) == len(STATES) for row in EXPECTED.values())


@pytest.mark.parametrize("action", TABLE_ACTIONS)
def test_allowed_from_agrees_with_the_expected_table(action):
    """A status allows an action iff the action succeeds from some CASE in that status."""
    allowed = {STATUS_OF[s] for s, after in zip(STATES, EXPECTED[action], strict=True) if after}
    assert set(services.ALLOWED_FROM[action]) == allowed


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", TABLE_ACTIONS)
def test_transition(cast, state, action):
    # Goodwill is for an uncovered CASE (on any other it is refused whatever the state).
    uncovered = cast.uncovered_serial if action == A.APPROVE_GOODWILL else ""
    case = bring_to(state, cast, serial_number=uncovered)
    move = MOVES[action]
    actor = move.actor(case, cast)
    assert policy.can(actor, action, case), "the actor must be permitted: only the state decides"
    before = snapshot(case)
    expected = EXPECTED[action][STATES.index(state)]

    if expected is None:
        with pytest.raises(TransitionNotAllowed) as info:
            move.run(case, actor, cast)
        assert info.value.status == 409
        assert snapshot(case) == before
        return

    move.run(case, actor, cast)
    case.refresh_from_db()
    assert case.status == expected
    events = new_events(case, before)
    assert [(e.kind, e.actor_id) for e in events] == [
        (EVENT_OF[action], actor.pk if actor else None)
    ]
    assert CaseEvent.objects.filter(case=case).latest("at", "id") == events[0]
    worklogs = WorkLog.objects.filter(case=case).count()
    assert worklogs == len(before["worklogs"]) + (action == A.LOG_WORK)


# --- the guards inside the allowed states -------------------------------------------------


def _refused(case: Case, error: type[Exception], run: Callable[[], object]) -> Exception:
    before = snapshot(case)
    with pytest.raises(error) as info:
        run()
    assert snapshot(case) == before
    return info.value


def test_close_before_the_customer_confirms_is_a_conflict(cast):
    case = bring_to("resolved", cast)
    err = _refused(case, TransitionNotAllowed, lambda: services.case_close(case=case, by=cast.duty))
    assert err.status == 409 and "confirm" in err.detail


def test_confirm_twice_is_refused(cast):
    case = bring_to("resolved_confirmed", cast)
    for by, note in ((cast.customer, ""), (cast.duty, "客户电话确认")):
        _refused(
            case,
            TransitionNotAllowed,
            lambda by=by, note=note: services.case_confirm(case=case, by=by, note=note),
        )


@pytest.mark.parametrize("priority", ["P3", "P4"])
def test_vendor_escalation_of_p3_p4_needs_a_senior_engineer_first(cast, priority):
    """P3/P4 in first-line hands go to a senior engineer (SE) before the vendor."""
    case = bring_to("in_progress", cast, priority=priority, owner=cast.first_line)

    def to_vendor():
        return services.case_escalate(case=case, target="vendor", reason="TAC", by=cast.duty)

    err = _refused(case, TransitionNotAllowed, to_vendor)
    assert priority in err.detail

    services.case_escalate(case=case, target="senior", reason="需要SE", by=cast.first_line)
    to_vendor()
    case.refresh_from_db()
    assert case.escalation_level == EscalationLevel.VENDOR


@pytest.mark.parametrize("priority", ["P3", "P4"])
def test_a_senior_owner_may_take_p3_p4_to_the_vendor(cast, priority):
    """An SE already owns it: the SE step is done, so the vendor is next."""
    case = bring_to("in_progress", cast, priority=priority, owner=cast.owner)
    services.case_escalate(
        case=case, target="vendor", reason="TAC", vendor_reference="SR 600000001", by=cast.owner
    )
    case.refresh_from_db()
    assert case.escalation_level == EscalationLevel.VENDOR
    assert case.vendor_reference == "SR 600000001"


@pytest.mark.parametrize("priority", ["P1", "P2"])
def test_vendor_escalation_of_p1_p2_may_go_straight_to_the_vendor(cast, priority):
    case = bring_to("in_progress", cast, priority=priority)
    services.case_escalate(
        case=case, target="vendor", reason="TAC", vendor_reference="SR 612345678", by=cast.owner
    )
    case.refresh_from_db()
    assert case.escalation_level == EscalationLevel.VENDOR
    assert case.vendor_reference == "SR 612345678"
    event = CaseEvent.objects.filter(case=case).latest("at", "id")
    assert event.data["escalation_level"] == {"before": 0, "after": 2}
    assert event.data["vendor_reference"] == {"before": "", "after": "SR 612345678"}
    assert event.data["target"] == "vendor"


def test_escalating_twice_is_refused(cast):
    case = bring_to("in_progress", cast, priority="P3")
    senior = lambda: services.case_escalate(case=case, target="senior", reason="r", by=cast.duty)  # noqa: E731
    vendor = lambda: services.case_escalate(case=case, target="vendor", reason="r", by=cast.duty)  # noqa: E731
    senior()
    _refused(case, TransitionNotAllowed, senior)
    vendor()
    _refused(case, TransitionNotAllowed, vendor)
    _refused(case, TransitionNotAllowed, senior)  # no way back down from the vendor
    case.refresh_from_db()
    assert case.escalation_level == EscalationLevel.VENDOR


def test_setting_the_same_priority_is_refused(cast):
    case = bring_to("in_progress", cast, priority="P2")
    _refused(
        case,
        TransitionNotAllowed,
        lambda: services.case_set_priority(case=case, priority=Priority.P2, by=cast.duty),
    )


def test_the_owners_callback_accepts_the_case_in_one_event(cast):
    case = bring_to("assigned", cast)
    before = snapshot(case)
    services.case_log_work(case=case, kind="callback", note="已回呼", minutes=10, by=cast.owner)
    case.refresh_from_db()
    assert case.status == "in_progress" and case.accepted_at is not None
    (event,) = new_events(case, before)
    assert event.kind == EventKind.WORK_LOGGED and event.actor == cast.owner
    assert event.data["status"] == {"before": "assigned", "after": "in_progress"}
    assert event.data["kind"] == "callback" and event.data["minutes"] == 10
    assert event.at == case.accepted_at


@pytest.mark.parametrize("who", ["helper", "duty"])
def test_a_callback_by_someone_else_does_not_accept_for_the_owner(cast, who):
    case = bring_to("assigned", cast)
    services.case_log_work(
        case=case, kind="callback", note="回呼", minutes=5, by=getattr(cast, who)
    )
    case.refresh_from_db()
    assert case.status == "assigned" and case.accepted_at is None


@pytest.mark.parametrize("state", ["resolved", "resolved_confirmed", "closed"])
def test_reopen_returns_to_the_engineer_and_clears_the_resolution(cast, state):
    case = bring_to(state, cast)
    services.case_reopen(case=case, reason="故障复现", by=cast.duty)
    case.refresh_from_db()
    assert case.status == "assigned" and case.engineer == cast.owner
    assert case.assigned_at is not None and case.accepted_at is None
    assert (case.solution, case.resolved_at, case.confirmed_at, case.closed_at) == (
        "",
        None,
        None,
        None,
    )
    assert case.confirmed_by is None and case.reopen_count == 1
    event = CaseEvent.objects.filter(case=case).latest("at", "id")
    assert event.data["status"] == {"before": STATUS_OF[state], "after": "assigned"}
    assert event.data["solution"] == {"before": "更换光模块", "after": ""}
    assert event.data["reason"] == "故障复现"
    # and the engineer must accept it again
    services.case_accept(case=case, by=cast.owner)


def test_reopen_goes_back_to_the_queue_when_the_engineer_has_left(cast):
    case = bring_to("closed", cast)
    cast.owner.is_active = False
    cast.owner.save(update_fields=["is_active"])
    services.case_reopen(case=case, reason="故障复现", by=cast.duty)
    case.refresh_from_db()
    assert case.status == "open" and case.engineer is None and case.assigned_at is None
    event = CaseEvent.objects.filter(case=case).latest("at", "id")
    assert event.data["engineer"] == {"before": "se1", "after": None}


def test_customer_may_reopen_a_resolved_case_but_not_a_closed_one(cast):
    resolved = bring_to("resolved", cast)
    services.case_reopen(case=resolved, reason="还是不通", by=cast.customer)
    resolved.refresh_from_db()
    assert resolved.status == "assigned"

    closed = bring_to("closed", cast)
    assert not policy.can(cast.customer, A.REOPEN, closed)
    err = _refused(
        closed,
        Forbidden,
        lambda: services.case_reopen(case=closed, reason="还是不通", by=cast.customer),
    )
    assert err.status == 403 and "service desk" in err.detail


@pytest.mark.parametrize(
    ("kind", "minutes", "internal"),
    [("phone", 0, False), ("note", 5, False), ("note", 0, True), ("remote", 30, False)],
)
def test_customer_work_log_must_be_a_plain_note_without_minutes(cast, kind, minutes, internal):
    case = bring_to("in_progress", cast)
    _refused(
        case,
        Forbidden,
        lambda: services.case_log_work(
            case=case,
            kind=kind,
            note="补充信息",
            minutes=minutes,
            internal=internal,
            by=cast.customer,
        ),
    )


def test_customer_adds_information_as_a_note(cast):
    case = bring_to("pending", cast)
    worklog = services.case_log_work(
        case=case, kind="note", note="日志已上传", minutes=0, by=cast.customer
    )
    assert (worklog.author, worklog.kind, worklog.minutes) == (cast.customer, "note", 0)
    case.refresh_from_db()
    assert case.status == "pending"  # information from the customer does not resume by itself


def test_staff_confirming_for_the_customer_needs_a_note(cast):
    case = bring_to("resolved", cast)
    _refused(case, InvalidInput, lambda: services.case_confirm(case=case, by=cast.duty))
    _refused(case, InvalidInput, lambda: services.case_confirm(case=case, by=cast.duty, note="  "))
    services.case_confirm(case=case, by=cast.call_taker, note="客户电话确认已恢复")
    case.refresh_from_db()
    assert case.confirmed_by == cast.call_taker and case.confirmed_at is not None
    event = CaseEvent.objects.filter(case=case).latest("at", "id")
    assert event.data["on_behalf"] is True and event.data["note"] == "客户电话确认已恢复"


def test_customer_confirms_without_a_note(cast):
    case = bring_to("resolved", cast)
    services.case_confirm(case=case, by=cast.customer)
    event = CaseEvent.objects.filter(case=case).latest("at", "id")
    assert event.actor == cast.customer and event.data["on_behalf"] is False


@pytest.mark.parametrize("state", ["assigned", "in_progress", "pending"])
def test_assigning_the_case_to_its_owner_again_is_refused(cast, state):
    case = bring_to(state, cast)
    _refused(
        case,
        TransitionNotAllowed,
        lambda: services.case_assign(case=case, engineer=cast.owner, by=cast.duty),
    )


def test_reassigning_a_pending_case_hands_it_over_and_ends_the_wait(cast):
    case = bring_to("pending", cast)
    services.case_request_reassignment(case=case, reason="休假", by=cast.owner)
    services.case_assign(case=case, engineer=cast.helper, by=cast.duty, override_reason="熟悉现场")
    case.refresh_from_db()
    assert (case.status, case.engineer, case.pending_reason) == ("assigned", cast.helper, "")
    assert case.reassignment_requested is False and case.accepted_at is None
    assert list(case.helpers.all()) == []  # the helper became the owner


def test_reassignment_is_requested_once(cast):
    case = bring_to("in_progress", cast)
    services.case_request_reassignment(case=case, reason="休假", by=cast.owner)
    _refused(
        case,
        TransitionNotAllowed,
        lambda: services.case_request_reassignment(case=case, reason="休假", by=cast.owner),
    )


def test_helpers_are_someone_other_than_the_owner_and_not_twice(cast):
    case = bring_to("in_progress", cast)
    for helper in (cast.owner, cast.helper):
        _refused(
            case,
            Conflict,
            lambda h=helper: services.case_add_helper(case=case, helper=h, by=cast.owner),
        )
    _refused(
        case,
        Conflict,
        lambda: services.case_remove_helper(case=case, helper=cast.spare, by=cast.owner),
    )
    _refused(
        case,
        InvalidInput,
        lambda: services.case_add_helper(case=case, helper=cast.customer, by=cast.owner),
    )


def test_dispatcher_escalates_to_a_senior_engineer_and_hands_the_case_over(cast):
    case = bring_to("assigned", cast, priority="P3")
    services.case_assign(case=case, engineer=cast.first_line, by=cast.duty)
    services.case_accept(case=case, by=cast.first_line)
    services.case_pend(case=case, reason="customer", by=cast.first_line)

    # the first-line engineer may flag the CASE but not choose the senior engineer
    _refused(
        case,
        Forbidden,
        lambda: services.case_escalate(
            case=case, target="senior", reason="r", engineer=cast.owner, by=cast.first_line
        ),
    )
    _refused(
        case,
        InvalidInput,
        lambda: services.case_escalate(
            case=case, target="senior", reason="r", engineer=cast.spare, by=cast.duty
        ),
    )
    services.case_escalate(
        case=case, target="senior", reason="需要SE", engineer=cast.owner, by=cast.duty
    )
    case.refresh_from_db()
    assert (case.status, case.engineer, case.escalation_level) == ("assigned", cast.owner, 1)
    assert case.pending_reason == ""
    event = CaseEvent.objects.filter(case=case).latest("at", "id")
    assert event.data["engineer"] == {"before": "eng1", "after": "se1"}
    assert event.data["status"] == {"before": "pending", "after": "assigned"}


def test_a_vendor_case_number_belongs_to_a_vendor_escalation(cast):
    case = bring_to("in_progress", cast)
    _refused(
        case,
        InvalidInput,
        lambda: services.case_escalate(
            case=case, target="senior", reason="r", vendor_reference="SR 1", by=cast.owner
        ),
    )
