"""Interviews at province level and what follows them (MISSION.md, stages 4 and 5; issue 14).

Per campaign, versioned like the selection rules (a change is a new version, never an edit): the calling rules (who
is called: bawaba.interviews.calling) and the interview grid (bawaba.interviews.grid). Per province: the sessions
supervisors set up, cut into slots; per candidate: her convocation to one slot, its presence, and her score.

Two guarantees are the database's own, so that no code path can break them: a slot never holds more convocations
than its capacity (`convoked` is kept by the services and checked), and a candidate has at most one live
convocation at a time (a partial unique index: her withdrawn ones stay as history).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Application, Campaign
from bawaba.territory.models import Province


class CallRules(models.Model):
    """One version of a campaign's calling rules (the JSON bawaba.interviews.calling reads)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="interview_call_rules")
    version = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(_("rules"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("calling rules")
        verbose_name_plural = _("calling rules")
        ordering = ["campaign", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "version"], name="interviews_call_rules_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"calling rules v{self.version} of {self.campaign}"


class InterviewGrid(models.Model):
    """One version of a campaign's interview grid (the JSON bawaba.interviews.grid reads)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="interview_grids")
    version = models.PositiveIntegerField(_("version"))
    grid = models.JSONField(_("grid"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("interview grid")
        verbose_name_plural = _("interview grids")
        ordering = ["campaign", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="interviews_grid_version_unique")
        ]

    def __str__(self) -> str:
        return f"interview grid v{self.version} of {self.campaign}"


class InterviewSession(models.Model):
    """A day of interviews at one place of a province, cut into slots of `slot_minutes`."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="interview_sessions")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    place_name = models.CharField(_("place"), max_length=200)
    address = models.TextField(_("address"), max_length=500)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per slot"), default=30)
    places_per_slot = models.PositiveSmallIntegerField(_("candidates per slot"))
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="interview_sessions",
        verbose_name=_("interviewers"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("interview session")
        verbose_name_plural = _("interview sessions")
        ordering = ["day", "starts_at", "pk"]
        indexes = [models.Index(fields=["campaign", "province", "day"], name="interviews_session_province")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="interviews_session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5), name="interviews_session_slot_length"
            ),
            models.CheckConstraint(
                condition=models.Q(places_per_slot__gte=1), name="interviews_session_places"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place_name}, {self.day}"


class InterviewSlot(models.Model):
    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    # Live convocations in the slot, kept by the services in the convocation's own transaction.
    convoked = models.PositiveSmallIntegerField(_("convoked"), default=0)

    class Meta:
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "starts_at"], name="interviews_slot_start_unique"),
            models.CheckConstraint(
                condition=models.Q(convoked__lte=models.F("capacity")), name="interviews_slot_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"slot {self.starts_at:%Y-%m-%d %H:%M} of session {self.session_id}"


class Convocation(models.Model):
    """A candidate's convocation to one slot: what she answered, and whether she came."""

    class Status(models.TextChoices):
        CONVOKED = "convoked", _("convoked")
        CONFIRMED = "confirmed", _("confirmed")
        WITHDRAWN = "withdrawn", _("withdrawn")
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="interview_convocations")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="interview_convocations"
    )
    slot = models.ForeignKey(InterviewSlot, on_delete=models.PROTECT, related_name="convocations")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.CONVOKED)
    # The calendar file's SEQUENCE: raised each time the convocation is sent again with a change (a new slot).
    sequence = models.PositiveIntegerField(default=0)
    mailing = models.ForeignKey(
        "notifications.Mailing", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("convoked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("convocation")
        verbose_name_plural = _("convocations")
        indexes = [models.Index(fields=["slot", "status"], name="interviews_convocation_slot")]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=~models.Q(status="withdrawn"),
                name="interviews_one_live_convocation",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["convoked", "confirmed", "withdrawn", "present", "absent"]),
                name="interviews_convocation_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"convocation of application {self.application_id} to slot {self.slot_id}"


class InterviewScore(models.Model):
    """The levels an interviewer gave a candidate on the grid, and the score they make (bawaba.interviews.grid)."""

    convocation = models.OneToOneField(Convocation, on_delete=models.CASCADE, related_name="score")
    grid = models.ForeignKey(InterviewGrid, on_delete=models.PROTECT, related_name="+")
    levels = models.JSONField(_("levels"))
    score = models.PositiveIntegerField(_("score (hundredths, out of 10,000)"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("interview score")
        verbose_name_plural = _("interview scores")

    def __str__(self) -> str:
        return f"score {self.score} of convocation {self.convocation_id}"


class ScoreCorrection(models.Model):
    """A correction of a score, with its reason: what it was before, who changed it, when and why."""

    score = models.ForeignKey(InterviewScore, on_delete=models.CASCADE, related_name="corrections")
    previous_levels = models.JSONField(_("previous levels"))
    previous_score = models.PositiveIntegerField(_("previous score"))
    reason = models.TextField(_("reason"), max_length=1000)
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("score correction")
        verbose_name_plural = _("score corrections")
        ordering = ["-corrected_at", "-pk"]

    def __str__(self) -> str:
        return f"correction of score {self.score_id}"
