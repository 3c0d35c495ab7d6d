"""The outbox sends each e-mail once, after commit, in the recipient's language, and keeps trying when SMTP fails."""

import datetime as dt
from email import message_from_bytes

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from bawaba.accounts.contributions import ACCOUNT_CONFIRMATION, PASSWORD_RESET
from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.factories import UserFactory, staff_member
from bawaba.campaigns.contributions import APPLICATION_RECEIVED
from bawaba.notifications import services
from bawaba.notifications.models import Notification
from bawaba.notifications.smtp_sink import free_port, start_sink

pytestmark = pytest.mark.django_db

Status = Notification.Status


def _queue(key: str = "confirm:1", language: str = "fr", **overrides) -> Notification:
    arguments = {
        "kind": ACCOUNT_CONFIRMATION.key,
        "to_email": "amina@example.ma",
        "language": language,
        "context": {"confirm_url": "https://bawaba.example/confirm/abc", "expires_hours": 48},
        "idempotency_key": key,
        **overrides,
    }
    return services.queue_email(**arguments)


def test_an_email_is_written_with_its_event_and_sent_only_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notification = _queue()
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.sent_at is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Confirmez votre compte Bawaba"
    assert "https://bawaba.example/confirm/abc" in mailoutbox[0].body


def test_a_sent_message_leaves_no_live_link_token_in_its_row(mailoutbox, django_capture_on_commit_callbacks):
    """A confirmation or reset link opens an account until it expires: once sent, its row keeps no copy (backups,
    dumps, read access to the database), and staff still see what they saw."""
    with django_capture_on_commit_callbacks(execute=True):
        confirmation = _queue(key="confirm:1")
        reset = _queue(
            key="reset:1",
            kind=PASSWORD_RESET.key,
            context={"reset_url": "https://bawaba.example/reset/MQ/tok-en", "expires_hours": 24},
        )
        pending = _queue(key="confirm:2")
        Notification.objects.filter(pk=pending.pk).update(
            next_attempt_at=timezone.now() + dt.timedelta(hours=1)
        )

    assert len(mailoutbox) == 2
    assert "https://bawaba.example/confirm/abc" in mailoutbox[0].body  # the message itself had the link
    confirmation.refresh_from_db()
    reset.refresh_from_db()
    assert confirmation.context == {"expires_hours": 48}
    assert reset.context == {"expires_hours": 24}
    for row in (confirmation, reset):
        assert (row.status, row.to_email) == (Status.SENT, "amina@example.ma")
        assert row.sent_at is not None and row.created_at is not None
    assert (confirmation.kind, reset.kind) == (ACCOUNT_CONFIRMATION.key, PASSWORD_RESET.key)
    pending.refresh_from_db()
    assert pending.context["confirm_url"]  # not sent yet: it still needs its link


def test_a_rolled_back_event_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the event failed")
    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_the_same_idempotency_key_gives_one_row_and_one_email(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue(key="application-received:7")
        second = _queue(key="application-received:7", to_email="other@example.ma")
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_task_that_runs_twice_sends_once(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _queue()  # the immediate test backend runs the task as the transaction commits
    assert services.deliver(notification.pk) == "skipped"
    assert services.deliver(notification.pk) == "skipped"
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("ar", "تأكيد حسابك في بوابة"),
        ("fr", "Confirmez votre compte Bawaba"),
        ("en", "Confirm your Bawaba account"),
    ],
)
def test_the_email_is_in_the_recipients_language_as_text_and_html(language, subject):
    notification = Notification(
        kind=ACCOUNT_CONFIRMATION.key,
        idempotency_key="k",
        to_email="a@example.ma",
        language=language,
        context={"confirm_url": "https://bawaba.example/c/1", "expires_hours": 48},
    )
    message = services.render_email(notification)
    assert message.subject == subject
    html = message.alternatives[0][0]
    assert f'lang="{language}"' in html
    assert ('dir="rtl"' in html) == (language == "ar")
    assert "https://bawaba.example/c/1" in message.body and "https://bawaba.example/c/1" in html


def test_an_unknown_language_falls_back_to_arabic():
    assert _queue(language="xx").language == "ar"


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = 5
    return settings


def test_a_failed_send_is_retried_with_back_off_then_marked_failed(
    smtp_settings, django_capture_on_commit_callbacks
):
    smtp_settings.EMAIL_PORT = free_port()  # nothing listens there: every attempt is refused
    with time_machine.travel(dt.datetime(2026, 2, 7, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            notification = _queue()
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (Status.PENDING, 1)
        assert "Connection" in notification.last_error
        assert notification.next_attempt_at == timezone.now() + services.RETRY_DELAYS[0]
        assert services.deliver(notification.pk) == "skipped"  # not due yet

        for attempt in range(2, services.MAX_ATTEMPTS + 1):
            clock.move_to(notification.next_attempt_at)
            outcome = services.deliver(notification.pk)
            notification.refresh_from_db()
            assert notification.attempts == attempt
            if attempt < services.MAX_ATTEMPTS:
                assert (outcome, notification.status) == ("retry", Status.PENDING)
                assert notification.next_attempt_at == timezone.now() + services.RETRY_DELAYS[attempt - 1]

    assert (outcome, notification.status) == ("failed", Status.FAILED)
    assert notification.context == {"expires_hours": 48}  # given up: the link's token goes too
    assert services.deliver(notification.pk) == "skipped"


def test_a_retry_succeeds_once_the_smtp_server_is_back(
    smtp_settings, tmp_path, django_capture_on_commit_callbacks
):
    port = free_port()
    smtp_settings.EMAIL_PORT = port
    with time_machine.travel(dt.datetime(2026, 2, 7, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            notification = _queue(key="application-received:1")
        assert Notification.objects.get(pk=notification.pk).attempts == 1  # the first try failed
        clock.shift(services.RETRY_DELAYS[0])
        sink = start_sink(directory=tmp_path, port=port)
        try:
            assert services.deliver(notification.pk) == "sent"
        finally:
            sink.stop()
    received = [message_from_bytes(p.read_bytes()) for p in tmp_path.glob("*.eml")]
    assert len(received) == 1
    assert received[0]["To"] == "amina@example.ma"
    assert received[0]["Message-ID"].endswith("@bawaba>")


def test_a_sender_that_died_mid_way_is_requeued(smtp_settings, tmp_path):
    notification = _queue()
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - services.STALE_CLAIM - dt.timedelta(seconds=1)
    )
    sink = start_sink(directory=tmp_path)
    smtp_settings.EMAIL_PORT = sink.port
    try:
        assert services.requeue_due_notifications() == 1
    finally:
        sink.stop()
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert len(list(tmp_path.glob("*.eml"))) == 1


def test_a_recent_claim_is_left_to_its_sender():
    notification = _queue()
    Notification.objects.filter(pk=notification.pk).update(status=Status.SENDING, claimed_at=timezone.now())
    assert services.requeue_due_notifications() == 0


class TestStaffOutboxPage:
    @pytest.fixture
    def central_admin(self):
        return staff_member(Assignment.Role.CENTRAL_ADMIN)

    def test_central_administrator_sees_and_filters_the_outbox(
        self, client, central_admin, django_assert_max_num_queries
    ):
        for n in range(3):
            _queue(key=f"k{n}", to_email=f"person{n}@example.ma")
        Notification.objects.filter(idempotency_key="k1").update(
            status=Status.FAILED, last_error="550 refused"
        )
        client.force_login(central_admin)

        with django_assert_max_num_queries(7):  # one for the session's second-factor device (OTPMiddleware)
            page = client.get("/fr/staff/outbox/")
        assert page.status_code == 200
        assert "person0@example.ma" in page.content.decode()
        assert "bawaba.example/confirm" not in page.content.decode()  # link tokens are never shown

        failed = client.get("/fr/staff/outbox/", {"status": "failed"}).content.decode()
        assert "person1@example.ma" in failed and "person0@example.ma" not in failed
        assert "550 refused" in failed
        by_address = client.get("/fr/staff/outbox/", {"email": "PERSON2@example.ma"}).content.decode()
        assert "person2@example.ma" in by_address and "person0@example.ma" not in by_address

    def test_a_candidate_gets_not_found(self, client):
        client.force_login(UserFactory())
        assert client.get("/fr/staff/outbox/").status_code == 404

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client):
        response = client.get("/fr/staff/outbox/")
        assert response.status_code == 302
        assert response["Location"].startswith("/fr/accounts/login/")


def test_plain_text_and_subject_are_not_html_escaped():
    notification = Notification(
        kind=APPLICATION_RECEIVED.key,
        idempotency_key="k",
        to_email="a@example.ma",
        language="fr",
        context={
            "campaign_title": "Recensement de l'habitat & co",
            "reference": "R-1",
            "dashboard_url": "https://x/me/",
        },
    )
    message = services.render_email(notification)
    assert message.subject == "Candidature reçue : Recensement de l'habitat & co"
    assert "Recensement de l'habitat & co" in message.body
    assert "Recensement de l&#x27;habitat &amp; co" in message.alternatives[0][0]  # HTML stays escaped
