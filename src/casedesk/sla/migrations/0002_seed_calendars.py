"""Seed the default calendars (SPEC §3): 7×24 for gold, 5×8 (Mon–Fri 09:00–18:00, Chinese
public holidays and adjusted working days) for silver.  Existing rows are left alone."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    ServiceCalendar = apps.get_model("sla", "ServiceCalendar")
    WorkingPeriod = apps.get_model("sla", "WorkingPeriod")
    ServiceLevelCalendar = apps.get_model("sla", "ServiceLevelCalendar")

    always, _ = ServiceCalendar.objects.get_or_create(
        code="7x24",
        defaults={"name": "7×24 全天候", "always_open": True, "chinese_holidays": False},
    )
    office, created = ServiceCalendar.objects.get_or_create(
        code="5x8",
        defaults={
            "name": "5×8 工作日 09:00–18:00",
            "always_open": False,
            "chinese_holidays": True,
            "adjusted_day_hours_from": 0,
        },
    )
    if created:
        WorkingPeriod.objects.bulk_create(
            WorkingPeriod(calendar=office, weekday=day, start=dt.time(9), end=dt.time(18))
            for day in range(5)
        )
    ServiceLevelCalendar.objects.get_or_create(service_level="gold", defaults={"calendar": always})
    ServiceLevelCalendar.objects.get_or_create(
        service_level="silver", defaults={"calendar": office}
    )


def unseed(apps, schema_editor):
    ServiceLevelCalendar = apps.get_model("sla", "ServiceLevelCalendar")
    ServiceCalendar = apps.get_model("sla", "ServiceCalendar")
    ServiceLevelCalendar.objects.filter(service_level__in=["gold", "silver"]).delete()
    ServiceCalendar.objects.filter(code__in=["7x24", "5x8"], service_levels__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
