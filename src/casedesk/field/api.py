"""Field visits: dispatch on a CASE, check in, check out with the customer's signature,
the signed on-site service form as PDF."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from casedesk.accounts import selectors as people
from casedesk.api.schemas import Detail, In
from casedesk.cases import attachments

from . import selectors, services
from .models import Visit

API_ROOT = "/api/v1"
MOUNT = "/"  # its paths name themselves: /cases/{number}/visits, /visits/{id}/…
router = Router(tags=["field"])
ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 413: Detail, 422: Detail}


class VisitIn(In):
    engineer: str = Field(min_length=1, max_length=150, description="username")
    scheduled_at: dt.datetime = Field(strict=False, description="ISO 8601 with its time zone")
    parts: list[str] = Field(default_factory=list, description="part numbers to take")
    tools: str = ""


class CheckInIn(In):
    at: dt.datetime | None = Field(default=None, strict=False)


class CheckOutIn(In):
    work_done: str
    customer_name: str
    signature: str = Field(description="PNG data URL (data:image/png;base64,…), at most 2 MB")
    parts_used: list[str] = Field(default_factory=list)
    at: dt.datetime | None = Field(
        default=None, strict=False, description="when signed (a form kept offline); default now"
    )


class VisitOut(Schema):
    id: int
    case: str
    engineer: str
    status: str
    scheduled_at: dt.datetime = Field(strict=False, description="ISO 8601 with its time zone")
    parts: list[str]
    tools: str
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    work_done: str
    parts_used: list[str]
    customer_name: str
    report_url: str | None
    form_version: int | None
    form_sha256: str | None


def visit_out(visit: Visit) -> dict:
    form = visit.forms.order_by("-version").first()
    return {
        "id": visit.pk,
        "case": visit.case.number,
        "engineer": visit.engineer.username,
        "status": visit.status,
        "scheduled_at": visit.scheduled_at,
        "parts": visit.parts,
        "tools": visit.tools,
        "checked_in_at": visit.checked_in_at,
        "checked_out_at": visit.checked_out_at,
        "work_done": visit.work_done,
        "parts_used": visit.parts_used,
        "customer_name": visit.customer_name,
        "report_url": f"{API_ROOT}/visits/{visit.pk}/report.pdf" if form else None,
        "form_version": form.version if form else None,
        "form_sha256": form.sha256 if form else None,
    }


@router.post("cases/{number}/visits", response={201: VisitOut, **ERRORS})
def create_visit(request, number: str, body: VisitIn):
    case = selectors.case_to_visit(number=number, fetched_by=request.auth)
    engineer = people.engineer_by_username(body.engineer)
    visit = services.visit_create(
        case=case,
        engineer=engineer,
        scheduled_at=body.scheduled_at,
        parts=body.parts,
        tools=body.tools,
        by=request.auth,
    )
    return Status(201, visit_out(visit))


@router.get("visits/{pk}", response={200: VisitOut, **ERRORS})
def get_visit(request, pk: int):
    return visit_out(selectors.visit_get(pk=pk, fetched_by=request.auth))


@router.post("visits/{pk}/check-in", response={200: VisitOut, **ERRORS})
def check_in(request, pk: int, body: CheckInIn | None = None):
    visit = selectors.visit_get(pk=pk, fetched_by=request.auth)
    visit = services.visit_check_in(visit=visit, at=body.at if body else None, by=request.auth)
    return visit_out(visit)


@router.post("visits/{pk}/check-out", response={200: VisitOut, **ERRORS})
def check_out(request, pk: int, body: CheckOutIn):
    visit = selectors.visit_get(pk=pk, fetched_by=request.auth)
    form = services.visit_check_out(
        visit=visit,
        work_done=body.work_done,
        customer_name=body.customer_name,
        signature=body.signature,
        parts_used=body.parts_used,
        at=body.at,
        by=request.auth,
    )
    return visit_out(form.visit)


@router.get("visits/{pk}/report.pdf", response={200: None, **ERRORS})
def visit_report(request, pk: int) -> HttpResponse:
    visit = selectors.visit_get(pk=pk, fetched_by=request.auth)
    form = selectors.latest_form(visit)
    return attachments.file_response(form.attachment, inline=True)
