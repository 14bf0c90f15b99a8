"""Rate cards get a period of validity: ``valid_from`` (a date) and an optional
``valid_until``.  A card that exists already has priced every work log so far: it is
valid from 2000-01-01 on, open-ended, so no amount already reported moves."""

import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("labour", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="ratecard",
            name="labour_one_card_per_org_tier",
        ),
        migrations.AddField(
            model_name="ratecard",
            name="valid_from",
            field=models.DateField(default=datetime.date(2000, 1, 1), verbose_name="valid from"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ratecard",
            name="valid_until",
            field=models.DateField(
                blank=True,
                help_text="Included; empty: open-ended.",
                null=True,
                verbose_name="valid until",
            ),
        ),
        migrations.AlterModelOptions(
            name="ratecard",
            options={
                "ordering": ["organization__code", "tier", "valid_from", "name"],
                "verbose_name": "rate card",
                "verbose_name_plural": "rate cards",
            },
        ),
        migrations.AddConstraint(
            model_name="ratecard",
            constraint=models.UniqueConstraint(
                fields=("organization", "tier", "valid_from"),
                name="labour_one_card_per_scope_and_start",
                nulls_distinct=False,
            ),
        ),
        migrations.AddConstraint(
            model_name="ratecard",
            constraint=models.CheckConstraint(
                condition=models.Q(("valid_until__isnull", True))
                | models.Q(("valid_until__gte", models.F("valid_from"))),
                name="labour_card_ends_after_it_starts",
            ),
        ),
    ]
