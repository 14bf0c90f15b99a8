"""Rate cards and the labour report (API.md § "Spare parts, RMA, field service, labour")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from casedesk.api.schemas import Detail, In
from casedesk.core import policy
from casedesk.core.errors import InvalidInput

from . import selectors, services
from .models import RateCard
from .policy import LabourAction

MOUNT = "/"  # its paths name themselves: /rate-cards, /reports/labour
router = Router(tags=["labour"])
ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 422: Detail}

Day = Annotated[dt.date, Field(strict=False)]
# CNY; a JSON number or a string ("180.00"); checked by the operation (> 0, ≥ 1).
Money = Annotated[Decimal, Field(strict=False, allow_inf_nan=False)]


class RateCardIn(In):
    name: str = Field(min_length=1, max_length=120)
    hourly_rate: Money = Field(description="CNY per hour, more than 0, at most two decimals")
    night_multiplier: Money = Field(
        Decimal(1), description="for minutes outside 09:00–18:00 on a working day; 1–10"
    )
    holiday_multiplier: Money = Field(
        Decimal(1), description="for minutes on rest days and public holidays (调休 kept); 1–10"
    )
    organization: str = Field("", max_length=32, description="its code; empty: the general card")
    tier: Literal["", "first_line", "senior"] = Field("", description="empty: any engineer")
    valid_from: Day | None = Field(None, description="the first day it prices; default today")
    valid_until: Day | None = Field(None, description="the last day it prices; none: open-ended")


class RateCardPatch(In):
    """Name, multipliers and end; the hourly rate changes from a date on (``supersede``)."""

    name: str | None = Field(None, min_length=1, max_length=120)
    night_multiplier: Money | None = None
    holiday_multiplier: Money | None = None
    valid_until: Day | None = Field(
        None, description="null: open-ended; not before yesterday (past amounts stay)"
    )


class SupersedeIn(In):
    hourly_rate: Money = Field(description="the new rate, CNY per hour")
    valid_from: Day | None = Field(None, description="today or later; default today")
    night_multiplier: Money | None = Field(None, description="default: the card's")
    holiday_multiplier: Money | None = Field(None, description="default: the card's")
    name: str | None = Field(None, min_length=1, max_length=120, description="default: the card's")


class RateCardOut(Schema):
    id: int
    name: str
    hourly_rate: Decimal = Field(description="a string: exact")
    night_multiplier: Decimal
    holiday_multiplier: Decimal
    organization: str | None
    tier: str
    valid_from: dt.date
    valid_until: dt.date | None


class RateCardList(Schema):
    items: list[RateCardOut]


def _card(card: RateCard) -> dict:
    return {
        "id": card.pk,
        "name": card.name,
        "hourly_rate": card.hourly_rate,
        "night_multiplier": card.night_multiplier,
        "holiday_multiplier": card.holiday_multiplier,
        "organization": card.organization.code if card.organization else None,
        "tier": card.tier,
        "valid_from": card.valid_from,
        "valid_until": card.valid_until,
    }


@router.post("rate-cards", response={201: RateCardOut, **ERRORS})
def create_rate_card(request, body: RateCardIn):
    card = services.rate_card_create(**body.model_dump(), by=request.auth)
    return Status(201, _card(card))


@router.get("rate-cards", response={200: RateCardList, **ERRORS})
def list_rate_cards(request):
    policy.require(request.auth, LabourAction.VIEW)
    return {"items": [_card(c) for c in selectors.rate_card_list(fetched_by=request.auth)]}


@router.patch("rate-cards/{card_id}", response={200: RateCardOut, **ERRORS})
def update_rate_card(request, card_id: int, body: RateCardPatch):
    card = selectors.rate_card_get(pk=card_id, fetched_by=request.auth)
    changes = body.model_dump(exclude_unset=True)
    for required in ("name", "night_multiplier", "holiday_multiplier"):
        if required in changes and changes[required] is None:
            raise InvalidInput(_("%(field)s may not be null.") % {"field": required})
    card = services.rate_card_update(card=card, **changes, by=request.auth)
    return _card(card)


@router.post("rate-cards/{card_id}/supersede", response={201: RateCardOut, **ERRORS})
def supersede_rate_card(request, card_id: int, body: SupersedeIn):
    card = selectors.rate_card_get(pk=card_id, fetched_by=request.auth)
    successor = services.rate_card_supersede(card=card, **body.model_dump(), by=request.auth)
    return Status(201, _card(successor))


class LabourQuery(Schema):
    since: Day
    until: Day
    by: Literal["engineer", "organization", "case"]


class RowOut(Schema):
    key: str = Field(description="the engineer's username, the organization's code or the CASE")
    minutes: int
    amount: Decimal = Field(description="CNY, rounded to the cent half up (a string: exact)")


class LabourReport(Schema):
    rows: list[RowOut]


@router.get("reports/labour", response={200: LabourReport, **ERRORS})
def labour_report(request, query: Query[LabourQuery]):
    rows = selectors.labour_rows(
        since=query.since, until=query.until, by=query.by, fetched_by=request.auth
    )
    return {"rows": [{"key": r.key, "minutes": r.minutes, "amount": r.amount} for r in rows]}
