"""The CMDB (API.md § "ITIL processes"): configuration items, their relations, impact, and
the services customers buy on top of them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from casedesk.accounts import selectors as accounts
from casedesk.api.schemas import Detail, In
from casedesk.core import policy

from . import selectors, services
from .models import ConfigurationItem, Relation, Service
from .policy import CmdbAction

MOUNT = "/"  # its paths name themselves: /configuration-items, /services
router = Router(tags=["cmdb"])
ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 422: Detail}

Kind = Literal[
    "site", "router", "switch", "firewall", "server", "circuit", "application", "service"
]


class CiIn(In):
    name: str = Field(min_length=1, max_length=200)
    kind: Kind
    organization: str = Field(min_length=1, max_length=32, description="organization code")
    serial_number: str = Field("", max_length=64)
    attributes: dict[str, Any] = Field(
        default_factory=dict, description="a flat object of short texts and numbers"
    )


class CiChangeIn(In):
    name: str | None = Field(None, min_length=1, max_length=200)
    serial_number: str | None = Field(None, max_length=64)
    attributes: dict[str, Any] | None = Field(None, description="replaces every attribute")


class CiRetireIn(In):
    reason: str = Field("", max_length=2000)


class CiOut(Schema):
    id: int
    name: str
    kind: str
    organization: str
    serial_number: str
    attributes: dict[str, Any]
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def of(ci: ConfigurationItem) -> dict:
        return {
            "id": ci.pk,
            "name": ci.name,
            "kind": ci.kind,
            "organization": ci.organization.code,
            "serial_number": ci.serial_number,
            "attributes": ci.attributes,
            "status": ci.status,
            "created_at": ci.created_at,
            "updated_at": ci.updated_at,
        }


class CiRelationIn(In):
    to: int = Field(description="the CI that this one depends on / runs on / is connected to")
    kind: Literal["depends_on", "runs_on", "connected_to"]


class CiRelationOut(Schema):
    id: int
    ci: int = Field(description="the CI that depends on / runs on / is connected to ``to``")
    to: int
    kind: str
    created_at: dt.datetime

    @staticmethod
    def of(relation: Relation) -> dict:
        return {
            "id": relation.pk,
            "ci": relation.source_id,
            "to": relation.target_id,
            "kind": relation.kind,
            "created_at": relation.created_at,
        }


class CiImpactItem(Schema):
    id: int
    name: str
    kind: str
    organization: str


class CiImpactService(Schema):
    id: int
    name: str
    organization: str


class CiImpactOut(Schema):
    count: int
    items: list[CiImpactItem]
    services: list[CiImpactService]
    customers: list[str] = Field(description="the organizations hit (codes)")


class CiHistoryOut(Schema):
    at: dt.datetime
    action: str
    by: str
    data: dict[str, Any]
    reason: str


class CmdbServiceIn(In):
    organization: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    downtime_budget_hours: int = Field(72, ge=0, le=8760, description="a year")


class CmdbServiceItemIn(In):
    item: int


class CmdbServiceOut(Schema):
    id: int
    organization: str
    name: str
    downtime_budget_hours: int
    items: list[int]

    @staticmethod
    def of(service: Service) -> dict:
        return {
            "id": service.pk,
            "organization": service.organization.code,
            "name": service.name,
            "downtime_budget_hours": service.downtime_budget_hours,
            "items": sorted(service.items.values_list("pk", flat=True)),
        }


class CiFilters(Schema):
    organization: str | None = Field(None, max_length=32)
    kind: Kind | None = None
    q: str = Field("", max_length=200, description="in the name or serial number")


@router.get("configuration-items", response={200: list[CiOut], **ERRORS})
def list_items(request, filters: Query[CiFilters]):
    policy.require(request.auth, CmdbAction.VIEW)
    org = accounts.organization_by_code(filters.organization) if filters.organization else None
    items = selectors.ci_list(
        fetched_by=request.auth, organization=org, kind=filters.kind or "", query=filters.q
    )
    return [CiOut.of(ci) for ci in items[:500]]


@router.post("configuration-items", response={201: CiOut, **ERRORS})
def create_item(request, body: CiIn):
    policy.require(request.auth, CmdbAction.EDIT)
    ci = services.ci_create(
        name=body.name,
        kind=body.kind,
        organization=accounts.organization_by_code(body.organization),
        serial_number=body.serial_number,
        attributes=body.attributes,
        by=request.auth,
    )
    return Status(201, CiOut.of(ci))


@router.get("configuration-items/{id}", response={200: CiOut, **ERRORS})
def get_item(request, id: int):
    return CiOut.of(selectors.ci_get(pk=id, fetched_by=request.auth))


@router.patch("configuration-items/{id}", response={200: CiOut, **ERRORS})
def change_item(request, id: int, body: CiChangeIn):
    ci = selectors.ci_get(pk=id, fetched_by=request.auth)
    changes = body.model_dump(exclude_none=True)
    ci = services.ci_change(ci=ci, **changes, by=request.auth)
    return CiOut.of(ci)


@router.post("configuration-items/{id}/retire", response={200: CiOut, **ERRORS})
def retire_item(request, id: int, body: CiRetireIn | None = None):
    ci = selectors.ci_get(pk=id, fetched_by=request.auth)
    ci = services.ci_retire(ci=ci, reason=body.reason if body else "", by=request.auth)
    return CiOut.of(ci)


@router.post("configuration-items/{id}/relations", response={201: CiRelationOut, **ERRORS})
def add_relation(request, id: int, body: CiRelationIn):
    """``{id}`` depends on / runs on / is connected to ``to``."""
    ci = selectors.ci_get(pk=id, fetched_by=request.auth)
    policy.require(request.auth, CmdbAction.EDIT, ci)
    to = selectors.ci_named(body.to, fetched_by=request.auth)
    relation = services.ci_relate(ci=ci, to=to, kind=body.kind, by=request.auth)
    return Status(201, CiRelationOut.of(relation))


@router.delete("configuration-items/{id}/relations/{relation_id}", response={204: None, **ERRORS})
def remove_relation(request, id: int, relation_id: int):
    ci = selectors.ci_get(pk=id, fetched_by=request.auth)
    policy.require(request.auth, CmdbAction.EDIT, ci)
    relation = selectors.relation_get(ci=ci, pk=relation_id, fetched_by=request.auth)
    services.ci_unrelate(relation=relation, by=request.auth)
    return Status(204, None)


@router.get("configuration-items/{id}/impact", response={200: CiImpactOut, **ERRORS})
def item_impact(request, id: int):
    """If this CI fails: the CIs that depend on it (directly or not), the services that
    depend on it or on them, and their customers."""
    ci = selectors.ci_get(pk=id, fetched_by=request.auth)
    found = selectors.impact(ci, fetched_by=request.auth)
    return {
        "count": found.count,
        "items": [
            {"id": i.pk, "name": i.name, "kind": i.kind, "organization": i.organization.code}
            for i in found.items
        ],
        "services": [
            {"id": s.pk, "name": s.name, "organization": s.organization.code}
            for s in found.services
        ],
        "customers": [org.code for org in found.customers],
    }


@router.get("configuration-items/{id}/history", response={200: list[CiHistoryOut], **ERRORS})
def item_history(request, id: int):
    """Every audited change of the CI, newest first (data, not sentences)."""
    ci = selectors.ci_get(pk=id, fetched_by=request.auth)
    records = selectors.ci_history(ci, fetched_by=request.auth)
    return [
        {
            "at": r.at,
            "action": r.action,
            "by": r.actor,
            "data": json.loads(r.data),
            "reason": r.reason,
        }
        for r in records[:500]
    ]


@router.post("services", response={201: CmdbServiceOut, **ERRORS})
def create_service(request, body: CmdbServiceIn):
    policy.require(request.auth, CmdbAction.EDIT)
    service = services.service_create(
        organization=accounts.organization_by_code(body.organization),
        name=body.name,
        downtime_budget_hours=body.downtime_budget_hours,
        by=request.auth,
    )
    return Status(201, CmdbServiceOut.of(service))


@router.get("services/{id}", response={200: CmdbServiceOut, **ERRORS})
def get_service(request, id: int):
    return CmdbServiceOut.of(selectors.service_get(pk=id, fetched_by=request.auth))


@router.post("services/{id}/items", response={201: CmdbServiceOut, **ERRORS})
def add_service_item(request, id: int, body: CmdbServiceItemIn):
    """The service depends on ``item`` (a CI of the service's organization)."""
    service = selectors.service_get(pk=id, fetched_by=request.auth)
    policy.require(request.auth, CmdbAction.EDIT, service)
    item = selectors.ci_named(body.item, fetched_by=request.auth)
    return Status(
        201,
        CmdbServiceOut.of(services.service_add_item(service=service, item=item, by=request.auth)),
    )
