"""Mailings through a real SMTP server (the aiosmtpd sink): each message once, paced, retried, bounced, cancelled."""

import datetime as dt
import threading
from collections import Counter
from email.header import decode_header, make_header

import pytest
from django.db import connection, transaction

from bawaba.core.models import AuditEvent
from bawaba.notifications import mailings
from bawaba.notifications.models import BouncingAddress, Mailing, MailingMessage
from bawaba.notifications.sender import MailingSender, claim_batch
from bawaba.notifications.services import RETRY_DELAYS
from bawaba.notifications.smtp_sink import start_sink
from bawaba.notifications.tests.mailing_helpers import (
    FakeClock,
    RefusingHandler,
    create,
    received,
    recipients,
)

pytestmark = pytest.mark.django_db

MessageStatus = MailingMessage.Status


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def sink(settings, tmp_path, clock):
    """Start the sink with `sink(**refusals)`; the settings send to it over SMTP."""
    controllers = []

    def start(**refusals) -> RefusingHandler:
        handler = RefusingHandler(tmp_path, clock=clock, **refusals)
        controller = start_sink(directory=tmp_path, handler=handler)
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = controller.port
        settings.EMAIL_TIMEOUT = 5
        return handler

    yield start
    for controller in controllers:
        controller.stop()


def _sender(clock: FakeClock, **options) -> MailingSender:
    return MailingSender(now=clock.now, sleep=clock.sleep, **options)


def _statuses(mailing: Mailing) -> Counter:
    return Counter(mailing.messages.values_list("status", flat=True))


def test_a_mailing_writes_one_message_per_recipient_and_sends_nothing_by_itself(mailoutbox):
    mailing = create(30, created_by=None)
    assert mailing.messages.count() == 30 == mailing.message_count
    assert _statuses(mailing) == {MessageStatus.PENDING: 30}
    first = mailing.messages.get(recipient_key="A-0")
    assert (first.to_email, first.domain, first.language, first.context) == (
        "person0@example.ma", "example.ma", "ar", {"reference": "A-0"},
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="mailing.created", target_id=str(mailing.pk)).exists()
    assert mailoutbox == []


def test_a_mailing_belongs_to_the_transaction_of_its_event(candidate):
    """Written with the event (a published selection) or not at all: a rolled-back event leaves no mailing."""
    people = mailings.Recipients(
        keys=[f"U-{candidate.pk}"], emails=[candidate.email], languages=["fr"], user_ids=[candidate.pk]
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        create(recipients=people)
        raise RuntimeError("the publication failed")
    assert not Mailing.objects.exists() and not MailingMessage.objects.exists()

    mailing = create(recipients=people)
    assert mailing.messages.get().user == candidate


def test_a_recipient_key_that_cannot_go_into_a_message_id_is_refused():
    bad = mailings.Recipients(keys=["A 1"], emails=["a@example.ma"], languages=["fr"])
    with pytest.raises(ValueError, match="recipient key"):
        create(recipients=bad)
    assert not Mailing.objects.exists()


def test_each_batch_goes_over_one_connection_and_every_message_carries_its_own_message_id(
    sink, clock, tmp_path
):
    handler = sink()
    mailing = create(25)
    outcome = _sender(clock, batch_size=10, commit_every=3).send_until_idle()

    assert outcome.sent == 25
    assert handler.connections == 3  # batches of 10, 10 and 5
    messages = received(tmp_path)
    ids = [message["Message-ID"] for message in messages]
    assert len(set(ids)) == 25
    assert f"<mailing-{mailing.pk}.A-7@bawaba.localhost>" in ids
    by_recipient = {message["To"]: message for message in messages}
    assert str(make_header(decode_header(by_recipient["person1@example.ma"]["Subject"]))) == (
        "Candidature reçue : Recensement 2024"
    )
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DONE and mailing.finished_at is not None
    assert _statuses(mailing) == {MessageStatus.SENT: 25}
    # What was hers alone (a temporary password, later) leaves the database with the message.
    assert all(context == {} for context in mailing.messages.values_list("context", flat=True))


def test_a_mailing_paused_and_resumed_sends_each_message_once(sink, clock, tmp_path, central_admin):
    sink()
    mailing = create(40)
    sender = _sender(clock, batch_size=10)
    assert sender.send_one_batch()
    mailings.pause_mailing(mailing=mailing, actor=central_admin)

    assert not sender.send_one_batch()  # paused: no batch between now and the resume
    assert len(received(tmp_path)) == 10
    assert _statuses(mailing) == {MessageStatus.SENT: 10, MessageStatus.PENDING: 30}

    mailings.resume_mailing(mailing=mailing, actor=central_admin)
    sender.send_until_idle()
    ids = Counter(message["Message-ID"] for message in received(tmp_path))
    assert len(ids) == 40 and set(ids.values()) == {1}
    assert [e.action for e in AuditEvent.objects.filter(target_id=str(mailing.pk)).order_by("id")] == [
        "mailing.created", "mailing.paused", "mailing.resumed",
    ]  # fmt: skip


def test_a_cancelled_mailing_sends_nothing_more(sink, clock, tmp_path, central_admin):
    sink()
    mailing = create(30)
    sender = _sender(clock, batch_size=10)
    sender.send_one_batch()
    mailings.cancel_mailing(mailing=mailing, actor=central_admin)
    sender.send_until_idle()
    assert len(received(tmp_path)) == 10
    assert _statuses(mailing) == {MessageStatus.SENT: 10, MessageStatus.CANCELLED: 20}
    with pytest.raises(mailings.MailingError):
        mailings.resume_mailing(mailing=mailing, actor=central_admin)


def test_a_temporary_refusal_is_retried_with_back_off(sink, clock, tmp_path):
    sink(temporary=["person1@example.ma"], times=2)
    mailing = create(3)
    sender = _sender(clock)

    sender.send_until_idle()
    message = mailing.messages.get(recipient_key="A-1")
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 1)
    assert message.last_error == "451 4.3.0 mailbox busy, try again later"
    assert message.retry_at == clock.now() + RETRY_DELAYS[0]
    assert mailing.messages.filter(status=MessageStatus.SENT).count() == 2

    clock.sleep(RETRY_DELAYS[0].total_seconds() - 1)
    assert not sender.send_one_batch()  # not due yet
    clock.sleep(1)
    sender.send_until_idle()  # refused a second time
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 2)
    assert message.retry_at == clock.now() + RETRY_DELAYS[1]

    clock.sleep(RETRY_DELAYS[1].total_seconds())
    sender.send_until_idle()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 3, "")
    assert len(received(tmp_path)) == 3
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DONE


def test_a_permanent_refusal_is_recorded_with_the_servers_answer_and_marks_the_address(sink, clock, tmp_path):
    sink(permanent=["person2@example.ma"])
    mailing = create(3)
    outcome = _sender(clock).send_until_idle()

    assert (outcome.sent, outcome.failed) == (2, 1)
    failed = mailing.messages.get(status=MessageStatus.FAILED)
    assert failed.to_email == "person2@example.ma"
    assert failed.last_error == "550 5.1.1 <person2@example.ma>: no such mailbox here"
    assert failed.context == {}
    bounce = BouncingAddress.objects.get()
    assert (bounce.email, bounce.reply) == ("person2@example.ma", failed.last_error)

    # The next mailing does not knock on that door again.
    second = create(3, label="Second")
    outcome = _sender(clock).send_until_idle()
    assert (outcome.sent, outcome.skipped_bouncing) == (2, 1)
    assert second.messages.get(to_email="person2@example.ma").status == MessageStatus.FAILED
    assert len(received(tmp_path)) == 4


def test_the_rate_limit_holds_for_all_senders_together(sink, clock):
    handler = sink()
    create(40, rate_per_second=5)
    # Two senders sharing one clock: the bookings in the mailing keep them, together, to 5 a second.
    senders = [_sender(clock, batch_size=8), _sender(clock, batch_size=8)]
    while any([sender.send_one_batch() for sender in senders]):
        pass
    times = sorted(moment for _, moment in handler.accepted_at)
    assert len(times) == 40
    for index, moment in enumerate(times):
        in_the_next_second = [t for t in times[index:] if t < moment + dt.timedelta(seconds=1)]
        assert len(in_the_next_second) <= 5
    assert times[-1] - times[0] >= dt.timedelta(seconds=39 / 5)


def test_a_limited_domain_gets_no_more_than_its_rate(sink, clock):
    handler = sink()
    slow = recipients(6, domain="slow.example")
    fast = recipients(20, domain="example.ma", start=100)
    create(
        recipients=mailings.Recipients(
            keys=[*slow.keys, *fast.keys],
            emails=[*slow.emails, *fast.emails],
            languages=[*slow.languages, *fast.languages],
        ),
        domain_limits={"slow.example": 2},
    )
    _sender(clock).send_until_idle()
    slow_times = sorted(
        moment for address, moment in handler.accepted_at if address.endswith("@slow.example")
    )
    assert len(slow_times) == 6 and len(handler.accepted_at) == 26
    for index, moment in enumerate(slow_times):
        assert len([t for t in slow_times[index:] if t < moment + dt.timedelta(seconds=1)]) <= 2


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_never_send_the_same_message(sink, tmp_path):
    """Two threads, each its own database connection, claiming batches of one mailing as fast as they can."""
    sink()
    mailing = create(300)
    errors = []

    def send() -> None:
        try:
            MailingSender(batch_size=7, commit_every=5).send_until_idle()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    ids = Counter(message["Message-ID"] for message in received(tmp_path))
    assert len(ids) == 300 and set(ids.values()) == {1}
    assert _statuses(mailing) == {MessageStatus.SENT: 300}


def test_a_slow_domain_does_not_hold_back_the_others(clock):
    """The batch of a limited domain books its messages' share of the mailing's rate, not its own slow window."""
    slow = recipients(5, domain="slow.example")
    fast = recipients(20, domain="example.ma", start=100)
    mailing = create(
        recipients=mailings.Recipients(
            keys=[*slow.keys, *fast.keys],
            emails=[*slow.emails, *fast.emails],
            languages=[*slow.languages, *fast.languages],
        ),
        rate_per_second=10,
        domain_limits={"slow.example": 1},
    )
    now = clock.now()
    slow_batch = claim_batch(batch_size=10, now=now, lease=dt.timedelta(minutes=2))
    assert {m.domain for m in slow_batch.messages} == {"slow.example"} and len(slow_batch.messages) == 5
    assert (slow_batch.starts_at, slow_batch.interval) == (now, dt.timedelta(seconds=1))
    # Another sender, at the same moment: the other domains go half a second later (5 messages at 10 a second).
    fast_batch = claim_batch(batch_size=10, now=now, lease=dt.timedelta(minutes=2))
    assert {m.domain for m in fast_batch.messages} == {"example.ma"}
    assert (fast_batch.starts_at, fast_batch.interval) == (
        now + dt.timedelta(seconds=0.5),
        dt.timedelta(seconds=0.1),
    )
    assert mailing.domain_limits.get().next_slot_at == now + dt.timedelta(seconds=5)
