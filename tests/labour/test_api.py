"""The labour API: rate cards (bad input is a 4xx with ``detail``, nothing written) and the
labour report's numbers on a small desk."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from casedesk.core.models import AuditRecord
from casedesk.labour.models import RateCard
from tests.accounts.factories import OrganizationFactory, make_user
from tests.cases.factories import make_case
from tests.factories import ApiClient
from tests.labour.factories import log_work, make_rate_card

pytestmark = pytest.mark.django_db

CARD = {
    "name": "标准",
    "hourly_rate": "200.00",
    "night_multiplier": "1.5",
    "holiday_multiplier": "2",
}


@pytest.fixture
def manager():
    return ApiClient(make_user("cs_manager"))


@pytest.fixture
def acme(db):
    return OrganizationFactory(code="ACME", name="艾克米")


def test_a_manager_creates_a_general_and_an_organizations_card(manager, acme):
    r = manager.post("/rate-cards", CARD)
    assert r.status_code == 201, r.content
    assert r.json() == {
        "id": r.json()["id"],
        "name": "标准",
        "hourly_rate": "200.00",
        "night_multiplier": "1.50",
        "holiday_multiplier": "2.00",
        "organization": None,
        "tier": "",
        "valid_from": r.json()["valid_from"],  # today in the desk's zone (the real clock)
        "valid_until": None,
    }
    r = manager.post(
        "/rate-cards", {**CARD, "name": "艾克米价", "hourly_rate": 150, "organization": "ACME"}
    )
    assert r.status_code == 201, r.content
    assert r.json()["organization"] == "ACME" and r.json()["hourly_rate"] == "150.00"
    record = AuditRecord.objects.filter(action="rate_card.create").last()
    assert record is not None and json.loads(record.data)["after"]["organization"] == "ACME"


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"hourly_rate": "-1"}, 422, "more than 0"),
        ({"hourly_rate": "0"}, 422, "more than 0"),
        ({"hourly_rate": "1.005"}, 422, "two decimals"),
        ({"night_multiplier": "0.5"}, 422, "between 1 and 10"),
        ({"holiday_multiplier": "11"}, 422, "between 1 and 10"),
        ({"organization": "NOPE"}, 422, "NOPE"),
        ({"tier": "guru"}, 422, ""),
        ({"hourly_rate": "abc"}, 422, ""),
        ({"name": ""}, 422, ""),
        ({"extra": 1}, 422, ""),
    ],
)
def test_bad_cards_are_refused_and_nothing_is_written(manager, acme, change, status, says):
    r = manager.post("/rate-cards", {**CARD, **change})
    assert r.status_code == status, r.content
    assert says in r.json()["detail"]
    assert not RateCard.objects.exists()
    assert not AuditRecord.objects.filter(action="rate_card.create").exists()


def test_a_second_card_for_the_same_organization_and_tier_is_409(manager, acme):
    assert manager.post("/rate-cards", CARD).status_code == 201
    r = manager.post("/rate-cards", {**CARD, "name": "另一张"})
    assert r.status_code == 409 and "may not overlap" in r.json()["detail"]
    assert RateCard.objects.count() == 1


def test_an_engineer_may_not_create_cards_or_read_costs(acme):
    engineer = ApiClient(make_user("engineer"))
    assert engineer.post("/rate-cards", CARD).status_code == 403
    r = engineer.get("/reports/labour?since=2026-12-01&until=2026-12-31&by=engineer")
    assert r.status_code == 403
    assert not RateCard.objects.exists()


@pytest.fixture
def small_desk(acme):
    """ACME has its own card (150/h); BETA pays the general one (200/h, night ×1.5,
    holiday ×2).  Four logs in December 2026, one in November."""
    beta = OrganizationFactory(code="BETA", name="贝塔")
    make_rate_card(hourly_rate="200", night="1.5", holiday="2")
    make_rate_card(name="艾克米", hourly_rate="150", night="1.5", holiday="2", organization="ACME")
    zhao = make_user("supervisor", username="zhao")
    qian = make_user("supervisor", username="qian")
    a, b = make_case(org=acme), make_case(org=beta)
    log_work(a, zhao, 60, dt.datetime(2026, 12, 7, 9, 30))  # Mon: 30 night + 30 day → 187.50
    log_work(b, zhao, 90, dt.datetime(2026, 12, 8, 12, 0))  # Tue day → 300.00
    log_work(b, qian, 60, dt.datetime(2026, 12, 12, 11, 0))  # Sat → holiday 400.00
    log_work(b, qian, 7, dt.datetime(2026, 12, 31, 23, 59))  # Thu night: 7/60×300 = 35.00
    log_work(a, qian, 45, dt.datetime(2026, 11, 30, 23, 59))  # outside the period
    return a, b


def test_the_report_per_engineer_organization_and_case(manager, small_desk):
    a, b = small_desk
    q = "/reports/labour?since=2026-12-01&until=2026-12-31&by="
    r = manager.get(q + "engineer")
    assert r.status_code == 200, r.content
    assert r.json()["rows"] == [
        {"key": "qian", "minutes": 67, "amount": "435.00"},
        {"key": "zhao", "minutes": 150, "amount": "487.50"},
    ]
    assert manager.get(q + "organization").json()["rows"] == [
        {"key": "ACME", "minutes": 60, "amount": "187.50"},
        {"key": "BETA", "minutes": 157, "amount": "735.00"},
    ]
    assert [row["key"] for row in manager.get(q + "case").json()["rows"]] == sorted(
        [a.number, b.number]
    )


def test_until_is_included_and_since_starts_at_local_midnight(manager, small_desk):
    r = manager.get("/reports/labour?since=2026-11-30&until=2026-11-30&by=organization")
    assert r.json()["rows"] == [{"key": "ACME", "minutes": 45, "amount": "168.75"}]


@pytest.mark.parametrize(
    "query",
    [
        "since=2026-12-31&until=2026-12-01&by=engineer",
        "since=2026-12-01&until=2026-12-31&by=contract",
        "since=yesterday&until=2026-12-31&by=engineer",
        "since=2026-12-01&by=engineer",
        "since=2020-01-01&until=2026-12-31&by=engineer",
    ],
)
def test_a_bad_report_query_is_a_4xx_with_detail(manager, query):
    r = manager.get("/reports/labour?" + query)
    assert 400 <= r.status_code < 500 and r.json()["detail"]


# --- rate cards over time ------------------------------------------------------------------


def test_a_card_with_a_period_is_listed_edited_and_superseded(manager, acme):
    r = manager.post(
        "/rate-cards", {**CARD, "valid_from": "2026-01-01", "valid_until": "2099-12-31"}
    )
    assert r.status_code == 201, r.content
    card = r.json()
    assert (card["valid_from"], card["valid_until"]) == ("2026-01-01", "2099-12-31")
    r = manager.patch(f"/rate-cards/{card['id']}", {"name": "标准（改）", "valid_until": None})
    assert r.status_code == 200, r.content
    assert r.json()["name"] == "标准（改）" and r.json()["valid_until"] is None
    assert r.json()["hourly_rate"] == "200.00"
    r = manager.post(f"/rate-cards/{card['id']}/supersede", {"hourly_rate": "260.5"})
    assert r.status_code == 201, r.content
    new = r.json()
    assert new["hourly_rate"] == "260.50" and new["name"] == "标准（改）"
    assert new["valid_until"] is None and new["id"] != card["id"]
    items = manager.get("/rate-cards").json()["items"]
    assert [(c["id"], c["hourly_rate"]) for c in items] == [
        (card["id"], "200.00"),
        (new["id"], "260.50"),
    ]
    assert (
        items[0]["valid_until"]
        == (dt.date.fromisoformat(new["valid_from"]) - dt.timedelta(days=1)).isoformat()
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"hourly_rate": "300"}, 422),  # the rate changes from a date on: supersede
        ({"valid_until": "2020-01-01"}, 422),  # before it starts
        ({"valid_until": "2026-01-02"}, 422),  # cuts into days past
        ({"night_multiplier": "20"}, 422),
        ({"name": None}, 422),
        ({"name": ""}, 422),
        ({"valid_until": "soon"}, 422),
    ],
)
def test_a_bad_edit_is_a_4xx_and_changes_nothing(manager, acme, body, status):
    card = make_rate_card(name="通用")
    r = manager.patch(f"/rate-cards/{card.pk}", body)
    assert r.status_code == status, r.content
    assert r.json()["detail"]
    fresh = RateCard.objects.get()
    assert (fresh.name, fresh.hourly_rate, fresh.night_multiplier, fresh.valid_until) == (
        "通用",
        card.hourly_rate,
        card.night_multiplier,
        None,
    )
    assert not AuditRecord.objects.filter(action="rate_card.update").exists()


def test_overlapping_periods_are_409_and_nothing_is_written(manager, acme):
    make_rate_card(name="上半年", valid_until=dt.date(2026, 6, 30))
    make_rate_card(name="下半年", valid_from=dt.date(2026, 7, 1), valid_until=dt.date(2026, 12, 31))
    r = manager.post(
        "/rate-cards", {**CARD, "valid_from": "2026-06-01", "valid_until": "2026-06-30"}
    )
    assert r.status_code == 409 and "上半年" in r.json()["detail"]
    first = RateCard.objects.get(name="上半年")
    r = manager.patch(f"/rate-cards/{first.pk}", {"valid_until": "2026-07-01"})
    assert r.status_code in (409, 422) and r.json()["detail"]
    assert RateCard.objects.count() == 2
    assert RateCard.objects.get(name="上半年").valid_until == dt.date(2026, 6, 30)


def test_a_supersede_from_the_past_is_refused_and_nothing_moves(manager, acme):
    card = make_rate_card()
    r = manager.post(
        f"/rate-cards/{card.pk}/supersede", {"hourly_rate": "1", "valid_from": "2026-02-01"}
    )
    assert r.status_code == 422 and r.json()["detail"]
    assert RateCard.objects.count() == 1 and RateCard.objects.get().valid_until is None
    assert manager.post("/rate-cards/999999/supersede", {"hourly_rate": "1"}).status_code == 404
    assert manager.patch("/rate-cards/999999", {"name": "x"}).status_code == 404


def test_an_engineer_may_neither_list_nor_edit_cards(acme):
    card = make_rate_card()
    engineer = ApiClient(make_user("engineer"))
    assert engineer.get("/rate-cards").status_code == 403
    assert engineer.patch(f"/rate-cards/{card.pk}", {"name": "x"}).status_code == 404
    assert (
        engineer.post(f"/rate-cards/{card.pk}/supersede", {"hourly_rate": "1"}).status_code == 404
    )
    supervisor = ApiClient(make_user("supervisor"))  # reads costs, keeps no cards
    assert supervisor.get("/rate-cards").status_code == 200
    assert supervisor.patch(f"/rate-cards/{card.pk}", {"name": "x"}).status_code == 403
    assert RateCard.objects.get().name == "标准工时"
