"""A record's hash becomes SHA-256 of ``previous hash:seq:content digest`` (``audit.seal``),
so PostgreSQL can seal a record in the statement that moves the head; the head keeps the
hash before its last (``prev_hash``).

A chain sealed under the first formula (each hash over every column and the previous hash)
is linked again under the new one, a chunk at a time, after checking that it verifies under
the old one: a chain that was already broken is left as it is, for ``audit verify`` to show.
Anchors taken before this migration name the old hashes.
"""

import hashlib
import json

from django.db import migrations, models

CHUNK = 5000


def _old_seal(rec, prev_hash):
    from casedesk.core import audit

    content = [
        rec.seq,
        prev_hash,
        audit._at(rec.at),
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
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _chunks(Record):
    last = 0
    while True:
        chunk = list(Record.objects.filter(seq__gt=last).order_by("seq")[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].seq


def _verifies_under_the_old_formula(Record) -> bool:
    from casedesk.core import audit

    prev, expected = audit.GENESIS_HASH, 1
    for chunk in _chunks(Record):
        for rec in chunk:
            if rec.seq != expected or rec.prev_hash != prev or _old_seal(rec, prev) != rec.hash:
                return False
            prev, expected = rec.hash, expected + 1
    return True


def relink(apps, schema_editor):
    from casedesk.core import audit

    Record = apps.get_model("core", "AuditRecord")
    Head = apps.get_model("core", "AuditHead")
    genesis = Record.objects.filter(seq=1).first()
    if genesis is None or audit.link(audit.GENESIS_HASH, 1, audit.digest(genesis)) == genesis.hash:
        return  # no chain yet, or made under the new formula
    if not _verifies_under_the_old_formula(Record):
        return  # broken before this migration: leave it for audit verify to name
    prev, before_last, last = audit.GENESIS_HASH, "", 0
    for chunk in _chunks(Record):
        for rec in chunk:
            rec.prev_hash, before_last = prev, prev
            rec.hash = prev = audit.link(prev, rec.seq, audit.digest(rec))
            last = rec.seq
        Record.objects.bulk_update(chunk, ["prev_hash", "hash"], batch_size=1000)
    Head.objects.filter(pk=1, last_seq=last).update(last_hash=prev, prev_hash=before_last)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_existing_cases")]

    operations = [
        migrations.AddField(
            model_name="audithead",
            name="prev_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(relink, migrations.RunPython.noop),
    ]
