"""The permission policy, enumerated: every kind of user × every CASE action.

The expected matrix is written out here; ``policy.can`` must agree with every cell, and an
operation called by someone the matrix refuses must raise and write nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casedesk.accounts.models import User
from casedesk.accounts.policy import AccountAction
from casedesk.caselist import selectors as caselist
from casedesk.cases import services
from casedesk.cases.choices import CaseAction
from casedesk.cases.models import Case
from casedesk.core import policy
from casedesk.core.errors import Forbidden, InvalidInput, NotFound
from casedesk.mailgate.policy import MailAction
from tests.cases.lifecycle import MOVES, Cast, bring_to, make_cast, snapshot
from tests.factories import OrganizationFactory, make_case, make_user

A = CaseAction
COLUMNS = (
    A.VIEW,
    A.OPEN,
    A.ASSIGN,
    A.ACCEPT,
    A.ADD_HELPER,
    A.REMOVE_HELPER,
    A.REQUEST_REASSIGNMENT,
    A.LOG_WORK,
    A.SET_PRIORITY,
    A.ESCALATE_SENIOR,
    A.ESCALATE_VENDOR,
    A.PEND,
    A.RESUME,
    A.RESOLVE,
    A.CONFIRM,
    A.CLOSE,
    A.REOPEN,
    A.APPROVE_GOODWILL,
    A.SUBCONTRACT,
)

# Y = may, . = may not; for a CASE in progress that belongs to the row's owner.
# fmt: off
MATRIX = {
    #                      view open asgn acpt +hlp -hlp rqre log  prio esc1 esc2 pend resm rslv cnfm clos reop gdwl subc
    "call_taker":         "Y    Y    Y    .    .    .    .    Y    Y    .    .    .    .    .    Y    Y    Y    .    Y",
    "duty_engineer":      "Y    Y    Y    .    Y    Y    .    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    .    Y",
    "owner_first_line":   "Y    Y    .    Y    Y    Y    Y    Y    Y    Y    .    Y    Y    Y    .    .    .    .    .",
    "owner_senior":       "Y    Y    .    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    .    .    .    .    .",
    "helper":             "Y    Y    .    .    .    .    .    Y    .    .    .    .    .    .    .    .    .    .    .",
    "unrelated_engineer": "Y    Y    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "unrelated_senior":   "Y    Y    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "cs_manager":         "Y    Y    Y    .    Y    Y    .    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y",
    "supervisor":         "Y    Y    Y    .    Y    Y    .    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y",
    "supervisor_owner":   "Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y",
    "general_manager":    "Y    Y    Y    .    Y    Y    .    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y",
    "admin":              "Y    Y    Y    .    Y    Y    .    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    .    Y",
    "customer":           "Y    Y    .    .    .    .    .    Y    .    .    .    .    .    .    Y    .    Y    .    .",
    "customer_other_org": ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "partner_unrelated":  ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "inactive_duty":      ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "inactive_owner":     ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "system":             "Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y    Y",
}
# fmt: on


def _matrix(role: str) -> dict[str, bool]:
    cells = MATRIX[role].split()
    assert len(cells) == len(COLUMNS) and set(cells) <= {"Y", "."}
    return {action: cell == "Y" for action, cell in zip(COLUMNS, cells, strict=True)}


def _other_customer(cast: Cast) -> User:
    other = OrganizationFactory(code="OTHER", name="Other Corp")
    return make_user("customer", username="outsider", org=other)


def _inactive(user: User) -> User:
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


# role -> (the user, the CASE's owner or None for the default senior owner)
Setup = Callable[[Cast], tuple[User | None, User | None]]
ROLES: dict[str, Setup] = {
    "call_taker": lambda c: (c.call_taker, None),
    "duty_engineer": lambda c: (c.duty, None),
    "owner_first_line": lambda c: (c.first_line, c.first_line),
    "owner_senior": lambda c: (c.owner, c.owner),
    "helper": lambda c: (c.helper, None),
    "unrelated_engineer": lambda c: (c.spare, None),
    "unrelated_senior": lambda c: (make_user("engineer", username="se2", tier="senior"), None),
    "cs_manager": lambda c: (make_user("cs_manager", username="csm"), None),
    "supervisor": lambda c: (make_user("supervisor", username="sup"), None),
    "supervisor_owner": lambda c: (u := make_user("supervisor", username="sup"), u),
    "general_manager": lambda c: (make_user("general_manager", username="gm"), None),
    "admin": lambda c: (make_user("admin", username="root"), None),
    "customer": lambda c: (c.customer, None),
    "customer_other_org": lambda c: (_other_customer(c), None),
    # a partner engineer (issue 16) whose partner serves none of these CASEs
    "partner_unrelated": lambda c: (
        make_user("partner", username="sz.li", org=OrganizationFactory(code="SZNET")),
        None,
    ),
    "inactive_duty": lambda c: (_inactive(make_user("duty_engineer", username="duty2")), None),
    "inactive_owner": lambda c: (c.first_line, c.first_line),  # made inactive once it owns
    "system": lambda c: (None, None),
}

# A state in which each action is allowed, so that only the policy can refuse it.
ALLOWED_STATE = {
    A.ASSIGN: "in_progress",
    A.ACCEPT: "assigned",
    A.ADD_HELPER: "in_progress",
    A.REMOVE_HELPER: "in_progress",
    A.REQUEST_REASSIGNMENT: "in_progress",
    A.LOG_WORK: "in_progress",
    A.SET_PRIORITY: "in_progress",
    A.ESCALATE_SENIOR: "in_progress",
    A.ESCALATE_VENDOR: "in_progress",
    A.PEND: "in_progress",
    A.RESUME: "pending",
    A.RESOLVE: "in_progress",
    A.CONFIRM: "resolved",
    A.CLOSE: "resolved_confirmed",
    A.REOPEN: "resolved",
    A.APPROVE_GOODWILL: "in_progress",
    A.SUBCONTRACT: "in_progress",
}


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def _user_and_cases(
    cast: Cast, role: str, states: list[str]
) -> tuple[User | None, dict[str, Case]]:
    """The role's user and, for each state, a CASE in it that the user stands in ``role`` to
    (uncovered at intake, so that goodwill too is refused by the policy alone)."""
    user, owner = ROLES[role](cast)
    serial = cast.uncovered_serial
    cases = {state: bring_to(state, cast, owner=owner, serial_number=serial) for state in states}
    if role == "inactive_owner":
        user = _inactive(cast.first_line)
    return user, cases


def _user_and_case(cast: Cast, role: str, state: str) -> tuple[User | None, Case]:
    user, cases = _user_and_cases(cast, role, [state])
    return user, cases[state]


def test_the_matrix_covers_every_action_and_role():
    assert set(COLUMNS) == set(CaseAction) and len(COLUMNS) == len(CaseAction)
    assert set(MATRIX) == set(ROLES)
    assert set(ALLOWED_STATE) == set(CaseAction) - {A.VIEW, A.OPEN}


@pytest.mark.parametrize("role", list(MATRIX))
def test_can(cast, role):
    user, case = _user_and_case(cast, role, "in_progress")
    actual = {action: policy.can(user, action, case) for action in COLUMNS}
    assert actual == _matrix(role)


def _refused(role: str) -> list[str]:
    return [a for a, allowed in _matrix(role).items() if not allowed and a in ALLOWED_STATE]


@pytest.mark.parametrize("role", [role for role in MATRIX if _refused(role)])
def test_an_operation_refuses_a_forbidden_user_and_writes_nothing(cast, role):
    """Every refused cell, done for real on a CASE whose state allows it: 403, or 404 for
    someone who may not even see the CASE, and not one row written."""
    refused = _refused(role)
    hidden = role in ("customer_other_org", "partner_unrelated", "inactive_duty", "inactive_owner")
    expected = {action: "NotFound" if hidden else "Forbidden" for action in refused}

    # A refused action writes nothing, so one CASE per state serves all of them.
    user, cases = _user_and_cases(cast, role, sorted({ALLOWED_STATE[a] for a in refused}))
    outcome: dict[str, str] = {}
    for action in refused:
        case = cases[ALLOWED_STATE[action]]
        before = snapshot(case)
        try:
            MOVES[action].run(case, user, cast)
        except (Forbidden, NotFound) as exc:
            outcome[action] = type(exc).__name__
            assert exc.status == {"Forbidden": 403, "NotFound": 404}[outcome[action]]
        else:
            outcome[action] = "done"
        if snapshot(case) != before:
            outcome[action] += " and wrote"
    assert outcome == expected


@pytest.mark.parametrize("role", ["call_taker", "owner_first_line", "customer", "system"])
def test_an_operation_lets_an_allowed_user_through(cast, role):
    """The other half: the same calls succeed for someone the matrix allows."""
    for action, allowed in _matrix(role).items():
        if not allowed or action not in ALLOWED_STATE:
            continue
        if role == "system" and action == A.LOG_WORK:
            continue  # labour hours need a person: test_a_work_log_needs_a_person
        user, case = _user_and_case(cast, role, ALLOWED_STATE[action])
        MOVES[action].run(case, user, cast)
        case.refresh_from_db()
        assert case.events.latest("at", "id").actor == user, action


def test_a_work_log_needs_a_person(cast):
    case = bring_to("in_progress", cast)
    before = snapshot(case)
    with pytest.raises(InvalidInput):
        services.case_log_work(case=case, kind="note", note="邮件", minutes=0, by=None)
    assert snapshot(case) == before


# --- rules that depend on more than the role ----------------------------------------------


def test_customer_may_reopen_until_the_case_is_closed(cast):
    resolved = bring_to("resolved", cast)
    closed = bring_to("closed", cast)
    assert policy.can(cast.customer, A.REOPEN, resolved)
    assert not policy.can(cast.customer, A.REOPEN, closed)
    assert policy.can(cast.duty, A.REOPEN, closed)
    assert policy.can(cast.call_taker, A.REOPEN, closed)


def test_helper_rights_end_when_the_helper_is_removed(cast):
    case = bring_to("in_progress", cast)
    assert policy.can(cast.helper, A.LOG_WORK, case)
    services.case_remove_helper(case=case, helper=cast.helper, by=cast.owner)
    assert not policy.can(cast.helper, A.LOG_WORK, case)


def test_owner_rights_pass_with_the_case(cast):
    case = bring_to("in_progress", cast, priority="P3")
    services.case_assign(case=case, engineer=cast.spare, by=cast.duty)
    case.refresh_from_db()
    assert not policy.can(cast.owner, A.RESOLVE, case)
    assert policy.can(cast.spare, A.ACCEPT, case)


def test_actions_without_a_case(cast):
    outsider = _other_customer(cast)
    inactive = _inactive(make_user("call_taker", username="gone"))
    for user in (cast.call_taker, cast.spare, cast.customer, outsider, None):
        assert policy.can(user, A.OPEN)
    assert not policy.can(inactive, A.OPEN)
    for user in (cast.call_taker, cast.duty, cast.spare, cast.customer):
        assert not policy.can(user, A.ASSIGN)  # a CASE action needs its CASE

    manage = AccountAction.MANAGE_CUSTOMERS
    assert policy.can(cast.call_taker, manage) and policy.can(cast.duty, manage)
    assert not policy.can(cast.spare, manage)
    assert not policy.can(cast.customer, manage)
    assert not policy.can(inactive, manage)


def test_an_unknown_action_is_a_programming_error(cast):
    with pytest.raises(ValueError):
        policy.can(cast.duty, "delete_everything")
    with pytest.raises(ValueError):
        policy.can(None, "delete_everything")


def test_opening_a_case_is_refused_for_an_inactive_user_or_a_foreign_organization(cast):
    inactive = _inactive(make_user("call_taker", username="gone"))
    outsider = _other_customer(cast)
    with pytest.raises(Forbidden):
        make_case(contact=cast.contact, by=inactive)
    with pytest.raises(InvalidInput):  # a customer cannot even learn that ACME exists
        make_case(contact=cast.contact, by=outsider)
    assert not Case.objects.exists()


# --- what each user sees ------------------------------------------------------------------


def test_visible_cases(cast):
    outsider = _other_customer(cast)
    ours = [make_case(contact=cast.contact, by=cast.call_taker) for _ in range(2)]
    theirs = make_case(org=outsider.organization, by=outsider)
    everything = {*ours, theirs}

    assert set(policy.visible(cast.customer, Case)) == set(ours)
    assert set(policy.visible(outsider, Case)) == {theirs}
    for staff in (cast.call_taker, cast.duty, cast.spare, None):
        assert set(policy.visible(staff, Case)) == everything
    assert not policy.visible(_inactive(make_user("duty_engineer", username="gone")), Case)
    assert not policy.visible(_inactive(cast.customer), Case)


def test_a_customer_cannot_read_another_organizations_case(cast):
    outsider = _other_customer(cast)
    case = make_case(contact=cast.contact, by=cast.call_taker)
    assert caselist.case_get(number=case.number, fetched_by=cast.customer) == case
    with pytest.raises(NotFound):
        caselist.case_get(number=case.number, fetched_by=outsider)
    assert not caselist.case_list(fetched_by=outsider, q=case.number).exists()


def test_permission_is_checked_before_the_input(cast):
    """Someone who may not act learns nothing from their input being wrong as well."""
    case = bring_to("in_progress", cast)
    outsider = _other_customer(cast)
    before = snapshot(case)
    with pytest.raises(NotFound):
        services.case_escalate(case=case, target="vendor", reason="", by=outsider)
    with pytest.raises(Forbidden):
        services.case_escalate(case=case, target="senior", reason="", by=cast.spare)
    with pytest.raises(Forbidden):
        services.case_resolve(case=case, solution="", by=cast.helper)
    assert snapshot(case) == before


def test_faxes_are_received_by_the_desks_staff_only(cast):
    fax = MailAction.RECEIVE_FAX
    for user in (cast.call_taker, cast.duty, cast.spare, None):
        assert policy.can(user, fax)
    assert not policy.can(cast.customer, fax)
    assert not policy.can(_inactive(make_user("call_taker", username="gone")), fax)


def test_a_role_the_policy_does_not_know_may_do_nothing(cast):
    """A role added for a later domain (``partner``, ``cab``…) starts with no rights at all,
    not with a member of staff's, until its rules are written into the policy."""
    case = bring_to("in_progress", cast)
    newcomer = make_user("engineer", username="newcomer")
    newcomer.role = "partner"  # not (yet) one of Role's choices
    assert not policy.visible(newcomer, Case).exists()
    for action in policy.actions():
        assert not policy.can(newcomer, action, case), action
        assert not policy.can(newcomer, action), action
    with pytest.raises(NotFound):
        caselist.case_get(number=case.number, fetched_by=newcomer)


def test_case_get_asks_the_policy_for_the_action(cast):
    case = bring_to("in_progress", cast)
    assert caselist.case_get(number=case.number, fetched_by=cast.duty, action=A.ASSIGN) == case
    with pytest.raises(Forbidden):
        caselist.case_get(number=case.number, fetched_by=cast.customer, action=A.ASSIGN)
    with pytest.raises(NotFound):
        caselist.case_get(number=case.number, fetched_by=_other_customer(cast), action=A.VIEW)
