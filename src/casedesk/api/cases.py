"""CASEs: open, list, read, history, and one endpoint per lifecycle action.

Each endpoint: parse → permission-checked fetch (selectors) → one operation → serialize.
"""

from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel

from casedesk.accounts import selectors as people
from casedesk.caselist import selectors as caselist
from casedesk.cases import selectors, services
from casedesk.cases.choices import CaseAction as A
from casedesk.cases.models import Case, CaseEvent, WorkLog
from casedesk.core import clock, policy
from casedesk.core.errors import InvalidInput
from casedesk.surveys import selectors as surveys

from .schemas import AllowanceUseOut, Detail, Empty, In

router = Router(tags=["cases"])

PriorityField = Literal["P1", "P2", "P3", "P4"]
ChannelField = Literal["phone", "email", "web", "fax", "api"]
StatusField = Literal["open", "assigned", "in_progress", "pending", "resolved", "closed"]
TEXT_MAX = settings.CASEDESK_TEXT_MAX

ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 422: Detail}


# --- output --------------------------------------------------------------------------


class Out(BaseModel):
    """Answers: plain pydantic models over the dicts the ``*_out`` functions build.

    ninja's ``Schema`` wraps every nested object in a getter that resolves attributes one by
    one (built for ORM objects); over dicts that cost 1.5 ms of CPU for a page of 25 CASEs,
    a third of the request.  A plain model validates the same dicts in 0.13 ms.
    """


class DeadlineOut(Out):
    kind: str = Field(description="callback, engineer_callback, callback_chase, …, resolution")
    due_at: str | None = Field(description="null while the clock is paused")
    fired_at: str | None = Field(description="when the supervisor fired it (it was missed)")
    met_at: str | None = Field(description="when the promise was kept")
    recipient: str = Field(description="for escalation levels: who is told")


class CallerOut(Out):
    name: str
    company: str
    phone: str
    email: str
    address: str


class EntitlementOut(Out):
    entitled: bool
    contract: str | None = Field(description="the contract's number")
    service_product: str | None = Field(description="the service product's code")
    reason: str = Field(description="covered, expired, not_started, no_contract, unknown_serial …")
    goodwill: bool = Field(False, description="served without cover, approved by a manager")
    allowances: list[AllowanceUseOut] | None = Field(
        None, description="its product's allowances at intake, this CASE counted; if any"
    )


class SurveyAnswerOut(Out):
    score: int = Field(description="1–5")
    comment: str


class CaseOut(Out):
    number: str = Field(examples=["C2611001"])
    title: str
    description: str
    status: StatusField
    priority: PriorityField
    channel: ChannelField
    organization: str
    contact: int | None
    caller: CallerOut
    contract_id: str
    hardware_platform: str
    software_version: str
    serial_number: str
    entitlement: EntitlementOut | None = Field(
        None, description="decided at intake and kept; null when nobody decided"
    )
    engineer: str | None = Field(description="username")
    engineer_name: str | None = Field(
        None, description="the engineer's name as the desk shows it (王建国, Wei Wang)"
    )
    helpers: list[str]
    reassignment_requested: bool
    escalation_level: int = Field(description="0 none, 1 senior engineer, 2 vendor")
    vendor_reference: str
    pending_reason: str
    solution: str
    reopen_count: int
    created_at: str
    assigned_at: str | None
    accepted_at: str | None
    resolved_at: str | None
    confirmed_at: str | None
    closed_at: str | None
    deadlines: list[DeadlineOut]
    survey: SurveyAnswerOut | None = Field(
        None, description="the satisfaction survey's answer; filled by GET /cases/{number}"
    )


class CaseListOut(Out):
    count: int
    items: list[CaseOut]


class EventOut(Out):
    at: str
    actor: str | None = Field(description="username, or null for the system")
    actor_name: str | None = Field(
        None, description="the actor's name as the desk shows it, or null for the system"
    )
    kind: str
    data: dict


class WorkLogOut(Out):
    id: int
    case: str
    author: str
    kind: str
    note: str
    minutes: int
    internal: bool
    created_at: str


def case_out(case: Case, viewer, *, helpers: list[str] | None = None) -> dict:
    """The API's view of a CASE for ``viewer``; ``helpers`` when the caller knows them."""
    if helpers is None:
        helpers = selectors.helper_usernames(case)
    return {
        "number": case.number,
        "title": case.title,
        "description": case.description,
        "status": case.status,
        "priority": case.priority,
        "channel": case.channel,
        "organization": case.organization.code,
        "contact": case.contact_id,
        "caller": {
            "name": case.caller_name,
            "company": case.caller_company,
            "phone": case.caller_phone,
            "email": case.caller_email,
            "address": case.caller_address,
        },
        "contract_id": case.contract_id,
        "hardware_platform": case.hardware_platform,
        "software_version": case.software_version,
        "serial_number": case.serial_number,
        "entitlement": entitlement_out(case.entitlement),
        "engineer": case.engineer.username if case.engineer_id else None,
        "engineer_name": case.engineer.display_name if case.engineer_id else None,
        "helpers": helpers,
        "reassignment_requested": case.reassignment_requested,
        "escalation_level": case.escalation_level,
        "vendor_reference": case.vendor_reference,
        "pending_reason": case.pending_reason,
        "solution": case.solution,
        "reopen_count": case.reopen_count,
        "created_at": clock.iso_utc(case.created_at),
        "assigned_at": clock.iso_utc(case.assigned_at),
        "accepted_at": clock.iso_utc(case.accepted_at),
        "resolved_at": clock.iso_utc(case.resolved_at),
        "confirmed_at": clock.iso_utc(case.confirmed_at),
        "closed_at": clock.iso_utc(case.closed_at),
        "deadlines": caselist.deadlines_of(case, viewer),
    }


def entitlement_out(entitlement: dict | None) -> dict | None:
    if entitlement is None:
        return None
    return {
        "entitled": bool(entitlement.get("entitled")),
        "contract": entitlement.get("contract"),
        "service_product": entitlement.get("service_product"),
        "reason": entitlement.get("reason") or "",
        "goodwill": bool(entitlement.get("goodwill")),
        "allowances": entitlement.get("allowances"),
    }


def event_out(event: CaseEvent) -> dict:
    return {
        "at": clock.iso_utc(event.at),
        "actor": event.actor.username if event.actor_id else None,
        "actor_name": event.actor.display_name if event.actor_id else None,
        "kind": event.kind,
        "data": event.data,
    }


def worklog_out(worklog: WorkLog) -> dict:
    return {
        "id": worklog.pk,
        "case": worklog.case.number,
        "author": worklog.author.username,
        "kind": worklog.kind,
        "note": worklog.note,
        "minutes": worklog.minutes,
        "internal": worklog.internal,
        "created_at": clock.iso_utc(worklog.created_at),
    }


# --- input ---------------------------------------------------------------------------


class CaseIn(In):
    organization: str = Field(max_length=32)
    contact: int
    title: str = Field(min_length=1, max_length=settings.CASEDESK_TITLE_MAX)
    description: str = Field("", max_length=TEXT_MAX)
    priority: PriorityField
    channel: ChannelField
    hardware_platform: str = Field("", max_length=100)
    software_version: str = Field("", max_length=100)
    serial_number: str = Field("", max_length=64)
    contract_id: str = Field("", max_length=64)


class CaseFilters(Schema):
    status: StatusField | None = None
    priority: PriorityField | None = None
    engineer: str | None = Field(None, max_length=150, description="username, or `none`")
    organization: str | None = Field(None, max_length=32)
    q: str | None = Field(None, max_length=200, description="number, serial number or words")
    limit: int = Field(25, ge=1, le=settings.CASEDESK_API_PAGE_MAX)
    offset: int = Field(0, ge=0, le=2**31 - 1)


class AssignIn(In):
    engineer: str = Field(max_length=150)
    note: str = Field("", max_length=TEXT_MAX)
    override_reason: str = Field(
        "",
        max_length=TEXT_MAX,
        description="why a P1/P2 CASE goes to a first-line engineer (needed for that: without"
        " it such an assignment is 409); recorded in the assignment's event",
    )


class WorkLogIn(In):
    kind: Literal["callback", "phone", "remote", "onsite", "rma", "note"]
    note: str = Field(min_length=1, max_length=TEXT_MAX)
    minutes: int = Field(0, ge=0, le=services.MAX_WORKLOG_MINUTES)
    internal: bool = False


class PriorityIn(In):
    priority: PriorityField
    reason: str = Field("", max_length=TEXT_MAX)


class EscalateIn(In):
    target: Literal["senior", "vendor"] = Field(
        description="senior; to the vendor: open a vendor case (POST /cases/{number}/vendor-cases)"
    )
    reason: str = Field(min_length=1, max_length=TEXT_MAX)
    engineer: str | None = Field(
        None, max_length=150, description="senior engineer to hand the CASE to (dispatchers)"
    )


class ReasonIn(In):
    reason: str = Field(min_length=1, max_length=TEXT_MAX)


class GoodwillIn(In):
    reason: str = Field(min_length=1, max_length=TEXT_MAX)
    service_product: str | None = Field(
        None,
        max_length=64,
        description="the product to serve it with (code); default: its contract's product",
    )


class PendIn(In):
    reason: Literal["customer", "vendor", "parts"]
    note: str = Field("", max_length=TEXT_MAX)


class NoteIn(In):
    note: str = Field("", max_length=TEXT_MAX)


class ResolveIn(In):
    solution: str = Field(min_length=1, max_length=TEXT_MAX)


class HelperIn(In):
    username: str = Field(max_length=150)


# --- endpoints -----------------------------------------------------------------------


@router.post("", response={201: CaseOut, **ERRORS})
def create_case(request, payload: CaseIn):
    policy.require(request.auth, A.OPEN)  # before saying whether the names exist
    data = payload.dict()
    code, contact_id = data.pop("organization"), data.pop("contact")
    try:
        contact = people.contact_by_id(contact_id)  # comes with its organization
    except InvalidInput:
        people.organization_by_code(code)  # an unknown organization is reported first
        raise
    org = contact.organization
    if org.code != code:  # the service says the contact is not theirs
        org = people.organization_by_code(code)
    case = services.case_open(organization=org, contact=contact, **data, by=request.auth)
    return Status(
        201, case_out(case, request.auth, helpers=[])
    )  # a CASE just opened has no helpers


@router.get("", response={200: CaseListOut, **ERRORS})
def list_cases(request, filters: Query[CaseFilters]):
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    qs = caselist.case_list(fetched_by=request.auth, **f)
    if "search_score" in qs.query.annotations:  # a word search: see case_page
        page, count = caselist.case_page(qs, fetched_by=request.auth, offset=offset, limit=limit)
    else:
        page, count = list(qs[offset : offset + limit]), qs.count()
    return {"count": count, "items": [case_out(c, request.auth) for c in page]}


def _case(request, number: str, action: str | None = None) -> Case:
    """The CASE, if the caller may see it (else 404) and do ``action`` to it (else 403)."""
    return caselist.case_get(number=number, fetched_by=request.auth, action=action)


@router.get("/{number}", response={200: CaseOut, **ERRORS})
def get_case(request, number: str):
    case = _case(request, number)
    return {
        **case_out(case, request.auth),
        "survey": surveys.answer_of_case(case=case, fetched_by=request.auth),
    }


@router.get("/{number}/events", response={200: list[EventOut], **ERRORS})
def case_events(request, number: str):
    case = _case(request, number)
    return [event_out(e) for e in selectors.case_events(case=case, fetched_by=request.auth)]


@router.get("/{number}/worklogs", response={200: list[WorkLogOut], **ERRORS})
def case_worklogs(request, number: str):
    case = _case(request, number)
    qs = case.worklogs.select_related("author").order_by("created_at", "id")
    if request.auth.is_customer:
        qs = qs.filter(internal=False)
    return [worklog_out(w) for w in qs]


@router.post("/{number}/assign", response={200: CaseOut, **ERRORS})
def assign(request, number: str, payload: AssignIn):
    case = _case(request, number, A.ASSIGN)
    engineer = people.engineer_by_username(payload.engineer)
    return case_out(
        services.case_assign(
            case=case,
            engineer=engineer,
            note=payload.note,
            override_reason=payload.override_reason,
            by=request.auth,
        ),
        request.auth,
    )


@router.post("/{number}/accept", response={200: CaseOut, **ERRORS})
def accept(request, number: str, payload: Empty | None = None):
    return case_out(
        services.case_accept(case=_case(request, number), by=request.auth), request.auth
    )


@router.post("/{number}/helpers", response={200: CaseOut, **ERRORS})
def add_helper(request, number: str, payload: HelperIn):
    case = _case(request, number, A.ADD_HELPER)
    helper = people.engineer_by_username(payload.username)
    return case_out(
        services.case_add_helper(case=case, helper=helper, by=request.auth), request.auth
    )


@router.delete("/{number}/helpers/{username}", response={200: CaseOut, **ERRORS})
def remove_helper(request, number: str, username: str):
    case = _case(request, number, A.REMOVE_HELPER)
    helper = people.user_by_username(username)
    return case_out(
        services.case_remove_helper(case=case, helper=helper, by=request.auth), request.auth
    )


@router.post("/{number}/reassignment-request", response={200: CaseOut, **ERRORS})
def request_reassignment(request, number: str, payload: ReasonIn):
    case = _case(request, number)
    return case_out(
        services.case_request_reassignment(case=case, reason=payload.reason, by=request.auth),
        request.auth,
    )


@router.post("/{number}/worklogs", response={201: WorkLogOut, **ERRORS})
def log_work(request, number: str, payload: WorkLogIn):
    case = _case(request, number)
    worklog = services.case_log_work(case=case, **payload.dict(), by=request.auth)
    return Status(201, worklog_out(worklog))


@router.post("/{number}/priority", response={200: CaseOut, **ERRORS})
def set_priority(request, number: str, payload: PriorityIn):
    case = _case(request, number)
    return case_out(
        services.case_set_priority(case=case, **payload.dict(), by=request.auth), request.auth
    )


@router.post("/{number}/escalate", response={200: CaseOut, **ERRORS})
def escalate(request, number: str, payload: EscalateIn):
    to_senior = payload.target == "senior"
    case = _case(request, number, A.ESCALATE_SENIOR if to_senior else A.ESCALATE_VENDOR)
    if not to_senior:  # one way to the vendor: a vendor case, with its number and severity
        raise InvalidInput(
            _(
                "To escalate %(number)s to the vendor, open a vendor case: POST"
                " /cases/%(number)s/vendor-cases with vendor, reference and severity."
            )
            % {"number": case.number}
        )
    data = payload.dict()
    username = data.pop("engineer")
    if username and to_senior:  # handing the CASE over is assigning it
        policy.require(request.auth, A.ASSIGN, case)
    engineer = people.engineer_by_username(username) if username else None
    return case_out(
        services.case_escalate(case=case, **data, engineer=engineer, by=request.auth), request.auth
    )


@router.post("/{number}/pend", response={200: CaseOut, **ERRORS})
def pend(request, number: str, payload: PendIn):
    case = _case(request, number)
    return case_out(services.case_pend(case=case, **payload.dict(), by=request.auth), request.auth)


@router.post("/{number}/resume", response={200: CaseOut, **ERRORS})
def resume(request, number: str, payload: NoteIn | None = None):
    case = _case(request, number)
    note = payload.note if payload else ""
    return case_out(services.case_resume(case=case, note=note, by=request.auth), request.auth)


@router.post("/{number}/resolve", response={200: CaseOut, **ERRORS})
def resolve(request, number: str, payload: ResolveIn):
    case = _case(request, number)
    return case_out(
        services.case_resolve(case=case, solution=payload.solution, by=request.auth), request.auth
    )


@router.post("/{number}/confirm", response={200: CaseOut, **ERRORS})
def confirm(request, number: str, payload: NoteIn | None = None):
    case = _case(request, number)
    note = payload.note if payload else ""
    return case_out(services.case_confirm(case=case, note=note, by=request.auth), request.auth)


@router.post("/{number}/close", response={200: CaseOut, **ERRORS})
def close(request, number: str, payload: Empty | None = None):
    return case_out(services.case_close(case=_case(request, number), by=request.auth), request.auth)


@router.post("/{number}/reopen", response={200: CaseOut, **ERRORS})
def reopen(request, number: str, payload: ReasonIn):
    case = _case(request, number)
    return case_out(
        services.case_reopen(case=case, reason=payload.reason, by=request.auth), request.auth
    )


@router.post("/{number}/goodwill", response={200: CaseOut, **ERRORS})
def approve_goodwill(request, number: str, payload: GoodwillIn):
    """Serve an uncovered CASE anyway (managers): its kept entitlement gains ``goodwill``
    and its promised times become the service product's."""
    case = _case(request, number, A.APPROVE_GOODWILL)
    return case_out(
        services.case_approve_goodwill(case=case, **payload.dict(), by=request.auth),
        request.auth,
    )
