"""Issue 13: an uncovered CASE opens anyway, flagged; a manager may approve goodwill service
(an audited override).  The entitlement decided at intake stays; ``goodwill`` is added with
the service product whose times are then promised."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from casedesk.cases import services
from casedesk.cases.actions import available_actions
from casedesk.cases.models import Case, CaseEvent
from casedesk.cases.presenters import present
from casedesk.core import clock
from casedesk.core.errors import Forbidden, InvalidInput, TransitionNotAllowed
from casedesk.core.models import AuditRecord
from casedesk.core.presenters import Reader
from tests.accounts.factories import ContactFactory, OrganizationFactory
from tests.contracts.factories import make_contract, make_equipment, make_product
from tests.factories import ApiClient, database_snapshot, make_case, make_user

pytestmark = pytest.mark.django_db

SATURDAY_NIGHT = dt.datetime(2026, 11, 28, 14, 0, tzinfo=dt.UTC)  # 22:00 in Shanghai
APPROVED_AT = dt.datetime(2026, 11, 28, 14, 5, tzinfo=dt.UTC)


@pytest.fixture
def silver():
    return OrganizationFactory(service_level="silver")


@pytest.fixture
def platinum():
    return make_product(code="PLAT-7X24", coverage="7x24", callback_minutes=10)


def open_case(org, *, serial: str) -> Case:
    with clock.frozen(SATURDAY_NIGHT):
        return make_case(
            contact=ContactFactory(organization=org),
            by=make_user("call_taker"),
            serial_number=serial,
        )


@pytest.fixture
def expired(silver, platinum) -> Case:
    """A CASE on a box whose PLAT-7X24 contract ended last year: uncovered, flagged."""
    contract = make_contract(
        number="HT-2025-PLAT",
        organization=silver,
        product=platinum,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    make_equipment(serial_number="FOC2611G001", contract=contract)
    return open_case(silver, serial="FOC2611G001")


def approve(case, by, **kwargs) -> Case:
    with clock.frozen(APPROVED_AT):
        return services.case_approve_goodwill(
            case=case, reason=kwargs.pop("reason", "续约谈判中，先行服务"), by=by, **kwargs
        )


def test_a_manager_approves_goodwill_and_the_intake_decision_stays(expired):
    manager = make_user("cs_manager", username="csm")
    intake = dict(expired.entitlement)
    case = approve(expired, manager)
    case.refresh_from_db()
    kept = case.entitlement
    assert {k: v for k, v in kept.items() if k != "goodwill"} == intake
    assert (kept["entitled"], kept["reason"]) == (False, "expired")
    goodwill = kept["goodwill"]
    assert goodwill["by"] == "csm"
    assert goodwill["at"] == clock.iso_utc(APPROVED_AT)
    assert goodwill["reason"] == "续约谈判中，先行服务"
    assert goodwill["service_product"] == "PLAT-7X24"  # the expired contract's product
    assert goodwill["coverage"] == "7x24"
    assert goodwill["targets"]["callback_minutes"] == 10
    assert goodwill["targets"]["first_worklog_minutes"] == 45


def test_the_approval_is_one_event_and_one_audit_record(expired):
    manager = make_user("supervisor", username="sup")
    approve(expired, manager)
    event = CaseEvent.objects.filter(case=expired).latest("pk")
    assert event.kind == "goodwill_approved" and event.actor == manager
    assert event.data["service_product"] == "PLAT-7X24"
    assert event.data["reason"] == "续约谈判中，先行服务"
    record = AuditRecord.objects.get(action="case.goodwill_approved")
    assert (record.actor, record.object_id) == ("sup", str(expired.pk))
    changes = record.changes
    assert "goodwill" not in changes["before"]["entitlement"]
    assert changes["after"]["entitlement"]["goodwill"]["service_product"] == "PLAT-7X24"
    assert record.reason == "续约谈判中，先行服务"


def test_another_product_may_be_named(expired):
    make_product(code="SILVER-5X8", coverage="5x8", callback_minutes=30, first_worklog_minutes=90)
    case = approve(expired, make_user("general_manager"), service_product="silver-5x8")
    goodwill = Case.objects.get(pk=case.pk).entitlement["goodwill"]
    assert (goodwill["service_product"], goodwill["coverage"]) == ("SILVER-5X8", "5x8")
    assert goodwill["targets"]["callback_minutes"] == 30


@pytest.mark.parametrize("role", ["call_taker", "engineer", "duty_engineer", "admin"])
def test_only_managers_may_approve_goodwill(expired, role):
    before = database_snapshot()
    with pytest.raises(Forbidden):
        approve(expired, make_user(role))
    assert database_snapshot() == before


def test_a_covered_case_is_refused_and_nothing_changes(silver, platinum):
    contract = make_contract(organization=silver, product=platinum)
    make_equipment(serial_number="FOC2611G002", contract=contract)
    case = open_case(silver, serial="FOC2611G002")
    before = database_snapshot()
    with pytest.raises(TransitionNotAllowed, match="covered by its contract"):
        approve(case, make_user("cs_manager"))
    assert database_snapshot() == before


def test_goodwill_is_approved_once(expired):
    manager = make_user("cs_manager")
    approve(expired, manager)
    before = database_snapshot()
    with pytest.raises(TransitionNotAllowed, match="already served as goodwill"):
        approve(expired, manager)
    assert database_snapshot() == before
    expired.refresh_from_db()
    assert "approve_goodwill" not in available_actions(case=expired, user=manager)


def test_a_case_without_a_product_to_name_needs_one(silver):
    case = open_case(silver, serial="NOSUCHBOX")  # unknown serial: uncovered, no contract
    manager = make_user("cs_manager")
    before = database_snapshot()
    with pytest.raises(InvalidInput, match="choose the one to serve it with"):
        approve(case, manager)
    with pytest.raises(InvalidInput, match="Unknown service product"):
        approve(case, manager, service_product="NOPE")
    with pytest.raises(InvalidInput, match="reason is required"):
        approve(case, manager, reason="  ", service_product="PLAT-7X24")
    assert database_snapshot() == before


def test_a_case_the_service_level_serves_has_nothing_to_override(silver):
    case = open_case(silver, serial="")  # no contract ever: no entitlement kept
    assert case.entitlement is None
    with pytest.raises(TransitionNotAllowed, match="service level"):
        approve(case, make_user("cs_manager"), service_product="PLAT-7X24")


def test_a_resolved_case_is_past_goodwill(expired):
    owner = make_user("engineer", tier="senior")
    duty = make_user("duty_engineer")
    case = services.case_assign(case=expired, engineer=owner, by=duty)
    case = services.case_accept(case=case, by=owner)
    case = services.case_resolve(case=case, solution="已更换电源", by=owner)
    with pytest.raises(TransitionNotAllowed, match="resolved"):
        approve(case, make_user("cs_manager"))


def test_the_console_offers_it_to_managers_only_while_uncovered(expired):
    assert "approve_goodwill" in available_actions(case=expired, user=make_user("cs_manager"))
    assert "approve_goodwill" not in available_actions(case=expired, user=make_user("call_taker"))


def test_the_history_reads_goodwill_for_the_desk_and_the_customer(expired):
    approve(expired, make_user("cs_manager"))
    event = CaseEvent.objects.filter(case=expired, kind="goodwill_approved").get()

    desk = present(event, Reader())
    assert desk.headline == "Goodwill service approved (PLAT-7X24)"
    assert desk.texts == ["续约谈判中，先行服务"]
    customer = present(event, Reader(customer=True))
    assert customer.headline == "Service approved as goodwill" and not customer.texts
    with translation.override("zh-hans"):
        assert present(event, Reader()).headline == "已批准善意服务（PLAT-7X24）"
        assert present(event, Reader(customer=True)).headline == "已作为善意服务受理"


# --- the API ---------------------------------------------------------------------------------


def test_the_api_approves_goodwill(expired):
    manager = make_user("cs_manager")
    response = ApiClient(manager).post(f"/cases/{expired.number}/goodwill", {"reason": "重要客户"})
    assert response.status_code == 200, response.content
    entitlement = response.json()["entitlement"]
    assert entitlement["entitled"] is False and entitlement["goodwill"] is True
    assert entitlement["reason"] == "expired"


def test_the_api_refuses_a_call_taker(expired):
    response = ApiClient(make_user("call_taker")).post(
        f"/cases/{expired.number}/goodwill", {"reason": "重要客户"}
    )
    assert response.status_code == 403
    assert "goodwill" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"reason": ""}, 422, "reason"),
        ({}, 422, "reason"),
        ({"reason": "x", "service_product": "NOPE"}, 422, "Unknown service product"),
    ],
)
def test_the_api_says_what_is_wrong_with_the_request(expired, body, status, words):
    before = database_snapshot()
    response = ApiClient(make_user("cs_manager")).post(f"/cases/{expired.number}/goodwill", body)
    assert response.status_code == status
    assert words in str(response.json()["detail"])
    assert database_snapshot() == before


def test_the_api_answers_409_for_a_case_served_as_goodwill_already(expired):
    client = ApiClient(make_user("cs_manager"))
    assert client.post(f"/cases/{expired.number}/goodwill", {"reason": "a"}).status_code == 200
    again = client.post(f"/cases/{expired.number}/goodwill", {"reason": "b"})
    assert again.status_code == 409
    assert "already served as goodwill" in again.json()["detail"]


def test_the_api_asks_for_a_product_when_none_is_named(silver):
    case = open_case(silver, serial="NOSUCHBOX")
    response = ApiClient(make_user("cs_manager")).post(
        f"/cases/{case.number}/goodwill", {"reason": "重要客户"}
    )
    assert response.status_code == 422
    assert "choose the one to serve it with" in response.json()["detail"]
