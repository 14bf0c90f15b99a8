"""Entitlement at an instant, and what each reader may list and open.

Coverage is whole days in the desk's time zone, ``ends_on`` included: the properties below
walk instants given in UTC across the first and the last day's local midnights, in Shanghai
and in other zones.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedesk.contracts import selectors
from casedesk.contracts.choices import ContractStatus, EntitlementReason
from casedesk.core import clock
from casedesk.core.errors import InvalidInput, NotFound
from tests.accounts.factories import OrganizationFactory, make_user
from tests.contracts.factories import make_contract, make_equipment, make_product

pytestmark = pytest.mark.django_db

D = dt.date
UTC = dt.UTC
FIRST, LAST = D(2026, 3, 1), D(2026, 8, 31)
ZONES = ["Asia/Shanghai", "UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Asia/Kolkata"]


@pytest.fixture
def covered(db):
    org = OrganizationFactory(code="ACME")
    contract = make_contract(number="HT-COVER", organization=org, starts_on=FIRST, ends_on=LAST)
    return make_equipment(serial_number="FOC1111AAAA", contract=contract)


def _ask(serial="FOC1111AAAA", at=None, reader=None):
    return selectors.entitlement(serial_number=serial, at=at, fetched_by=reader)


def _midnight(day: dt.date, zone: str) -> dt.datetime:
    """The instant ``day`` begins in ``zone``, in UTC."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def test_covered_names_the_contract_the_product_and_its_targets(covered):
    found = _ask(at=dt.datetime(2026, 5, 1, 4, tzinfo=UTC))
    assert found.entitled and found.reason == EntitlementReason.COVERED
    assert (found.contract, found.service_product, found.ends_on) == ("HT-COVER", "GOLD-7X24", LAST)
    assert found.targets.callback_minutes == 15 and found.targets.onsite_hours == 4
    assert found.organization == "ACME"


def test_a_pasted_serial_is_normalized(covered):
    assert _ask(serial=" foc1111 aaaa\n", at=dt.datetime(2026, 5, 1, tzinfo=UTC)).entitled


# The boundaries in Shanghai, given in UTC: 2026-03-01 00:00 CST is 2026-02-28 16:00Z.
@pytest.mark.parametrize(
    ("at", "entitled", "reason"),
    [
        (dt.datetime(2026, 2, 28, 15, 59, 59, tzinfo=UTC), False, "not_started"),
        (dt.datetime(2026, 2, 28, 16, 0, 0, tzinfo=UTC), True, "covered"),
        (dt.datetime(2026, 8, 31, 15, 59, 59, tzinfo=UTC), True, "covered"),
        (dt.datetime(2026, 8, 31, 16, 0, 0, tzinfo=UTC), False, "expired"),
    ],
)
def test_the_first_and_last_day_are_whole_days_in_shanghai(covered, at, entitled, reason):
    found = _ask(at=at)
    assert (found.entitled, found.reason) == (entitled, reason)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    zone=st.sampled_from(ZONES),
    boundary=st.sampled_from(["first", "after_last"]),
    offset=st.integers(min_value=-36 * 3600, max_value=36 * 3600),
)
def test_an_instant_is_covered_exactly_when_its_local_day_is(covered, zone, boundary, offset):
    day = FIRST if boundary == "first" else LAST + dt.timedelta(days=1)
    at = _midnight(day, zone) + dt.timedelta(seconds=offset)
    with override_settings(TIME_ZONE=zone):
        found = _ask(at=at)
    local = at.astimezone(ZoneInfo(zone)).date()
    assert found.entitled == (FIRST <= local <= LAST)
    if local < FIRST:
        assert found.reason == EntitlementReason.NOT_STARTED
    elif local > LAST:
        assert found.reason == EntitlementReason.EXPIRED and found.ends_on == LAST


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(zone=st.sampled_from(ZONES), seconds=st.sampled_from([-1, 0]))
def test_one_second_either_side_of_local_midnight(covered, zone, seconds):
    """The last second of the last day is covered; the first of the day after is not."""
    at = _midnight(LAST + dt.timedelta(days=1), zone) + dt.timedelta(seconds=seconds)
    with override_settings(TIME_ZONE=zone):
        assert _ask(at=at).entitled == (seconds < 0)


def test_default_instant_is_the_clock(covered):
    with clock.frozen(dt.datetime(2026, 9, 1, 1, tzinfo=UTC)):  # 09:00 in Shanghai
        found = _ask()
    assert (found.entitled, found.reason, found.ends_on) == (False, "expired", LAST)


def test_unknown_serial_and_equipment_without_contract(db):
    assert _ask(serial="NOPE").reason == EntitlementReason.UNKNOWN_SERIAL
    make_equipment(serial_number="BARE1")
    assert _ask(serial="BARE1").reason == EntitlementReason.NO_CONTRACT


def test_covered_but_not_for_onsite(db):
    remote = make_product(code="REMOTE-5X8", coverage="5x8", onsite_hours=None)
    contract = make_contract(product=remote, starts_on=FIRST, ends_on=LAST)
    make_equipment(serial_number="REMOTE1", contract=contract)
    found = _ask(serial="REMOTE1", at=dt.datetime(2026, 5, 1, tzinfo=UTC))
    assert (found.entitled, found.reason) == (True, EntitlementReason.NOT_COVERED_FOR_ONSITE)


def test_an_organization_with_one_active_contract_gets_it(db):
    org = OrganizationFactory(code="SOLO")
    make_contract(
        number="HT-OLD", organization=org, starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31)
    )
    make_contract(
        number="HT-NOW", organization=org, starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31)
    )
    at = dt.datetime(2026, 6, 1, tzinfo=UTC)
    found = selectors.entitlement(organization="solo", at=at, fetched_by=None)
    assert (found.entitled, found.contract) == (True, "HT-NOW")
    make_contract(
        number="HT-TWO", organization=org, starts_on=D(2026, 5, 1), ends_on=D(2027, 4, 30)
    )
    found = selectors.entitlement(organization="SOLO", at=at, fetched_by=None)
    assert (found.entitled, found.reason) == (False, EntitlementReason.SEVERAL_CONTRACTS)
    later = selectors.entitlement(
        organization="SOLO", at=dt.datetime(2027, 6, 1, tzinfo=UTC), fetched_by=None
    )
    assert (later.reason, later.contract) == (EntitlementReason.EXPIRED, "HT-TWO")
    assert (
        selectors.entitlement(organization="NONE", fetched_by=None).reason == "unknown_organization"
    )
    OrganizationFactory(code="EMPTY")
    assert selectors.entitlement(organization="EMPTY", fetched_by=None).reason == "no_contract"


def test_entitlement_needs_a_question_and_an_aware_instant(db):
    with pytest.raises(InvalidInput):
        selectors.entitlement(fetched_by=None)
    with pytest.raises(InvalidInput):
        selectors.entitlement(serial_number="X", at=dt.datetime(2026, 1, 1), fetched_by=None)


def test_a_customer_sees_only_their_own_organization(covered):
    theirs = make_user("customer", org=covered.organization)
    stranger = make_user("customer", org=OrganizationFactory())
    at = dt.datetime(2026, 5, 1, tzinfo=UTC)
    assert _ask(at=at, reader=theirs).entitled
    assert _ask(at=at, reader=stranger).reason == EntitlementReason.UNKNOWN_SERIAL
    assert list(selectors.equipment_list(fetched_by=stranger)) == []
    assert [e.serial_number for e in selectors.equipment_list(fetched_by=theirs)] == ["FOC1111AAAA"]
    with pytest.raises(NotFound):
        selectors.contract_get(number="HT-COVER", fetched_by=stranger)
    with pytest.raises(NotFound):
        selectors.equipment_get(serial_number="FOC1111AAAA", fetched_by=stranger)
    with pytest.raises(NotFound):
        selectors.service_product_get(code="GOLD-7X24", fetched_by=stranger)
    assert selectors.service_product_get(code="gold-7x24", fetched_by=theirs).code == "GOLD-7X24"
    assert selectors.contract_get(number="HT-COVER", fetched_by=make_user("engineer"))


def test_status_is_worked_out_from_the_dates_and_the_clock(covered):
    contract = selectors.contract_get(number="HT-COVER", fetched_by=None)
    # 2026-02-28 23:30 in Shanghai: not started yet; 00:30 on 1 March: active.
    with clock.frozen(dt.datetime(2026, 2, 28, 15, 30, tzinfo=UTC)):
        assert selectors.contract_status(contract) == ContractStatus.FUTURE
    with clock.frozen(dt.datetime(2026, 2, 28, 16, 30, tzinfo=UTC)):
        assert selectors.contract_status(contract) == ContractStatus.ACTIVE
    with clock.frozen(dt.datetime(2026, 8, 31, 16, 0, tzinfo=UTC)):
        assert selectors.contract_status(contract) == ContractStatus.EXPIRED
        assert list(selectors.contract_list(fetched_by=None, status="expired")) == [contract]
        assert list(selectors.contract_list(fetched_by=None, status="active")) == []


def test_ending_within_lists_active_contracts_by_their_end(db):
    org = OrganizationFactory()
    make_contract(number="HT-20", organization=org, starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 20))
    make_contract(number="HT-50", organization=org, starts_on=D(2026, 1, 1), ends_on=D(2026, 7, 20))
    make_contract(number="HT-90", organization=org, starts_on=D(2026, 1, 1), ends_on=D(2026, 8, 29))
    make_contract(
        number="HT-GONE", organization=org, starts_on=D(2025, 1, 1), ends_on=D(2026, 5, 30)
    )
    with clock.frozen(dt.datetime(2026, 5, 31, 4, tzinfo=UTC)):
        assert [c.number for c in selectors.ending_soon(fetched_by=None, days=30)] == ["HT-20"]
        assert [c.number for c in selectors.ending_soon(fetched_by=None, days=60)] == [
            "HT-20",
            "HT-50",
        ]
        with pytest.raises(InvalidInput):
            selectors.contract_list(fetched_by=None, status="bogus")


def test_lists_take_a_fixed_number_of_queries(covered, django_assert_max_num_queries):
    for n in range(5):
        make_equipment(
            serial_number=f"MORE{n}", contract=make_contract(organization=covered.organization)
        )
    reader = make_user("engineer")
    with django_assert_max_num_queries(1):
        rows = list(selectors.contract_list(fetched_by=reader))
        [(c.organization.code, c.service_product.code) for c in rows]
    with django_assert_max_num_queries(1):
        [e.organization.code for e in selectors.equipment_list(fetched_by=reader)]
