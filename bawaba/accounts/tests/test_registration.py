"""Registration: an inactive account without a password, a link in her language, and no enumeration. (The password
is chosen on the link's page: test_confirmation.py.)"""

import datetime as dt

import pytest
import time_machine

from bawaba.accounts.contributions import ACCOUNT_CONFIRMATION
from bawaba.accounts.models import User
from bawaba.accounts.tests.helpers import CONFIRM_LINK, NEW_PASSWORD, PASSWORD, link_in, same_page, url
from bawaba.core.models import AuditEvent
from bawaba.notifications.models import Notification

pytestmark = pytest.mark.django_db


def register(client, email: str, language: str = "fr", **extra):
    return client.post(url("accounts:register", language), {"email": email, **extra})


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
    assert not user.has_usable_password()  # she chooses it on the link's page
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


def test_the_form_asks_for_the_address_only(client):
    page = client.get(url("accounts:register")).text
    assert 'name="email"' in page and 'autocomplete="username"' in page
    assert 'type="password"' not in page


def test_a_malformed_address_is_refused_in_arabic_on_the_arabic_page(client):
    response = register(client, "nadia@", language="ar")
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.text
    assert 'value="nadia@"' in response.text and 'role="alert"' in response.text
    assert not User.objects.exists()


def test_an_empty_form_says_what_is_required(client):
    response = client.post(url("accounts:register"), {})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.text
    assert 'role="alert"' in response.text


def test_an_address_with_an_account_gets_the_same_answer_and_no_e_mail(
    client, amina, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        taken = register(client, "AMINA@example.ma")
        taken_page = client.get(taken["Location"]).text
        free = register(client, "nouvelle@example.ma")
        free_page = client.get(free["Location"]).text

    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    assert same_page(taken_page, "amina@example.ma") == same_page(free_page, "nouvelle@example.ma")
    assert [m.to for m in mailoutbox] == [["nouvelle@example.ma"]]  # the owner is sent nothing
    amina.refresh_from_db()
    assert amina.check_password(PASSWORD) and amina.is_active  # her account is untouched
    assert AuditEvent.objects.filter(action="account.registration_refused", target_id=str(amina.pk)).exists()


def choose_password(client, link: str, password: str):
    return client.post(link, {"password1": password, "password2": password})


def sign_in(client, email: str, password: str):
    return client.post(url("accounts:login"), {"email": email, "password": password})


def test_whoever_registers_an_address_first_cannot_sign_in_once_its_owner_confirms(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    """Pre-account hijacking, in either order: the attacker registers the victim's address (before or after her),
    with a password of his own if the form would take one; only the holder of the mailbox chooses the password."""
    from django.test import Client

    attacker, victim = Client(), Client()
    with (
        time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock,
        django_capture_on_commit_callbacks(execute=True),  # inside: the e-mails go out at the travelled time
    ):
        register(attacker, "nadia@example.ma", password1=NEW_PASSWORD, password2=NEW_PASSWORD)
        first_page = attacker.get(url("accounts:register_done")).text
        clock.shift(1)
        register(victim, "nadia@example.ma", language="ar")  # Nadia, who holds the mailbox
        again_page = victim.get(url("accounts:register_done", "ar")).text

    user = User.objects.get()
    assert (
        not user.has_usable_password() and user.preferred_language == "fr"
    )  # the first registrant's language
    assert same_page(first_page, "nadia@example.ma").count("EMAIL") == 1 and "nadia@example.ma" in again_page
    assert [m.to for m in mailoutbox] == [["nadia@example.ma"]] * 2  # links to the mailbox only
    assert AuditEvent.objects.filter(action="account.registered_again", actor=None).count() == 1

    response = choose_password(victim, link_in(mailoutbox[0]), PASSWORD)  # the link the attacker caused
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.check_password(PASSWORD) and not user.check_password(NEW_PASSWORD)
    assert sign_in(attacker, "nadia@example.ma", NEW_PASSWORD).status_code == 200
    assert "_auth_user_id" not in attacker.session
    assert sign_in(Client(), "nadia@example.ma", PASSWORD).status_code == 302


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
