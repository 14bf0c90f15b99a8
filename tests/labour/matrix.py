"""The labour domain's entries in the authorization matrices."""

from __future__ import annotations

from casedesk.labour import services
from casedesk.labour.policy import LabourAction as L
from tests.authorization import CONSOLE, NOTHING, Needs, Page, World
from tests.labour.factories import make_rate_card


def build(world: World) -> None:
    world.objects["labour"] = {"card": make_rate_card(name="MATRIX-通用")}


PERIOD = {"since": "2026-12-01", "until": "2026-12-31"}

ENDPOINTS = {
    "casedesk_api_labour_create_rate_card": (
        Needs(
            (L.MANAGE_RATES,),
            lambda w: {
                "name": "矩阵-ORGA",
                "hourly_rate": "180.00",
                "night_multiplier": "1.5",
                "holiday_multiplier": "2",
                "organization": "ORGA",
            },
        ),
        Needs(
            (L.MANAGE_RATES,),
            lambda w: {"name": "矩阵", "hourly_rate": "180", "organization": "NOPE"},
            label="unknown organization",
        ),
    ),
    "casedesk_api_labour_list_rate_cards": (Needs((L.VIEW,)),),
    "casedesk_api_labour_update_rate_card": (
        Needs((L.MANAGE_RATES,), lambda w: {"name": "矩阵-改名"}),
    ),
    "casedesk_api_labour_supersede_rate_card": (
        Needs((L.MANAGE_RATES,), lambda w: {"hourly_rate": "220"}),
    ),
    "casedesk_api_labour_labour_report": tuple(
        Needs((L.VIEW,), query={**PERIOD, "by": by}, label=by)
        for by in ("engineer", "organization", "case")
    ),
}


def _cards(w: World, state: str = "") -> dict:
    card = w.objects["labour"]["card"]
    return {"a rate card": (str(card.pk), card), "no such rate card": ("999999", NOTHING)}


API_FILLERS = {("rate-cards", "card_id"): _cards}

PAGES = {
    "labour:report": Page(CONSOLE, (L.VIEW,)),
    "labour:report_xlsx": Page(CONSOLE, (L.VIEW,)),
    "labour:settlement": Page(CONSOLE, (L.VIEW,)),
    "labour:settlement_xlsx": Page(CONSOLE, (L.VIEW,)),
    "labour:rate_cards": Page(CONSOLE, (L.VIEW,)),
    "labour:rate_card_new": Page(
        CONSOLE,
        (L.MANAGE_RATES,),
        form={
            "name": "矩阵网页",
            "hourly_rate": "180",
            "night_multiplier": "1.5",
            "holiday_multiplier": "2",
            "organization": "ORGB",
            "tier": "",
        },
    ),
    "labour:rate_card_edit": Page(
        CONSOLE,
        (L.MANAGE_RATES,),
        form={"name": "矩阵网页改", "night_multiplier": "1.5", "holiday_multiplier": "2"},
    ),
    "labour:rate_card_supersede": Page(
        CONSOLE,
        (L.MANAGE_RATES,),
        form=lambda: {
            "hourly_rate": "230",
            "valid_from": services.today().isoformat(),
            "night_multiplier": "1.5",
            "holiday_multiplier": "2",
        },
    ),
}


def _card_pages(w: World) -> list:
    return [(label, value, obj, obj is not NOTHING) for label, (value, obj) in _cards(w).items()]


PAGE_FILLERS = {
    "labour:rate_card_edit/pk": _card_pages,
    "labour:rate_card_supersede/pk": _card_pages,
}
