"""Seed SPEC §3's defaults for gold and silver: callback 15 min, engineer callback 1 h,
callback chase at 30/45 min, first work log 45 min, and the severity escalation matrix.
Existing rows are left alone; every value is editable in the admin."""

from django.db import migrations

from casedesk.sla.defaults import ensure_policies


def seed(apps, schema_editor):
    ensure_policies(apps)


def unseed(apps, schema_editor):
    apps.get_model("sla", "SlaPolicy").objects.filter(service_level__in=["gold", "silver"]).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_sla_policies_and_deadlines")]

    operations = [migrations.RunPython(seed, unseed)]
