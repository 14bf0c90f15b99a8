"""Index the CASEs a database already has (new CASEs are indexed by their operations), and
count the tokens; skipped where every CASE has its document already."""

from django.db import migrations


def backfill(apps, schema_editor):
    from casedesk.search.services import refresh_stats, reindex

    Case = apps.get_model("cases", "Case")
    CaseDocument = apps.get_model("search", "CaseDocument")
    if CaseDocument.objects.count() < Case.objects.count():
        reindex(case_model=Case, worklog_model=apps.get_model("cases", "WorkLog"))
    else:
        refresh_stats()


class Migration(migrations.Migration):
    dependencies = [("search", "0005_pg_document"), ("cases", "0005_case_engineer_cover")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
