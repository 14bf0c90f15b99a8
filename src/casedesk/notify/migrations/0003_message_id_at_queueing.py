"""A message's Message-ID is fixed when its outbox row is written (not when it is sent), so a
message sent again after a crash is the same message; rows waiting to be sent get theirs now.
Sender claims carry a token, like webhook deliveries'."""

from email.utils import make_msgid

from django.conf import settings
from django.db import migrations, models

import casedesk.notify.models

CHUNK = 1000


def fill_message_ids(apps, schema_editor):
    """Give every row without a Message-ID one (those not sent yet), in chunks."""
    Notification = apps.get_model("notify", "Notification")
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "casedesk.local"
    while True:
        rows = list(Notification.objects.filter(message_id="").only("pk")[:CHUNK])
        if not rows:
            return
        for row in rows:
            row.message_id = make_msgid(idstring=f"n{row.pk}", domain=domain)
        Notification.objects.bulk_update(rows, ["message_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0002_notification_threading"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="claim_token",
            field=models.CharField(blank=True, default="", max_length=32, verbose_name="claim"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="message_id",
            field=models.CharField(
                blank=True,
                default=casedesk.notify.models.new_message_id,
                max_length=200,
                verbose_name="Message-ID",
            ),
        ),
        migrations.RunPython(fill_message_ids, migrations.RunPython.noop, elidable=True),
    ]
