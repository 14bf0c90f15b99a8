"""Reads of rate cards and of labour (work logs priced by the cards), for a reader.

Work logs are the CASEs' (``cases.models.WorkLog``); a log belongs to the day of its
``created_at`` in the desk's time zone.  Periods are whole days, both ends included.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from casedesk.accounts.models import StaffProfile
from casedesk.cases.models import WorkLog
from casedesk.core import clock, policy
from casedesk.core.errors import InvalidInput

from . import rates
from .models import RateCard
from .policy import LabourAction

BY = ("engineer", "organization", "case")
MAX_DAYS = 400


def rate_card_list(*, fetched_by) -> list[RateCard]:
    return list(policy.visible(fetched_by, RateCard).select_related("organization"))


@dataclass(frozen=True)
class PricedLog:
    """One work log (the fields the reports show) with its split and exact amount (0 when
    no card applies)."""

    case: str
    organization: str
    organization_name: str
    engineer: str
    minutes: int
    created_at: dt.datetime
    outside_contract: bool
    split: rates.Split
    exact: Fraction
    card: str

    @property
    def amount(self) -> Decimal:
        """The log's own amount to the cent (shown beside it; totals sum the exact ones)."""
        return rates.cents(self.exact)

    @property
    def month(self) -> str:
        return clock.local(self.created_at).strftime("%Y-%m")

    def key(self, by: str) -> str:
        if by == "engineer":
            return self.engineer
        if by == "organization":
            return self.organization
        return self.case


class Cards:
    """Which card prices a log: the organization's own before the general one, and of
    those a card for the engineer's tier before one for any tier."""

    def __init__(self, cards: list[RateCard]):
        self._by = {(c.organization_id, c.tier): c for c in cards}

    def for_log(self, organization_id: int, tier: str) -> RateCard | None:
        for key in ((organization_id, tier), (organization_id, ""), (None, tier), (None, "")):
            card = self._by.get(key)
            if card is not None:
                return card
        return None


def period(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[since 00:00, the day after until 00:00)`` in the desk's zone."""
    if until < since:
        raise InvalidInput(_("The period ends before it starts."))
    if (until - since).days >= MAX_DAYS:
        raise InvalidInput(_("A period is at most %(days)s days.") % {"days": MAX_DAYS})
    zone = clock.desk_zone()
    start = dt.datetime.combine(since, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def priced_logs(*, since: dt.date, until: dt.date, fetched_by) -> Iterator[PricedLog]:
    """Every work log with minutes created in the period, priced, oldest first."""
    policy.require(fetched_by, LabourAction.VIEW)
    start, end = period(since, until)
    # Plain rows, not model instances: a busy month is tens of thousands of logs.
    logs = (
        WorkLog.objects.filter(created_at__gte=start, created_at__lt=end, minutes__gt=0)
        .order_by("created_at", "id")
        .values_list(
            "minutes",
            "created_at",
            "author_id",
            "author__username",
            "case__number",
            "case__organization_id",
            "case__organization__code",
            "case__organization__name",
            "case__entitlement__entitled",
            "case__entitlement__goodwill",
        )
    )
    cards = Cards(list(RateCard.objects.all()))
    tiers = dict(StaffProfile.objects.values_list("user_id", "tier"))
    zone = clock.desk_zone()
    # One fetch, not a server-side cursor: PostgreSQL plans a cursor for its first rows
    # (a nested loop in created_at order), four times slower for the whole month.
    for minutes, ended, author_id, username, number, org_id, code, name, entitled, goodwill in logs:
        parts = rates.split_log(minutes, ended, zone)
        card = cards.for_log(org_id, tiers.get(author_id, ""))
        exact = (
            rates.amount(
                parts,
                rates.Rate(card.hourly_rate, card.night_multiplier, card.holiday_multiplier),
            )
            if card
            else Fraction(0)
        )
        yield PricedLog(
            case=number,
            organization=code,
            organization_name=name,
            engineer=username,
            minutes=minutes,
            created_at=ended,
            # Work the contract does not cover: the CASE's kept entitlement says not
            # entitled and no goodwill was granted (none decided: no contract covers it).
            outside_contract=not entitled and not goodwill,
            split=parts,
            exact=exact,
            card=card.name if card else "",
        )


@dataclass
class Row:
    key: str
    minutes: int = 0
    amount: Decimal = Decimal(0)  # rounded once from ``exact`` at the end
    month: str = ""
    exact: Fraction = Fraction(0)

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


def hours(minutes: int) -> Decimal:
    """Minutes as hours to two decimals (shown beside them)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def _sum(priced, key) -> list[Row]:
    rows: dict[tuple, Row] = {}
    for p in priced:
        k = key(p)
        row = rows.get(k)
        if row is None:
            row = rows[k] = Row(key=k[-1], month=k[0] if len(k) > 1 else "")
        row.minutes += p.minutes
        row.exact += p.exact
    out = sorted(rows.values(), key=lambda r: (r.month, r.key))
    for row in out:
        row.amount = rates.cents(row.exact)  # rounded once, at the row's total
    return out


def labour_rows(
    *, since: dt.date, until: dt.date, by: str, per_month: bool = False, fetched_by
) -> list[Row]:
    """Minutes and amount per engineer, organization or CASE (and month)."""
    if by not in BY:
        raise InvalidInput(
            _("Unknown grouping %(by)r; choose one of %(choices)s.")
            % {"by": by, "choices": ", ".join(BY)}
        )
    priced = priced_logs(since=since, until=until, fetched_by=fetched_by)
    if per_month:
        return _sum(priced, lambda p: (p.month, p.key(by)))
    return _sum(priced, lambda p: (p.key(by),))


@dataclass
class Settlement:
    """A customer's work outside its contract in one month."""

    organization: str
    name: str
    minutes: int
    amount: Decimal
    logs: list[PricedLog]


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    year, _dash, number = month.partition("-")
    try:
        first = dt.date(int(year), int(number), 1)
    except ValueError as exc:
        raise InvalidInput(_("A month is written YYYY-MM.")) from exc
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def settlement(*, month: str, fetched_by) -> list[Settlement]:
    """Per customer, the month's work logs outside its contract, with the total (rounded
    once per customer; each log's own amount is shown rounded, so lines may differ from the
    total by a cent)."""
    since, until = month_bounds(month)
    by_org: dict[str, list[PricedLog]] = defaultdict(list)
    for p in priced_logs(since=since, until=until, fetched_by=fetched_by):
        if p.outside_contract:
            by_org[p.organization].append(p)
    return [
        Settlement(
            organization=code,
            name=logs[0].organization_name,
            minutes=sum(p.minutes for p in logs),
            amount=rates.cents(sum((p.exact for p in logs), Fraction(0))),
            logs=logs,
        )
        for code, logs in sorted(by_org.items())
    ]
