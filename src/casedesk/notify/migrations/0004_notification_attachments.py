"""A queued message may carry files: CASE attachments named by id, read when it is sent."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0003_message_id_at_queueing"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="attachments",
            field=models.JSONField(blank=True, default=list, verbose_name="attachments"),
        ),
    ]
