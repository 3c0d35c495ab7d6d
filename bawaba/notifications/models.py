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


class Mailing(models.Model):
    """One mass e-mail: a staff action or an event (a published selection) that writes all its messages at once.

    Campaign-agnostic: `kind` is a registered e-mail kind whose templates render each message, `context` what
    every message shares, and each `MailingMessage` its recipient and what is hers alone. Batch senders
    (`bawaba.notifications.sender`) claim the messages; pause, resume and cancel act between batches.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        CANCELLED = "cancelled", _("Cancelled")
        DONE = "done", _("Done")

    kind = models.CharField(_("kind"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    context = models.JSONField(default=dict, blank=True)
    # Messages a second, for all senders together (0: as fast as the senders go). Each batch books its window.
    rate_per_second = models.PositiveIntegerField(_("messages per second"), default=0)
    next_slot_at = models.DateTimeField(null=True, blank=True)
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        indexes = [models.Index(fields=["status"], name="mailing_status")]

    def __str__(self) -> str:
        return f"{self.label} ({self.status})"

    @property
    def kind_label(self) -> str | Promise:
        try:
            return registry.email_kind(self.kind).label
        except UnknownEmailKind:
            return self.kind


class MailingDomainLimit(models.Model):
    """A receiving domain that takes no more than `rate_per_second` of this mailing's messages a second."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="domain_limits")
    domain = models.CharField(_("domain"), max_length=255)
    rate_per_second = models.PositiveIntegerField(_("messages per second"))
    next_slot_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing", "domain"], name="mailing_domain_limit_unique"),
            models.CheckConstraint(
                condition=models.Q(rate_per_second__gt=0), name="mailing_domain_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.rate_per_second}/s"


class MailingMessage(models.Model):
    """One recipient of a mailing: written set-based with the mailing, claimed in batches, sent once.

    Its Message-ID is derived from (mailing, recipient key): the one message a sender can send twice (killed after
    the server accepted it, before the database recorded it) is the same message twice to any receiving system.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.BigAutoField(primary_key=True)
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="messages")
    # Unique within the mailing, made of letters, digits, dots, dashes and underscores: it goes into the Message-ID.
    recipient_key = models.CharField(_("recipient key"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_email = models.EmailField(_("recipient"))
    domain = models.CharField(_("domain"), max_length=255)
    language = models.CharField(_("language"), max_length=8)
    # What is hers alone (a name, a temporary password): emptied once the message is sent or given up.
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    retry_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The server's answer to the last failed attempt, e.g. "550 5.1.1 No such user".
    last_error = models.TextField(_("server's answer"), blank=True)

    class Meta:
        verbose_name = _("mailing message")
        verbose_name_plural = _("mailing messages")
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "recipient_key"], name="mailing_message_recipient_unique"
            )
        ]
        indexes = [
            # The batch claim: a mailing's pending messages (of one domain when that domain is limited).
            models.Index(fields=["mailing", "status", "domain"], name="mailing_message_claim"),
            models.Index(fields=["mailing", "sent_at"], name="mailing_message_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.mailing_id}/{self.recipient_key} -> {self.to_email} ({self.status})"


class BouncingAddress(models.Model):
    """An address a server refused for good (a 5xx answer): later mailings do not try it again."""

    email = models.EmailField(_("address"), unique=True)
    reply = models.TextField(_("server's answer"))
    bounced_at = models.DateTimeField(_("bounced at"), default=timezone.now)

    class Meta:
        verbose_name = _("bouncing address")
        verbose_name_plural = _("bouncing addresses")

    def __str__(self) -> str:
        return self.email


class PreparedFile(models.Model):
    """A file a worker makes for a staff member (bawaba.notifications.files): asked for, made after commit, kept
    in the private storage for her to download until it expires."""

    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    stored_name = models.CharField(max_length=200, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    lines = models.PositiveIntegerField(_("lines"), default=0)

    class Meta:
        verbose_name = _("prepared file")
        verbose_name_plural = _("prepared files")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="notifications_file_owner")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def is_ready(self) -> bool:
        return self.finished_at is not None

    @property
    def has_failed(self) -> bool:
        return self.failed_at is not None

    @property
    def is_pending(self) -> bool:
        return not (self.is_ready or self.has_failed)

    @property
    def extension(self) -> str:
        return self.stored_name.rsplit(".", 1)[-1] if "." in self.stored_name else ""
