"""Administration moved to the `administrations` app. Its table and the campaigns' foreign key stay as they are:
the change is to Django's state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("administrations", "0001_initial"),
        ("campaigns", "0005_age_limits_in_rules"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="campaign",
                    name="administration",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="campaigns",
                        to="administrations.administration",
                        verbose_name="administration",
                    ),
                ),
                migrations.DeleteModel(name="Administration"),
            ],
            database_operations=[],
        ),
    ]
