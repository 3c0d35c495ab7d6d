"""The batch sender of mailings: claim a batch, send it over one SMTP connection, record each message as sent.

Any number of senders (processes, machines) run `MailingSender.run` (`manage.py send_mailings`). A batch is claimed
in one short transaction: `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so two senders never claim the same
message; on SQLite the project's `BEGIN IMMEDIATE` transactions make the claim the only writer. The claim books
the batch's window in the mailing's rate (and a limited domain's), so all senders together keep to it.

What is sent is recorded in small grouped commits (`commit_every`, measured in docs/benchmarks.md): a sender
killed between the server's answer and the commit leaves those messages claimed; once its lease runs out they are
sent again, with the same Message-ID (`mailings.message_id`), which lets the receiving side recognise them. A
temporary refusal (4xx, a dropped connection) is retried with back-off; a permanent one (5xx) is recorded with
the server's answer and marks the address as bouncing.
"""

import datetime as dt
import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bawaba.core.contributions import Attachment, registry
from bawaba.notifications import mime
from bawaba.notifications.mailings import ACTIVE, message_id
from bawaba.notifications.models import BouncingAddress, Mailing, MailingDomainLimit, MailingMessage
from bawaba.notifications.services import MAX_ATTEMPTS, RETRY_DELAYS

logger = logging.getLogger(__name__)

MessageStatus = MailingMessage.Status
# A rate-limited batch lasts about this long, so that pause and cancel act within seconds at any rate.
BATCH_SECONDS = 5


@dataclass
class Batch:
    mailing: Mailing
    messages: list[MailingMessage]
    starts_at: dt.datetime
    interval: dt.timedelta  # between two messages' sends (zero: no rate limit)


@dataclass
class Outcome:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped_bouncing: int = 0

    def add(self, other: "Outcome") -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.skipped_bouncing += other.skipped_bouncing


class DeliveryFailure(Exception):
    """One message refused: the server's code (None when the connection itself failed) and its answer."""

    def __init__(self, code: int | None, reply: str) -> None:
        super().__init__(reply)
        self.code = code
        self.reply = reply

    @property
    def permanent(self) -> bool:
        return self.code is not None and 500 <= self.code < 600


@dataclass
class MailingSender:
    """One sender: claims and sends batches until told to stop. `now` and `sleep` are the clock it paces with."""

    batch_size: int = 200
    commit_every: int = 20
    lease: dt.timedelta = dt.timedelta(minutes=2)
    now: Callable[[], dt.datetime] = timezone.now
    sleep: Callable[[float], None] = time.sleep
    totals: Outcome = field(default_factory=Outcome)

    def run(self, *, should_stop: Callable[[], bool], idle_seconds: float = 1.0) -> Outcome:
        while not should_stop():
            # A long-running process: a connection the database dropped (a restart) is replaced, not reused.
            close_old_connections()
            try:
                busy = self.send_one_batch()
            except DatabaseError:
                # The database went away mid-batch: what this sender claimed goes back after its lease.
                logger.exception("mailing sender: database error, trying again in %s s", idle_seconds)
                busy = False
            if not busy:
                self.sleep(idle_seconds)
        return self.totals

    def send_until_idle(self) -> Outcome:
        """Send batches until none is due (tests, `send_mailings --once`)."""
        while self.send_one_batch():
            pass
        return self.totals

    def send_one_batch(self) -> bool:
        """Claim one batch of any active mailing and send it; False when nothing is due."""
        batch = claim_batch(batch_size=self.batch_size, now=self.now(), lease=self.lease)
        if batch is None:
            return False
        self.totals.add(self._send(batch))
        return True

    def _send(self, batch: Batch) -> Outcome:
        outcome = Outcome()
        messages = _without_bouncing(batch, outcome)
        sent: list[int] = []
        claimed_at = self.now()
        mail = Transport()
        try:
            for position, message in enumerate(messages):
                self._wait_until(batch.starts_at + batch.interval * position)
                try:
                    _deliver(mail, batch.mailing, message)
                except DeliveryFailure as failure:
                    _record_failure(message, failure, now=self.now(), outcome=outcome)
                    if failure.code is None:
                        mail.close()  # a dropped connection: the next message opens a new one
                    continue
                sent.append(message.pk)
                if len(sent) >= self.commit_every:
                    outcome.sent += _record_sent(sent, now=self.now())
                    sent = []
                    if self.now() - claimed_at > self.lease / 2:  # a long, rate-limited batch keeps its claim
                        claimed_at = self.now()
                        _renew_claims(messages[position + 1 :], now=claimed_at)
        finally:
            outcome.sent += _record_sent(sent, now=self.now())
            mail.close()
        return outcome

    def _wait_until(self, moment: dt.datetime) -> None:
        delay = (moment - self.now()).total_seconds()
        if delay > 0:
            self.sleep(delay)


def release_stale_claims(mailing: Mailing, *, now: dt.datetime, lease: dt.timedelta) -> int:
    """Give back the messages of a sender that died mid-batch (its lease ran out): that was no failed attempt."""
    return MailingMessage.objects.filter(
        mailing=mailing, status=MessageStatus.SENDING, claimed_at__lt=now - lease
    ).update(status=MessageStatus.PENDING, attempts=F("attempts") - 1)


def claim_batch(*, batch_size: int, now: dt.datetime, lease: dt.timedelta) -> Batch | None:
    """The next batch of the oldest active mailing that has messages due, claimed for this sender."""
    for mailing_id in Mailing.objects.filter(status__in=ACTIVE).order_by("id").values_list("pk", flat=True):
        with transaction.atomic():
            # The mailing row is the lock that keeps the senders' rate bookings in order; a paused or cancelled
            # mailing is no longer active here and gets no new batch.
            mailing = Mailing.objects.select_for_update().filter(pk=mailing_id, status__in=ACTIVE).first()
            if mailing is None:
                continue
            release_stale_claims(mailing, now=now, lease=lease)
            batch = _claim_in(mailing, batch_size=batch_size, now=now)
            if batch is not None:
                if mailing.status == Mailing.Status.QUEUED:
                    mailing.status = Mailing.Status.SENDING
                    mailing.started_at = mailing.started_at or now
                    mailing.save(update_fields=["status", "started_at"])
                return batch
            if not mailing.messages.filter(
                status__in=(MessageStatus.PENDING, MessageStatus.SENDING)
            ).exists():
                mailing.status = Mailing.Status.DONE
                mailing.finished_at = now
                mailing.save(update_fields=["status", "finished_at"])
    return None


def _claim_in(mailing: Mailing, *, batch_size: int, now: dt.datetime) -> Batch | None:
    """A batch of a limited domain whose turn has come, else of the other domains; None if nothing is due."""
    limits = list(
        MailingDomainLimit.objects.select_for_update().filter(mailing=mailing).order_by("next_slot_at")
    )
    for limit in limits:
        if limit.next_slot_at is None or limit.next_slot_at <= now:
            size = min(batch_size, max(1, limit.rate_per_second * BATCH_SECONDS))
            messages = _claim_messages(mailing, Q(domain=limit.domain), size=size, now=now)
            if messages:
                return _book(mailing, messages, now=now, limit=limit)
    rate = mailing.rate_per_second
    size = min(batch_size, max(1, rate * BATCH_SECONDS)) if rate else batch_size
    messages = _claim_messages(mailing, ~Q(domain__in=[limit.domain for limit in limits]), size=size, now=now)
    return _book(mailing, messages, now=now) if messages else None


def _claim_messages(mailing: Mailing, scope: Q, *, size: int, now: dt.datetime) -> list[MailingMessage]:
    due = (
        MailingMessage.objects.filter(scope, mailing=mailing, status=MessageStatus.PENDING)
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .select_for_update(skip_locked=True)
    )
    ids = list(due.values_list("pk", flat=True)[:size])
    if not ids:
        return []
    MailingMessage.objects.filter(pk__in=ids).update(
        status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return list(
        MailingMessage.objects.filter(pk__in=ids)
        .order_by("pk")
        .only("mailing_id", "recipient_key", "to_email", "language", "context", "attempts")
    )


def _interval(rate: int) -> dt.timedelta:
    return dt.timedelta(seconds=1 / rate) if rate else dt.timedelta(0)


def _book(
    mailing: Mailing,
    messages: list[MailingMessage],
    *,
    now: dt.datetime,
    limit: MailingDomainLimit | None = None,
) -> Batch:
    """Book the batch's window after those other senders booked, in the mailing's rate and in its domain's.

    Its messages are paced at the slower of the two. A limited domain's batch books its share of the mailing's
    rate from its start although it sends more slowly: the mailing's rate may be exceeded by at most that
    domain's own rate for a few seconds, never more.
    """
    count = len(messages)
    overall = _interval(mailing.rate_per_second)
    starts_at = max(now, mailing.next_slot_at or now) if mailing.rate_per_second else now
    pace = overall
    if limit is not None:
        starts_at = max(starts_at, limit.next_slot_at or now)
        pace = max(overall, _interval(limit.rate_per_second))
        limit.next_slot_at = starts_at + pace * count
        limit.save(update_fields=["next_slot_at"])
    if mailing.rate_per_second:
        mailing.next_slot_at = starts_at + overall * count
        mailing.save(update_fields=["next_slot_at"])
    return Batch(mailing=mailing, messages=messages, starts_at=starts_at, interval=pace)


def _without_bouncing(batch: Batch, outcome: Outcome) -> list[MailingMessage]:
    """The batch less the addresses that bounced before: they are recorded failed without another try."""
    bouncing = dict(
        BouncingAddress.objects.filter(email__in={m.to_email for m in batch.messages}).values_list(
            "email", "reply"
        )
    )
    if not bouncing:
        return batch.messages
    skipped = [m for m in batch.messages if m.to_email in bouncing]
    for message in skipped:
        MailingMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.FAILED,
            context={},
            last_error=f"bouncing address, not tried again: {bouncing[message.to_email]}"[:2000],
        )
    outcome.skipped_bouncing += len(skipped)
    return [m for m in batch.messages if m.to_email not in bouncing]


@dataclass(frozen=True)
class Rendered:
    to: str
    subject: str
    text: str
    html: str
    message_id: str
    files: tuple[Attachment, ...] = ()


def render_message(mailing: Mailing, message: MailingMessage) -> Rendered:
    """The message in its recipient's language, from the templates of the mailing's e-mail kind."""
    kind = registry.email_kind(mailing.kind)
    subject_template, text_template, html_template = kind.templates
    context = {**mailing.context, **message.context, "mailing": mailing, "message": message}
    with translation.override(message.language):
        subject = render_to_string(subject_template, context)
        text = render_to_string(text_template, context)
        html = render_to_string(html_template, context)
    return Rendered(
        to=message.to_email,
        subject=" ".join(subject.split()),
        text=text,
        html=html,
        message_id=message_id(mailing_id=mailing.pk, recipient_key=message.recipient_key),
        files=kind.files(context, message.language),
    )


class Transport:
    """The batch's one connection. Over SMTP (production, the demo, the sink in tests) the message goes out as
    bytes assembled by `mime` (the standard library's generator would cost more than everything else together);
    any other backend (console, memory) gets Django's own message."""

    def __init__(self) -> None:
        self.backend = get_connection()

    def send(self, rendered: Rendered) -> None:
        if isinstance(self.backend, SMTPBackend):
            self.backend.open()  # opened by the batch's first message, again after a dropped connection
            wire = mime.assemble(
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=rendered.to,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                message_id=rendered.message_id,
                files=[mime.File(f.filename, f.content, f.content_type) for f in rendered.files],
            )
            connection = self.backend.connection
            if connection is None:  # open() failed silently: only with fail_silently, never set here
                raise smtplib.SMTPServerDisconnected("no connection to the SMTP server")
            connection.sendmail(wire.envelope_from, [wire.to], wire.data)
            return
        email = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[rendered.to],
            headers={"Message-ID": rendered.message_id},
        )
        email.attach_alternative(rendered.html, "text/html")
        for file in rendered.files:
            email.attach(file.filename, file.content, file.content_type)
        self.backend.send_messages([email])

    def close(self) -> None:
        self.backend.close()


def _deliver(transport: Transport, mailing: Mailing, message: MailingMessage) -> None:
    """Send one message over the batch's connection; a refusal becomes a DeliveryFailure with the server's answer."""
    rendered = render_message(mailing, message)
    try:
        transport.send(rendered)
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        raise DeliveryFailure(code, _text(reply)) from error
    except smtplib.SMTPResponseException as error:  # refused at MAIL FROM or DATA, or a 421 goodbye
        raise DeliveryFailure(error.smtp_code, _text(error.smtp_error)) from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryFailure(None, f"{type(error).__name__}: {error}") from error


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _record_sent(ids: list[int], *, now: dt.datetime) -> int:
    if not ids:
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Not waiting for the disk: a database that crashes may forget the last few of these commits, and
            # those messages go again with their Message-ID, as after a sender killed before its commit. Waiting
            # for the flush costs 7-10 ms a commit on this project's machines (docs/decisions/0018).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        # Its own context (a temporary password) leaves the database with the message.
        return MailingMessage.objects.filter(pk__in=ids).update(
            status=MessageStatus.SENT, sent_at=now, context={}, last_error=""
        )


def _renew_claims(messages: list[MailingMessage], *, now: dt.datetime) -> None:
    MailingMessage.objects.filter(pk__in=[m.pk for m in messages], status=MessageStatus.SENDING).update(
        claimed_at=now
    )


def _record_failure(
    message: MailingMessage, failure: DeliveryFailure, *, now: dt.datetime, outcome: Outcome
) -> None:
    answer = (f"{failure.code} {failure.reply}" if failure.code else failure.reply)[:2000]
    if failure.permanent or message.attempts >= MAX_ATTEMPTS:
        MailingMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.FAILED, last_error=answer, context={}
        )
        if failure.permanent:
            BouncingAddress.objects.update_or_create(
                email=message.to_email, defaults={"reply": answer, "bounced_at": now}
            )
        outcome.failed += 1
        logger.warning("mailing message %s failed: %s", message.pk, answer)
        return
    MailingMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.PENDING, retry_at=now + RETRY_DELAYS[message.attempts - 1], last_error=answer
    )
    outcome.retried += 1
