"""Saving and deleting any domain object with its audit record.

The apps' own services call these for objects that have no richer operation (a calendar,
a skill, a routing queue), and every Django admin save and delete goes through them (see
``core.admin_audit.AuditedAdmin``): so an admin edit is audited like any other change,
with the admin as its actor.  Action codes are ``<model>.create``, ``<model>.change`` and
``<model>.delete`` (``organization.change``), stable strings, never translated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import models

from . import audit
from .operations import operation

M = TypeVar("M", bound=models.Model)

# Fields whose values the audit trail must not hold: a change shows as a different digest.
SECRET_FIELDS = frozenset({"password", "secret", "digest", "token", "key"})


def _masked(name: str, value: Any) -> Any:
    if name in SECRET_FIELDS and value:
        return "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()[:12]
    return value


def snapshot(obj: models.Model, *, related: bool = True) -> dict[str, Any]:
    """The object's stored fields (foreign keys as ids, secrets as digests) and, when it has
    been saved, its many-to-many fields as sorted ids."""
    values: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        values[f.name] = _masked(f.name, getattr(obj, f.attname))
    if related and obj.pk is not None:
        for f in obj._meta.many_to_many:
            values[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    return values


def stored(obj: models.Model) -> dict[str, Any] | None:
    """The snapshot of ``obj`` as the database holds it now (None: not saved yet)."""
    if obj.pk is None:
        return None
    row = type(obj)._base_manager.filter(pk=obj.pk).first()
    return snapshot(row) if row is not None else None


@operation
def object_save(
    obj: M,
    *,
    by: Any,
    reason: str = "",
    action: str = "",
    related: Callable[[], None] | None = None,
) -> M:
    """Save ``obj`` (and, through ``related``, its many-to-many fields and inlines) and
    write one audit record of what changed; nothing changed, no record."""
    before = stored(obj)
    obj.save()
    if related is not None:
        related()
    after = snapshot(obj)
    verb = "create" if before is None else "change"
    if before is not None and audit.diff(before, after) == {"before": {}, "after": {}}:
        return obj
    changes: dict[str, Any] = (
        {"before": before, "after": after} if before is not None else {"data": {"after": after}}
    )
    audit.record(
        action=action or f"{obj._meta.model_name}.{verb}",
        obj=obj,
        actor=by,
        reason=reason,
        **changes,
    )
    return obj


@operation
def object_delete(obj: models.Model, *, by: Any, reason: str = "", action: str = "") -> None:
    """Delete ``obj`` and write one audit record holding what it was (``before`` only; a
    created object's record holds ``after`` only)."""
    before = snapshot(obj)
    label, pk, text = obj._meta.label_lower, obj.pk, str(obj)
    audit.record(
        action=action or f"{obj._meta.model_name}.delete",
        object_type=label,
        object_id=pk,
        object_repr=text,
        actor=by,
        data={"before": before},
        reason=reason,
    )
    obj.delete()


@operation
def objects_delete(objs: Iterable[models.Model], *, by: Any, reason: str = "") -> int:
    """Delete each object with its own audit record, all in one transaction."""
    n = 0
    for obj in objs:
        object_delete(obj, by=by, reason=reason)
        n += 1
    return n
