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
        services.register_candidate(email="nadia@example.ma", language="en", base_url=BASE_URL)
        assert mailoutbox == []
    [message] = mailoutbox
    assert "https://bawaba.example.ma/en/accounts/confirm/" in message.body
    assert message.subject == "Confirm your Bawaba account"


def test_a_failed_registration_leaves_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.register_candidate(email="nadia@example.ma", language="fr", base_url=BASE_URL)
        raise RuntimeError("the request failed after the service")
    assert not User.objects.exists() and not Notification.objects.exists() and not AuditEvent.objects.exists()
    assert mailoutbox == []


def test_registration_gives_the_account_no_password_and_confirmation_sets_the_one_chosen():
    services.register_candidate(email="nadia@example.ma", language="fr", base_url=BASE_URL)
    assert not User.objects.get().has_usable_password()
    user = services.confirm_account(token=_token(), password=PASSWORD)
    assert user.is_active and user.check_password(PASSWORD)


def test_confirmation_refuses_a_weak_password_whoever_calls_it():
    services.register_candidate(email="nadia@example.ma", language="fr", base_url=BASE_URL)
    with pytest.raises(ValidationError):
        services.confirm_account(token=_token(), password="password123")
    assert not User.objects.get().is_active


def _token() -> str:
    return Notification.objects.get().context["confirm_url"].rstrip("/").rsplit("/", 1)[1]


def test_an_unknown_language_falls_back_to_arabic():
    services.register_candidate(email="nadia@example.ma", language="xx", base_url=BASE_URL)
    assert User.objects.get().preferred_language == "ar"
    assert Notification.objects.get().context["confirm_url"].startswith("https://bawaba.example.ma/ar/")


def test_the_outbox_key_does_not_hold_the_link(django_capture_on_commit_callbacks):
    services.register_candidate(email="nadia@example.ma", language="fr", base_url=BASE_URL)
    notification = Notification.objects.get()
    token = notification.context["confirm_url"].rstrip("/").rsplit("/", 1)[1]
    assert token not in notification.idempotency_key
    assert notification.idempotency_key.startswith(f"account-confirmation:{User.objects.get().pk}:")


def test_a_confirmation_link_works_once():
    services.register_candidate(email="nadia@example.ma", language="fr", base_url=BASE_URL)
    token = _token()
    assert services.confirm_account(token=token, password=PASSWORD).is_active
    with pytest.raises(services.AccountLinkError):
        services.confirm_account(token=token, password="another long passphrase")
    assert User.objects.get().check_password(PASSWORD)


@pytest.mark.parametrize("email", ["amina@example.ma", "karim@example.ma", "nobody@example.ma"])
def test_reset_requests_return_nothing_a_caller_could_leak(amina, karim, email):
    assert services.request_password_reset(email=email, base_url=BASE_URL) is None
    assert services.register_candidate(email=email, language="fr", base_url=BASE_URL) is None


def test_an_inactive_staff_account_is_never_taken_over_by_registration(
    mailoutbox, django_capture_on_commit_callbacks
):
    staff = User.objects.create_user("supervisor@example.ma", PASSWORD, kind=User.Kind.STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        services.register_candidate(email=staff.email, language="fr", base_url=BASE_URL)
        services.request_new_confirmation(email=staff.email, base_url=BASE_URL)
        services.request_password_reset(email=staff.email, base_url=BASE_URL)
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD) and not staff.is_active
    assert mailoutbox == []
