"""Test data of ``labour``: rate cards through the service, work logs through ``cases``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from casedesk.accounts.models import User
from casedesk.cases import services as cases
from casedesk.cases.models import Case, WorkLog
from casedesk.core import clock
from casedesk.labour import services
from casedesk.labour.models import RateCard
from tests.accounts.factories import ContactFactory, OrganizationFactory, make_user
from tests.cases.factories import make_case
from tests.contracts.factories import make_contract, make_equipment, make_product

ZONE = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has no DST


def make_rate_card(
    *,
    name: str = "标准工时",
    hourly_rate: str = "200",
    night: str = "1.5",
    holiday: str = "2",
    organization: str = "",
    tier: str = "",
    valid_from: dt.date | None = dt.date(2026, 1, 1),
    valid_until: dt.date | None = None,
) -> RateCard:
    """A card through the operation; valid from 2026-01-01 unless told (the tests' work logs
    are of late 2026, and today moves)."""
    return services.rate_card_create(
        name=name,
        hourly_rate=Decimal(hourly_rate),
        night_multiplier=Decimal(night),
        holiday_multiplier=Decimal(holiday),
        organization=organization,
        tier=tier,
        valid_from=valid_from,
        valid_until=valid_until,
        by=make_user("cs_manager"),
    )


def log_work(case: Case, by: User, minutes: int, ended: dt.datetime) -> WorkLog:
    """A work log of ``minutes`` that ended at ``ended`` (local wall time +08:00 if naive);
    ``by`` may log work on any CASE (a supervisor) or works this one."""
    if ended.tzinfo is None:
        ended = ended.replace(tzinfo=ZONE)
    with clock.frozen(ended):
        return cases.case_log_work(case=case, kind="note", note="排查", minutes=minutes, by=by)


def make_small_desk() -> tuple[Case, Case, Case]:
    """ACME has a contract covering box FOC1; BETA has none.  One covered and one uncovered
    CASE of ACME, one of BETA; general card 200/h (night ×1.5, holiday ×2)."""
    acme = OrganizationFactory(code="ACME", name="艾克米")
    beta = OrganizationFactory(code="BETA", name="贝塔")
    contract = make_contract(number="HT-1", organization=acme, product=make_product())
    make_equipment(serial_number="FOC1", contract=contract)
    make_rate_card(name="通用", hourly_rate="200", night="1.5", holiday="2")
    sup = make_user("supervisor", username="zhao")
    with clock.frozen(dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC)):
        covered = make_case(contact=ContactFactory(organization=acme), serial_number="FOC1")
        uncovered = make_case(contact=ContactFactory(organization=acme), serial_number="NOPE9")
        beta_case = make_case(org=beta)
    assert covered.entitlement["entitled"] and not uncovered.entitlement["entitled"]
    log_work(covered, sup, 60, dt.datetime(2026, 12, 2, 12, 0))  # 200.00, covered
    log_work(uncovered, sup, 30, dt.datetime(2026, 12, 2, 20, 0))  # night: 150.00
    log_work(beta_case, sup, 60, dt.datetime(2026, 12, 5, 10, 0))  # Saturday: 400.00
    return covered, uncovered, beta_case
