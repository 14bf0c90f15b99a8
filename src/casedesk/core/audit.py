"""``record()``: the one way any state change is audited; ``verify()``: the chain check.

Every record holds the SHA-256 of its own content and of the record before it, and the
records are numbered 1, 2, 3 … without gaps (genesis is 1).  Changing a record breaks its
own hash, deleting one leaves a gap, inserting one out of place breaks the next link, and
cutting off the tail no longer matches the head row.  Whoever can rewrite the whole table
can also recompute the chain from some point on: an auditor keeps an anchor
(``casedesk audit head``) and checks later that the chain still passes through it
(``casedesk audit verify --anchor SEQ:HASH``).

An operation's records are written as it goes and *sealed* (numbered and hashed) together
at its end, in its transaction (``sealing()``, entered by ``core.operations.operation``):
the chain's head row is locked only from then to the commit, so operations on different
objects hardly wait for each other.  A record written outside an operation is sealed at
once.  A record rolled back with its savepoint is simply gone: nothing is numbered for it.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction

from casedesk.core import clock, context, rows

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
        rec.seq,
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
        seq=1,
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
            AuditHead.objects.create(id=1, last_seq=1, last_hash=genesis.hash, count=1)
    except IntegrityError:
        pass  # another transaction made it first
    return AuditHead.objects.select_for_update().get(pk=1)


def _head_values(cursor) -> tuple[int, str]:
    """``(last_seq, last_hash)`` of the head row, locked till the commit (made the first
    time).  Plain SQL: this runs once per operation."""
    table = connection.ops.quote_name(AuditHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    cursor.execute(f"SELECT last_seq, last_hash FROM {table} WHERE id = 1{lock}")
    row = cursor.fetchone()
    if row is None:
        head = _locked_head()
        return head.last_seq, head.last_hash
    return row[0], row[1]


# The records written in the current operation and not yet sealed (None: not in an
# operation, records are sealed at once).
_pending: contextvars.ContextVar[list[AuditRecord] | None] = contextvars.ContextVar(
    "casedesk_audit_pending", default=None
)


@contextmanager
def sealing() -> Iterator[None]:
    """Seal the records written inside the block when it ends without an error (the
    caller's transaction then commits or rolls back the sealed chain with its changes).
    Nested blocks leave the sealing to the outermost."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set([])
    try:
        yield
        pending = _pending.get() or []
        if pending:
            _seal(pending)
    finally:
        _pending.reset(token)


def _seal(written: list[AuditRecord]) -> None:
    """Number and hash ``written`` (in the order of their ids) after the chain's head.

    A record rolled back with its savepoint is skipped: its row is gone (or, on SQLite, its
    id was taken again by a later record of the same operation, the one kept here)."""
    by_id = {rec.pk: rec for rec in written}  # a reused id: the later record is the row
    ids = sorted(by_id)
    quote = connection.ops.quote_name
    table = quote(AuditRecord._meta.db_table)
    update = f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL"
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if len(ids) > 1:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(f"SELECT id FROM {table} WHERE seq IS NULL AND id IN ({marks})", ids)
            alive = {row[0] for row in cursor.fetchall()}
            ids = [pk for pk in ids if pk in alive]
        if not ids:
            return
        seq, prev = _head_values(cursor)
        params = []
        for pk in ids:
            rec = by_id[pk]
            seq += 1
            rec.seq, rec.prev_hash = seq, prev
            rec.hash = prev = seal(rec)
            params.append((rec.seq, rec.prev_hash, rec.hash, pk))
        head = quote(AuditHead._meta.db_table)
        move = f"UPDATE {head} SET last_seq = %s, last_hash = %s, count = count + %s WHERE id = 1"
        if len(params) == 1 and connection.vendor == "postgresql":
            # The head moves in the same statement (one round trip less while it is locked),
            # and only if the record is still there.
            cursor.execute(
                f"WITH moved AS ({move} AND EXISTS"
                f" (SELECT 1 FROM {table} WHERE id = %s AND seq IS NULL) RETURNING 1) {update}",
                [seq, prev, 1, ids[0], *params[0]],
            )
            if cursor.rowcount != 1:  # rolled back with its savepoint: nothing to number
                rec.seq = None
            return
        if len(params) == 1:
            cursor.execute(update, params[0])
            if cursor.rowcount != 1:  # rolled back with its savepoint: nothing to number
                rec.seq = None
                return
        else:
            cursor.executemany(update, params)
        cursor.execute(move, [seq, prev, len(params)])


def build(
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
    """One audit record, not yet written: see :func:`record`; :func:`record_all` writes many."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id == "" else object_id
        object_repr = object_repr or str(obj)
    payload: dict[str, Any] = {}
    if before is not None or after is not None:
        payload.update(diff(before or {}, after or {}))
    if data:
        payload.update(jsonable(dict(data)))
    return AuditRecord(
        at=clock.now(),
        actor_id=getattr(actor, "pk", None),
        actor=(getattr(actor, "username", "") or "")[:150] if actor is not None else "",
        action=action[:64],
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=object_repr[:200],
        data=canonical(payload),
        reason=str(reason or ""),
        request_id=context.request_id(),
    )


def record(**fields: Any) -> AuditRecord:
    """Write one audit record in the caller's transaction (sealed at the operation's end).

    Takes :func:`build`'s keywords: ``action`` a stable code (``case.assign``,
    ``organization.change``); ``actor`` a user (None: the system); ``before``/``after`` the
    object's fields around the change (only the differing ones are kept); ``data`` any
    further structured facts.  Wording is made at read time: store data, not sentences.
    """
    rec = build(**fields)
    rows.insert_one(rec)
    pending = _pending.get()
    if pending is None:
        _seal([rec])
    else:
        pending.append(rec)
    return rec


def record_all(records: list[AuditRecord]) -> None:
    """Write many records made by :func:`build` at once (one INSERT per 500), in order."""
    if not records:
        return
    with transaction.atomic(savepoint=False):
        made = AuditRecord.objects.bulk_create(records, batch_size=500)
        if any(rec.pk is None for rec in made):  # a database that does not return new ids
            raise NotImplementedError("audit.record_all needs ids returned by bulk_create")
        pending = _pending.get()
        if pending is None:
            _seal(made)
        else:
            pending.extend(made)


@dataclasses.dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    record_seq: int | None = None
    problem: str = ""


def _records(batch: int) -> Iterator[AuditRecord]:
    last = 0
    while True:
        chunk = list(AuditRecord.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq or 0


def verify(*, anchor: tuple[int, str] | None = None, batch: int = 5000) -> Verdict:
    """Recompute the chain from genesis; the first record found wrong, or ok."""
    prev_hash, expected, checked = GENESIS_HASH, 1, 0
    anchor_seen = anchor is None
    for rec in _records(batch):
        if rec.seq != expected:
            problem = f"records {expected}–{(rec.seq or 0) - 1} are missing (deleted)"
            return Verdict(False, checked, expected, problem)
        if rec.prev_hash != prev_hash:
            return Verdict(False, checked, rec.seq, "does not follow the record before it")
        if seal(rec) != rec.hash:
            return Verdict(False, checked, rec.seq, "was altered (its hash does not match)")
        if anchor is not None and rec.seq == anchor[0]:
            if rec.hash != anchor[1]:
                return Verdict(False, checked, rec.seq, "differs from the anchor")
            anchor_seen = True
        prev_hash, expected, checked = rec.hash, expected + 1, checked + 1
    unsealed = AuditRecord.objects.filter(seq__isnull=True).order_by("id").first()
    if unsealed is not None:
        return Verdict(
            False, checked, None, f"a record (id {unsealed.pk}) stands outside the chain"
        )
    head = AuditHead.objects.filter(pk=1).first()
    if checked == 0:
        if head is None:
            return Verdict(True, 0)
        return Verdict(False, 0, 1, "the chain is empty but its head says otherwise")
    if head is None or head.last_seq != expected - 1 or head.last_hash != prev_hash:
        last = head.last_seq if head is not None else "?"
        return Verdict(
            False, checked, expected, f"records after {expected - 1} are missing (head: {last})"
        )
    if not anchor_seen:
        return Verdict(False, checked, anchor[0] if anchor else None, "the anchor is missing")
    return Verdict(True, checked)
