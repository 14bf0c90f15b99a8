"""Every change to the rate cards: one operation each, checked, audited, published."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from casedesk.accounts import selectors as accounts
from casedesk.accounts.choices import Tier
from casedesk.accounts.models import User
from casedesk.core import audit, clock, events, policy
from casedesk.core.errors import Conflict, InvalidInput
from casedesk.core.operations import operation

from .events import RateCardCreated
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
    }


@operation
def rate_card_create(
    *,
    name: str,
    hourly_rate: Decimal | str,
    night_multiplier: Decimal | str = Decimal(1),
    holiday_multiplier: Decimal | str = Decimal(1),
    organization: str = "",
    tier: str = "",
    by: User | None,
) -> RateCard:
    """A new card: the general one (no ``organization``) or an organization's own (its
    code); ``tier`` narrows it to engineers of that tier."""
    policy.require(by, LabourAction.MANAGE_RATES)
    name = name.strip()
    if not name:
        raise InvalidInput(_("A rate card needs a name."))
    if len(name) > 120:
        raise InvalidInput(_("A rate card's name is at most 120 characters."))
    rate = _money(hourly_rate, _("hourly rate"))
    night = _money(night_multiplier, _("night multiplier"))
    holiday = _money(holiday_multiplier, _("holiday multiplier"))
    _check(rate, night, holiday)
    if tier and tier not in Tier.values:
        raise InvalidInput(
            _("Unknown tier %(tier)r; choose one of %(choices)s.")
            % {"tier": tier, "choices": ", ".join(Tier.values)}
        )
    org = accounts.organization_by_code(organization.strip()) if organization.strip() else None
    taken = _("There is already a rate card for this organization and tier.")
    if RateCard.objects.filter(organization=org, tier=tier).exists():
        raise Conflict(taken)
    card = RateCard(
        name=name,
        hourly_rate=rate,
        night_multiplier=night,
        holiday_multiplier=holiday,
        organization=org,
        tier=tier,
        created_at=clock.now(),
    )
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError as exc:  # a concurrent call took the same (organization, tier)
        raise Conflict(taken) from exc
    audit.record(action="rate_card.create", obj=card, actor=by, after=_snapshot(card))
    events.publish(RateCardCreated(card=card, by=by))
    return card
