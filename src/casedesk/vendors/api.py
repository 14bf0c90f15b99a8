"""Vendors and vendor (TAC) cases: open one from a CASE, record the vendor's updates, close."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from casedesk.api.schemas import Detail, In
from casedesk.core import clock

from . import selectors, services
from .models import Vendor, VendorCase, VendorUpdate

MOUNT = "/"  # its paths name themselves: /vendors, /cases/{number}/vendor-cases, /vendor-cases/…
router = Router(tags=["vendors"])
ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 422: Detail}
SeverityField = Literal["S1", "S2", "S3", "S4"]


class VendorIn(In):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    update_hours: int = Field(24, ge=1, le=services.MAX_HOURS, description="follow-up interval")
    support_hours: str = Field("", max_length=200)
    severity_hours: dict[SeverityField, int] = Field(
        default_factory=dict, description="interval per severity, when it differs"
    )


class VendorContactOut(Schema):
    name: str
    role: str
    phone: str
    email: str


class VendorOut(Schema):
    id: int
    code: str
    name: str
    email: str
    support_hours: str
    update_hours: int
    severity_hours: dict[str, int]
    active: bool
    contacts: list[VendorContactOut]


class VendorCaseIn(In):
    vendor: str = Field(min_length=1, max_length=32, description="the vendor's code")
    reference: str = Field(min_length=1, max_length=64, description="the vendor's case number")
    severity: str = Field(description="S1, S2, S3 or S4")
    sent: str = Field("", max_length=10_000, description="what was sent to the vendor")
    files: list[int] = Field(default_factory=list, description="attachment ids of the CASE")


class VendorNoteIn(In):
    note: str = Field(min_length=1, max_length=10_000)


class CloseIn(In):
    note: str = Field("", max_length=10_000)


class VendorDeadlineOut(Schema):
    kind: str
    key: str
    recipient: str
    due_at: str | None
    fired_at: str | None
    met_at: str | None
    cancelled_at: str | None


class UpdateOut(Schema):
    id: int
    note: str
    at: dt.datetime
    late: bool
    by: str


class VendorCaseOut(Schema):
    id: int
    case: str
    vendor: str
    reference: str
    severity: str
    sent: str
    files: list[int]
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    last_update_at: dt.datetime
    next_update_due: str | None
    deadlines: list[VendorDeadlineOut]
    updates: list[UpdateOut]


def vendor_out(vendor: Vendor) -> dict:
    return {
        **{f: getattr(vendor, f) for f in ("id", "code", "name", "email", "support_hours")},
        "update_hours": vendor.update_hours,
        "severity_hours": vendor.severity_hours,
        "active": vendor.active,
        "contacts": [
            {"name": c.name, "role": c.role, "phone": c.phone, "email": c.email}
            for c in vendor.contacts.all()
        ],
    }


def _update_out(update: VendorUpdate) -> dict:
    return {
        "id": update.pk,
        "note": update.note,
        "at": update.at,
        "late": update.late,
        "by": update.by.username,
    }


def vendor_case_out(vc: VendorCase) -> dict:
    deadlines = [
        {
            "kind": d.kind,
            "key": d.key,
            "recipient": d.recipient,
            **{
                f: clock.iso_utc(getattr(d, f))
                for f in ("due_at", "fired_at", "met_at", "cancelled_at")
            },
        }
        for d in vc.deadlines
    ]
    running = vc.next_due
    return {
        "id": vc.pk,
        "case": vc.case.number,
        "vendor": vc.vendor.code,
        "reference": vc.reference,
        "severity": vc.severity,
        "sent": vc.sent,
        "files": [f.pk for f in vc.files.all()],
        "status": vc.status,
        "opened_at": vc.opened_at,
        "closed_at": vc.closed_at,
        "last_update_at": vc.last_update_at,
        "next_update_due": (
            clock.iso_utc(running.due_at)
            if running is not None and vc.status == "open" and running.cancelled_at is None
            else None
        ),
        "deadlines": deadlines,
        "updates": [_update_out(u) for u in vc.updates.all()],
    }


def _read(request, pk: int) -> dict:
    return vendor_case_out(selectors.vendor_case_get(pk=pk, fetched_by=request.auth))


@router.get("vendors", response={200: list[VendorOut], **ERRORS})
def list_vendors(request):
    return [vendor_out(v) for v in selectors.vendor_list(fetched_by=request.auth)]


@router.post("vendors", response={201: VendorOut, **ERRORS})
def create_vendor(request, body: VendorIn):
    vendor = services.vendor_create(**body.dict(), by=request.auth)
    return Status(201, vendor_out(vendor))


@router.get("vendors/{pk}", response={200: VendorOut, **ERRORS})
def get_vendor(request, pk: int):
    return vendor_out(selectors.vendor_get(pk=pk, fetched_by=request.auth))


@router.post("cases/{number}/vendor-cases", response={201: VendorCaseOut, **ERRORS})
def open_vendor_case(request, number: str, body: VendorCaseIn):
    case = selectors.case_to_escalate(number=number, fetched_by=request.auth)
    vendor = selectors.vendor_by_code(code=body.vendor, fetched_by=request.auth)
    vc = services.vendor_case_open(
        case=case,
        vendor=vendor,
        reference=body.reference,
        severity=body.severity,
        sent=body.sent,
        files=body.files,
        by=request.auth,
    )
    return Status(201, _read(request, vc.pk))


@router.get("vendor-cases", response={200: list[VendorCaseOut], **ERRORS})
def list_vendor_cases(request, status: Literal["", "open", "closed"] = ""):
    found = selectors.vendor_case_list(fetched_by=request.auth, status=status)
    return [vendor_case_out(vc) for vc in found]


@router.get("vendor-cases/{pk}", response={200: VendorCaseOut, **ERRORS})
def get_vendor_case(request, pk: int):
    return _read(request, pk)


@router.post("vendor-cases/{pk}/updates", response={201: VendorCaseOut, **ERRORS})
def record_vendor_update(request, pk: int, body: VendorNoteIn):
    vc = selectors.vendor_case_get(pk=pk, fetched_by=request.auth)
    services.vendor_case_update(vendor_case=vc, note=body.note, by=request.auth)
    return Status(201, _read(request, pk))


@router.post("vendor-cases/{pk}/close", response={200: VendorCaseOut, **ERRORS})
def close_vendor_case(request, pk: int, body: CloseIn | None = None):
    vc = selectors.vendor_case_get(pk=pk, fetched_by=request.auth)
    services.vendor_case_close(vendor_case=vc, note=body.note if body else "", by=request.auth)
    return _read(request, pk)
