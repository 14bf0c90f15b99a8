"""The chain covers the CASEs that existed before it: one ``case.imported`` record each.

Each holds the CASE's number, status and how many history events it had; the history
itself stays where it is (the CASE events).  Written and sealed a chunk at a time (one
INSERT and one head update per chunk), so a million CASEs take minutes, not hours.
"""

from django.db import migrations
from django.db.models import Count

CHUNK = 2000


def import_cases(apps, schema_editor):
    from casedesk.core import audit, clock
    from casedesk.core.models import AuditRecord as Sealable

    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Record = apps.get_model("core", "AuditRecord")
    Head = apps.get_model("core", "AuditHead")
    if not Case.objects.exists():
        return
    head = Head.objects.select_for_update().get(pk=1)
    seq, prev, count = head.last_seq, head.last_hash, head.count
    at = clock.now()
    last = 0
    while True:
        cases = list(
            Case.objects.filter(pk__gt=last)
            .order_by("pk")
            .values("pk", "number", "title", "status")[:CHUNK]
        )
        if not cases:
            break
        last = cases[-1]["pk"]
        events = dict(
            CaseEvent.objects.filter(case_id__in=[c["pk"] for c in cases])
            .values_list("case_id")
            .annotate(n=Count("id"))
            .values_list("case_id", "n")
        )
        rows = []
        for c in cases:
            seq += 1
            rec = Sealable(
                seq=seq,
                prev_hash=prev,
                at=at,
                actor_id=None,
                actor="",
                action="case.imported",
                object_type="cases.case",
                object_id=str(c["pk"]),
                object_repr=f"{c['number']} {c['title']}"[:200],
                data=audit.canonical(
                    {"number": c["number"], "status": c["status"], "events": events.get(c["pk"], 0)}
                ),
                reason="",
                request_id="",
            )
            rec.hash = prev = audit.seal(rec)
            rows.append(
                Record(**{f.attname: getattr(rec, f.attname) for f in rec._meta.concrete_fields})
            )
        Record.objects.bulk_create(rows)
        count += len(rows)
        Head.objects.filter(pk=1).update(last_seq=seq, last_hash=prev, count=count)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_genesis"), ("cases", "0006_field_labels")]

    operations = [migrations.RunPython(import_cases, migrations.RunPython.noop)]
