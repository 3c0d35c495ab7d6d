"""The e-mail outbox: queue in the caller's transaction, send after commit, once, with retries and back-off."""

import datetime as dt
import hashlib
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bawaba.core.contributions import registry
from bawaba.core.languages import supported_language
from bawaba.notifications.models import Notification

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, ... failed attempt; after the last one the notification is marked failed.
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A claim older than this belongs to a sender that died mid-way (process killed): the row goes back to pending.
STALE_CLAIM = dt.timedelta(minutes=15)
# What a relay outage or a refused message looks like; anything else is a bug and should be seen as one.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError)


def queue_email(
    *,
    kind: str,
    to_email: str,
    language: str,
    context: dict,
    idempotency_key: str,
    user=None,
) -> Notification:
    """Put an e-mail in the outbox; it is sent after the surrounding transaction commits.

    `kind` is the key of an e-mail kind an app registered (bawaba.core.contributions); any other is refused with
    UnknownEmailKind before anything is written. The same idempotency key twice gives the same row and one
    e-mail: callers derive it from the event (e.g. "application-received:<application id>").
    """
    registry.email_kind(kind)
    notification, created = Notification.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "kind": kind,
            "to_email": to_email,
            "language": supported_language(language),
            "context": context,
            "user": user,
        },
    )
    if created:
        transaction.on_commit(lambda: _enqueue(notification.pk))
    return notification


def _enqueue(notification_id: int, *, run_after: dt.datetime | None = None) -> None:
    from bawaba.notifications.tasks import send_notification

    task = send_notification
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # `send_due_notifications` picks it up when it is due
        task = task.using(run_after=run_after)
    task.enqueue(notification_id)


def render_email(notification: Notification) -> EmailMultiAlternatives:
    """The message in the recipient's language: subject, plain text and HTML from the templates of its kind, in
    the app that registered it."""
    kind = registry.email_kind(notification.kind)
    subject_template, text_template, html_template = kind.templates
    context = {**notification.context, "notification": notification}
    with translation.override(notification.language):
        subject = render_to_string(subject_template, context)
        text = render_to_string(text_template, context)
        html = render_to_string(html_template, context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_email],
        # The same Message-ID on any resend lets mail servers and clients drop a duplicate.
        headers={"Message-ID": f"<{_message_id(notification.idempotency_key)}@bawaba>"},
    )
    message.attach_alternative(html, "text/html")
    for file in kind.files(context, notification.language):
        message.attach(file.filename, file.content, file.content_type)
    return message


def _message_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def deliver(notification_id: int) -> str:
    """Send one outbox e-mail if it is due and nobody else is sending it; return what happened."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING, next_attempt_at__lte=now
    ).update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    notification = Notification.objects.get(pk=notification_id)
    try:
        render_email(notification).send()
    except DELIVERY_ERRORS as error:
        return _record_failure(notification, error)
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        context=_without_secrets(notification),
    )
    return "sent"


def _without_secrets(notification: Notification) -> dict:
    """The context less what opens something: a live link token must not outlive its message in the database
    (backups, a database dump, anyone with read access). Kind, address, status and dates stay for staff."""
    secret = registry.email_kind(notification.kind).secret_context
    return {key: value for key, value in notification.context.items() if key not in secret}


def _record_failure(notification: Notification, error: Exception) -> str:
    message = f"{type(error).__name__}: {error}"[:2000]
    if notification.attempts >= MAX_ATTEMPTS:
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.FAILED, last_error=message, context=_without_secrets(notification)
        )
        logger.error(
            "e-mail %s failed for good after %s attempts: %s", notification.pk, notification.attempts, message
        )
        return "failed"
    retry_at = timezone.now() + RETRY_DELAYS[notification.attempts - 1]
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.PENDING, next_attempt_at=retry_at, last_error=message
    )
    _enqueue(notification.pk, run_after=retry_at)
    logger.warning(
        "e-mail %s attempt %s failed, retrying at %s: %s",
        notification.pk,
        notification.attempts,
        retry_at,
        message,
    )
    return "retry"


def requeue_due_notifications(*, limit: int = 1000) -> int:
    """Enqueue what is due but has no task (a lost enqueue, a backend without deferral, a dead sender)."""
    now = timezone.now()
    Notification.objects.filter(status=Notification.Status.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=Notification.Status.PENDING
    )
    due = list(
        Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        _enqueue(pk)
    return len(due)
