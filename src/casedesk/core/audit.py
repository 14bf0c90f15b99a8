"""``record()``: the one way any state change is audited; ``verify()``: the chain check.

Every record holds the SHA-256 of its own content and of the record before it, and the
records are numbered 1, 2, 3 … without gaps (genesis is 1).  Changing a record breaks its
own hash, deleting one leaves a gap, inserting one out of place breaks the next link, and
cutting off the tail no longer matches the head row.  Whoever can rewrite the whole table
can also recompute the chain from some point on: an auditor keeps an anchor
(``casedesk audit head``) and checks later that the chain still passes through it
(``casedesk audit verify --anchor SEQ:HASH``).

An operation's records are made as it goes and written *sealed* (numbered and hashed)
together at its end, in its transaction (``sealing()``, entered by
``core.operations.operation``): the chain's head row is locked only from then to the
commit, so operations on different objects hardly wait for each other.  On PostgreSQL a
single record is written and the head moved in one statement.  A record made outside an
operation is written at once.  A record made inside a savepoint that rolls back is dropped
with it: nothing is numbered for it.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction

from casedesk.core import clock, context, rows

from .models import GENESIS_HASH, AuditHead, AuditRecord

GENESIS_ACTION = "audit.genesis"
_RECORDS = connection.ops.quote_name(AuditRecord._meta.db_table)
_HEAD = connection.ops.quote_name(AuditHead._meta.db_table)


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


_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> bool:
    """True if ``value`` reads back from JSON as it is (dicts with text keys, lists, text,
    numbers, None): most of what operations record, so no round trip is needed."""
    if isinstance(value, _SCALARS):
        return True
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return False


def jsonable(value: Any) -> Any:
    """``value`` as it reads back from its canonical JSON."""
    if _plain(value):
        return value
    return json.loads(canonical(value))


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"before": {...}, "after": {...}}`` holding only the keys whose values differ."""
    b, a = jsonable(dict(before)), jsonable(dict(after))
    keys = sorted(k for k in set(b) | set(a) if b.get(k) != a.get(k))
    return {"before": {k: b.get(k) for k in keys}, "after": {k: a.get(k) for k in keys}}


def _at(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def digest(rec: AuditRecord) -> str:
    """The hash of a record's content: every column but its place in the chain."""
    content = [
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


def link(prev_hash: str, seq: int, content_digest: str) -> str:
    """A record's hash: SHA-256 of ``"<previous hash>:<seq>:<digest of its content>"``
    (PostgreSQL computes the same in the statement that seals a single record)."""
    return hashlib.sha256(f"{prev_hash}:{seq}:{content_digest}".encode()).hexdigest()


def seal(rec: AuditRecord) -> str:
    """The hash of a record: its content, its number and the previous record's hash."""
    return link(rec.prev_hash, rec.seq or 0, digest(rec))


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
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    cursor.execute(f"SELECT last_seq, last_hash FROM {_HEAD} WHERE id = 1{lock}")
    row = cursor.fetchone()
    if row is None:
        head = _locked_head()
        return head.last_seq, head.last_hash
    return row[0], row[1]


def _alive() -> Callable[[], None]:
    """A new do-nothing after-commit callback, registered with each pending record: Django
    drops it when a savepoint open at its registration rolls back, and so drops the record."""

    def audit_record_kept() -> None:
        pass

    return audit_record_kept


# The records made in the current operation and not yet written, each with its _alive() (None:
# not in an operation, a record is written and sealed at once).
_pending: contextvars.ContextVar[list[tuple[list[AuditRecord], Callable[[], None]]] | None] = (
    contextvars.ContextVar("casedesk_audit_pending", default=None)
)


@contextmanager
def sealing() -> Iterator[None]:
    """Write and seal the records made inside the block when it ends without an error, in
    the caller's transaction (which then commits or rolls back the chain with its changes).
    Nested blocks leave the sealing to the outermost."""
    if _pending.get() is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("audit.sealing() runs inside the operation's transaction")
    token = _pending.set([])
    try:
        yield
        pending = _pending.get() or []
        alive = {id(entry[1]) for entry in connection.run_on_commit}  # (savepoints, func, robust)
        kept = [rec for recs, marker in pending if id(marker) in alive for rec in recs]
        if kept:
            _seal(kept)
    finally:
        _pending.reset(token)


def _keep(records: list[AuditRecord]) -> None:
    """Hold ``records`` for the operation's end, or write and seal them now outside one."""
    pending = _pending.get()
    if pending is None:
        with transaction.atomic(savepoint=False):
            _seal(records)
        return
    marker = _alive()
    transaction.on_commit(marker)
    pending.append((records, marker))


def _seal(records: list[AuditRecord]) -> None:
    """Number, hash and write ``records`` (in the order they were made) after the chain's
    head, in the current transaction.  Keys are read back only for a single record."""
    with connection.cursor() as cursor:
        one = len(records) == 1 and connection.vendor == "postgresql"
        if one and _seal_one(cursor, records[0]):
            return
        seq, prev = _head_values(cursor)
        for rec in records:
            seq += 1
            rec.seq, rec.prev_hash = seq, prev
            rec.hash = prev = seal(rec)
        if len(records) == 1:
            rows.insert_one(records[0])
        else:
            for start in range(0, len(records), 500):
                rows.insert(AuditRecord, records[start : start + 500])
        cursor.execute(
            f"UPDATE {_HEAD} SET last_seq = %s, last_hash = %s, prev_hash = %s,"
            " count = count + %s WHERE id = 1",
            [seq, prev, records[-1].prev_hash, len(records)],
        )


_CONTENT = tuple(
    f
    for f in AuditRecord._meta.local_concrete_fields
    if f.attname not in {"id", "seq", "prev_hash", "hash"}
)

# PostgreSQL writes and seals a single record in one statement, the one that moves the head
# under its lock: the head's old hash becomes the record's ``prev_hash``, its new hash is
# ``link``'s formula over the record's content digest, computed here.
_SEAL_ONE = f"""
WITH moved AS (
    UPDATE {_HEAD} SET
        prev_hash = last_hash,
        last_seq = last_seq + 1,
        last_hash = encode(sha256(convert_to(
            last_hash || ':' || (last_seq + 1)::text || ':' || %s, 'UTF8')), 'hex'),
        count = count + 1
    WHERE id = 1
    RETURNING last_seq, prev_hash, last_hash
)
INSERT INTO {_RECORDS} (seq, prev_hash, hash, {", ".join(f.attname for f in _CONTENT)})
SELECT moved.last_seq, moved.prev_hash, moved.last_hash, {", ".join(["%s"] * len(_CONTENT))}
FROM moved
RETURNING id, seq, prev_hash, hash
"""


def _seal_one(cursor, rec: AuditRecord) -> bool:
    """Write and seal one record in one statement (PostgreSQL); False if the chain has no
    head yet (the general path makes it)."""
    content = [f.get_db_prep_save(getattr(rec, f.attname), connection) for f in _CONTENT]
    cursor.execute(_SEAL_ONE, [digest(rec), *content])
    row = cursor.fetchone()
    if row is None:
        return False
    rec.pk, rec.seq, rec.prev_hash, rec.hash = row
    rec._state.adding = False
    return True


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
    """Audit one change in the caller's transaction (written and sealed at the operation's
    end; at once outside an operation).

    Takes :func:`build`'s keywords: ``action`` a stable code (``case.assign``,
    ``organization.change``); ``actor`` a user (None: the system); ``before``/``after`` the
    object's fields around the change (only the differing ones are kept); ``data`` any
    further structured facts.  Wording is made at read time: store data, not sentences.
    """
    rec = build(**fields)
    _keep([rec])
    return rec


def record_all(records: list[AuditRecord]) -> None:
    """Audit many changes made by :func:`build` at once (one INSERT per 500), in order."""
    if records:
        _keep(list(records))


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
