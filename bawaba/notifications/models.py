from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bawaba.core.contributions import UnknownEmailKind, registry


class Notification(models.Model):
    """One e-mail in the outbox, written in the same transaction as the event that causes it.

    The row, not the task queue, guarantees an e-mail goes out once: a sender claims it with a conditional UPDATE
    (pending -> sending), so a task that runs twice finds nothing left to send.

    `kind` is the key of an e-mail kind the sending app registered (bawaba.core.contributions): no choices here,
    so that a new kind needs no migration of this app.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    to_email = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=8, default="ar")
    # What the template needs (links, names). It may hold a short-lived link token: never shown to staff, and
    # wiped once the message is sent or has failed for good (services._without_secrets).
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

    @property
    def kind_label(self) -> str | Promise:
        """The kind's label, from the app that registered it; the bare key for a kind no app registers any more."""
        try:
            return registry.email_kind(self.kind).label
        except UnknownEmailKind:
            return self.kind
