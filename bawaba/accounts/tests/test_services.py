"""The account services on their own: one transaction, an audit row, e-mail only after commit."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from bawaba.accounts import services
from bawaba.accounts.models import User
from bawaba.accounts.tests.helpers import PASSWORD
from bawaba.core.models import AuditEvent
from bawaba.notifications.models import Notification

pytestmark = pytest.mark.django_db

BASE_URL = "https://bawaba.example.ma/"


def test_registration_e_mails_only_after_commit(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.register_candidate(
            email="nadia@example.ma", password=PASSWORD, language="en", base_url=BASE_URL
        )
        assert mailoutbox == []
    [message] = mailoutbox
    assert "https://bawaba.example.ma/en/accounts/confirm/" in message.body
    assert message.subject == "Confirm your Bawaba account"


def test_a_failed_registration_leaves_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.register_candidate(
            email="nadia@example.ma", password=PASSWORD, language="fr", base_url=BASE_URL
        )
        raise RuntimeError("the request failed after the service")
    assert not User.objects.exists() and not Notification.objects.exists() and not AuditEvent.objects.exists()
    assert mailoutbox == []


def test_the_service_refuses_a_weak_password_whoever_calls_it():
    with pytest.raises(ValidationError):
        services.register_candidate(
            email="nadia@example.ma", password="password123", language="fr", base_url=BASE_URL
        )
    assert not User.objects.exists()


def test_an_unknown_language_falls_back_to_arabic():
    services.register_candidate(email="nadia@example.ma", password=PASSWORD, language="xx", base_url=BASE_URL)
    assert User.objects.get().preferred_language == "ar"
    assert Notification.objects.get().context["confirm_url"].startswith("https://bawaba.example.ma/ar/")


def test_the_outbox_key_does_not_hold_the_link(django_capture_on_commit_callbacks):
    services.register_candidate(email="nadia@example.ma", password=PASSWORD, language="fr", base_url=BASE_URL)
    notification = Notification.objects.get()
    token = notification.context["confirm_url"].rstrip("/").rsplit("/", 1)[1]
    assert token not in notification.idempotency_key
    assert notification.idempotency_key.startswith(f"account-confirmation:{User.objects.get().pk}:")


def test_confirming_twice_raises_already_confirmed():
    services.register_candidate(email="nadia@example.ma", password=PASSWORD, language="fr", base_url=BASE_URL)
    token = Notification.objects.get().context["confirm_url"].rstrip("/").rsplit("/", 1)[1]
    user = services.confirm_account(token=token)
    assert user.is_active
    with pytest.raises(services.AlreadyConfirmed):
        services.confirm_account(token=token)


@pytest.mark.parametrize("email", ["amina@example.ma", "karim@example.ma", "nobody@example.ma"])
def test_reset_requests_return_nothing_a_caller_could_leak(amina, karim, email):
    assert services.request_password_reset(email=email, base_url=BASE_URL) is None
    assert (
        services.register_candidate(email=email, password=PASSWORD, language="fr", base_url=BASE_URL) is None
    )


def test_an_inactive_staff_account_is_never_taken_over_by_registration(
    mailoutbox, django_capture_on_commit_callbacks
):
    staff = User.objects.create_user("supervisor@example.ma", PASSWORD, kind=User.Kind.STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        services.register_candidate(
            email=staff.email, password="a brand new passphrase", language="fr", base_url=BASE_URL
        )
        services.request_new_confirmation(email=staff.email, base_url=BASE_URL)
        services.request_password_reset(email=staff.email, base_url=BASE_URL)
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD) and not staff.is_active
    assert mailoutbox == []
