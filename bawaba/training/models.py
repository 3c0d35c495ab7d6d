"""The remote training that follows the preselection (MISSION.md, stages 2 and 3).

Per campaign: its settings (the e-learning platform, the reply and start deadlines), the texts of its notices; per
preselected candidate: her account on the e-learning platform (username, a temporary password while it is in
clear), her reply and her progress; and the records of what staff did: exports to the platform, progress imports,
reminder waves. The decisions themselves stay the selection's (SelectionDecision); this app reads them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bawaba.campaigns.models import Application, Campaign
from bawaba.territory.models import Region


class TrainingSettings(models.Model):
    """A campaign's remote training, set by the central administrator."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="training_settings")
    platform_url = models.URLField(
        _("address of the e-learning platform"),
        max_length=200,
        default="https://formation-recensement.hcp.ma/",
    )
    # The Moodle cohort the upload file puts every candidate in (its `cohort1` column).
    cohort = models.CharField(_("cohort on the e-learning platform"), max_length=100, blank=True)
    reply_deadline = models.DateTimeField(_("reply deadline"), null=True, blank=True)
    no_reply_declines = models.BooleanField(_("no answer by the deadline counts as declining"), default=False)
    # Who has not started the training by then loses her place at the next promotion round.
    start_deadline = models.DateTimeField(_("start deadline"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("training settings")
        verbose_name_plural = _("training settings")

    def __str__(self) -> str:
        return f"training settings of {self.campaign}"


class NoticeKind(models.TextChoices):
    """The e-mails of this stage (MISSION.md's list of six: the third, fourth and sixth, and what follows them)."""

    PRESELECTED = "preselected", _("Invitation to the training (preselected)")
    WAITLISTED = "waitlisted", _("Waiting-list notice")
    NOT_SELECTED = "not_selected", _("Notice to candidates not preselected")
    PROMOTED = "promoted", _("Invitation after a promotion from a waiting list")
    CREDENTIALS_RENEWED = "renewed", _("New temporary password")
    REMINDER = "reminder", _("Reminder to start the training")


class NoticeText(models.Model):
    """A campaign's own text for a notice in one language; without one, the platform's default text is used."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="notice_texts")
    kind = models.CharField(_("notice"), max_length=16, choices=NoticeKind)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=10_000)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("notice text")
        verbose_name_plural = _("notice texts")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "language"], name="training_notice_text_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language}) of {self.campaign}"


class MoodleExport(models.Model):
    """One hand-over file to the e-learning platform: who made it, when, of what, and how many rows."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="moodle_exports")
    # None: the whole country.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # False: only accounts never handed over; True: every account of the scope, with new passwords for those
    # handed over before.
    include_exported = models.BooleanField(_("accounts handed over before included"), default=False)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the whole file was written; an export interrupted half-way changes nothing and stays unfinished.
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    renewed_count = models.PositiveIntegerField(_("passwords issued again"), default=0)

    class Meta:
        verbose_name = _("export to the e-learning platform")
        verbose_name_plural = _("exports to the e-learning platform")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Moodle export {self.pk} of {self.campaign}"


class TrainingAccount(models.Model):
    """A preselected (or promoted) candidate's account on the e-learning platform.

    The temporary password is in clear here only from its issue until the export that hands it over: the
    invitation e-mail carries its own copy (wiped from the mailing's message once sent), and the export wipes
    this one. `invitation_mailing` is the mailing that carries it: held as a draft until every account it
    invites is handed over, so that no candidate is given credentials the platform does not know yet.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="training_accounts")
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="training_account")
    # Her e-mail address when the account was issued (the source's username).
    username = models.CharField(_("username"), max_length=254)
    temporary_password = models.CharField(
        _("temporary password (until handed over)"), max_length=40, blank=True
    )
    password_issued_at = models.DateTimeField(_("password issued at"))
    invitation_mailing = models.ForeignKey(
        "notifications.Mailing", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exported_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    export = models.ForeignKey(
        MoodleExport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("training account")
        verbose_name_plural = _("training accounts")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "username"], name="training_account_username_unique"),
        ]
        indexes = [models.Index(fields=["campaign", "exported_at"], name="training_account_exported")]

    def __str__(self) -> str:
        return self.username


class TrainingReply(models.Model):
    """Her answer to the offer of a training place."""

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        # The deadline passed without an answer, and the campaign counts that as declining.
        NO_REPLY = "no_reply", _("No answer by the deadline")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="training_reply")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer)
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("reply to the training place")
        verbose_name_plural = _("replies to the training place")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.answer}"


class ProgressImport(models.Model):
    """One completion report of the e-learning platform, imported whole or refused whole."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Imported")
        REFUSED = "refused", _("Refused")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="progress_imports")
    status = models.CharField(_("status"), max_length=10, choices=Status)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    file_digest = models.CharField(_("SHA-256 of the file"), max_length=64)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    changed_count = models.PositiveIntegerField(_("candidates whose progress changed"), default=0)
    # The faulty lines of a refused file: [{"line": 12, "errors": ["…"]}, …] (the first thousand).
    errors = models.JSONField(_("faulty lines"), default=list, blank=True)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("progress import")
        verbose_name_plural = _("progress imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"progress import {self.pk} ({self.status})"


class TrainingProgress(models.Model):
    """Her progress on the e-learning platform, as its last imported completion report gave it."""

    account = models.OneToOneField(TrainingAccount, on_delete=models.CASCADE, related_name="progress")
    first_access = models.DateTimeField(_("first access"), null=True, blank=True)
    completion_percent = models.PositiveSmallIntegerField(_("completion (%)"), default=0)
    grade = models.DecimalField(_("grade"), max_digits=6, decimal_places=2, null=True, blank=True)
    last_access = models.DateTimeField(_("last access"), null=True, blank=True)
    progress_import = models.ForeignKey(
        ProgressImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("training progress")
        verbose_name_plural = _("training progress")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.completion_percent}%"


class ReminderWave(models.Model):
    """One reminder to the candidates who had not started the training by a date: sent once per wave."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminder_waves")
    not_started_by = models.DateField(_("not started by"))
    mailing = models.ForeignKey(
        "notifications.Mailing", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reminder wave")
        verbose_name_plural = _("reminder waves")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "not_started_by"], name="training_reminder_wave_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder of {self.not_started_by} ({self.campaign})"
