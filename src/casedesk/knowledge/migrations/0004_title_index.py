"""A GIN index on the articles' working titles (PostgreSQL): suggestions while a CASE
title is typed put the articles whose title matches first (``selectors.suggestions``)."""

from django.db import migrations

FORWARD = "CREATE INDEX knowledge_title_gin ON knowledge_articledocument USING gin (title)"
BACKWARD = "DROP INDEX IF EXISTS knowledge_title_gin"


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_usage")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
