"""Partners' operations: the change, the refusal (nothing written) and the audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casedesk.accounts.models import User
from casedesk.cases import services as cases
from casedesk.cases.models import Case
from casedesk.core import clock, policy
from casedesk.core.audit import AuditRecord
from casedesk.core.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from casedesk.partners import services
from casedesk.partners.models import Partner, Subcontract
from tests.factories import ContactFactory, make_case, make_user
from tests.partners.factories import make_partner, make_partner_engineer

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return make_user("supervisor", username="sup")


@pytest.fixture
def partner(supervisor):
    return make_partner(by=supervisor)


def test_partner_create_makes_an_organization_and_audits(supervisor):
    partner = services.partner_create(
        code="SZ1", name="深圳合作伙伴", email="a@sz.example", by=supervisor
    )
    assert partner.organization.code == "SZ1" and partner.is_active
    assert AuditRecord.objects.filter(action="partner.create", object_id=str(partner.pk)).exists()


def test_partner_create_refuses_twice_bad_email_and_engineers(supervisor, partner, engineer):
    with pytest.raises(Conflict):
        services.partner_create(code="gznet", name="x", by=supervisor)
    with pytest.raises(InvalidInput):
        services.partner_create(code="NEW", name="x", email="not-an-address", by=supervisor)
    with pytest.raises(Forbidden):
        services.partner_create(code="NEW2", name="x", by=engineer)
    assert Partner.objects.count() == 1


def test_a_looser_target_than_the_desk_promises_is_refused(supervisor, partner):
    before = list(partner.targets.values_list("priority", "response_minutes", "resolution_minutes"))
    with pytest.raises(InvalidInput, match="宽松"):
        services.partner_set_target(
            partner=partner,
            priority="P1",
            response_minutes=10,
            resolution_minutes=10**5,
            by=supervisor,
        )
    with pytest.raises(InvalidInput, match="宽松"):
        services.partner_set_target(
            partner=partner,
            priority="P1",
            response_minutes=10**4,
            resolution_minutes=10**5,
            by=supervisor,
        )
    with pytest.raises(InvalidInput):
        services.partner_set_target(
            partner=partner,
            priority="P1",
            response_minutes=100,
            resolution_minutes=50,
            by=supervisor,
        )
    after = list(partner.targets.values_list("priority", "response_minutes", "resolution_minutes"))
    assert after == before


def test_createuser_makes_a_partner_engineer_of_the_org(partner):
    call_command("createuser", "gz.li", "--role", "partner", "--org", "GZNET")
    user = User.objects.get(username="gz.li")
    assert user.role == "partner" and user.organization == partner.organization
    assert not hasattr(user, "staff") or user.staff is None
    with pytest.raises(CommandError, match="--org"):
        call_command("createuser", "gz.wang", "--role", "partner")


def test_subcontract_hands_the_case_to_the_partner(partner, duty, engineer, contact):
    case = make_case(contact=contact, by=duty, priority="P2")
    case = cases.case_assign(case=case, engineer=make_user("engineer", tier="senior"), by=duty)
    with clock.frozen(clock.now()) as now:
        sub = services.subcontract_open(case=case, partner=partner, reason="广州现场", by=duty)
    case.refresh_from_db()
    assert case.partner_id == partner.organization_id and case.engineer is None
    assert case.status == "assigned"
    assert sub.respond_by <= now + dt.timedelta(minutes=15)
    assert case.events.filter(kind="subcontracted").exists()
    assert AuditRecord.objects.filter(action="subcontract.open").count() == 1
    assert AuditRecord.objects.filter(action="case.subcontracted").count() == 1


def test_due_times_are_clamped_to_the_cases_own(supervisor, duty, contact):
    loose = make_partner(code="LOOSE", by=supervisor, targets=False)
    services.partner_set_target(
        partner=loose, priority="P3", response_minutes=40, resolution_minutes=480, by=supervisor
    )
    start = clock.now()
    with clock.frozen(start):
        case = make_case(contact=contact, by=duty, priority="P3")
    own_first_log = case.deadlines.get(kind="first_worklog").due_at
    with clock.frozen(start + dt.timedelta(minutes=20)):  # 20 + 40 is past the desk's 45
        sub = services.subcontract_open(case=case, partner=loose, by=duty)
    assert sub.respond_by == own_first_log and sub.clamped


@pytest.mark.parametrize("bad", ["inactive", "closed", "own", "twice"])
def test_bad_subcontracts_change_nothing(bad, supervisor, partner, duty, contact, engineer):
    case = make_case(contact=contact, by=duty)
    target = partner
    if bad == "inactive":
        services.partner_set_active(partner=partner, active=False, by=supervisor)
    if bad == "closed":
        case = cases.case_assign(case=case, engineer=engineer, by=duty)
        case = cases.case_accept(case=case, by=engineer)
        case = cases.case_resolve(case=case, solution="ok", by=engineer)
        case = cases.case_confirm(case=case, note="电话确认", by=duty)
        case = cases.case_close(case=case, by=duty)
    if bad == "own":
        case = make_case(org=partner.organization, by=duty)
    if bad == "twice":
        other = make_partner(code="OTHERP", by=supervisor)
        services.subcontract_open(case=case, partner=other, by=duty)
    case.refresh_from_db()
    state = (case.status, case.partner_id, case.engineer_id, Subcontract.objects.count())
    errors = (InvalidInput, TransitionNotAllowed, Conflict)
    with pytest.raises(errors) as caught:
        services.subcontract_open(case=case, partner=target, by=duty)
    assert caught.value.detail
    case.refresh_from_db()
    assert (case.status, case.partner_id, case.engineer_id, Subcontract.objects.count()) == state


def test_withdraw_returns_the_case_to_the_desk(partner, duty, contact):
    case = make_case(contact=contact, by=duty)
    services.subcontract_open(case=case, partner=partner, by=duty)
    with pytest.raises(InvalidInput):
        services.subcontract_withdraw(case=case, reason="", by=duty)
    services.subcontract_withdraw(case=case, reason="客户要求原厂工程师", by=duty)
    case.refresh_from_db()
    assert case.partner is None and case.status == "open"
    assert Subcontract.objects.get().withdrawn_at is not None
    with pytest.raises(Conflict):
        services.subcontract_withdraw(case=case, reason="again", by=duty)


def test_partner_engineer_accepts_logs_and_resolves(partner, duty, contact):
    case = make_case(contact=contact, by=duty)
    services.subcontract_open(case=case, partner=partner, by=duty)
    gz = make_partner_engineer(partner, "gz.li")
    case = cases.case_accept(case=case, by=gz)
    cases.case_log_work(case=case, kind="onsite", note="更换光模块", minutes=90, by=gz)
    case = cases.case_resolve(case=case, solution="光模块故障，已更换", by=gz)
    sub = Subcontract.objects.get()
    assert sub.accepted_by == gz and sub.accepted_at and sub.resolved_at
    assert not sub.response_breached
    # never what the desk keeps: priority, closing, another CASE
    assert not policy.can(gz, "set_priority", case)
    assert not policy.can(gz, "close", case)
    other = make_case(contact=contact, by=duty)
    assert not policy.can(gz, "view", other)
    assert list(policy.visible(gz, Case)) == [case]


def test_a_rule_subcontracts_a_new_case(partner, supervisor, duty, org, contact):
    services.rule_create(partner=partner, region="广州", by=supervisor)
    with pytest.raises(InvalidInput):
        services.rule_create(partner=partner, by=supervisor)
    far = make_case(contact=ContactFactory(organization=org, address="北京市海淀区"), by=duty)
    near = make_case(
        contact=ContactFactory(organization=org, address="广州市天河区体育西路"), by=duty
    )
    assert far.partner_id is None
    near = Case.objects.get(pk=near.pk)
    assert near.partner_id == partner.organization_id
    sub = Subcontract.objects.get(case=near)
    assert sub.rule is not None and sub.subcontracted_by is None


def test_a_rule_of_an_inactive_partner_does_nothing(partner, supervisor, duty, org, contact):
    services.rule_create(partner=partner, customer=org, by=supervisor)
    services.partner_set_active(partner=partner, active=False, by=supervisor)
    case = make_case(contact=contact, by=duty)
    assert Case.objects.get(pk=case.pk).partner_id is None


def test_reopened_case_goes_back_to_its_partner(partner, duty, contact):
    case = make_case(contact=contact, by=duty)
    services.subcontract_open(case=case, partner=partner, by=duty)
    gz = make_partner_engineer(partner)
    case = cases.case_accept(case=case, by=gz)
    case = cases.case_resolve(case=case, solution="ok", by=gz)
    case = cases.case_reopen(case=case, reason="又坏了", by=duty)
    assert case.status == "assigned" and case.partner_id == partner.organization_id
    assert Subcontract.objects.get().resolved_at is None


def test_a_subcontracted_case_is_not_assigned_until_taken_back(partner, duty, engineer, contact):
    case = make_case(contact=contact, by=duty)
    services.subcontract_open(case=case, partner=partner, by=duty)
    with pytest.raises(TransitionNotAllowed, match="分包"):
        cases.case_assign(case=Case.objects.get(pk=case.pk), engineer=engineer, by=duty)
    services.subcontract_withdraw(case=case, reason="原厂处理", by=duty)
    case = cases.case_assign(case=Case.objects.get(pk=case.pk), engineer=engineer, by=duty)
    assert case.engineer == engineer and case.partner is None
