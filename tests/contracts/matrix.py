"""The contracts domain's entries in the authorization matrices."""

from __future__ import annotations

import datetime as dt

from casedesk.contracts.policy import ContractAction
from casedesk.contracts.policy import ContractAction as C
from tests.authorization import CONSOLE, NOTHING, PORTAL, Needs, Page, World
from tests.contracts.factories import make_contract, make_equipment, make_product

TODAY_SPAN = (dt.date(2020, 1, 1), dt.date(2099, 12, 31))


def build(world: World) -> None:
    product = make_product(code="MATRIX-GOLD")
    objects = {"product": product}
    for label, org in (("A", world.org_a), ("B", world.org_b)):
        contract = make_contract(
            number=f"MX-HT-{label}",
            organization=org,
            product=product,
            starts_on=TODAY_SPAN[0],
            ends_on=TODAY_SPAN[1],
        )
        objects[f"contract {label}"] = contract
        objects[f"equipment {label}"] = make_equipment(
            serial_number=f"MXSN{label}0001", contract=contract
        )
        objects[f"spare {label}"] = make_equipment(
            serial_number=f"MXSN{label}0002", organization=org
        )
    world.objects["contracts"] = objects


def _contracts(w: World, state: str = "") -> dict:
    o = w.objects["contracts"]
    return {
        "org A's contract": ("MX-HT-A", o["contract A"]),
        "org B's contract": ("MX-HT-B", o["contract B"]),
        "no such contract": ("MX-NOPE", NOTHING),
    }


def _serials(w: World, state: str = "") -> dict:
    o = w.objects["contracts"]
    return {
        "org A's box": ("MXSNA0001", o["equipment A"]),
        "org B's box": ("MXSNB0001", o["equipment B"]),
        "no such box": ("MXSNNOPE", NOTHING),
    }


ENDPOINTS = {
    "casedesk_api_contracts_list_service_products": (Needs((C.VIEW,)),),
    "casedesk_api_contracts_create_service_product": (
        Needs(
            (C.MANAGE_CATALOGUE,),
            lambda w: {
                "code": "MX-NEW",
                "name": "矩阵产品",
                "coverage": "5x8",
                "callback_minutes": 30,
                "first_worklog_minutes": 60,
                "annual_price": "12800.00",
            },
        ),
    ),
    "casedesk_api_contracts_list_contracts": (
        Needs((C.VIEW,)),
        Needs((C.VIEW,), query={"organization": "ORGB", "status": "active"}, label="org B"),
        Needs((C.VIEW,), query={"ending_within_days": "60"}, label="ending soon"),
    ),
    "casedesk_api_contracts_create_contract": (
        Needs(
            (C.MANAGE_CONTRACTS,),
            lambda w: {
                "number": "MX-HT-NEW",
                "organization": "ORGA",
                "service_product": "MATRIX-GOLD",
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
            },
        ),
        Needs(
            (C.MANAGE_CONTRACTS,),
            lambda w: {
                "number": "MX-HT-NEW",
                "organization": "NOPE",
                "service_product": "NOPE",
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
            },
            label="unknown organization and product",
        ),
    ),
    "casedesk_api_contracts_get_contract": (Needs((C.VIEW,)),),
    "casedesk_api_contracts_amend_contract": (
        Needs(
            (C.MANAGE_CONTRACTS,),
            lambda w: {"effective_on": "2030-01-01", "ends_on": "2100-12-31", "reason": "续约"},
        ),
    ),
    "casedesk_api_contracts_add_coverage": (
        Needs((C.MANAGE_CONTRACTS,), lambda w: {"serial_number": "MXSNA0002"}),
        Needs((C.MANAGE_CONTRACTS,), lambda w: {"serial_number": "MXSNNOPE"}, label="unknown box"),
    ),
    "casedesk_api_contracts_list_equipment": (
        Needs((C.VIEW,)),
        Needs((C.VIEW,), query={"organization": "ORGB", "q": "mxsnb"}, label="org B's"),
    ),
    "casedesk_api_contracts_create_equipment": (
        Needs(
            (C.MANAGE_EQUIPMENT,),
            lambda w: {
                "serial_number": "MXSNNEW",
                "organization": "ORGA",
                "model": "C9300",
                "vendor": "Cisco",
                "contract": "MX-HT-A",
            },
        ),
        Needs(
            (C.MANAGE_EQUIPMENT,),
            lambda w: {
                "serial_number": "MXSNNEW",
                "organization": "NOPE",
                "model": "C9300",
                "vendor": "Cisco",
            },
            label="unknown organization",
        ),
    ),
    "casedesk_api_contracts_get_equipment": (Needs((C.VIEW,)),),
    "casedesk_api_contracts_entitlement": (
        Needs((C.VIEW,), query={"serial_number": "MXSNA0001"}, label="org A's box"),
        Needs((C.VIEW,), query={"serial_number": "MXSNB0001"}, label="org B's box"),
        Needs((C.VIEW,), query={"organization": "ORGB"}, label="org B"),
    ),
}
API_FILLERS = {("contracts", "number"): _contracts, ("equipment", "serial_number"): _serials}


def _pages(kind):
    def fill(w: World) -> list:
        rows = (_contracts if kind == "number" else _serials)(w)
        return [(label, value, obj, obj is not NOTHING) for label, (value, obj) in rows.items()]

    return fill


PAGES = {
    "contracts:contract_list": Page(CONSOLE, (C.VIEW,)),
    "contracts:contract_new": Page(
        CONSOLE,
        (C.MANAGE_CONTRACTS,),
        form={
            "number": "MX-WEB-1",
            "organization": "ORGA",
            "service_product": "MATRIX-GOLD",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    ),
    "contracts:contract_detail": Page(CONSOLE, (C.VIEW,)),
    "contracts:contract_amend": Page(
        CONSOLE,
        (C.MANAGE_CONTRACTS,),
        post_only=True,
        form={"effective_on": "2030-01-01", "ends_on": "2100-12-31", "reason": "续约"},
    ),
    "contracts:coverage_add": Page(
        CONSOLE, (C.MANAGE_CONTRACTS,), post_only=True, form={"serial_number": "MXSNA0002"}
    ),
    "contracts:contract_quote_xlsx": Page(CONSOLE, (C.QUOTE,)),
    "contracts:contract_quote_pdf": Page(CONSOLE, (C.QUOTE,)),
    "contracts:product_list": Page(CONSOLE, (C.VIEW,)),
    "contracts:product_new": Page(
        CONSOLE,
        (C.MANAGE_CATALOGUE,),
        form={
            "code": "MX-WEB",
            "name": "矩阵",
            "coverage": "5x8",
            "callback_minutes": "30",
            "first_worklog_minutes": "60",
        },
    ),
    "contracts:equipment_list": Page(CONSOLE, (C.VIEW,)),
    "contracts:equipment_new": Page(
        CONSOLE,
        (C.MANAGE_EQUIPMENT,),
        form={"serial_number": "MXWEB1", "organization": "ORGA", "model": "m", "vendor": "v"},
    ),
    "contracts:equipment_detail": Page(CONSOLE, (C.VIEW,)),
    "contracts:portal_contracts": Page(PORTAL, (C.VIEW,)),
    # The intake forms' live entitlement hint (JSON).
    "contracts:entitlement_hint": Page(CONSOLE, (C.VIEW,)),
    "contracts:portal_entitlement_hint": Page(PORTAL, (C.VIEW,)),
    # The equipment import.
    "contracts:equipment_import": Page(CONSOLE, (ContractAction.MANAGE_EQUIPMENT,)),
    "contracts:equipment_import_confirm": Page(
        CONSOLE, (ContractAction.MANAGE_EQUIPMENT,), post_only=True, form={"token": "expired"}
    ),
}
PAGE_FILLERS = {
    "contracts:contract_detail/number": _pages("number"),
    "contracts:contract_amend/number": _pages("number"),
    "contracts:coverage_add/number": _pages("number"),
    "contracts:contract_quote_xlsx/number": _pages("number"),
    "contracts:contract_quote_pdf/number": _pages("number"),
    "contracts:equipment_detail/serial_number": _pages("serial"),
}
