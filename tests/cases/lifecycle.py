"""Bring a fresh CASE into any lifecycle state through the real operations, and snapshot it.

Shared by the transition-table, policy and history tests so that each of them starts from a
CASE the product itself produced, never from hand-set fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from casedesk.accounts.models import Organization, User
from casedesk.cases import services
from casedesk.cases.choices import CaseAction
from casedesk.cases.models import Case, CaseEvent, WorkLog
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

# Every state a CASE can be in; "resolved" is split by whether the customer confirmed.
STATES = (
    "open",
    "assigned",
    "in_progress",
    "pending",
    "resolved",
    "resolved_confirmed",
    "closed",
)
STATUS_OF = {state: state.removesuffix("_confirmed") for state in STATES}


class Cast:
    """The people around one CASE, each made on first use (keeps a test's set-up small)."""

    def __init__(self) -> None:
        self.org = OrganizationFactory(code="ACME", name="中国电信北京分公司", service_level="gold")
        self.contact = ContactFactory(organization=self.org, name="张三")

    @cached_property
    def call_taker(self) -> User:
        return make_user("call_taker", username="taker")

    @cached_property
    def duty(self) -> User:
        return make_user("duty_engineer", username="duty")

    @cached_property
    def owner(self) -> User:
        """The senior engineer a CASE is assigned to unless a test says otherwise."""
        return make_user("engineer", username="se1", tier="senior")

    @cached_property
    def first_line(self) -> User:
        """A first-line engineer; unrelated to the CASE unless made its owner."""
        return make_user("engineer", username="eng1", tier="first_line")

    @cached_property
    def helper(self) -> User:
        """Helps on the CASE from "assigned" on."""
        return make_user("engineer", username="eng2", tier="first_line")

    @cached_property
    def spare(self) -> User:
        """An engineer unrelated to the CASE, who can be added as a second helper."""
        return make_user("engineer", username="eng3", tier="first_line")

    @cached_property
    def customer(self) -> User:
        return make_user("customer", username="cust", org=self.org)

    @cached_property
    def manager(self) -> User:
        return make_user("cs_manager", username="csm")

    @cached_property
    def partner_org(self) -> Organization:
        """An organization that serves CASEs subcontracted to it (issue 16)."""
        return OrganizationFactory(code="GZWL", name="广州网联技术服务有限公司")

    @cached_property
    def uncovered_serial(self) -> str:
        """A box of the organization whose contract ended last year: a CASE opened for it
        is uncovered (flagged at intake), and goodwill may be approved for it."""
        contract = make_contract(
            organization=self.org,
            product=make_product(code="GOLD-7X24"),
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2024, 12, 31),
        )
        return make_equipment(serial_number="FOC2401X001", contract=contract).serial_number

    def __repr__(self) -> str:
        return f"Cast({self.org.code})"


def make_cast() -> Cast:
    return Cast()


def bring_to(
    state: str,
    cast: Cast,
    *,
    priority: str = "P2",
    owner: User | None = None,
    serial_number: str = "",
) -> Case:
    """A new CASE of ``cast.org`` in ``state``, reached through the operations.

    From "assigned" on it belongs to ``owner`` (default ``cast.owner``) with ``cast.helper``.
    """
    owner = owner or cast.owner
    if state not in STATES:
        raise ValueError(state)
    case = make_case(
        contact=cast.contact, by=cast.call_taker, priority=priority, serial_number=serial_number
    )
    if state != "open":
        # (a P1/P2 CASE goes to a first-line owner only with a reason for the override)
        services.case_assign(case=case, engineer=owner, by=cast.duty, override_reason="客户指定")
        services.case_add_helper(case=case, helper=cast.helper, by=cast.duty)
    if state not in ("open", "assigned"):
        services.case_accept(case=case, by=owner)
    if state == "pending":
        services.case_pend(case=case, reason="customer", by=owner)
    if state in ("resolved", "resolved_confirmed", "closed"):
        services.case_resolve(case=case, solution="更换光模块", by=owner)
    if state in ("resolved_confirmed", "closed"):
        services.case_confirm(case=case, by=cast.customer, note="好了")
    if state == "closed":
        services.case_close(case=case, by=cast.duty)
    case.refresh_from_db()
    assert case.status == STATUS_OF[state]
    assert (case.confirmed_at is not None) == (state in ("resolved_confirmed", "closed"))
    return case


def snapshot(case: Case) -> dict[str, Any]:
    """Everything an operation could change about ``case``, read fresh from the database."""
    return {
        "row": Case.objects.filter(pk=case.pk).values().get(),
        "events": list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True)),
        "worklogs": list(WorkLog.objects.filter(case=case).values_list("pk", flat=True)),
        "helpers": sorted(case.helpers.values_list("pk", flat=True)),
    }


def new_events(case: Case, before: dict[str, Any]) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case).exclude(pk__in=before["events"]))


# --- how each action is done, by the one who usually does it --------------------------


@dataclass(frozen=True)
class Move:
    """Who does an action to a CASE, and how."""

    actor: Callable[[Case, Cast], User | None]
    run: Callable[[Case, User | None, Cast], object]


def _owner_or_duty(case: Case, cast: Cast) -> User:
    return case.engineer or cast.duty


def _owner_or_system(case: Case, cast: Cast) -> User | None:
    # Only the owner accepts or asks for reassignment; an open CASE has no owner, so the
    # system (which may do anything) stands in to let the state alone decide.
    return case.engineer


def _work_by(by: User | None) -> dict[str, Any]:
    # A customer adds information as a plain note; staff log a step with its minutes.
    if by is not None and by.is_customer:
        return {"kind": "note", "minutes": 0}
    return {"kind": "phone", "minutes": 15}


MOVES: dict[str, Move] = {
    CaseAction.ASSIGN: Move(
        lambda case, cast: cast.duty,
        lambda case, by, cast: services.case_assign(
            case=case, engineer=cast.first_line, by=by, override_reason="客户指定"
        ),
    ),
    CaseAction.ACCEPT: Move(
        _owner_or_system, lambda case, by, cast: services.case_accept(case=case, by=by)
    ),
    CaseAction.ADD_HELPER: Move(
        _owner_or_duty,
        lambda case, by, cast: services.case_add_helper(case=case, helper=cast.spare, by=by),
    ),
    CaseAction.REMOVE_HELPER: Move(
        _owner_or_duty,
        lambda case, by, cast: services.case_remove_helper(case=case, helper=cast.helper, by=by),
    ),
    CaseAction.REQUEST_REASSIGNMENT: Move(
        _owner_or_system,
        lambda case, by, cast: services.case_request_reassignment(
            case=case, reason="不熟悉该平台", by=by
        ),
    ),
    CaseAction.LOG_WORK: Move(
        _owner_or_duty,
        lambda case, by, cast: services.case_log_work(
            case=case, **_work_by(by), note="电话排查", by=by
        ),
    ),
    CaseAction.SET_PRIORITY: Move(
        lambda case, cast: cast.call_taker,
        lambda case, by, cast: services.case_set_priority(
            case=case, priority="P1", reason="全网中断", by=by
        ),
    ),
    CaseAction.ESCALATE_SENIOR: Move(
        _owner_or_duty,
        lambda case, by, cast: services.case_escalate(
            case=case, target="senior", reason="需要SE", by=by
        ),
    ),
    CaseAction.ESCALATE_VENDOR: Move(
        _owner_or_duty,
        lambda case, by, cast: services.case_escalate(
            case=case, target="vendor", reason="疑似软件缺陷", vendor_reference="TAC-1", by=by
        ),
    ),
    CaseAction.PEND: Move(
        _owner_or_duty, lambda case, by, cast: services.case_pend(case=case, reason="vendor", by=by)
    ),
    CaseAction.RESUME: Move(
        _owner_or_duty, lambda case, by, cast: services.case_resume(case=case, by=by)
    ),
    CaseAction.RESOLVE: Move(
        _owner_or_duty,
        lambda case, by, cast: services.case_resolve(case=case, solution="升级IOS", by=by),
    ),
    CaseAction.CONFIRM: Move(
        lambda case, cast: cast.customer,
        lambda case, by, cast: services.case_confirm(case=case, note="已恢复", by=by),
    ),
    CaseAction.CLOSE: Move(
        lambda case, cast: cast.duty, lambda case, by, cast: services.case_close(case=case, by=by)
    ),
    CaseAction.REOPEN: Move(
        lambda case, cast: cast.duty,
        lambda case, by, cast: services.case_reopen(case=case, reason="故障复现", by=by),
    ),
    # (on an uncovered CASE: ``bring_to(..., serial_number=cast.uncovered_serial)``)
    CaseAction.APPROVE_GOODWILL: Move(
        lambda case, cast: cast.manager,
        lambda case, by, cast: services.case_approve_goodwill(case=case, reason="续约中", by=by),
    ),
    CaseAction.SUBCONTRACT: Move(
        lambda case, cast: cast.duty,
        lambda case, by, cast: services.case_subcontract(
            case=case, partner=cast.partner_org, reason="就近服务", by=by
        ),
    ),
}
