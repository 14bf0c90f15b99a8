"""Every change to the rate cards: one operation each, checked, audited, published."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from casedesk.accounts import selectors as accounts
from casedesk.accounts.choices import Tier
from casedesk.accounts.models import User
from casedesk.core import audit, clock, events, policy
from casedesk.core.errors import Conflict, InvalidInput
from casedesk.core.operations import operation

from .events import RateCardCreated, RateCardSuperseded, RateCardUpdated
from .models import RateCard
from .policy import LabourAction

MAX_RATE = Decimal("99999999.99")
MAX_MULTIPLIER = Decimal("10")


def _money(value, field: str) -> Decimal:
    try:
        value = Decimal(str(value))
    except ArithmeticError as exc:
        raise InvalidInput(_("%(field)s is not a number.") % {"field": field}) from exc
    if not value.is_finite() or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(_("%(field)s takes at most two decimals.") % {"field": field})
    return value.quantize(Decimal("0.01"))  # as stored and answered: "1.50"


def _check(hourly_rate: Decimal, night: Decimal, holiday: Decimal) -> None:
    if not Decimal(0) < hourly_rate <= MAX_RATE:
        raise InvalidInput(_("The hourly rate must be more than 0."))
    for label, value in (
        (_("The night multiplier"), night),
        (_("The holiday multiplier"), holiday),
    ):
        if not Decimal(1) <= value <= MAX_MULTIPLIER:
            raise InvalidInput(
                _("%(what)s must be between 1 and %(most)s.")
                % {"what": label, "most": MAX_MULTIPLIER}
            )


def _snapshot(card: RateCard) -> dict:
    return {
        "name": card.name,
        "hourly_rate": str(card.hourly_rate),
        "night_multiplier": str(card.night_multiplier),
        "holiday_multiplier": str(card.holiday_multiplier),
        "organization": card.organization.code if card.organization else None,
        "tier": card.tier,
        "valid_from": card.valid_from.isoformat(),
        "valid_until": card.valid_until.isoformat() if card.valid_until else None,
    }


def today() -> dt.date:
    """The desk's local day now: the day a card's validity is measured against."""
    return clock.local(clock.now()).date()


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput(_("A rate card needs a name."))
    if len(name) > 120:
        raise InvalidInput(_("A rate card's name is at most 120 characters."))
    return name


def _day(value, field: str) -> dt.date:
    if isinstance(value, dt.datetime):  # a datetime is a date too: refuse it, be exact
        raise InvalidInput(_("%(field)s is a date (YYYY-MM-DD).") % {"field": field})
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidInput(_("%(field)s is a date (YYYY-MM-DD).") % {"field": field}) from exc


def _period(valid_from: dt.date, valid_until: dt.date | None) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput(_("A rate card's validity ends before it starts."))


def _overlapping(card: RateCard, *, excluding: int | None = None) -> RateCard | None:
    """A card of ``card``'s scope (organization, tier) valid on a day ``card`` is."""
    others = RateCard.objects.filter(organization=card.organization, tier=card.tier).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=card.valid_from)
    )
    if card.valid_until is not None:
        others = others.filter(valid_from__lte=card.valid_until)
    if excluding is not None:
        others = others.exclude(pk=excluding)
    return others.order_by("valid_from").first()


def _refuse_overlap(card: RateCard, *, excluding: int | None = None) -> None:
    other = _overlapping(card, excluding=excluding)
    if other is not None:
        raise Conflict(
            _(
                "Rate card %(name)s of this organization and tier is valid from %(from)s "
                "%(until)s; periods of one organization and tier may not overlap."
            )
            % {
                "name": other.name,
                "from": other.valid_from.isoformat(),
                "until": _("until %(day)s") % {"day": other.valid_until.isoformat()}
                if other.valid_until
                else _("on, open-ended"),
            }
        )


def _save(card: RateCard) -> None:
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError as exc:  # a concurrent call started a card of the scope that day
        raise Conflict(
            _("There is already a rate card for this organization and tier from that day.")
        ) from exc


@operation
def rate_card_create(
    *,
    name: str,
    hourly_rate: Decimal | str,
    night_multiplier: Decimal | str = Decimal(1),
    holiday_multiplier: Decimal | str = Decimal(1),
    organization: str = "",
    tier: str = "",
    valid_from: dt.date | str | None = None,
    valid_until: dt.date | str | None = None,
    by: User | None,
) -> RateCard:
    """A new card: the general one (no ``organization``) or an organization's own (its
    code); ``tier`` narrows it to engineers of that tier.  Valid from ``valid_from``
    (default: today, in the desk's zone) to ``valid_until`` (included; None: open-ended);
    no other card of the same organization and tier may be valid on any of those days.
    A card may start in the past: the first card of a scope prices the work logged before
    it (changing a price is :func:`rate_card_supersede`'s)."""
    policy.require(by, LabourAction.MANAGE_RATES)
    name = _name(name)
    rate = _money(hourly_rate, _("hourly rate"))
    night = _money(night_multiplier, _("night multiplier"))
    holiday = _money(holiday_multiplier, _("holiday multiplier"))
    _check(rate, night, holiday)
    if tier and tier not in Tier.values:
        raise InvalidInput(
            _("Unknown tier %(tier)r; choose one of %(choices)s.")
            % {"tier": tier, "choices": ", ".join(Tier.values)}
        )
    start = today() if valid_from is None else _day(valid_from, _("valid from"))
    until = None if valid_until is None else _day(valid_until, _("valid until"))
    _period(start, until)
    org = accounts.organization_by_code(organization.strip()) if organization.strip() else None
    card = RateCard(
        name=name,
        hourly_rate=rate,
        night_multiplier=night,
        holiday_multiplier=holiday,
        organization=org,
        tier=tier,
        valid_from=start,
        valid_until=until,
        created_at=clock.now(),
    )
    _refuse_overlap(card)
    _save(card)
    audit.record(action="rate_card.create", obj=card, actor=by, after=_snapshot(card))
    events.publish(RateCardCreated(card=card, by=by))
    return card


class Keep(Enum):
    """A field :func:`rate_card_update` leaves as it is (``valid_until=None`` is a change:
    open-ended)."""

    KEEP = "keep"


KEEP = Keep.KEEP


def _locked(card: RateCard) -> RateCard:
    return (
        RateCard.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=card.pk)
    )


@operation
def rate_card_update(
    *,
    card: RateCard,
    name: str | Keep = KEEP,
    night_multiplier: Decimal | str | Keep = KEEP,
    holiday_multiplier: Decimal | str | Keep = KEEP,
    valid_until: dt.date | str | None | Keep = KEEP,
    by: User | None,
) -> RateCard:
    """Change a card's name, multipliers or end (``valid_until``; None: open-ended).

    Its hourly rate, scope and start are not edited: a new rate from a date on is
    :func:`rate_card_supersede`.  The end may move only where it decides no day already
    past: neither the old nor the new end may lie before yesterday (ending a card
    yesterday leaves every past day priced as it was).  A new end may not make the card
    overlap another of its scope.
    """
    policy.require(by, LabourAction.MANAGE_RATES, card)
    card = _locked(card)
    before = _snapshot(card)
    if not isinstance(name, Keep):
        card.name = _name(name)
    if not isinstance(night_multiplier, Keep):
        card.night_multiplier = _money(night_multiplier, _("night multiplier"))
    if not isinstance(holiday_multiplier, Keep):
        card.holiday_multiplier = _money(holiday_multiplier, _("holiday multiplier"))
    _check(card.hourly_rate, card.night_multiplier, card.holiday_multiplier)
    repriced = (card.night_multiplier, card.holiday_multiplier) != (
        Decimal(before["night_multiplier"]),
        Decimal(before["holiday_multiplier"]),
    )
    if repriced and card.valid_from <= today():
        raise InvalidInput(
            _(
                "This card has priced work since %(day)s: new multipliers from a date on "
                "are a new card (a new rate from a date), so past amounts stay."
            )
            % {"day": card.valid_from.isoformat()}
        )
    if not isinstance(valid_until, Keep):
        until = None if valid_until is None else _day(valid_until, _("valid until"))
        if until != card.valid_until:
            _period(card.valid_from, until)
            yesterday = today() - dt.timedelta(days=1)
            ends = [d for d in (card.valid_until, until) if d is not None]
            if ends and min(ends) < yesterday:
                raise InvalidInput(
                    _(
                        "The end of a card may not move across days already past "
                        "(at the earliest it ends yesterday, %(day)s): past amounts stay."
                    )
                    % {"day": yesterday.isoformat()}
                )
            card.valid_until = until
            _refuse_overlap(card, excluding=card.pk)
    after = _snapshot(card)
    if after == before:
        return card
    card.save()
    audit.record(action="rate_card.update", obj=card, actor=by, before=before, after=after)
    events.publish(RateCardUpdated(card=card, by=by))
    return card


@operation
def rate_card_supersede(
    *,
    card: RateCard,
    hourly_rate: Decimal | str,
    valid_from: dt.date | str | None = None,
    night_multiplier: Decimal | str | None = None,
    holiday_multiplier: Decimal | str | None = None,
    name: str | None = None,
    by: User | None,
) -> RateCard:
    """A new price from ``valid_from`` on (default: today): ``card`` ends the day before,
    and a new card of its scope (its name and multipliers unless given) runs from
    ``valid_from`` to where ``card`` ended.  ``valid_from`` is today or later and after
    ``card``'s first day, so no amount of a day past moves.  Answers the new card."""
    policy.require(by, LabourAction.MANAGE_RATES, card)
    card = _locked(card)
    rate = _money(hourly_rate, _("hourly rate"))
    night = (
        card.night_multiplier
        if night_multiplier is None
        else _money(night_multiplier, _("night multiplier"))
    )
    holiday = (
        card.holiday_multiplier
        if holiday_multiplier is None
        else _money(holiday_multiplier, _("holiday multiplier"))
    )
    _check(rate, night, holiday)
    start = today() if valid_from is None else _day(valid_from, _("valid from"))
    if start < today():
        raise InvalidInput(
            _("A new rate starts today (%(day)s) or later: past amounts stay as they were.")
            % {"day": today().isoformat()}
        )
    if start <= card.valid_from:
        raise InvalidInput(
            _("A new rate starts after the card's first day (%(day)s); edit the card instead.")
            % {"day": card.valid_from.isoformat()}
        )
    if card.valid_until is not None and start > card.valid_until:
        raise InvalidInput(
            _("The card ends on %(day)s; a rate from a later day is a new card.")
            % {"day": card.valid_until.isoformat()}
        )
    before = _snapshot(card)
    successor = RateCard(
        name=card.name if name is None else _name(name),
        hourly_rate=rate,
        night_multiplier=night,
        holiday_multiplier=holiday,
        organization=card.organization,
        tier=card.tier,
        valid_from=start,
        valid_until=card.valid_until,
        created_at=clock.now(),
    )
    card.valid_until = start - dt.timedelta(days=1)
    card.save(update_fields=["valid_until"])
    _save(successor)
    audit.record(
        action="rate_card.supersede",
        obj=card,
        actor=by,
        before=before,
        after=_snapshot(card),
        data={"successor": successor.pk},
    )
    audit.record(
        action="rate_card.create",
        obj=successor,
        actor=by,
        after=_snapshot(successor),
        data={"supersedes": card.pk},
    )
    events.publish(RateCardSuperseded(card=card, successor=successor, by=by))
    return successor
