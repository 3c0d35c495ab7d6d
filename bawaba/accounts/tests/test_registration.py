"""Registration: an inactive account, a link in her language, strong passwords only, and no enumeration."""

import datetime as dt

import pytest
import time_machine
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
    assert (user.is_active, user.kind, user.preferred_language) == (False, User.Kind.CANDIDATE, "fr")
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


def test_registering_a_pending_address_again_resends_the_link_and_keeps_the_first_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    """Pre-account hijacking: an attacker who registers the victim's pending address with his own password must not
    be able to sign in once she confirms."""
    with (
        time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock,
        django_capture_on_commit_callbacks(execute=True),  # inside: the e-mails go out at the travelled time
    ):
        register(client, "nadia@example.ma", language="ar")  # Nadia, who holds the mailbox
        first_page = client.get(url("accounts:register_done")).text
        clock.shift(1)
        attack = register(client, "nadia@example.ma", password=NEW_PASSWORD, language="fr")
        attack_page = client.get(url("accounts:register_done")).text

    assert attack["Location"] == url("accounts:register_done")
    assert same_page(attack_page, "nadia@example.ma") == same_page(first_page, "nadia@example.ma")
    user = User.objects.get()
    assert user.check_password(PASSWORD) and not user.check_password(NEW_PASSWORD)
    assert user.preferred_language == "ar"  # nothing the second registrant typed is kept
    assert [m.to for m in mailoutbox] == [["nadia@example.ma"]] * 2  # the link again, to the mailbox only
    assert AuditEvent.objects.filter(action="account.registered_again", actor=None).count() == 1

    assert client.post(CONFIRM_LINK.search(mailoutbox[-1].body).group(0)).status_code == 302
    user.refresh_from_db()
    assert user.is_active
    attacker = client.post(url("accounts:login"), {"email": "nadia@example.ma", "password": NEW_PASSWORD})
    assert attacker.status_code == 200 and "_auth_user_id" not in client.session
    victim = client.post(url("accounts:login"), {"email": "nadia@example.ma", "password": PASSWORD})
    assert victim.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_registering_a_pending_address_again_respects_the_new_link_rate_limit(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.BAWABA_RATE_LIMITS = {"confirmation:address": (2, 3600)}
    answers = []
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock,
    ):
        register(client, "nadia@example.ma")  # a new account: not counted
        for _ in range(3):
            clock.shift(1)  # each in its own second, so each would be a new link
            answers.append(register(client, "nadia@example.ma"))
        clock.shift(1)
        client.post(url("accounts:resend_confirmation"), {"email": "nadia@example.ma"})

    assert {(r.status_code, r["Location"]) for r in answers} == {(302, url("accounts:register_done"))}
    assert (
        len(mailoutbox) == 3
    )  # the first link, then two more: the limit is shared with "send me a new link"
