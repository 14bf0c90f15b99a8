"""The audit chain starts at this migration, with its genesis record."""

from django.db import migrations


def genesis(apps, schema_editor):
    from casedesk.core import clock
    from casedesk.core.audit import _genesis

    Record = apps.get_model("core", "AuditRecord")
    Head = apps.get_model("core", "AuditHead")
    if Record.objects.exists():
        return
    rec = _genesis(clock.now())
    Record.objects.create(**{f.attname: getattr(rec, f.attname) for f in rec._meta.concrete_fields})
    Head.objects.create(id=1, last_seq=1, last_hash=rec.hash, count=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(genesis, migrations.RunPython.noop)]
