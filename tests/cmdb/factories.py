"""The CMDB's test data, made through its services."""

from __future__ import annotations

from casedesk.accounts.models import Organization, User
from casedesk.cmdb import services
from casedesk.cmdb.models import ConfigurationItem, Relation, Service
from casedesk.core.models import AuditRecord
from tests.accounts.factories import OrganizationFactory, make_user


def keeper() -> User:
    """A member of staff who may keep the CMDB (a supervisor)."""
    return User.objects.filter(role="supervisor", is_active=True).first() or make_user("supervisor")


def make_ci(
    name: str = "核心路由器",
    *,
    kind: str = "router",
    organization: Organization | None = None,
    serial_number: str = "",
    attributes: dict | None = None,
) -> ConfigurationItem:
    organization = organization or (
        Organization.objects.filter(code="CMDBORG").first()
        or OrganizationFactory(code="CMDBORG", name="CMDB 测试客户")
    )
    return services.ci_create(
        name=name,
        kind=kind,
        organization=organization,
        serial_number=serial_number,
        attributes=attributes,
        by=keeper(),
    )


def relate(ci: ConfigurationItem, to: ConfigurationItem, kind: str = "depends_on"):
    return services.ci_relate(ci=ci, to=to, kind=kind, by=keeper())


def make_service(
    name: str = "专线接入", *, organization: Organization, items=(), budget: int = 72
) -> Service:
    service = services.service_create(
        organization=organization, name=name, downtime_budget_hours=budget, by=keeper()
    )
    for item in items:
        services.service_add_item(service=service, item=item, by=keeper())
    return service


def snapshot() -> dict:
    """Every row a CMDB operation could write (its audit records too), to prove that a
    refused one wrote nothing."""
    return {
        "items": list(ConfigurationItem.objects.order_by("pk").values()),
        "relations": list(Relation.objects.order_by("pk").values()),
        "services": list(Service.objects.order_by("pk").values()),
        "service_items": sorted(
            Service.items.through.objects.values_list("service_id", "configurationitem_id")
        ),
        "audit": AuditRecord.objects.count(),
    }
