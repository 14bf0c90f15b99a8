"""available_actions offers an action exactly when its operation would succeed.

For CASEs in every lifecycle state (and the variants the operations refuse on: escalated,
reassignment already asked, no helpers, P3 in first-line hands) and for every kind of user,
each action is really called (inside a savepoint that is rolled back) and the outcome
compared with what available_actions offers.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction

from casedesk.cases import services
from casedesk.cases.actions import LIFECYCLE, available_actions
from casedesk.cases.choices import CaseAction
from casedesk.cases.models import Case
from casedesk.core.errors import DomainError
from tests.cases.lifecycle import STATES, Cast, bring_to, make_cast
from tests.factories import OrganizationFactory, make_user

A = CaseAction


def _work(case: Case, by, cast: Cast):
    if by is not None and by.is_customer:
        return services.case_log_work(case=case, kind="note", note="补充", minutes=0, by=by)
    return services.case_log_work(case=case, kind="phone", note="电话排查", minutes=15, by=by)


# Each action with the arguments most likely to succeed: if these fail, every choice would.
RUN: dict[str, Callable[[Case, object, Cast], object]] = {
    # (cast.spare is first-line: a P1/P2 CASE goes to them only with a reason for the override)
    A.ASSIGN: lambda case, by, cast: services.case_assign(
        case=case, engineer=cast.spare, by=by, override_reason="客户指定"
    ),
    A.ACCEPT: lambda case, by, cast: services.case_accept(case=case, by=by),
    A.ADD_HELPER: lambda case, by, cast: services.case_add_helper(
        case=case, helper=cast.spare, by=by
    ),
    A.REMOVE_HELPER: lambda case, by, cast: services.case_remove_helper(
        case=case, helper=cast.helper, by=by
    ),
    A.REQUEST_REASSIGNMENT: lambda case, by, cast: services.case_request_reassignment(
        case=case, reason="休假", by=by
    ),
    A.LOG_WORK: _work,
    A.SET_PRIORITY: lambda case, by, cast: services.case_set_priority(
        case=case, priority="P1" if case.priority != "P1" else "P2", by=by
    ),
    A.ESCALATE_SENIOR: lambda case, by, cast: services.case_escalate(
        case=case, target="senior", reason="需要SE", by=by
    ),
    A.ESCALATE_VENDOR: lambda case, by, cast: services.case_escalate(
        case=case, target="vendor", reason="疑似缺陷", vendor_reference="SR 1", by=by
    ),
    A.PEND: lambda case, by, cast: services.case_pend(case=case, reason="customer", by=by),
    A.RESUME: lambda case, by, cast: services.case_resume(case=case, by=by),
    A.RESOLVE: lambda case, by, cast: services.case_resolve(case=case, solution="升级", by=by),
    A.CONFIRM: lambda case, by, cast: services.case_confirm(case=case, note="客户确认", by=by),
    A.CLOSE: lambda case, by, cast: services.case_close(case=case, by=by),
    A.REOPEN: lambda case, by, cast: services.case_reopen(case=case, reason="复现", by=by),
    A.APPROVE_GOODWILL: lambda case, by, cast: services.case_approve_goodwill(
        case=case, reason="续约中", by=by
    ),
    A.SUBCONTRACT: lambda case, by, cast: services.case_subcontract(
        case=case, partner=cast.partner_org, reason="就近服务", by=by
    ),
}


def _p3_first_line(cast: Cast) -> Case:
    return bring_to("in_progress", cast, priority="P3", owner=cast.first_line)


def _escalated(target: str) -> Callable[[Cast], Case]:
    def make(cast: Cast) -> Case:
        case = bring_to("in_progress", cast, priority="P3")
        services.case_escalate(case=case, target="senior", reason="r", by=cast.duty)
        if target == "vendor":
            services.case_escalate(case=case, target="vendor", reason="r", by=cast.duty)
        return case

    return make


def _reassignment_asked(cast: Cast) -> Case:
    case = bring_to("in_progress", cast)
    services.case_request_reassignment(case=case, reason="休假", by=cast.owner)
    return case


def _no_helpers(cast: Cast) -> Case:
    case = bring_to("pending", cast)
    services.case_remove_helper(case=case, helper=cast.helper, by=cast.duty)
    return case


VARIANTS: dict[str, Callable[[Cast], Case]] = {
    **{state: (lambda cast, s=state: bring_to(s, cast)) for state in STATES},
    "open_p4": lambda cast: bring_to("open", cast, priority="P4"),
    "p3_first_line": _p3_first_line,
    "p3_first_line_assigned": lambda cast: bring_to(
        "assigned", cast, priority="P3", owner=cast.first_line
    ),
    "escalated_senior": _escalated("senior"),
    "escalated_vendor": _escalated("vendor"),
    "reassignment_asked": _reassignment_asked,
    "no_helpers": _no_helpers,
    # Uncovered at intake: goodwill is on offer to managers while there is work to do.
    **{
        f"uncovered_{state}": (
            lambda cast, s=state: bring_to(s, cast, serial_number=cast.uncovered_serial)
        )
        for state in ("open", "pending", "resolved")
    },
}

ACTORS: dict[str, Callable[[Case, Cast], object]] = {
    "call_taker": lambda case, cast: cast.call_taker,
    "duty": lambda case, cast: cast.duty,
    "owner": lambda case, cast: case.engineer or cast.owner,
    "helper": lambda case, cast: cast.helper,
    "unrelated_engineer": lambda case, cast: cast.spare,
    "manager": lambda case, cast: make_user("cs_manager", username="csm"),
    "admin": lambda case, cast: make_user("admin", username="root"),
    "customer": lambda case, cast: cast.customer,
    "other_customer": lambda case, cast: make_user(
        "customer", username="stranger", org=OrganizationFactory(code="OTHER")
    ),
    "system": lambda case, cast: None,
}


class _Rollback(Exception):
    pass


def _succeeds(run: Callable[[], object]) -> bool:
    try:
        with transaction.atomic():
            run()
            raise _Rollback
    except _Rollback:
        return True
    except DomainError:
        return False


def test_the_list_covers_every_lifecycle_action():
    assert set(LIFECYCLE) == set(services.ALLOWED_FROM) == set(RUN)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_offered_iff_the_operation_succeeds(db, variant):
    cast = make_cast()
    case = VARIANTS[variant](cast)
    case.refresh_from_db()
    actors = {name: make(case, cast) for name, make in ACTORS.items()}
    mismatches = []
    for name, user in actors.items():
        case = Case.objects.select_related("engineer__staff").get(pk=case.pk)
        offered = available_actions(case=case, user=user)
        assert offered == [a for a in LIFECYCLE if a in offered], "in LIFECYCLE order"
        for action in LIFECYCLE:
            ok = _succeeds(lambda a=action, u=user, c=case: RUN[a](c, u, cast))
            if ok != (action in offered):
                mismatches.append((name, str(action), "succeeds" if ok else "refused"))
    assert mismatches == []


def test_a_customer_is_offered_what_the_portal_needs(db):
    cast = make_cast()
    case = bring_to("resolved", cast)
    assert available_actions(case=case, user=cast.customer) == [A.LOG_WORK, A.CONFIRM, A.REOPEN]
    closed = bring_to("closed", cast)
    assert available_actions(case=closed, user=cast.customer) == []


def test_helpers_given_by_the_caller_save_the_query(db, django_assert_num_queries):
    cast = make_cast()
    case = Case.objects.select_related("engineer__staff").get(pk=bring_to("pending", cast).pk)
    with django_assert_num_queries(0):
        offered = available_actions(case=case, user=cast.duty, helpers=["eng2"])
    assert A.REMOVE_HELPER in offered
    with django_assert_num_queries(0):
        offered = available_actions(case=case, user=cast.duty, helpers=[])
    assert A.REMOVE_HELPER not in offered
