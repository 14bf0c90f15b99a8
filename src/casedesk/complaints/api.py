"""Complaints (API.md § "Knowledge, surveys, complaints, customer replies")."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema, Status

from casedesk.accounts.selectors import organization_by_code
from casedesk.api.schemas import Detail, In
from casedesk.core import clock, policy

from . import selectors, services
from .models import Complaint
from .policy import ComplaintAction

MOUNT = "/complaints"
router = Router(tags=["complaints"])
ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 422: Detail}


class ComplaintIn(In):
    organization: str = Field(min_length=1, max_length=32)
    description: str = Field(min_length=1, max_length=services.DESCRIPTION_MAX)
    case: str | None = Field(None, max_length=20, description="a CASE number of the organization")
    source: Literal["portal", "phone", "api"] = "api"


class ComplaintNoteIn(In):
    note: str = Field("", max_length=2000)


class ComplaintResolveIn(In):
    resolution: str = Field(min_length=1, max_length=services.DESCRIPTION_MAX)


class ComplaintDeadlineOut(Schema):
    kind: str = Field(description="complaint_acknowledge (1 working day), complaint_resolution (5)")
    due_at: str | None
    fired_at: str | None
    met_at: str | None


class ComplaintOut(Schema):
    number: str = Field(examples=["K2612001"])
    organization: str
    description: str
    source: str
    status: str
    cases: list[str]
    engineers: list[str]
    resolution: str
    created_at: str
    created_by: str | None
    acknowledged_at: str | None
    acknowledged_by: str | None
    resolved_at: str | None
    resolved_by: str | None
    closed_at: str | None
    closed_by: str | None
    overdue: bool
    deadlines: list[ComplaintDeadlineOut]


def _login(user) -> str | None:
    return user.username if user is not None else None


def complaint_out(complaint: Complaint) -> dict:
    """A complaint as a selector loaded it (with its CASEs, engineers and deadlines)."""
    return {
        "number": complaint.number,
        "organization": complaint.organization.code,
        "description": complaint.description,
        "source": complaint.source,
        "status": complaint.status,
        "cases": sorted(c.number for c in complaint.cases.all()),
        "engineers": sorted(e.username for e in complaint.engineers.all()),
        "resolution": complaint.resolution,
        "created_at": clock.iso_utc(complaint.created_at),
        "created_by": _login(complaint.created_by),
        "acknowledged_at": clock.iso_utc(complaint.acknowledged_at),
        "acknowledged_by": _login(complaint.acknowledged_by),
        "resolved_at": clock.iso_utc(complaint.resolved_at),
        "resolved_by": _login(complaint.resolved_by),
        "closed_at": clock.iso_utc(complaint.closed_at),
        "closed_by": _login(complaint.closed_by),
        "overdue": complaint.overdue,  # type: ignore[attr-defined]
        "deadlines": [
            {
                "kind": d.kind,
                "due_at": clock.iso_utc(d.due_at),
                "fired_at": clock.iso_utc(d.fired_at),
                "met_at": clock.iso_utc(d.met_at),
            }
            for d in complaint.deadline_rows  # type: ignore[attr-defined]
        ],
    }


@router.post("", response={201: ComplaintOut, **ERRORS})
def file_complaint(request, body: ComplaintIn):
    policy.require(request.auth, ComplaintAction.FILE)
    organization = organization_by_code(body.organization.strip())
    policy.require(request.auth, ComplaintAction.FILE, organization)
    cases = [selectors.case_named(number=body.case, fetched_by=request.auth)] if body.case else []
    complaint = services.complaint_file(
        organization=organization,
        description=body.description,
        source=body.source,
        cases=cases,
        by=request.auth,
    )
    return Status(201, _reread(request, complaint))


def _reread(request, complaint: Complaint) -> dict:
    return complaint_out(selectors.complaint_get(number=complaint.number, fetched_by=request.auth))


@router.get("", response={200: list[ComplaintOut], **ERRORS})
def list_complaints(request):
    return [complaint_out(c) for c in selectors.complaint_list(fetched_by=request.auth, limit=50)]


@router.get("/{number}", response={200: ComplaintOut, **ERRORS})
def get_complaint(request, number: str):
    return complaint_out(selectors.complaint_get(number=number, fetched_by=request.auth))


@router.post("/{number}/acknowledge", response={200: ComplaintOut, **ERRORS})
def acknowledge_complaint(request, number: str, body: ComplaintNoteIn):
    complaint = selectors.complaint_get(number=number, fetched_by=request.auth)
    done = services.complaint_acknowledge(complaint=complaint, note=body.note, by=request.auth)
    return _reread(request, done)


@router.post("/{number}/resolve", response={200: ComplaintOut, **ERRORS})
def resolve_complaint(request, number: str, body: ComplaintResolveIn):
    complaint = selectors.complaint_get(number=number, fetched_by=request.auth)
    done = services.complaint_resolve(
        complaint=complaint, resolution=body.resolution, by=request.auth
    )
    return _reread(request, done)


@router.post("/{number}/close", response={200: ComplaintOut, **ERRORS})
def close_complaint(request, number: str):
    complaint = selectors.complaint_get(number=number, fetched_by=request.auth)
    return _reread(request, services.complaint_close(complaint=complaint, by=request.auth))
