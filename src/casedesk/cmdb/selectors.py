"""Reads of the CMDB, for a reader: the CI list, a CI with its relations and history, and
impact — what a failing CI hits (CIs, services, customers)."""

from __future__ import annotations

import dataclasses

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from casedesk.accounts.models import Organization, User
from casedesk.contracts.models import Equipment
from casedesk.contracts.serials import normalize_serial
from casedesk.core import policy
from casedesk.core.errors import InvalidInput, NotFound
from casedesk.core.models import AuditRecord

from . import graph
from .choices import ItemKind, ItemStatus
from .models import ConfigurationItem, Relation, Service

CI_TYPE = ConfigurationItem._meta.label_lower
SERVICE_TYPE = Service._meta.label_lower


def ci_list(
    *,
    fetched_by,
    organization: Organization | None = None,
    kind: str = "",
    query: str = "",
    retired: bool = False,
) -> QuerySet[ConfigurationItem]:
    items = policy.visible(fetched_by, ConfigurationItem).select_related("organization")
    if not retired:
        items = items.filter(status=ItemStatus.ACTIVE)
    if organization is not None:
        items = items.filter(organization=organization)
    if kind:
        items = items.filter(kind=kind)
    query = query.strip()
    if query:
        items = items.filter(
            Q(name__icontains=query) | Q(serial_number__icontains=normalize_serial(query))
        )
    return items.order_by("organization__code", "kind", "name", "pk")


def ci_get(*, pk: int, fetched_by) -> ConfigurationItem:
    ci = (
        policy.visible(fetched_by, ConfigurationItem)
        .select_related("organization")
        .filter(pk=pk)
        .first()
    )
    if ci is None:
        raise NotFound(_("No such configuration item."))
    return ci


def ci_by_serial(serial_number: str, *, fetched_by) -> ConfigurationItem | None:
    serial = normalize_serial(serial_number)
    if not serial:
        return None
    return (
        policy.visible(fetched_by, ConfigurationItem)
        .select_related("organization")
        .filter(serial_number=serial, status=ItemStatus.ACTIVE)
        .first()
    )


def equipment_of(ci: ConfigurationItem, *, fetched_by) -> Equipment | None:
    """The installed-base box with the CI's serial number, if the reader may see it."""
    if not ci.serial_number:
        return None
    return policy.visible(fetched_by, Equipment).filter(serial_number=ci.serial_number).first()


def relations_out(ci: ConfigurationItem, *, fetched_by) -> list[Relation]:
    """What ``ci`` depends on, runs on, is connected to."""
    rows = policy.visible(fetched_by, Relation).filter(source=ci)
    return list(rows.select_related("target__organization").order_by("kind", "target__name"))


def relations_in(ci: ConfigurationItem, *, fetched_by) -> list[Relation]:
    """What depends on, runs on, is connected to ``ci``."""
    rows = policy.visible(fetched_by, Relation).filter(target=ci)
    return list(rows.select_related("source__organization").order_by("kind", "source__name"))


def relation_get(*, ci: ConfigurationItem, pk: int, fetched_by) -> Relation:
    relation = (
        policy.visible(fetched_by, Relation)
        .select_related("source", "target")
        .filter(source=ci, pk=pk)
        .first()
    )
    if relation is None:
        raise NotFound(_("No such relation."))
    return relation


@dataclasses.dataclass
class Impact:
    """If ``ci`` fails: the CIs that depend on it, directly or not; the services that
    depend on it or on one of them; and the customers those services (or the hit
    customer-service CIs) belong to."""

    ci: ConfigurationItem
    items: list[ConfigurationItem]
    services: list[Service]
    customers: list[Organization]

    @property
    def count(self) -> int:
        return len(self.items)


def impact(ci: ConfigurationItem, *, fetched_by, limit: int | None = None) -> Impact:
    """Two queries (the walk is a recursive CTE, ``graph``).  ``limit`` caps the CIs
    listed (a page); ``count`` is then the number listed, not the number hit: ask
    ``impact_count`` for that."""
    items_qs = (
        policy.visible(fetched_by, ConfigurationItem)
        .filter(pk__in=graph.impacted_ids(ci.pk))
        .select_related("organization")
        .order_by("organization__code", "kind", "name", "pk")
    )
    items = list(items_qs[:limit] if limit is not None else items_qs)
    services = list(
        policy.visible(fetched_by, Service)
        .filter(pk__in=graph.impacted_service_ids(ci.pk))
        .select_related("organization")
        .order_by("organization__code", "name")
    )
    customers = {s.organization.pk: s.organization for s in services}
    for item in items:
        if item.kind == ItemKind.SERVICE:
            customers.setdefault(item.organization.pk, item.organization)
    if ci.kind == ItemKind.SERVICE:
        customers.setdefault(ci.organization.pk, ci.organization)
    return Impact(
        ci=ci,
        items=items,
        services=services,
        customers=sorted(customers.values(), key=lambda org: org.code),
    )


def impact_count(ci: ConfigurationItem, *, fetched_by) -> int:
    return (
        policy.visible(fetched_by, ConfigurationItem)
        .filter(pk__in=graph.impacted_ids(ci.pk))
        .count()
    )


def ci_history(ci: ConfigurationItem, *, fetched_by) -> QuerySet[AuditRecord]:
    """Every audited change of ``ci``, newest first."""
    if not policy.visible(fetched_by, ConfigurationItem).filter(pk=ci.pk).exists():
        raise NotFound(_("No such configuration item."))
    return AuditRecord.objects.filter(object_type=CI_TYPE, object_id=str(ci.pk)).order_by("-id")


def service_list(*, fetched_by, organization: Organization | None = None) -> list[Service]:
    services = policy.visible(fetched_by, Service).select_related("organization")
    if organization is not None:
        services = services.filter(organization=organization)
    return list(services.prefetch_related("items").order_by("organization__code", "name"))


def service_get(*, pk: int, fetched_by) -> Service:
    service = (
        policy.visible(fetched_by, Service).select_related("organization").filter(pk=pk).first()
    )
    if service is None:
        raise NotFound(_("No such service."))
    return service


def services_of(ci: ConfigurationItem, *, fetched_by) -> list[Service]:
    """The services that depend on ``ci`` directly."""
    return list(
        policy.visible(fetched_by, Service)
        .filter(items=ci)
        .select_related("organization")
        .order_by("name")
    )


def ci_named(pk: int, *, fetched_by) -> ConfigurationItem:
    """The CI a request's body names (``to``, ``item``): an unknown one is bad input."""
    ci = policy.visible(fetched_by, ConfigurationItem).select_related("organization")
    found = ci.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("Unknown configuration item %(id)s.") % {"id": pk})
    return found


def people_names(logins: set[str]) -> dict[str, str]:
    """Login → the name the desk shows, for the people a history names (staff only: the
    CMDB's history is the staff's)."""
    users = User.objects.filter(username__in=[login for login in logins if login])
    return {u.username: u.display_name for u in users}
