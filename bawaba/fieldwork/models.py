"""The in-person training of the selected field agents (MISSION.md, stage 5; issue 14, item 6).

Per province, supervisors set up training groups (a place, its days and hours, a trainer, a capacity). The agents
selected by the published final run (stage `field`) are assigned to the groups near their commune and convoked;
the supervisor records their attendance day by day and marks who completed the training: those are the campaign's
field staff.

Two guarantees are the database's own: a group never holds more members than its capacity (`members` is kept by
the services in the membership's own transaction, and checked), and an agent is a member of one group per
campaign.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Application, Campaign
from bawaba.territory.models import Commune, Province


class TrainingGroup(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="training_groups")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    place_name = models.CharField(_("place"), max_length=200)
    address = models.TextField(_("address"), max_length=500)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    daily_starts_at = models.TimeField(_("starts at"))
    daily_ends_at = models.TimeField(_("ends at"))
    trainer_name = models.CharField(_("trainer"), max_length=200)
    capacity = models.PositiveIntegerField(_("places"))
    # Its members not dropped (a dropped one gives her place back), kept by the services in the membership's own
    # transaction.
    members = models.PositiveIntegerField(_("members"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("training group")
        verbose_name_plural = _("training groups")
        ordering = ["starts_on", "daily_starts_at", "pk"]
        indexes = [models.Index(fields=["campaign", "province"], name="fieldwork_group_province")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="fieldwork_group_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(daily_ends_at__gt=models.F("daily_starts_at")),
                name="fieldwork_group_hours",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="fieldwork_group_capacity"),
            models.CheckConstraint(
                condition=models.Q(members__lte=models.F("capacity")), name="fieldwork_group_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place_name}, {self.starts_on}"


class GroupMember(models.Model):
    """A selected agent in one training group: convoked, then completed or dropped."""

    class Status(models.TextChoices):
        CONVOKED = "convoked", _("convoked")
        COMPLETED = "completed", _("completed")
        DROPPED = "dropped", _("dropped")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(TrainingGroup, on_delete=models.PROTECT, related_name="memberships")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="training_memberships"
    )
    # The commune where she is selected as a field agent (her decision in the final run).
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.CONVOKED)
    mailing = models.ForeignKey(
        "notifications.Mailing", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("convoked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "application"], name="fieldwork_one_group_per_campaign"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["convoked", "completed", "dropped"]),
                name="fieldwork_member_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"application {self.application_id} in group {self.group_id}"


class Attendance(models.Model):
    """Whether a member was there on one day of her group's training."""

    member = models.ForeignKey(GroupMember, on_delete=models.CASCADE, related_name="attendances")
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="fieldwork_attendance_once_a_day")
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} on {self.day}: {self.present}"
