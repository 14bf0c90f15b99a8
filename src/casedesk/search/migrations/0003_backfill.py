"""Formerly the backfill; it now runs after the index took its final form (0006)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0002_index"), ("cases", "0005_case_engineer_cover")]

    operations = []  # type: ignore[var-annotated]
