"""Reads of rate cards and of labour (work logs priced by the cards), for a reader.

Work logs are the CASEs' (``cases.models.WorkLog``); a log belongs to the day of its
``created_at`` in the desk's time zone.  Periods are whole days, both ends included.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from casedesk.accounts.models import StaffProfile
from casedesk.cases.choices import CaseAction
from casedesk.cases.models import WorkLog
from casedesk.core import clock, policy
from casedesk.core.errors import InvalidInput, NotFound

from . import rates
from .models import RateCard
from .policy import LabourAction

BY = ("engineer", "organization", "case")
MAX_DAYS = 400


def rate_card_list(*, fetched_by) -> list[RateCard]:
    return list(policy.visible(fetched_by, RateCard).select_related("organization"))


def rate_card_get(*, pk: int, fetched_by) -> RateCard:
    """One card the reader may see (NotFound otherwise)."""
    card = policy.visible(fetched_by, RateCard).select_related("organization").filter(pk=pk)
    found = card.first()
    if found is None:
        raise NotFound(_("No such rate card."))
    return found


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
    exact: int  # units of 1/rates.UNITS_PER_YUAN yuan
    card: str
    hourly_rate: Decimal | None = None

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
    """Which card prices a log: of the cards valid on the log's local day, the
    organization's own before the general one, and of those a card for the engineer's tier
    before one for any tier."""

    def __init__(
        self,
        cards: list[RateCard],
        since: dt.date | None = None,
        until: dt.date | None = None,
    ):
        """``since``/``until``: the period priced, if known (cards outside it are dropped)."""
        if since is not None and until is not None:
            cards = [
                c
                for c in cards
                if c.valid_from <= until and (c.valid_until is None or c.valid_until >= since)
            ]
        self._by: dict[tuple, list[RateCard]] = defaultdict(list)
        for c in sorted(cards, key=lambda c: c.valid_from):
            self._by[(c.organization_id, c.tier)].append(c)
        self._picked: dict[tuple, RateCard | None] = {}
        # Whether a log's day can be left out: one card per scope, valid all the period
        # (the usual month: no price changed in it), so the day picks nothing.
        self.timeless = (
            since is not None
            and until is not None
            and all(
                len(scope) == 1 and scope[0].valid_on(since) and scope[0].valid_on(until)
                for scope in self._by.values()
            )
        )

    def _valid(self, key: tuple, day: dt.date | None) -> RateCard | None:
        for card in self._by.get(key, ()):
            if day is None or card.valid_on(day):
                return card
        return None

    def for_log(
        self, organization_id: int | None, tier: str, day: dt.date | None
    ) -> RateCard | None:
        """The card for a log on local ``day`` (remembered: a month has a few dozen days);
        ``day`` None only when :attr:`timeless`."""
        picked = (organization_id, tier, day)
        if picked in self._picked:
            return self._picked[picked]
        card = None
        for key in ((organization_id, tier), (organization_id, ""), (None, tier), (None, "")):
            card = self._valid(key, day)
            if card is not None:
                break
        self._picked[picked] = card
        return card


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


_LOG_FIELDS = (
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


def _priced(logs, cards: Cards, tiers: dict[int, str]) -> Iterator[PricedLog]:
    zone = clock.desk_zone()
    timeless = cards.timeless
    prices: dict[int, rates.Rate] = {}
    for minutes, ended, author_id, username, number, org_id, code, name, entitled, goodwill in logs:
        parts = rates.split_log(minutes, ended, zone)
        day = None if timeless else ended.astimezone(zone).date()
        card = cards.for_log(org_id, tiers.get(author_id, ""), day)
        exact = 0
        if card is not None:
            rate = prices.get(card.pk)
            if rate is None:
                rate = prices[card.pk] = rates.Rate(
                    card.hourly_rate, card.night_multiplier, card.holiday_multiplier
                )
            exact = rates.amount(parts, rate)
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
            hourly_rate=card.hourly_rate if card else None,
        )


def priced_logs(*, since: dt.date, until: dt.date, fetched_by) -> Iterator[PricedLog]:
    """Every work log with minutes created in the period, priced, oldest first."""
    policy.require(fetched_by, LabourAction.VIEW)
    start, end = period(since, until)
    # Plain rows, not model instances: a busy month is tens of thousands of logs.
    logs = (
        WorkLog.objects.filter(created_at__gte=start, created_at__lt=end, minutes__gt=0)
        .order_by("created_at", "id")
        .values_list(*_LOG_FIELDS)
    )
    cards = Cards(list(RateCard.objects.all()), since, until)
    tiers = dict(StaffProfile.objects.values_list("user_id", "tier"))
    # One fetch, not a server-side cursor: PostgreSQL plans a cursor for its first rows
    # (a nested loop in created_at order), four times slower for the whole month.
    yield from _priced(logs, cards, tiers)


@dataclass
class EngineerLabour:
    """One engineer's work on a CASE: minutes, split, amount and the cards that priced it."""

    engineer: str
    minutes: int = 0
    day: Decimal = Decimal(0)
    night: Decimal = Decimal(0)
    holiday: Decimal = Decimal(0)
    exact: int = 0  # units of 1/rates.UNITS_PER_YUAN yuan
    cards: list[tuple[str, Decimal]] = field(default_factory=list)  # (name, hourly rate)
    unpriced: int = 0  # minutes no card was valid for

    @property
    def amount(self) -> Decimal:
        return rates.cents(self.exact)

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


@dataclass
class CaseLabour:
    engineers: list[EngineerLabour]
    outside_contract: bool

    @property
    def minutes(self) -> int:
        return sum(e.minutes for e in self.engineers)

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)

    @property
    def amount(self) -> Decimal:
        return rates.cents(sum(e.exact for e in self.engineers))

    @property
    def day(self) -> Decimal:
        return sum((e.day for e in self.engineers), Decimal(0))

    @property
    def night(self) -> Decimal:
        return sum((e.night for e in self.engineers), Decimal(0))

    @property
    def holiday(self) -> Decimal:
        return sum((e.holiday for e in self.engineers), Decimal(0))


def case_labour(*, case, fetched_by) -> CaseLabour:
    """A CASE's work priced, per engineer (three queries: logs, cards, tiers)."""
    policy.require(fetched_by, LabourAction.VIEW)
    logs = list(
        WorkLog.objects.filter(case=case, minutes__gt=0)
        .order_by("created_at", "id")
        .values_list(*_LOG_FIELDS)
    )
    cards = Cards(
        list(
            RateCard.objects.filter(
                Q(organization_id=case.organization_id) | Q(organization__isnull=True)
            )
        )
    )
    authors = {row[2] for row in logs}
    tiers = (
        dict(StaffProfile.objects.filter(user_id__in=authors).values_list("user_id", "tier"))
        if authors
        else {}
    )
    by_engineer: dict[str, EngineerLabour] = {}
    outside = False
    for p in _priced(logs, cards, tiers):
        e = by_engineer.setdefault(p.engineer, EngineerLabour(engineer=p.engineer))
        e.minutes += p.minutes
        e.day += p.split.day
        e.night += p.split.night
        e.holiday += p.split.holiday
        e.exact += p.exact
        if p.hourly_rate is None:
            e.unpriced += p.minutes
        elif (p.card, p.hourly_rate) not in e.cards:
            e.cards.append((p.card, p.hourly_rate))
        outside = p.outside_contract
    return CaseLabour(
        engineers=sorted(by_engineer.values(), key=lambda e: e.engineer),
        outside_contract=outside,
    )


def case_hours(*, case, fetched_by) -> list[tuple[dt.date, int]]:
    """The minutes worked on a CASE per local day, oldest first: what its customer reads
    (no amounts: prices are in the monthly settlement)."""
    policy.require(fetched_by, CaseAction.VIEW, case)
    zone = clock.desk_zone()
    days: dict[dt.date, int] = defaultdict(int)
    for minutes, ended in WorkLog.objects.filter(case=case, minutes__gt=0).values_list(
        "minutes", "created_at"
    ):
        days[ended.astimezone(zone).date()] += minutes
    return sorted(days.items())


@dataclass
class Row:
    key: str
    minutes: int = 0
    amount: Decimal = Decimal(0)  # rounded once from ``exact`` at the end
    month: str = ""
    exact: int = 0  # units of 1/rates.UNITS_PER_YUAN yuan

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
            amount=rates.cents(sum(p.exact for p in logs)),
            logs=logs,
        )
        for code, logs in sorted(by_org.items())
    ]
