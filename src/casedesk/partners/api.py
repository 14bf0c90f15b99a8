"""Partners and subcontracting (API.md § "Duty roster, vendors, partners"): ``POST /partners``
and ``POST /cases/{number}/subcontract`` are the public names; the rest are this domain's."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema, Status

from casedesk.api.schemas import Detail, In
from casedesk.cases.choices import CaseAction
from casedesk.core import clock, policy

from . import selectors, services
from .models import Partner, Subcontract, SubcontractRule
from .policy import PartnerAction

MOUNT = "/"  # its paths name themselves: /partners, /cases/{number}/subcontract, /reports/partners
router = Router(tags=["partners"])
ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 422: Detail}


class PartnerIn(In):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field("", max_length=200, description="needed unless the organization exists")
    email: str = Field("", max_length=254)


class TargetIn(In):
    priority: Literal["P1", "P2", "P3", "P4"]
    response_minutes: int = Field(description="subcontracted → accepted")
    resolution_minutes: int = Field(description="subcontracted → resolved")


class ActiveIn(In):
    active: bool


class RuleIn(In):
    customer: str | None = Field(None, max_length=32, description="an organization code")
    region: str = Field("", max_length=100, description="in the caller's or customer's address")
    product: str = Field("", max_length=100, description="in the CASE's hardware platform")
    position: int = 100


class SubcontractIn(In):
    partner: str = Field(min_length=1, max_length=32, description="the partner's code")
    reason: str = Field("", max_length=500)


class WithdrawIn(In):
    reason: str = Field(min_length=1, max_length=500)


class TargetOut(Schema):
    priority: str
    response_minutes: int
    resolution_minutes: int


class RuleOut(Schema):
    id: int
    position: int
    customer: str | None
    region: str
    product: str
    is_active: bool


class PartnerOut(Schema):
    code: str
    name: str
    email: str
    is_active: bool
    targets: list[TargetOut]
    rules: list[RuleOut]


class SubcontractOut(Schema):
    partner: str
    reason: str
    subcontracted_at: str
    respond_by: str | None
    resolve_by: str | None
    clamped: bool = Field(description="a due time was brought forward to the CASE's own")
    accepted_at: str | None
    accepted_by: str | None
    resolved_at: str | None


class SubcontractedCaseOut(Schema):
    number: str
    status: str
    priority: str
    partner: str | None
    engineer: str | None
    subcontract: SubcontractOut | None


class FiguresOut(Schema):
    partner: str
    month: str = Field(examples=["2026-12"])
    subcontracted: int
    accepted: int
    resolved: int
    average_response_minutes: float | None
    average_resolution_minutes: float | None
    response_breaches: int
    resolution_breaches: int
    surveys: int
    average_score: float | None


def rule_out(rule: SubcontractRule) -> dict:
    return {
        "id": rule.pk,
        "position": rule.position,
        "customer": rule.customer.code if rule.customer else None,
        "region": rule.region,
        "product": rule.product,
        "is_active": rule.is_active,
    }


def partner_out(partner: Partner) -> dict:
    return {
        "code": partner.code,
        "name": partner.name,
        "email": partner.email,
        "is_active": partner.is_active,
        "targets": [
            {
                "priority": t.priority,
                "response_minutes": t.response_minutes,
                "resolution_minutes": t.resolution_minutes,
            }
            for t in partner.targets.all()
        ],
        "rules": [rule_out(r) for r in partner.rules.all()],
    }


def subcontract_out(sub: Subcontract | None) -> dict | None:
    if sub is None:
        return None
    return {
        "partner": sub.partner.code,
        "reason": sub.reason,
        "subcontracted_at": clock.iso_utc(sub.subcontracted_at),
        "respond_by": clock.iso_utc(sub.respond_by),
        "resolve_by": clock.iso_utc(sub.resolve_by),
        "clamped": sub.clamped,
        "accepted_at": clock.iso_utc(sub.accepted_at),
        "accepted_by": sub.accepted_by.username if sub.accepted_by else None,
        "resolved_at": clock.iso_utc(sub.resolved_at),
    }


def case_out(request, number: str) -> dict:
    case = selectors.case_for_partner(number=number, fetched_by=request.auth)
    return {
        "number": case.number,
        "status": case.status,
        "priority": case.priority,
        "partner": case.partner.code if case.partner else None,
        "engineer": case.engineer.username if case.engineer else None,
        "subcontract": subcontract_out(
            selectors.live_subcontract(case=case, fetched_by=request.auth)
        ),
    }


@router.get("partners", response={200: list[PartnerOut], **ERRORS})
def list_partners(request):
    return [partner_out(p) for p in selectors.partner_list(fetched_by=request.auth)]


@router.post("partners", response={201: PartnerOut, **ERRORS})
def create_partner(request, body: PartnerIn):
    partner = services.partner_create(
        code=body.code, name=body.name, email=body.email, by=request.auth
    )
    return Status(
        201, partner_out(selectors.partner_get(code=partner.code, fetched_by=request.auth))
    )


@router.get("partners/{code}", response={200: PartnerOut, **ERRORS})
def get_partner(request, code: str):
    return partner_out(selectors.partner_get(code=code, fetched_by=request.auth))


@router.post("partners/{code}/active", response={200: PartnerOut, **ERRORS})
def set_partner_active(request, code: str, body: ActiveIn):
    partner = selectors.partner_get(code=code, fetched_by=request.auth)
    services.partner_set_active(partner=partner, active=body.active, by=request.auth)
    return partner_out(selectors.partner_get(code=code, fetched_by=request.auth))


@router.post("partners/{code}/targets", response={200: PartnerOut, **ERRORS})
def set_partner_target(request, code: str, body: TargetIn):
    """The partner's targets for one priority: never looser than the desk's (422)."""
    partner = selectors.partner_get(code=code, fetched_by=request.auth)
    services.partner_set_target(
        partner=partner,
        priority=body.priority,
        response_minutes=body.response_minutes,
        resolution_minutes=body.resolution_minutes,
        by=request.auth,
    )
    return partner_out(selectors.partner_get(code=code, fetched_by=request.auth))


@router.post("partners/{code}/rules", response={201: RuleOut, **ERRORS})
def create_rule(request, code: str, body: RuleIn):
    """A rule that subcontracts new CASEs to the partner: by customer, region, product."""
    partner = selectors.partner_get(code=code, fetched_by=request.auth)
    policy.require(request.auth, PartnerAction.MANAGE, partner)  # before naming anything
    rule = services.rule_create(
        partner=partner,
        customer=selectors.organization_named(code=body.customer, fetched_by=request.auth),
        region=body.region,
        product=body.product,
        position=body.position,
        by=request.auth,
    )
    return Status(201, rule_out(rule))


@router.delete("partner-rules/{pk}", response={204: None, **ERRORS})
def delete_rule(request, pk: int):
    rule = selectors.rule_get(pk=pk, fetched_by=request.auth)
    services.rule_delete(rule=rule, by=request.auth)
    return Status(204, None)


@router.post("cases/{number}/subcontract", response={200: SubcontractedCaseOut, **ERRORS})
def subcontract_case(request, number: str, body: SubcontractIn):
    """Give the CASE to a partner: its partner engineers see and work only such CASEs."""
    case = selectors.case_for_partner(number=number, fetched_by=request.auth)
    policy.require(request.auth, CaseAction.SUBCONTRACT, case)
    partner = selectors.partner_named(code=body.partner, fetched_by=request.auth)
    services.subcontract_open(case=case, partner=partner, reason=body.reason, by=request.auth)
    return case_out(request, number)


@router.post("cases/{number}/subcontract/withdraw", response={200: SubcontractedCaseOut, **ERRORS})
def withdraw_subcontract(request, number: str, body: WithdrawIn):
    """Take the CASE back from its partner: open again at the desk."""
    case = selectors.case_for_partner(number=number, fetched_by=request.auth)
    services.subcontract_withdraw(case=case, reason=body.reason, by=request.auth)
    return case_out(request, number)


@router.get("cases/{number}/subcontract", response={200: SubcontractedCaseOut, **ERRORS})
def get_subcontract(request, number: str):
    """The CASE's partner and the partner's due times (a partner engineer: their own)."""
    return case_out(request, number)


@router.get("reports/partners", response={200: list[FiguresOut], **ERRORS})
def partner_figures(request):
    """Per partner per month: CASEs subcontracted, response and resolution times, breaches
    of the partner's targets, survey scores."""
    policy.require(request.auth, PartnerAction.VIEW)
    return [
        {
            "partner": f.partner.code,
            "month": f.month,
            "subcontracted": f.subcontracted,
            "accepted": f.accepted,
            "resolved": f.resolved,
            "average_response_minutes": f.average_response,
            "average_resolution_minutes": f.average_resolution,
            "response_breaches": f.response_breaches,
            "resolution_breaches": f.resolution_breaches,
            "surveys": len(f.scores),
            "average_score": f.average_score,
        }
        for f in selectors.figures(fetched_by=request.auth)
    ]
