"""DutyShift, moved here from ``accounts`` in state only: its table stays
``accounts_dutyshift`` (``accounts.0005_move_dutyshift_to_roster`` forgets it there)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0005_move_dutyshift_to_roster"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DutyShift",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("starts_at", models.DateTimeField(verbose_name="starts at")),
                        ("ends_at", models.DateTimeField(verbose_name="ends at")),
                        (
                            "hotline",
                            models.BooleanField(default=True, verbose_name="answers the hotline"),
                        ),
                        (
                            "duty_engineer",
                            models.BooleanField(
                                default=True,
                                help_text=(
                                    "On this shift as the duty engineer, who receives the duty "
                                    "engineer's alarms. Clear it for an engineer's ordinary "
                                    "working shift."
                                ),
                                verbose_name="as duty engineer",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="duty_shifts",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="duty engineer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "duty shift",
                        "verbose_name_plural": "duty roster",
                        "db_table": "accounts_dutyshift",
                        "ordering": ["-starts_at"],
                        "indexes": [
                            models.Index(fields=["starts_at", "ends_at"], name="dutyshift_span")
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                                name="dutyshift_ends_after_start",
                                violation_error_message="A shift must end after it starts.",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
