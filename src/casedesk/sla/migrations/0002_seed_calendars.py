"""Seed the default calendars (SPEC §3): 7×24 for gold, 5×8 (Mon–Fri 09:00–18:00, Chinese
public holidays and adjusted working days) for silver.  Existing rows are left alone."""

from django.db import migrations

from casedesk.sla.defaults import ensure_calendars


def seed(apps, schema_editor):
    ensure_calendars(apps)


def unseed(apps, schema_editor):
    ServiceLevelCalendar = apps.get_model("sla", "ServiceLevelCalendar")
    ServiceCalendar = apps.get_model("sla", "ServiceCalendar")
    ServiceLevelCalendar.objects.filter(service_level__in=["gold", "silver"]).delete()
    ServiceCalendar.objects.filter(code__in=["7x24", "5x8"], service_levels__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
