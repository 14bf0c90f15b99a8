"""Vendors' test data, made through the services."""

from __future__ import annotations

import itertools

from casedesk.cases import services as cases
from casedesk.cases.models import Case
from casedesk.vendors import services
from casedesk.vendors.models import Vendor, VendorCase
from tests.accounts.factories import make_user
from tests.cases.factories import make_case

_seq = itertools.count(1)


def make_vendor(*, code: str | None = None, update_hours: int = 4, **fields) -> Vendor:
    code = code or f"TAC{next(_seq)}"
    defaults = {"name": f"{code} 技术支持", "email": f"{code.lower()}@vendor.example"}
    defaults.update(fields)
    return services.vendor_create(
        code=code, update_hours=update_hours, by=make_user("supervisor"), **defaults
    )


def working_case(*, priority: str = "P1", **fields) -> Case:
    """A CASE a senior engineer owns and works (who may escalate it to the vendor)."""
    case = make_case(priority=priority, **fields)
    owner = make_user("engineer", tier="senior")
    case = cases.case_assign(case=case, engineer=owner, by=make_user("duty_engineer"))
    return cases.case_accept(case=case, by=owner)


def make_vendor_case(
    *, case: Case | None = None, vendor: Vendor | None = None, reference: str | None = None,
    severity: str = "S2", by=None, sent: str = "show tech 已上传",
) -> VendorCase:  # fmt: skip
    case = case or working_case()
    return services.vendor_case_open(
        case=case,
        vendor=vendor or make_vendor(),
        reference=reference or f"69{next(_seq):07d}",
        severity=severity,
        sent=sent,
        by=by or case.engineer,
    )
