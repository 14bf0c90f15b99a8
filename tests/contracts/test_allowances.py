"""Issue 13: a service product allows N units per period (12 CASEs a contract year); the
periods are explicit dates, the CASEs opened under the contract are counted, and a covered
box whose allowance is used up is not entitled (``allowance_used_up``) until the next one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from casedesk.contracts import allowances, presenters, selectors, services
from casedesk.contracts.allowances import AllowanceUse, anniversary, period_of
from casedesk.contracts.models import ServiceProduct
from casedesk.core import clock
from casedesk.core.errors import InvalidInput
from casedesk.core.models import AuditRecord
from tests.accounts.factories import ContactFactory, OrganizationFactory
from tests.contracts.factories import (
    contract_manager,
    make_contract,
    make_equipment,
    make_product,
)
from tests.factories import ApiClient, client_for, make_case, make_user, page_text

D = dt.date
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
YEAR = "contract_year"
MONTH = "month"

days = st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31))


# --- periods (no database) --------------------------------------------------------------------


@given(starts_on=days, offset=st.integers(min_value=0, max_value=20 * 366))
def test_a_contract_year_holds_the_day_and_runs_anniversary_to_the_day_before_the_next(
    starts_on, offset
):
    day = starts_on + dt.timedelta(days=offset)
    first, last = period_of(YEAR, starts_on, day)
    assert first <= day <= last
    assert (last - first).days + 1 in (365, 366)
    years = first.year - starts_on.year
    assert first == anniversary(starts_on, years)
    assert last + dt.timedelta(days=1) == anniversary(starts_on, years + 1)
    # The first and the last day belong to the same year; the next day starts the next one.
    assert period_of(YEAR, starts_on, first) == (first, last)
    assert period_of(YEAR, starts_on, last) == (first, last)
    assert period_of(YEAR, starts_on, last + dt.timedelta(days=1))[0] == last + dt.timedelta(days=1)


@given(starts_on=days)
def test_the_first_contract_year_starts_on_the_contracts_first_day(starts_on):
    first, last = period_of(YEAR, starts_on, starts_on)
    assert first == starts_on
    assert last == anniversary(starts_on, 1) - dt.timedelta(days=1)


@given(leap_year=st.sampled_from([2004, 2024, 2028, 2052]), years=st.integers(1, 12))
def test_a_contract_starting_on_29_february_renews_on_28_february_without_one(leap_year, years):
    starts_on = D(leap_year, 2, 29)
    year = leap_year + years
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    expected = D(year, 2, 29) if leap else D(year, 2, 28)
    assert anniversary(starts_on, years) == expected
    assert period_of(YEAR, starts_on, expected)[0] == expected
    assert period_of(YEAR, starts_on, expected - dt.timedelta(days=1))[1] == expected - (
        dt.timedelta(days=1)
    )


def test_the_years_of_a_29_february_contract_meet_without_gap_or_overlap():
    starts_on = D(2024, 2, 29)
    assert period_of(YEAR, starts_on, D(2024, 2, 29)) == (D(2024, 2, 29), D(2025, 2, 27))
    assert period_of(YEAR, starts_on, D(2025, 2, 28)) == (D(2025, 2, 28), D(2026, 2, 27))
    assert period_of(YEAR, starts_on, D(2027, 3, 1)) == (D(2027, 2, 28), D(2028, 2, 28))
    assert period_of(YEAR, starts_on, D(2028, 2, 29)) == (D(2028, 2, 29), D(2029, 2, 27))


@given(starts_on=days, day=days)
def test_a_month_is_the_calendar_month(starts_on, day):
    first, last = period_of(MONTH, starts_on, day)
    assert first == day.replace(day=1) and first <= day <= last
    after = last + dt.timedelta(days=1)
    assert after.day == 1 and after.month != last.month


# --- counting and entitlement -----------------------------------------------------------------


def local(day: D, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def three_a_year(db):
    """A box covered by a contract from 2026-03-15 for two years; 3 CASEs a contract year."""
    product = make_product(
        code="SILVER-3",
        allowances=({"unit": "cases", "quantity": 3, "period": YEAR},),
    )
    org = OrganizationFactory(code="ACME")
    contract = make_contract(
        number="HT-A-1",
        organization=org,
        product=product,
        starts_on=D(2026, 3, 15),
        ends_on=D(2028, 3, 14),
    )
    make_equipment(serial_number="FOC0000A001", contract=contract)
    return contract


def open_case(org, at: dt.datetime, serial: str = "FOC0000A001"):
    with clock.frozen(at):
        return make_case(
            contact=ContactFactory(organization=org),
            by=make_user("call_taker"),
            serial_number=serial,
        )


def answer(at: dt.datetime, **question):
    return selectors.entitlement(at=at, fetched_by=None, **question)


@pytest.mark.django_db
def test_the_allowance_runs_out_after_n_cases_and_renews_next_contract_year(three_a_year):
    org = three_a_year.organization
    last_day = D(2027, 3, 14)
    for i in range(3):
        case = open_case(org, local(D(2026, 6, 1) + dt.timedelta(days=i), 10))
        assert case.entitlement["entitled"] is True
        [use] = case.entitlement["allowances"]
        assert (use["used"], use["remaining"]) == (i + 1, 2 - i)
        assert (use["period_starts_on"], use["period_ends_on"]) == ("2026-03-15", "2027-03-14")

    found = answer(local(last_day, 23, 59), serial_number="FOC0000A001")
    assert (found.entitled, found.reason) == (False, "allowance_used_up")
    assert found.contract == "HT-A-1" and found.targets is None
    assert found.allowances[0].used == 3 and found.allowances[0].remaining == 0
    # Never refuse a caller: the fourth CASE opens, uncovered, for a manager's goodwill.
    fourth = open_case(org, local(last_day, 23, 30))
    assert fourth.entitlement["entitled"] is False
    assert fourth.entitlement["reason"] == "allowance_used_up"
    assert fourth.entitlement["contract"] == "HT-A-1"
    assert fourth.entitlement["allowances"][0]["used"] == 4
    # The organization's answer (no serial) is limited too.
    assert answer(local(last_day, 12), organization="ACME").reason == "allowance_used_up"

    # The next day starts the next contract year: three CASEs again.
    found = answer(local(last_day + dt.timedelta(days=1), 0, 0), serial_number="FOC0000A001")
    assert (found.entitled, found.reason) == (True, "covered")
    [use] = found.allowances
    assert (use.used, use.remaining, use.period_starts_on) == (0, 3, D(2027, 3, 15))


@pytest.mark.django_db
def test_a_case_on_the_last_local_day_counts_in_that_period(three_a_year):
    org = three_a_year.organization
    # 23:59 on 2027-03-14 in Shanghai is still 15:59 UTC of the same day; 00:01 on the 15th
    # is 16:01 UTC on the 14th, yet local-day 15th: it counts in the next year.
    open_case(org, local(D(2027, 3, 14), 23, 59))
    next_one = open_case(org, local(D(2027, 3, 15), 0, 1))
    day = D(2027, 3, 14)
    assert usage_of(three_a_year, day)[0].used == 1
    assert next_one.entitlement["allowances"][0]["period_starts_on"] == "2027-03-15"
    assert next_one.entitlement["allowances"][0]["used"] == 1


@pytest.mark.django_db
def test_uncovered_cases_of_the_organization_are_not_counted(three_a_year):
    org = three_a_year.organization
    make_equipment(serial_number="FOC0000B002", organization=org)  # never covered
    case = open_case(org, local(D(2026, 6, 1), 10), serial="FOC0000B002")
    assert case.entitlement["reason"] == "no_contract"
    use = usage_of(three_a_year, D(2026, 6, 1))[0]
    assert use.used == 0


@pytest.mark.django_db
def test_a_monthly_allowance_renews_on_the_first_of_the_month():
    product = make_product(
        code="MONTHLY",
        allowances=(
            {"unit": "cases", "quantity": 1, "period": MONTH},
            {"unit": "onsite_visits", "quantity": 2, "period": MONTH},
        ),
    )
    contract = make_contract(product=product, starts_on=D(2026, 1, 10), ends_on=D(2026, 12, 31))
    make_equipment(serial_number="FOC0000M001", contract=contract)
    open_case(contract.organization, local(D(2026, 2, 28), 23, 0), serial="FOC0000M001")
    found = answer(local(D(2026, 2, 28), 23, 30), serial_number="FOC0000M001")
    assert found.reason == "allowance_used_up"
    # On-site visits are not counted before field service exists: 0 used.
    visits = next(u for u in found.allowances if u.unit == "onsite_visits")
    assert (visits.used, visits.period_starts_on, visits.period_ends_on) == (
        0,
        D(2026, 2, 1),
        D(2026, 2, 28),
    )
    found = answer(local(D(2026, 3, 1), 0, 0), serial_number="FOC0000M001")
    assert found.entitled and found.reason == "covered"


def usage_of(contract, day):
    return allowances.usage(
        contract_id=contract.pk,
        contract_starts_on=contract.starts_on,
        product_id=contract.service_product_id,
        day=day,
    )


@pytest.mark.django_db
def test_a_product_without_allowances_costs_no_query_and_says_nothing_about_them():
    product = make_product(code="PLAIN")
    contract = make_contract(product=product)
    make_equipment(serial_number="FOC0000P001", contract=contract)
    assert usage_of(contract, D(2026, 5, 1)) == []
    with CaptureQueriesContext(connection) as queries:
        found = answer(local(D(2026, 5, 1), 10), serial_number="FOC0000P001")
    assert found.entitled and found.allowances == ()
    assert len(queries) == 1  # the lookup's one query, nothing for allowances
    case = open_case(contract.organization, local(D(2026, 5, 1), 10), serial="FOC0000P001")
    assert "allowances" not in case.entitlement


# --- the catalogue: validation and audit ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [
        {"unit": "cases", "quantity": 0, "period": YEAR},
        {"unit": "cases", "quantity": -1, "period": YEAR},
        {"unit": "hugs", "quantity": 3, "period": YEAR},
        {"unit": "cases", "quantity": 3, "period": "fortnight"},
        {"unit": "cases", "quantity": True, "period": YEAR},
    ],
)
def test_a_bad_allowance_writes_nothing(bad):
    with pytest.raises(InvalidInput):
        make_product(code="BAD", allowances=(bad,))
    assert not ServiceProduct.objects.exists()


@pytest.mark.django_db
def test_one_allowance_per_unit_and_period():
    twice = {"unit": "cases", "quantity": 3, "period": YEAR}
    with pytest.raises(InvalidInput):
        make_product(code="TWICE", allowances=(twice, {**twice, "quantity": 5}))


@pytest.mark.django_db
def test_allowances_are_in_the_product_operations_before_and_after():
    product = make_product(
        code="SILVER-5X8", allowances=({"unit": "cases", "quantity": 12, "period": YEAR},)
    )
    created = AuditRecord.objects.get(action="service_product.create")
    assert '"allowances":[{"period":"contract_year","quantity":12,"unit":"cases"}]' in (
        created.data.replace(" ", "")
    )
    services.service_product_change(
        product=product,
        changes={"allowances": [{"unit": "cases", "quantity": 20, "period": YEAR}]},
        by=contract_manager(),
    )
    product.refresh_from_db()
    assert [a.quantity for a in product.allowances.all()] == [20]
    changed = AuditRecord.objects.get(action="service_product.change").data.replace(" ", "")
    assert '"quantity":12' in changed and '"quantity":20' in changed
    services.service_product_change(
        product=product, changes={"allowances": []}, by=contract_manager()
    )
    product.refresh_from_db()
    assert not product.has_allowances and not product.allowances.exists()


# --- the API ----------------------------------------------------------------------------------

PRODUCT = {
    "code": "SILVER-5X8",
    "name": "银牌 5×8",
    "coverage": "5x8",
    "callback_minutes": 30,
    "first_worklog_minutes": 60,
}


@pytest.fixture
def manager(db):
    return ApiClient(make_user("cs_manager"))


def test_the_api_takes_and_shows_a_products_allowances(manager):
    allowed = [{"unit": "cases", "quantity": 12, "period": YEAR}]
    r = manager.post("/service-products", {**PRODUCT, "allowances": allowed})
    assert r.status_code == 201, r.content
    assert r.json()["allowances"] == allowed
    r = manager.get("/service-products")
    assert r.json()["items"][0]["allowances"] == allowed


@pytest.mark.parametrize(
    "bad",
    [
        {"unit": "cases", "quantity": 0, "period": YEAR},
        {"unit": "visits", "quantity": 1, "period": YEAR},
        {"unit": "cases", "quantity": 1, "period": "week"},
        {"unit": "cases", "quantity": "3", "period": YEAR},
        {"unit": "cases", "period": YEAR},
        {"unit": "cases", "quantity": 1, "period": YEAR, "extra": 1},
    ],
)
def test_the_api_refuses_a_bad_allowance_with_422(manager, bad):
    r = manager.post("/service-products", {**PRODUCT, "allowances": [bad]})
    assert r.status_code == 422 and r.json()["detail"]
    assert not ServiceProduct.objects.exists()


def test_the_api_refuses_two_allowances_of_one_unit_and_period(manager):
    twice = {"unit": "cases", "quantity": 3, "period": YEAR}
    r = manager.post("/service-products", {**PRODUCT, "allowances": [twice, twice]})
    assert r.status_code == 422 and r.json()["detail"]


def test_the_entitlement_api_gives_the_allowances(manager, three_a_year):
    open_case(three_a_year.organization, local(D(2026, 6, 1), 10))
    r = manager.get(
        "/entitlement", {"serial_number": "FOC0000A001", "at": "2026-06-02T10:00:00+08:00"}
    )
    assert r.status_code == 200, r.content
    assert r.json()["allowances"] == [
        {
            "unit": "cases",
            "period": YEAR,
            "quantity": 3,
            "used": 1,
            "remaining": 2,
            "period_starts_on": "2026-03-15",
            "period_ends_on": "2027-03-14",
        }
    ]


def test_a_case_answer_carries_the_allowances_it_kept(three_a_year):
    case = open_case(three_a_year.organization, local(D(2026, 6, 1), 10))
    r = ApiClient(make_user("supervisor")).get(f"/cases/{case.number}")
    assert r.status_code == 200, r.content
    entitlement = r.json()["entitlement"]
    assert entitlement["reason"] == "covered"
    assert entitlement["allowances"][0] == {
        "unit": "cases",
        "period": YEAR,
        "quantity": 3,
        "used": 1,
        "remaining": 2,
        "period_starts_on": "2026-03-15",
        "period_ends_on": "2027-03-14",
    }


# --- wording ----------------------------------------------------------------------------------


def _used_up() -> selectors.Entitlement:
    return selectors.Entitlement(
        entitled=False,
        reason="allowance_used_up",
        contract="HT-2026-001",
        service_product="SILVER-5X8",
        allowances=(AllowanceUse("cases", YEAR, 10, 10, D(2026, 1, 1), D(2026, 12, 31)),),
    )


def test_used_up_is_worded_in_english_and_chinese():
    with translation.override("en"):
        assert presenters.entitlement_text(_used_up()) == (
            "Covered by contract HT-2026-001 (SILVER-5X8), but its allowance of "
            "10 CASEs per contract year is used up."
        )
    with translation.override("zh-hans"):
        text = presenters.entitlement_text(_used_up())
    assert "HT-2026-001" in text and "10" in text and "已用完" in text


def test_a_covered_answer_says_what_is_left():
    found = selectors.Entitlement(
        entitled=True,
        reason="covered",
        contract="HT-2026-001",
        service_product="SILVER-5X8",
        ends_on=D(2026, 12, 31),
        allowances=(AllowanceUse("cases", MONTH, 1, 0, D(2026, 5, 1), D(2026, 5, 31)),),
    )
    with translation.override("en"):
        assert presenters.entitlement_text(found).endswith(
            "1 of 1 CASE per month left (2026-05-01 – 2026-05-31)."
        )
    with translation.override("zh-hans"):
        assert "剩余" in presenters.entitlement_text(found)


def test_the_kept_entitlement_of_a_case_is_worded_with_its_allowance():
    kept = {
        "entitled": False,
        "reason": "allowance_used_up",
        "contract": "HT-2026-001",
        "service_product": "SILVER-5X8",
        "allowances": [
            {
                "unit": "onsite_visits",
                "period": YEAR,
                "quantity": 2,
                "used": 2,
                "remaining": 0,
                "period_starts_on": "2026-01-01",
                "period_ends_on": "2026-12-31",
            }
        ],
    }
    with translation.override("en"):
        assert "2 on-site visits per contract year is used up" in (
            presenters.kept_entitlement_text(kept)
        )


# --- the console's form -----------------------------------------------------------------------

PRODUCT_FORM = {
    "code": "SILVER-5X8",
    "name": "银牌",
    "coverage": "5x8",
    "callback_minutes": "30",
    "first_worklog_minutes": "60",
    "allowance_unit": "cases",
    "allowance_period": YEAR,
}


@pytest.mark.django_db
def test_a_manager_gives_a_new_product_its_allowance_in_the_console():
    client = client_for(make_user("cs_manager"), "zh-hans")
    r = client.post("/contracts/products/new/", {**PRODUCT_FORM, "allowance_quantity": "12"})
    assert r.status_code == 302
    product = ServiceProduct.objects.get(code="SILVER-5X8")
    assert [(a.unit, a.quantity, a.period) for a in product.allowances.all()] == [
        ("cases", 12, YEAR)
    ]
    assert "每合同年度 12 个 CASE" in page_text(client.get("/contracts/products/"))
    english = client_for(make_user("cs_manager"), "en")
    assert "12 CASEs per contract year" in page_text(english.get("/contracts/products/"))


@pytest.mark.django_db
def test_the_console_form_refuses_a_zero_allowance_and_takes_none():
    client = client_for(make_user("cs_manager"))
    r = client.post("/contracts/products/new/", {**PRODUCT_FORM, "allowance_quantity": "0"})
    assert r.status_code == 400 and not ServiceProduct.objects.exists()
    r = client.post("/contracts/products/new/", PRODUCT_FORM)
    assert r.status_code == 302
    assert not ServiceProduct.objects.get(code="SILVER-5X8").has_allowances


@pytest.mark.django_db
def test_a_product_with_allowances_costs_two_more_queries(three_a_year):
    serial = three_a_year.lines.first().equipment.serial_number
    with CaptureQueriesContext(connection) as queries:
        found = answer(local(D(2026, 6, 1), 10), serial_number=serial)
    assert found.entitled and [u.quantity for u in found.allowances] == [3]
    assert len(queries) == 3  # the lookup, the product's allowances, their counters
