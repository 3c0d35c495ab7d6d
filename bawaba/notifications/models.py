from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One e-mail in the outbox, written in the same transaction as the event that causes it.

    The row, not the task queue, guarantees an e-mail goes out once: a sender claims it with a conditional UPDATE
    (pending -> sending), so a task that runs twice finds nothing left to send.
    """

    class Kind(models.TextChoices):
        ACCOUNT_CONFIRMATION = "account_confirmation", _("Account confirmation")
        PASSWORD_RESET = "password_reset", _("Password reset")
        APPLICATION_RECEIVED = "application_received", _("Application received")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    to_email = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=8, default="ar")
    # What the template needs (links, names). It may hold a short-lived link token: it is never shown to staff.
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail notification")
        verbose_name_plural = _("e-mail notifications")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["kind", "status"], name="notification_kind_status"),
            models.Index(fields=["to_email"], name="notification_to_email"),
            models.Index(fields=["-created_at"], name="notification_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.to_email} ({self.status})"
