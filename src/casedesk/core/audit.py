"""``record()``: the one way any state change is audited; ``verify()``: the chain check.

Every record holds the SHA-256 of its own content and of the record before it, and the
records are numbered 1, 2, 3 … without gaps (genesis is 1).  Changing a record breaks its
own hash, deleting one leaves a gap, inserting one out of place breaks the next link, and
cutting off the tail no longer matches the head row.  Whoever can rewrite the whole table
can also recompute the chain from some point on: an auditor keeps an anchor
(``casedesk audit head``) and checks later that the chain still passes through it
(``casedesk audit verify --anchor ID:HASH``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction

from casedesk.core import clock, context

from .models import GENESIS_HASH, AuditHead, AuditRecord

GENESIS_ACTION = "audit.genesis"


class _Encoder(DjangoJSONEncoder):
    """Datetimes, dates, decimals and UUIDs as DjangoJSONEncoder writes them; a model
    instance as its primary key; a set as a sorted list."""

    def default(self, o: Any) -> Any:
        if isinstance(o, models.Model):
            return o.pk
        if isinstance(o, set | frozenset):
            return sorted(o, key=str)
        if isinstance(o, dt.datetime):
            return o.astimezone(dt.UTC).isoformat(timespec="microseconds")
        return super().default(o)


def canonical(value: Any) -> str:
    """The one JSON text of ``value``: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(
        value, cls=_Encoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def jsonable(value: Any) -> Any:
    """``value`` as it reads back from its canonical JSON."""
    return json.loads(canonical(value))


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"before": {...}, "after": {...}}`` holding only the keys whose values differ."""
    b, a = jsonable(dict(before)), jsonable(dict(after))
    keys = sorted(k for k in set(b) | set(a) if b.get(k) != a.get(k))
    return {"before": {k: b.get(k) for k in keys}, "after": {k: a.get(k) for k in keys}}


def _at(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def seal(rec: AuditRecord) -> str:
    """The hash of a record: every column and the previous record's hash."""
    content = [
        rec.id,
        rec.prev_hash,
        _at(rec.at),
        rec.actor_id,
        rec.actor,
        rec.action,
        rec.object_type,
        rec.object_id,
        rec.object_repr,
        rec.data,
        rec.reason,
        rec.request_id,
    ]
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def _genesis(at: dt.datetime) -> AuditRecord:
    rec = AuditRecord(
        id=1,
        at=at,
        actor="",
        action=GENESIS_ACTION,
        object_type="core.auditrecord",
        data="{}",
        reason="The audit trail starts here.",
        prev_hash=GENESIS_HASH,
    )
    rec.hash = seal(rec)
    return rec


def _locked_head() -> AuditHead:
    """The head row under lock, made with the genesis record the first time."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            genesis = _genesis(clock.now())
            genesis.save(force_insert=True)
            AuditHead.objects.create(id=1, last_id=1, last_hash=genesis.hash, count=1)
    except IntegrityError:
        pass  # another transaction made it first
    return AuditHead.objects.select_for_update().get(pk=1)


def record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    object_repr: str = "",
    actor: Any = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditRecord:
    """Append one audit record in the caller's transaction.

    ``action`` is a stable code (``case.assign``, ``organization.change``); ``actor`` a
    user (None: the system); ``before``/``after`` the object's fields around the change
    (only the differing ones are kept); ``data`` any further structured facts.  Wording is
    made at read time: store data, not sentences.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id == "" else object_id
        object_repr = object_repr or str(obj)
    payload: dict[str, Any] = {}
    if before is not None or after is not None:
        payload.update(diff(before or {}, after or {}))
    if data:
        payload.update(jsonable(dict(data)))
    with transaction.atomic():
        head = _locked_head()
        rec = AuditRecord(
            id=head.last_id + 1,
            at=clock.now(),
            actor_id=getattr(actor, "pk", None),
            actor=(getattr(actor, "username", "") or "")[:150] if actor is not None else "",
            action=action[:64],
            object_type=object_type[:100],
            object_id=str(object_id)[:64],
            object_repr=object_repr[:200],
            data=canonical(payload),
            reason=reason or "",
            request_id=context.request_id(),
            prev_hash=head.last_hash,
        )
        rec.hash = seal(rec)
        rec.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(
            last_id=rec.id, last_hash=rec.hash, count=models.F("count") + 1
        )
    return rec


@dataclasses.dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    record_id: int | None = None
    problem: str = ""


_FIELDS = [f.attname for f in AuditRecord._meta.concrete_fields]


def _records(batch: int) -> Iterator[AuditRecord]:
    last = 0
    while True:
        chunk = list(AuditRecord.objects.filter(id__gt=last).order_by("id")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].id


def verify(*, anchor: tuple[int, str] | None = None, batch: int = 5000) -> Verdict:
    """Recompute the chain from genesis; the first record found wrong, or ok."""
    prev_hash, expected, checked = GENESIS_HASH, 1, 0
    anchor_seen = anchor is None
    for rec in _records(batch):
        if rec.id != expected:
            if rec.id > expected:
                problem = f"records {expected}–{rec.id - 1} are missing (deleted)"
                return Verdict(False, checked, expected, problem)
            return Verdict(False, checked, rec.id, "out of sequence")
        if rec.prev_hash != prev_hash:
            return Verdict(False, checked, rec.id, "does not follow the record before it")
        if seal(rec) != rec.hash:
            return Verdict(False, checked, rec.id, "was altered (its hash does not match)")
        if anchor is not None and rec.id == anchor[0]:
            if rec.hash != anchor[1]:
                return Verdict(False, checked, rec.id, "differs from the anchor")
            anchor_seen = True
        prev_hash, expected, checked = rec.hash, expected + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    if checked == 0:
        if head is None:
            return Verdict(True, 0)
        return Verdict(False, 0, 1, "the chain is empty but its head says otherwise")
    if head is None or head.last_id != expected - 1 or head.last_hash != prev_hash:
        last = head.last_id if head is not None else "?"
        return Verdict(
            False, checked, expected, f"records after {expected - 1} are missing (head: {last})"
        )
    if not anchor_seen:
        return Verdict(False, checked, anchor[0] if anchor else None, "the anchor is missing")
    return Verdict(True, checked)
