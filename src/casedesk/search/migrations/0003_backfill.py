"""Index the CASEs a database already has (new CASEs are indexed by their operations)."""

from django.db import migrations


def backfill(apps, schema_editor):
    from casedesk.search.services import reindex

    reindex(
        case_model=apps.get_model("cases", "Case"),
        worklog_model=apps.get_model("cases", "WorkLog"),
        stats=False,  # counted by 0004, which makes their table
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0002_index"), ("cases", "0005_case_engineer_cover")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
