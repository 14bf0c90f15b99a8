"""DutyShift moves to the ``roster`` app; its table ``accounts_dutyshift`` stays as it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_field_labels"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DutyShift")],
            database_operations=[],
        ),
    ]
