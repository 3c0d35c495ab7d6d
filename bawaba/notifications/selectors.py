import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bawaba.notifications.models import Mailing, MailingMessage, Notification


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


# The window the sending rate is measured over: long enough to smooth a batch's commits, short enough to follow a
# pause or a resume within the minute.
RATE_WINDOW = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class MailingProgress:
    """Where a mailing stands: counted from its messages, so always true, whatever the senders did."""

    mailing: Mailing
    waiting: int  # pending (including those waiting for a retry) or being sent
    sent: int
    failed: int
    cancelled: int
    rate: float  # messages a second over the last minute
    measured_at: dt.datetime

    @property
    def rate_shown(self) -> float:
        """The rate to one decimal, for the pages (`|number` writes it with the language's separators)."""
        return round(self.rate, 1)

    @property
    def total(self) -> int:
        return self.waiting + self.sent + self.failed + self.cancelled

    @property
    def percent_done(self) -> int:
        return 100 if not self.total else int(100 * (self.total - self.waiting) / self.total)

    @property
    def time_left(self) -> dt.timedelta | None:
        """At the current rate; None when nothing is being sent."""
        if not self.waiting:
            return dt.timedelta(0)
        if self.rate <= 0:
            return None
        return dt.timedelta(seconds=round(self.waiting / self.rate))

    @property
    def within_a_minute(self) -> bool:
        """What is left should go within the minute (`timeuntil` would say "0 minutes")."""
        left = self.time_left
        return left is not None and left < dt.timedelta(minutes=1)

    @property
    def estimated_end(self) -> dt.datetime | None:
        """When the last message should go, at the current rate (for the `timeuntil` filter)."""
        left = self.time_left
        return None if left is None else self.measured_at + left


def mailing_progress(mailings: Sequence[Mailing], *, now: dt.datetime | None = None) -> list[MailingProgress]:
    """The progress of these mailings, in their order, in two queries (counts by status, and the last minute)."""
    now = now or timezone.now()
    ids = [mailing.pk for mailing in mailings]
    counts: dict[int, Counter] = defaultdict(Counter)
    for row in (
        MailingMessage.objects.filter(mailing__in=ids)
        .values("mailing_id", "status")
        .annotate(count=Count("id"))
        .order_by()
    ):
        counts[row["mailing_id"]][row["status"]] = row["count"]
    recent = dict(
        MailingMessage.objects.filter(mailing__in=ids, sent_at__gte=now - RATE_WINDOW)
        .values("mailing_id")
        .annotate(count=Count("id"))
        .order_by()
        .values_list("mailing_id", "count")
    )
    Status = MailingMessage.Status
    return [
        MailingProgress(
            mailing=mailing,
            waiting=counts[mailing.pk][Status.PENDING] + counts[mailing.pk][Status.SENDING],
            sent=counts[mailing.pk][Status.SENT],
            failed=counts[mailing.pk][Status.FAILED],
            cancelled=counts[mailing.pk][Status.CANCELLED],
            rate=recent.get(mailing.pk, 0) / RATE_WINDOW.total_seconds(),
            measured_at=now,
        )
        for mailing in mailings
    ]


def mailings_newest_first() -> QuerySet[Mailing]:
    return Mailing.objects.select_related("created_by").order_by("-created_at", "-id")


def messages_with_answers(mailing: Mailing) -> QuerySet[MailingMessage]:
    """A mailing's messages a server refused: failed for good, or waiting for a retry, with its last answer."""
    return (
        mailing.messages.filter(
            Q(status=MailingMessage.Status.FAILED) | Q(status=MailingMessage.Status.PENDING, attempts__gt=0)
        )
        .order_by("id")
        .only("recipient_key", "to_email", "status", "attempts", "retry_at", "last_error")
    )
