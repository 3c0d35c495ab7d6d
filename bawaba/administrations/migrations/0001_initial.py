"""Administration moves here from `campaigns`; its table (campaigns_administration) stays as it is."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("campaigns", "0005_age_limits_in_rules")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Administration",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                        ("name_ar", models.CharField(max_length=200, verbose_name="name (Arabic)")),
                        ("name_fr", models.CharField(max_length=200, verbose_name="name (French)")),
                        ("name_en", models.CharField(blank=True, max_length=200, verbose_name="name (English)")),
                    ],
                    options={
                        "verbose_name": "administration",
                        "verbose_name_plural": "administrations",
                        "ordering": ["code"],
                        "db_table": "campaigns_administration",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
