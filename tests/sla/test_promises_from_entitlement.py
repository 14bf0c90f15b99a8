"""Issue 13: a CASE's promised times come from the service product it was entitled to at
intake, counted in that product's coverage hours; without a product (or without cover)
its organization's service level decides, as before.  The entitlement is kept on the CASE
and in its opening event.

Whoever decides the entitlement subscribes to ``CaseOpening`` (the contracts domain does);
here a test subscriber stands in for it, so only the SLA side is under test.
"""

import datetime as dt

import pytest

from casedesk.cases.events import CaseOpening
from casedesk.cases.models import CaseEvent
from casedesk.core import clock, events
from casedesk.core.events import Phase
from casedesk.sla.models import Deadline
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

pytestmark = pytest.mark.django_db

# Saturday 2026-11-28 22:00 in Shanghai: outside every 5×8 hour, inside 7×24.
SATURDAY_NIGHT = dt.datetime(2026, 11, 28, 14, 0, tzinfo=dt.UTC)
# Monday 2026-11-30 09:00 in Shanghai: when a 5×8 clock starts counting again.
MONDAY_OPENING = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)

GOLD_PRODUCT = {
    "entitled": True,
    "contract": "HT-2026-001",
    "service_product": "GOLD-7x24",
    "reason": "covered",
    "coverage": "7x24",
    "calendar": None,
    "targets": {"callback_minutes": 10, "first_worklog_minutes": 30},
}


@pytest.fixture
def entitled_as():
    """Open CASEs with the entitlement given (as the contracts domain would decide it)."""
    decided: dict = {}

    def decide(published: CaseOpening) -> None:
        if "value" in decided:
            published.case.entitlement = decided["value"]

    events.subscribe(CaseOpening, phase=Phase.IN_TRANSACTION, order=5)(decide)
    yield lambda value: decided.__setitem__("value", value)
    events.unsubscribe(CaseOpening, decide)


@pytest.fixture
def silver_contact():
    return ContactFactory(organization=OrganizationFactory(service_level="silver"))


def deadlines(case) -> dict[str, Deadline]:
    return {d.kind: d for d in Deadline.objects.filter(case=case)}


def opened(contact, when=SATURDAY_NIGHT, priority="P3"):
    with clock.frozen(when):
        return make_case(contact=contact, by=make_user("call_taker"), priority=priority)


def test_an_entitled_case_is_promised_its_products_times_in_its_coverage_hours(
    entitled_as, silver_contact
):
    entitled_as(GOLD_PRODUCT)
    case = opened(silver_contact)
    due = deadlines(case)
    # 7×24 product on a silver (5×8) customer: counted on Saturday night, in minutes.
    assert due["callback"].due_at == SATURDAY_NIGHT + dt.timedelta(minutes=10)
    assert due["first_worklog"].due_at == SATURDAY_NIGHT + dt.timedelta(minutes=30)
    assert (due["callback"].target_minutes, due["first_worklog"].target_minutes) == (10, 30)


def test_without_an_entitlement_the_organizations_level_decides_as_before(silver_contact):
    case = opened(silver_contact)
    due = deadlines(case)
    assert case.entitlement is None
    # silver is 5×8: the 15-minute callback counts from Monday 09:00.
    assert due["callback"].due_at == MONDAY_OPENING + dt.timedelta(minutes=15)
    assert due["first_worklog"].due_at == MONDAY_OPENING + dt.timedelta(minutes=45)


def test_an_uncovered_case_opens_with_its_levels_times_and_keeps_why(entitled_as, silver_contact):
    entitled_as({**GOLD_PRODUCT, "entitled": False, "reason": "expired", "ends_on": "2026-11-01"})
    case = opened(silver_contact)
    assert case.status == "open"  # never refuse a caller
    assert deadlines(case)["callback"].due_at == MONDAY_OPENING + dt.timedelta(minutes=15)
    case.refresh_from_db()
    assert case.entitlement["entitled"] is False and case.entitlement["reason"] == "expired"


def test_goodwill_is_promised_the_products_times(entitled_as, silver_contact):
    entitled_as({**GOLD_PRODUCT, "entitled": False, "reason": "expired", "goodwill": True})
    case = opened(silver_contact)
    assert deadlines(case)["callback"].due_at == SATURDAY_NIGHT + dt.timedelta(minutes=10)


def test_a_products_own_calendar_counts_before_its_coverage(entitled_as, silver_contact):
    # An office-hours product whose own calendar is 7×24 (an administrator's choice).
    entitled_as({**GOLD_PRODUCT, "coverage": "5x8", "calendar": "7x24"})
    case = opened(silver_contact)
    assert deadlines(case)["callback"].due_at == SATURDAY_NIGHT + dt.timedelta(minutes=10)
    entitled_as({**GOLD_PRODUCT, "coverage": "5x8", "calendar": None})
    case = opened(silver_contact)
    assert deadlines(case)["callback"].due_at == MONDAY_OPENING + dt.timedelta(minutes=10)


def test_the_entitlement_is_kept_on_the_case_and_in_its_opening_event(entitled_as, silver_contact):
    entitled_as(GOLD_PRODUCT)
    case = opened(silver_contact)
    case.refresh_from_db()
    assert case.entitlement == GOLD_PRODUCT
    event = CaseEvent.objects.get(case=case, kind="opened")
    assert event.data["entitlement"] == GOLD_PRODUCT


def test_the_api_answers_the_cases_entitlement(entitled_as, silver_contact, client):
    from casedesk.accounts import services as people

    taker = make_user("call_taker")
    token = people.token_create(user=taker, name="t")[1]
    entitled_as(GOLD_PRODUCT)
    r = client.post(
        "/api/v1/cases",
        {
            "organization": silver_contact.organization.code,
            "contact": silver_contact.pk,
            "title": "光模块故障",
            "priority": "P3",
            "channel": "phone",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 201, r.content
    assert r.json()["entitlement"] == {
        "entitled": True,
        "contract": "HT-2026-001",
        "service_product": "GOLD-7x24",
        "reason": "covered",
        "goodwill": False,
        "allowances": None,  # its product counts nothing
    }
    number = r.json()["number"]
    got = client.get(f"/api/v1/cases/{number}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert got.json()["entitlement"]["contract"] == "HT-2026-001"
