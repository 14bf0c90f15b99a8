"""Every change to the CMDB: one operation each, audited on the CI (or service) it changes.

Audit actions (stable, queried by the CI's history): ``ci.create``, ``ci.change``,
``ci.relate``, ``ci.unrelate``, ``ci.retire``; ``service.create``, ``service.add_item``,
``service.remove_item``.  A relation is recorded on the CI it goes from (the one that
depends on / runs on / connects to the other), naming the other."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from casedesk.accounts.models import Organization, User
from casedesk.contracts.serials import normalize_serial
from casedesk.core import audit, clock, policy
from casedesk.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from casedesk.core.operations import operation

from . import graph
from .attributes import clean_attributes
from .choices import IMPACT_KINDS, ItemKind, ItemStatus, RelationKind
from .models import ConfigurationItem, Relation, Service
from .policy import CmdbAction

MAX_BUDGET_HOURS = 8760  # a year


def _name(raw: str, empty: str) -> str:
    name = (raw or "").strip()
    if not name:
        raise InvalidInput(empty)
    if len(name) > 200:
        raise InvalidInput(_("A name is at most 200 characters."))
    return name


def _kind(raw: str) -> str:
    if raw not in ItemKind.values:
        raise InvalidInput(
            _("Unknown kind %(kind)r; one of: %(kinds)s.")
            % {"kind": str(raw)[:40], "kinds": ", ".join(ItemKind.values)}
        )
    return raw


def _serial(raw: str, *, other_than: int | None = None) -> str:
    serial = normalize_serial(raw)
    if len(serial) > 64:
        raise InvalidInput(_("A serial number is at most 64 characters."))
    if serial:
        taken = ConfigurationItem.objects.filter(serial_number=serial)
        if other_than is not None:
            taken = taken.exclude(pk=other_than)
        if taken.exists():
            raise Conflict(
                _("Serial number %(serial)s is already configuration item %(id)s.")
                % {"serial": serial, "id": taken.values_list("pk", flat=True)[0]}
            )
    return serial


def _facts(ci: ConfigurationItem) -> dict[str, Any]:
    return {
        "name": ci.name,
        "kind": ci.kind,
        "organization": ci.organization.code,
        "serial_number": ci.serial_number,
        "attributes": ci.attributes,
        "status": ci.status,
    }


def _active(ci: ConfigurationItem) -> ConfigurationItem:
    ci = ConfigurationItem.objects.select_for_update().select_related("organization").get(pk=ci.pk)
    if ci.status != ItemStatus.ACTIVE:
        raise TransitionNotAllowed(_("Configuration item %(name)s is retired.") % {"name": ci.name})
    return ci


@operation
def ci_create(
    *,
    name: str,
    kind: str,
    organization: Organization,
    serial_number: str = "",
    attributes: Any = None,
    by: User | None,
) -> ConfigurationItem:
    policy.require(by, CmdbAction.EDIT)
    now = clock.now()
    ci = ConfigurationItem(
        name=_name(name, _("A configuration item needs a name.")),
        kind=_kind(kind),
        organization=organization,
        serial_number=_serial(serial_number),
        attributes=clean_attributes(attributes),
        created_at=now,
        updated_at=now,
    )
    ci.save()
    audit.record(action="ci.create", obj=ci, actor=by, after=_facts(ci))
    return ci


_UNSET: Any = object()


@operation
def ci_change(
    *,
    ci: ConfigurationItem,
    name: str = _UNSET,
    serial_number: str = _UNSET,
    attributes: Any = _UNSET,
    by: User | None,
) -> ConfigurationItem:
    """Rename, re-serial or re-attribute an active CI (``attributes`` replaces them all)."""
    policy.require(by, CmdbAction.EDIT, ci)
    ci = _active(ci)
    before = _facts(ci)
    if name is not _UNSET:
        ci.name = _name(name, _("A configuration item needs a name."))
    if serial_number is not _UNSET:
        ci.serial_number = _serial(serial_number, other_than=ci.pk)
    if attributes is not _UNSET:
        ci.attributes = clean_attributes(attributes)
    after = _facts(ci)
    if after == before:
        return ci
    ci.updated_at = clock.now()
    ci.save(update_fields=["name", "serial_number", "attributes", "updated_at"])
    audit.record(action="ci.change", obj=ci, actor=by, before=before, after=after)
    return ci


@operation
def ci_relate(
    *, ci: ConfigurationItem, to: ConfigurationItem, kind: str, by: User | None
) -> Relation:
    """``ci`` depends on / runs on / is connected to ``to``.  Refused: to itself, to a
    retired CI, twice (for a pair, one of depends on / runs on; one connection either
    way), or closing a cycle of dependencies (``to`` already depends on ``ci``)."""
    policy.require(by, CmdbAction.EDIT, ci)
    if kind not in RelationKind.values:
        raise InvalidInput(
            _("Unknown relation %(kind)r; one of: %(kinds)s.")
            % {"kind": str(kind)[:40], "kinds": ", ".join(RelationKind.values)}
        )
    if ci.pk == to.pk:
        raise InvalidInput(_("A configuration item cannot be related to itself."))
    if kind in IMPACT_KINDS:
        graph.lock_relations()
    if ci.pk < to.pk:  # lock in one order: two relations between the same pair never deadlock
        ci, to = _active(ci), _active(to)
    else:
        to, ci = _active(to), _active(ci)
    # One impact relation per pair: "runs on" and "depends on" the same CI say one thing.
    same = IMPACT_KINDS if kind in IMPACT_KINDS else (kind,)
    existing = Relation.objects.filter(source=ci, target=to, kind__in=same).first()
    if existing is not None:
        raise Conflict(
            _("%(ci)s already %(kind)s %(to)s.")
            % {"ci": ci.name, "kind": RelationKind(existing.kind).label, "to": to.name}
        )
    if (
        kind == RelationKind.CONNECTED_TO
        and Relation.objects.filter(source=to, target=ci, kind=kind).exists()
    ):
        raise Conflict(_("%(to)s is already connected to %(ci)s.") % {"ci": ci.name, "to": to.name})
    if kind in IMPACT_KINDS and graph.depends_on(to.pk, ci.pk):
        raise Conflict(
            _("%(to)s already depends on %(ci)s: the relation would close a cycle.")
            % {"ci": ci.name, "to": to.name}
        )
    try:
        with transaction.atomic():
            relation = Relation.objects.create(
                source=ci, target=to, kind=kind, created_at=clock.now()
            )
    except IntegrityError as exc:  # the same relation, added at the same moment
        raise Conflict(_("That relation was just added.")) from exc
    audit.record(
        action="ci.relate",
        obj=ci,
        actor=by,
        data={"kind": kind, "to": to.pk, "to_name": to.name},
    )
    return relation


@operation
def ci_unrelate(*, relation: Relation, by: User | None) -> None:
    ci = relation.source
    policy.require(by, CmdbAction.EDIT, ci)
    deleted, _rows = Relation.objects.filter(pk=relation.pk).delete()
    if not deleted:
        raise Conflict(_("That relation was already removed."))
    audit.record(
        action="ci.unrelate",
        obj=ci,
        actor=by,
        data={"kind": relation.kind, "to": relation.target_id, "to_name": relation.target.name},
    )


@operation
def ci_retire(*, ci: ConfigurationItem, reason: str = "", by: User | None) -> ConfigurationItem:
    """The CI is gone: retired, its relations (both ways) and its place in services
    removed (listed in the record), so nothing depends on it any more."""
    policy.require(by, CmdbAction.EDIT, ci)
    ci = _active(ci)
    out = [list(r) for r in Relation.objects.filter(source=ci).values_list("kind", "target_id")]
    into = [list(r) for r in Relation.objects.filter(target=ci).values_list("kind", "source_id")]
    services = sorted(ci.services.values_list("pk", flat=True))
    Relation.objects.filter(source=ci).delete()
    Relation.objects.filter(target=ci).delete()
    ci.services.clear()
    ci.status, ci.updated_at = ItemStatus.RETIRED, clock.now()
    ci.save(update_fields=["status", "updated_at"])
    audit.record(
        action="ci.retire",
        obj=ci,
        actor=by,
        before={"status": ItemStatus.ACTIVE},
        after={"status": ci.status},
        data={
            "relations_out": sorted(out),
            "relations_in": sorted(into),
            "services": services,
        },
        reason=reason,
    )
    return ci


@operation
def service_create(
    *,
    organization: Organization,
    name: str,
    downtime_budget_hours: int = 72,
    by: User | None,
) -> Service:
    policy.require(by, CmdbAction.EDIT)
    name = _name(name, _("A service needs a name."))
    if (
        isinstance(downtime_budget_hours, bool)
        or not 0 <= downtime_budget_hours <= MAX_BUDGET_HOURS
    ):
        raise InvalidInput(
            _("The downtime budget is between 0 and %(n)d hours a year.") % {"n": MAX_BUDGET_HOURS}
        )
    if Service.objects.filter(organization=organization, name=name).exists():
        raise Conflict(
            _("%(org)s already has a service named %(name)s.")
            % {"org": organization.name, "name": name}
        )
    service = Service.objects.create(
        organization=organization,
        name=name,
        downtime_budget_hours=downtime_budget_hours,
        created_at=clock.now(),
    )
    audit.record(
        action="service.create",
        obj=service,
        actor=by,
        after={
            "organization": organization.code,
            "name": name,
            "downtime_budget_hours": downtime_budget_hours,
        },
    )
    return service


@operation
def service_add_item(*, service: Service, item: ConfigurationItem, by: User | None) -> Service:
    """The service depends on ``item`` — a CI of the service's own customer (what it
    depends on in turn, a carrier's circuit say, may be anyone's)."""
    policy.require(by, CmdbAction.EDIT, service)
    item = _active(item)
    if item.organization_id != service.organization_id:
        raise InvalidInput(
            _("%(item)s belongs to another organization than the service %(service)s.")
            % {"item": item.name, "service": service.name}
        )
    if service.items.filter(pk=item.pk).exists():
        raise Conflict(
            _("The service %(service)s already depends on %(item)s.")
            % {"item": item.name, "service": service.name}
        )
    service.items.add(item)
    audit.record(
        action="service.add_item",
        obj=service,
        actor=by,
        data={"item": item.pk, "item_name": item.name},
    )
    return service


@operation
def service_remove_item(*, service: Service, item: ConfigurationItem, by: User | None) -> Service:
    policy.require(by, CmdbAction.EDIT, service)
    if not service.items.filter(pk=item.pk).exists():
        raise Conflict(
            _("The service %(service)s does not depend on %(item)s.")
            % {"item": item.name, "service": service.name}
        )
    service.items.remove(item)
    audit.record(
        action="service.remove_item",
        obj=service,
        actor=by,
        data={"item": item.pk, "item_name": item.name},
    )
    return service
