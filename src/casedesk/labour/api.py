"""Rate cards and the labour report (API.md § "Spare parts, RMA, field service, labour")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Query, Router, Schema, Status

from casedesk.api.schemas import Detail, In

from . import selectors, services
from .models import RateCard

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


class RateCardOut(Schema):
    id: int
    name: str
    hourly_rate: Decimal = Field(description="a string: exact")
    night_multiplier: Decimal
    holiday_multiplier: Decimal
    organization: str | None
    tier: str


def _card(card: RateCard) -> dict:
    return {
        "id": card.pk,
        "name": card.name,
        "hourly_rate": card.hourly_rate,
        "night_multiplier": card.night_multiplier,
        "holiday_multiplier": card.holiday_multiplier,
        "organization": card.organization.code if card.organization else None,
        "tier": card.tier,
    }


@router.post("rate-cards", response={201: RateCardOut, **ERRORS})
def create_rate_card(request, body: RateCardIn):
    card = services.rate_card_create(**body.model_dump(), by=request.auth)
    return Status(201, _card(card))


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
