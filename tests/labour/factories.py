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
from tests.accounts.factories import make_user

ZONE = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has no DST


def make_rate_card(
    *,
    name: str = "标准工时",
    hourly_rate: str = "200",
    night: str = "1.5",
    holiday: str = "2",
    organization: str = "",
    tier: str = "",
) -> RateCard:
    return services.rate_card_create(
        name=name,
        hourly_rate=Decimal(hourly_rate),
        night_multiplier=Decimal(night),
        holiday_multiplier=Decimal(holiday),
        organization=organization,
        tier=tier,
        by=make_user("cs_manager"),
    )


def log_work(case: Case, by: User, minutes: int, ended: dt.datetime) -> WorkLog:
    """A work log of ``minutes`` that ended at ``ended`` (local wall time +08:00 if naive);
    ``by`` may log work on any CASE (a supervisor) or works this one."""
    if ended.tzinfo is None:
        ended = ended.replace(tzinfo=ZONE)
    with clock.frozen(ended):
        return cases.case_log_work(case=case, kind="note", note="排查", minutes=minutes, by=by)
