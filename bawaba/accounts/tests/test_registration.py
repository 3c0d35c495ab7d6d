"""Registration: an inactive account, a link in her language, strong passwords only, and no enumeration."""

import pytest
from django.contrib.auth.hashers import check_password

from bawaba.accounts.contributions import ACCOUNT_CONFIRMATION
from bawaba.accounts.models import User
from bawaba.accounts.tests.helpers import CONFIRM_LINK, NEW_PASSWORD, PASSWORD, same_page, url
from bawaba.core.models import AuditEvent
from bawaba.notifications.models import Notification

pytestmark = pytest.mark.django_db


def register(
    client, email: str, password: str = PASSWORD, password2: str | None = None, language: str = "fr"
):
    return client.post(
        url("accounts:register", language),
        {"email": email, "password1": password, "password2": password if password2 is None else password2},
    )


def test_registration_creates_an_inactive_candidate_and_emails_her_a_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, "Nadia.Berrada@Example.MA")

    assert response.status_code == 302
    assert response["Location"] == url("accounts:register_done")
    user = User.objects.get()
    assert user.email == "nadia.berrada@example.ma"
    assert (user.is_active, user.role, user.preferred_language) == (False, User.Role.CANDIDATE, "fr")
    assert check_password(PASSWORD, user.password)
    notification = Notification.objects.get()
    assert (notification.kind, notification.language, notification.user) == (
        ACCOUNT_CONFIRMATION.key,
        "fr",
        user,
    )
    assert notification.status == Notification.Status.SENT
    assert AuditEvent.objects.filter(action="account.registered", target_id=str(user.pk)).exists()
    [message] = mailoutbox
    assert message.to == ["nadia.berrada@example.ma"]
    assert message.subject == "Confirmez votre compte Bawaba"
    link = CONFIRM_LINK.search(message.body).group(0)
    assert link.startswith("http://testserver/fr/accounts/confirm/")  # her language's pages


def test_the_check_your_email_page_shows_the_address_she_typed(client):
    register(client, "nadia@example.ma")
    response = client.get(url("accounts:register_done"))
    assert response.status_code == 200
    assert "nadia@example.ma" in response.text


def test_an_arabic_registration_gets_arabic_links_and_e_mail(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, "salma@example.ma", language="ar")
    assert User.objects.get().preferred_language == "ar"
    [message] = mailoutbox
    assert message.subject == "تأكيد حسابك في بوابة"
    assert CONFIRM_LINK.search(message.body).group(0).startswith("http://testserver/ar/accounts/confirm/")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("court-9", "Ce mot de passe est trop court. Il doit contenir au moins 10 caractères."),
        ("password123", "Ce mot de passe est trop courant."),
        ("20240915123456", "Ce mot de passe est entièrement numérique."),
    ],
    ids=["too-short", "common", "numeric"],
)
def test_a_weak_password_is_refused_with_a_message_and_the_address_is_kept(
    client, mailoutbox, password, message
):
    response = register(client, "nadia@example.ma", password=password)

    assert response.status_code == 200
    assert message in response.text
    assert 'value="nadia@example.ma"' in response.text  # what she typed is still there
    assert password not in response.text  # passwords are never sent back
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in response.text
    assert not User.objects.exists()
    assert not Notification.objects.exists() and mailoutbox == []


def test_a_password_like_the_address_is_refused(client):
    response = register(client, "nadia.berrada@example.ma", password="nadia.berrada")
    assert response.status_code == 200
    assert "Le mot de passe est trop semblable au champ «\xa0adresse électronique\xa0»." in response.text
    assert not User.objects.exists()


def test_messages_are_in_arabic_on_the_arabic_pages(client):
    response = register(
        client, "nadia@example.ma", password="password123", password2="password124", language="ar"
    )
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "كلمة المرور هذه شائعة جداً." in response.text
    assert "حقلا كلمة المرور غير متطابقين." in response.text
    assert 'value="nadia@example.ma"' in response.text


def test_an_empty_form_says_what_is_required(client):
    response = client.post(url("accounts:register"), {})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.text
    assert 'role="alert"' in response.text


def test_an_address_with_an_account_gets_the_same_answer_and_no_e_mail(
    client, amina, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        taken = register(client, "AMINA@example.ma", password=NEW_PASSWORD)
        taken_page = client.get(taken["Location"]).text
        free = register(client, "nouvelle@example.ma", password=NEW_PASSWORD)
        free_page = client.get(free["Location"]).text

    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    assert same_page(taken_page, "amina@example.ma") == same_page(free_page, "nouvelle@example.ma")
    assert [m.to for m in mailoutbox] == [["nouvelle@example.ma"]]  # the owner is sent nothing
    amina.refresh_from_db()
    assert amina.check_password(PASSWORD) and amina.is_active  # her account is untouched
    assert AuditEvent.objects.filter(action="account.registration_refused", target_id=str(amina.pk)).exists()


def test_registering_again_before_confirming_sends_a_fresh_link_and_kills_the_old_one(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, "nadia@example.ma", language="ar")
        register(client, "nadia@example.ma", password=NEW_PASSWORD, language="fr")

    user = User.objects.get()
    assert user.check_password(NEW_PASSWORD) and user.preferred_language == "fr"
    first, second = (CONFIRM_LINK.search(m.body).group(0) for m in mailoutbox)
    assert first != second

    old = client.get(first)
    assert old.status_code == 200 and 'action="/fr/accounts/confirm/resend/"' in old.text.replace(
        "/ar/", "/fr/"
    )
    user.refresh_from_db()
    assert not user.is_active
    assert client.get(second)["Location"] == url("accounts:login")
    user.refresh_from_db()
    assert user.is_active
