"""A CI's history, worded when read: each audit record of a CI (its action, the fields
before and after, the relation's kind and other end) as a headline and detail lines in the
reader's language."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from django.utils.translation import gettext as _

from casedesk.core import presenters
from casedesk.core.models import AuditRecord
from casedesk.core.presenters import Presented, Reader

from .choices import ItemKind, ItemStatus, RelationKind


@dataclasses.dataclass(frozen=True)
class Change:
    """One audit record of the CMDB, as the presenters read it."""

    kind: str
    data: dict[str, Any]
    by: str
    at: dt.datetime
    reason: str = ""


def change_of(record: AuditRecord) -> Change:
    return Change(
        kind=record.action,
        data=json.loads(record.data or "{}"),
        by=record.actor,
        at=record.at,
        reason=record.reason,
    )


def _label(choices, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


_FIELDS = {
    "name": lambda: _("name"),
    "kind": lambda: _("kind"),
    "organization": lambda: _("organization"),
    "serial_number": lambda: _("serial number"),
    "attributes": lambda: _("attributes"),
    "status": lambda: _("status"),
}


def _value(field: str, value: Any) -> str:
    if value in (None, "", {}):
        return "—"
    if field == "kind":
        return _label(ItemKind, value)
    if field == "status":
        return _label(ItemStatus, value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items()))
    return str(value)


def field_lines(data: dict[str, Any]) -> list[str]:
    """``name: old → new`` for each field the record changed (``after`` alone: its value)."""
    before, after = data.get("before", {}), data.get("after", {})
    lines = []
    for field, new in after.items():
        if field == "attributes" and isinstance(new, dict):
            lines += _attribute_lines(before.get("attributes") or {}, new)
            continue
        label = _FIELDS[field]() if field in _FIELDS else field
        if field in before and before[field] not in (None, "", {}):
            lines.append(
                _("%(field)s: %(old)s → %(new)s")
                % {"field": label, "old": _value(field, before[field]), "new": _value(field, new)}
            )
        elif new not in (None, "", {}):
            lines.append(_("%(field)s: %(new)s") % {"field": label, "new": _value(field, new)})
    return lines


def _attribute_lines(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """One line per attribute added, changed or removed: ``attribute ports: 48 → 24``."""
    lines = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        words = {"key": key, "old": _value("", old), "new": _value("", new)}
        if old is None:
            lines.append(_("attribute %(key)s: %(new)s") % words)
        else:
            lines.append(_("attribute %(key)s: %(old)s → %(new)s") % words)
    return lines


@presenters.register("cmdb", "ci.create")
def _created(change: Change, reader: Reader) -> Presented:
    return Presented(
        headline=_("%(who)s recorded the configuration item") % {"who": reader.name(change.by)},
        lines=field_lines(change.data),
    )


@presenters.register("cmdb", "ci.change")
def _changed(change: Change, reader: Reader) -> Presented:
    return Presented(
        headline=_("%(who)s changed the configuration item") % {"who": reader.name(change.by)},
        lines=field_lines(change.data),
    )


def _relation(change: Change) -> dict[str, str]:
    return {
        "kind": _label(RelationKind, change.data.get("kind")),
        "to": f"{change.data.get('to_name', '')} (#{change.data.get('to', '')})",
    }


@presenters.register("cmdb", "ci.relate")
def _related(change: Change, reader: Reader) -> Presented:
    words = {"who": reader.name(change.by), **_relation(change)}
    return Presented(headline=_("%(who)s added: %(kind)s %(to)s") % words)


@presenters.register("cmdb", "ci.unrelate")
def _unrelated(change: Change, reader: Reader) -> Presented:
    words = {"who": reader.name(change.by), **_relation(change)}
    return Presented(headline=_("%(who)s removed: %(kind)s %(to)s") % words)


@presenters.register("cmdb", "ci.retire")
def _retired(change: Change, reader: Reader) -> Presented:
    data = change.data
    lines = []
    removed = len(data.get("relations_out", [])) + len(data.get("relations_in", []))
    if removed:
        lines.append(_("%(n)d relations removed") % {"n": removed})
    if data.get("services"):
        lines.append(_("taken out of %(n)d services") % {"n": len(data["services"])})
    return Presented(
        headline=_("%(who)s retired the configuration item") % {"who": reader.name(change.by)},
        lines=lines,
        texts=[change.reason] if change.reason else [],
    )


@presenters.register("cmdb")
def _other(change: Change, reader: Reader) -> Presented:
    return Presented(
        headline=_("%(who)s: %(action)s") % {"who": reader.name(change.by), "action": change.kind},
        lines=field_lines(change.data),
    )
