"""Staff roles become assignments with a scope; the account keeps only its kind (candidate or staff).

A former central administrator (or superuser) gets a national assignment; a former provincial supervisor gets a
supervisor's assignment with no province yet (she sees nothing until a central administrator gives her provinces);
a former agent gets none (an agent's assignment needs an administration). All of them become staff accounts.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def roles_to_assignments(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Assignment = apps.get_model("accounts", "Assignment")
    admins = User.objects.filter(models.Q(kind="central_admin") | models.Q(is_superuser=True))
    Assignment.objects.bulk_create(
        Assignment(user_id=pk, role="central_admin") for pk in admins.values_list("pk", flat=True)
    )
    supervisors = User.objects.filter(kind="supervisor", is_superuser=False)
    Assignment.objects.bulk_create(
        Assignment(user_id=pk, role="provincial_supervisor")
        for pk in supervisors.values_list("pk", flat=True)
    )
    User.objects.exclude(kind="candidate").update(kind="staff")
    User.objects.filter(is_superuser=True).update(kind="staff")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("administrations", "0001_initial"),
        ("territory", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="user", old_name="role", new_name="kind"),
        migrations.CreateModel(
            name="Assignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("central_admin", "Central administrator"),
                            ("regional_coordinator", "Regional coordinator"),
                            ("provincial_supervisor", "Provincial supervisor"),
                            ("interviewer", "Interviewer"),
                            ("administration_agent", "Administration agent"),
                        ],
                        max_length=24,
                        verbose_name="role",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at"),
                ),
                (
                    "administration",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="administrations.administration",
                        verbose_name="administration",
                    ),
                ),
                (
                    "provinces",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="territory.province",
                        verbose_name="provinces and prefectures",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="territory.region",
                        verbose_name="region",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="staff member",
                    ),
                ),
            ],
            options={
                "verbose_name": "assignment",
                "verbose_name_plural": "assignments",
                "ordering": ["user", "role", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("region__isnull", False), ("role", "regional_coordinator")),
                            models.Q(
                                models.Q(("role", "regional_coordinator"), _negated=True),
                                ("region__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="assignment_region_for_coordinator_only",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("administration__isnull", False), ("role", "administration_agent")),
                            models.Q(
                                models.Q(("role", "administration_agent"), _negated=True),
                                ("administration__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="assignment_administration_for_agent_only",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("role", "central_admin")),
                        fields=("user",),
                        name="assignment_one_central_admin_role_per_user",
                    ),
                ],
            },
        ),
        migrations.RunPython(roles_to_assignments, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="kind",
            field=models.CharField(
                choices=[("candidate", "Candidate"), ("staff", "Staff member")],
                default="candidate",
                max_length=20,
                verbose_name="kind of account",
            ),
        ),
    ]
