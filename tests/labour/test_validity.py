"""Rate cards over time: a card is valid for a period of days, cards of one scope never
overlap, a work log is priced by the card valid on its local day, and a price change is a
new card from a date on, so the amounts of days past (last month's settlement) never move."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import translation

from casedesk.core import clock
from casedesk.core.errors import Conflict, Forbidden, InvalidInput
from casedesk.core.models import AuditRecord
from casedesk.labour import selectors, services
from casedesk.labour.models import RateCard
from tests.accounts.factories import OrganizationFactory, make_user
from tests.cases.factories import make_case
from tests.labour.factories import log_work, make_rate_card, make_small_desk

pytestmark = pytest.mark.django_db

# 2026-12-15 10:00 in Shanghai: "today" is 2026-12-15, last month is November.
NOW = dt.datetime(2026, 12, 15, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 15)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def csm():
    return make_user("cs_manager")


def audits(action: str) -> list[dict]:
    return [json.loads(r.data) for r in AuditRecord.objects.filter(action=action).order_by("seq")]


def test_a_card_is_valid_from_today_by_default(csm):
    with clock.frozen(NOW):
        card = services.rate_card_create(name="通用", hourly_rate="200", by=csm)
    assert (card.valid_from, card.valid_until) == (TODAY, None)
    assert audits("rate_card.create")[0]["after"]["valid_from"] == "2026-12-15"


def test_cards_of_one_scope_may_follow_each_other_but_not_overlap(csm):
    acme = OrganizationFactory(code="ACME")
    make_rate_card(valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 6, 30))
    make_rate_card(name="下半年", valid_from=dt.date(2026, 7, 1))  # follows: fine
    # Other scopes are free to share the days.
    make_rate_card(name="艾克米", organization="ACME", valid_from=dt.date(2026, 3, 1))
    make_rate_card(name="高级", tier="senior", valid_from=dt.date(2026, 3, 1))
    for start, end in [
        (dt.date(2026, 6, 30), dt.date(2026, 6, 30)),  # the first card's last day
        (dt.date(2025, 1, 1), None),  # open-ended from before: covers both
        (dt.date(2027, 1, 1), None),  # within the open-ended second card
    ]:
        with pytest.raises(Conflict, match="may not overlap"):
            services.rate_card_create(
                name="重叠", hourly_rate="1", valid_from=start, valid_until=end, by=csm
            )
    with pytest.raises(Conflict):
        services.rate_card_create(
            name="重叠", hourly_rate="1", organization="ACME", valid_from="2026-12-01", by=csm
        )
    assert RateCard.objects.count() == 4
    assert acme.rate_cards.count() == 1


def test_a_period_that_ends_before_it_starts_is_refused(csm):
    with pytest.raises(InvalidInput, match="ends before it starts"):
        services.rate_card_create(
            name="倒", hourly_rate="1", valid_from="2026-12-02", valid_until="2026-12-01", by=csm
        )
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        services.rate_card_create(name="坏", hourly_rate="1", valid_from="12/01/2026", by=csm)
    assert not RateCard.objects.exists()


def test_each_log_is_priced_by_the_card_valid_on_its_local_day(csm):
    acme = OrganizationFactory(code="ACME")
    make_rate_card(name="旧价", hourly_rate="100", valid_until=dt.date(2026, 11, 30))
    make_rate_card(name="新价", hourly_rate="200", valid_from=dt.date(2026, 12, 1))
    # ACME's own card only for the first week of December: then the general one again.
    make_rate_card(
        name="艾克米",
        hourly_rate="150",
        organization="ACME",
        valid_from=dt.date(2026, 12, 1),
        valid_until=dt.date(2026, 12, 7),
    )
    sup = make_user("supervisor", username="zhao")
    case = make_case(org=acme)
    # 00:30 local on Dec 1 is still Nov 30 in UTC: the local day decides (the new cards),
    # and the night multiplier (1.5) applies: 60 min × 150 × 1.5
    log_work(case, sup, 30, dt.datetime(2026, 12, 1, 0, 30))
    log_work(case, sup, 60, dt.datetime(2026, 11, 30, 12, 0))  # 旧价 100
    log_work(case, sup, 60, dt.datetime(2026, 12, 7, 12, 0))  # 艾克米 150
    log_work(case, sup, 60, dt.datetime(2026, 12, 8, 12, 0))  # 新价 200
    priced = list(
        selectors.priced_logs(
            since=dt.date(2026, 11, 1), until=dt.date(2026, 12, 31), fetched_by=csm
        )
    )
    assert [(p.card, p.amount) for p in priced] == [
        ("旧价", Decimal("100.00")),
        ("艾克米", Decimal("112.50")),  # 30 night minutes at 150 × 1.5
        ("艾克米", Decimal("150.00")),
        ("新价", Decimal("200.00")),
    ]


def test_a_day_no_card_covers_is_unpriced():
    make_rate_card(valid_from=dt.date(2026, 12, 10))
    case = make_case(org=OrganizationFactory(code="ACME"))
    log_work(case, make_user("supervisor"), 60, dt.datetime(2026, 12, 9, 12, 0))
    (log,) = selectors.priced_logs(
        since=dt.date(2026, 12, 1), until=dt.date(2026, 12, 31), fetched_by=None
    )
    assert (log.card, log.amount) == ("", Decimal("0.00"))


def test_a_started_card_keeps_its_multipliers_past_amounts_stay(csm):
    card = make_rate_card(name="通用", night="1.5")  # valid from 2026-01-01
    with clock.frozen(NOW), pytest.raises(InvalidInput, match="past amounts stay"):
        services.rate_card_update(card=card, night_multiplier="1.6", name="改", by=csm)
    card.refresh_from_db()
    assert (card.name, card.night_multiplier) == ("通用", Decimal("1.50"))
    assert not audits("rate_card.update")


def test_an_edit_changes_name_multipliers_and_end_and_is_audited(csm):
    # not started yet: nothing was priced by it, its multipliers may still change
    card = make_rate_card(name="通用", night="1.5", valid_from=dt.date(2027, 1, 1))
    with clock.frozen(NOW):
        services.rate_card_update(
            card=card,
            name="通用（修订）",
            night_multiplier="1.6",
            valid_until=dt.date(2027, 6, 30),
            by=csm,
        )
    card.refresh_from_db()
    assert (card.name, card.night_multiplier, card.valid_until) == (
        "通用（修订）",
        Decimal("1.60"),
        dt.date(2027, 6, 30),
    )
    assert card.hourly_rate == Decimal("200.00")
    (record,) = audits("rate_card.update")
    assert record["before"] == {
        "name": "通用",
        "night_multiplier": "1.50",
        "valid_until": None,
    }
    assert record["after"] == {
        "name": "通用（修订）",
        "night_multiplier": "1.60",
        "valid_until": "2027-06-30",
    }


def test_an_edit_that_changes_nothing_writes_nothing(csm):
    card = make_rate_card(name="通用")
    services.rate_card_update(card=card, name="通用", by=csm)
    assert not audits("rate_card.update")


@pytest.mark.parametrize(
    ("fields", "error", "says"),
    [
        ({"valid_until": dt.date(2026, 12, 13)}, InvalidInput, "days already past"),
        ({"night_multiplier": "0.9"}, InvalidInput, "between 1 and 10"),
        ({"name": " "}, InvalidInput, "needs a name"),
        ({"valid_until": dt.date(2025, 12, 31)}, InvalidInput, "ends before it starts"),
    ],
)
def test_a_bad_edit_changes_nothing(csm, fields, error, says):
    card = make_rate_card(name="通用")
    with clock.frozen(NOW), pytest.raises(error, match=says):
        services.rate_card_update(card=card, **fields, by=csm)
    card.refresh_from_db()
    assert (card.name, card.night_multiplier, card.valid_until) == (
        "通用",
        Decimal("1.50"),
        None,
    )
    assert not audits("rate_card.update")


def test_ending_a_card_yesterday_is_allowed_but_a_closed_past_end_stays(csm):
    card = make_rate_card(name="通用")
    with clock.frozen(NOW):
        services.rate_card_update(card=card, valid_until=TODAY - dt.timedelta(days=1), by=csm)
        services.rate_card_update(card=card, valid_until=None, by=csm)  # today is not past
        services.rate_card_update(card=card, valid_until=TODAY - dt.timedelta(days=1), by=csm)
    with clock.frozen(NOW + dt.timedelta(days=2)), pytest.raises(InvalidInput, match="past"):
        services.rate_card_update(card=card, valid_until=None, by=csm)  # the 15th is past now
    card.refresh_from_db()
    assert card.valid_until == dt.date(2026, 12, 14)


def test_an_edit_may_not_stretch_a_card_over_its_successor(csm):
    first = make_rate_card(name="一", valid_until=dt.date(2026, 12, 31))
    make_rate_card(name="二", valid_from=dt.date(2027, 1, 1))
    with clock.frozen(NOW), pytest.raises(Conflict, match="二"):
        services.rate_card_update(card=first, valid_until=None, by=csm)
    first.refresh_from_db()
    assert first.valid_until == dt.date(2026, 12, 31)


def test_an_engineer_may_not_edit_or_supersede(csm):
    card = make_rate_card()
    engineer = make_user("engineer")
    with pytest.raises(Exception) as refused:
        services.rate_card_update(card=card, name="x", by=engineer)
    assert refused.type.__name__ in {"NotFound", "Forbidden"}
    with pytest.raises(Forbidden):
        services.rate_card_supersede(card=card, hourly_rate="1", by=make_user("supervisor"))


def test_a_supersede_ends_the_card_the_day_before_and_starts_a_new_one(csm):
    card = make_rate_card(name="通用", hourly_rate="200", night="1.5", holiday="2")
    with clock.frozen(NOW):
        new = services.rate_card_supersede(
            card=card, hourly_rate="240", valid_from=dt.date(2027, 1, 1), by=csm
        )
    card.refresh_from_db()
    assert card.valid_until == dt.date(2026, 12, 31) and card.hourly_rate == Decimal("200.00")
    assert (new.name, new.hourly_rate, new.night_multiplier, new.holiday_multiplier) == (
        "通用",
        Decimal("240.00"),
        Decimal("1.50"),
        Decimal("2.00"),
    )
    assert (new.valid_from, new.valid_until, new.organization, new.tier) == (
        dt.date(2027, 1, 1),
        None,
        None,
        "",
    )
    (ended,) = audits("rate_card.supersede")
    assert ended["before"] == {"valid_until": None}
    assert ended["after"] == {"valid_until": "2026-12-31"}
    assert ended["successor"] == new.pk
    created = audits("rate_card.create")[-1]
    assert created["after"]["hourly_rate"] == "240.00" and created["supersedes"] == card.pk


def test_a_successor_keeps_the_end_of_the_card_it_supersedes(csm):
    card = make_rate_card(valid_until=dt.date(2027, 6, 30))
    with clock.frozen(NOW):
        new = services.rate_card_supersede(card=card, hourly_rate="210", by=csm)
    assert (new.valid_from, new.valid_until) == (TODAY, dt.date(2027, 6, 30))


@pytest.mark.parametrize(
    ("valid_from", "says"),
    [
        (dt.date(2026, 12, 14), "starts today"),  # in the past: would rewrite amounts
        (dt.date(2026, 1, 1), "starts today"),
        (dt.date(2027, 7, 1), "ends on 2027-06-30"),
    ],
)
def test_a_supersede_from_a_bad_day_changes_nothing(csm, valid_from, says):
    card = make_rate_card(valid_until=dt.date(2027, 6, 30))
    with clock.frozen(NOW), pytest.raises(InvalidInput, match=says):
        services.rate_card_supersede(card=card, hourly_rate="210", valid_from=valid_from, by=csm)
    card.refresh_from_db()
    assert card.valid_until == dt.date(2027, 6, 30) and RateCard.objects.count() == 1
    assert not audits("rate_card.supersede")


def test_a_supersede_on_the_cards_first_day_is_an_edit_not_a_new_card(csm):
    with clock.frozen(NOW):
        card = services.rate_card_create(name="今天起", hourly_rate="200", by=csm)
        with pytest.raises(InvalidInput, match="edit the card"):
            services.rate_card_supersede(card=card, hourly_rate="210", by=csm)
    assert RateCard.objects.count() == 1


def test_last_months_settlement_does_not_move_after_a_supersede(csm):
    covered, uncovered, beta_case = make_small_desk()  # December 2026, general card 200/h
    general = RateCard.objects.get()
    before = [
        (s.organization, s.minutes, s.amount, [p.card for p in s.logs])
        for s in selectors.settlement(month="2026-12", fetched_by=csm)
    ]
    assert before == [
        ("ACME", 30, Decimal("150.00"), ["通用"]),
        ("BETA", 60, Decimal("400.00"), ["通用"]),
    ]
    # On 2027-01-10 the price goes up from that day on; January's work costs the new rate.
    with clock.frozen(dt.datetime(2027, 1, 10, 2, tzinfo=dt.UTC)):
        new = services.rate_card_supersede(card=general, hourly_rate="300", by=csm)
    log_work(beta_case, make_user("supervisor"), 60, dt.datetime(2027, 1, 11, 10, 0))
    log_work(beta_case, make_user("supervisor"), 60, dt.datetime(2027, 1, 9, 10, 0))  # Sat
    after = [
        (s.organization, s.minutes, s.amount, [p.card for p in s.logs])
        for s in selectors.settlement(month="2026-12", fetched_by=csm)
    ]
    assert after == before
    (january,) = selectors.settlement(month="2027-01", fetched_by=csm)
    # Saturday 2027-01-09 at the old card (200 × 2), Monday the 11th at the new one (300).
    assert [(p.amount, p.hourly_rate) for p in january.logs] == [
        (Decimal("400.00"), Decimal("200.00")),
        (Decimal("300.00"), Decimal("300.00")),
    ]
    assert new.valid_from == dt.date(2027, 1, 10)
