"""The desk the import tests and the corpus (``corpus/``) name: organizations ACME and CTBJ,
a 7×24 product, contract HT-ACME-1 of ACME and HT-CTBJ-1 of CTBJ over 2026, made through the
contracts domain's services (tests/contracts/factories.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from casedesk.contracts.models import Contract
from tests.contracts import factories
from tests.factories import OrganizationFactory

CORPUS = Path(__file__).resolve().parent / "corpus"
HEADER = "serial_number,organization,model,vendor,contract,site,warranty_ends_on"


def make_contract(number: str, organization, product, starts_on=None, ends_on=None) -> Contract:
    return factories.make_contract(
        number=number,
        organization=organization,
        product=product,
        starts_on=starts_on or dt.date(2026, 1, 1),
        ends_on=ends_on or dt.date(2026, 12, 31),
    )


def make_desk() -> dict:
    acme = OrganizationFactory(code="ACME", name="中国电信北京分公司")
    ctbj = OrganizationFactory(code="CTBJ", name="招商银行")
    gold = factories.make_product(code="GOLD-7X24", first_worklog_minutes=60)
    return {
        "ACME": acme,
        "CTBJ": ctbj,
        "gold": gold,
        "HT-ACME-1": make_contract("HT-ACME-1", acme, gold),
        "HT-CTBJ-1": make_contract("HT-CTBJ-1", ctbj, gold),
    }


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()
