from django.db.models import QuerySet

from bawaba.notifications.models import Notification


def outbox(*, status: str = "", kind: str = "", email: str = "") -> QuerySet[Notification]:
    """The outbox for the staff page, newest first, filtered; an e-mail filter is an exact address match."""
    notifications = Notification.objects.order_by("-created_at", "-id")
    if status:
        notifications = notifications.filter(status=status)
    if kind:
        notifications = notifications.filter(kind=kind)
    if email:
        notifications = notifications.filter(to_email=email.strip().lower())
    return notifications.only(
        "kind",
        "to_email",
        "language",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "next_attempt_at",
    )
