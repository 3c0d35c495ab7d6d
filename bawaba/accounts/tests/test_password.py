"""Password change and reset. A reset answers the same whether or not the address has an account."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from bawaba.accounts.contributions import PASSWORD_RESET
from bawaba.accounts.models import User
from bawaba.accounts.tests.helpers import (
    CONFIRM_LINK,
    NEW_PASSWORD,
    PASSWORD,
    RESET_LINK,
    landing,
    link_in,
    same_page,
    translated_html,
    url,
)
from bawaba.core.models import AuditEvent
from bawaba.notifications.models import Notification

pytestmark = pytest.mark.django_db

LINK_DEAD = "This link no longer works"  # the title of the page for a used, expired or damaged link


def ask_reset(client, email: str, language: str = "fr"):
    return client.post(url("accounts:password_reset", language), {"email": email})


def choose(client, link: str, password: str = NEW_PASSWORD, confirmation: str | None = None):
    return client.post(link, {"new_password1": password, "new_password2": confirmation or password})


@pytest.fixture
def reset_link(client, amina, mailoutbox, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        ask_reset(client, "amina@example.ma")
    return link_in(mailoutbox[-1], RESET_LINK)


# --- change --------------------------------------------------------------------------------------------


def test_she_changes_her_password_and_stays_signed_in(client, amina):
    client.force_login(amina)
    response = client.post(
        url("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[0] == (landing(), 302)
    assert translated_html("Your password has been changed.") in response.text
    amina.refresh_from_db()
    assert amina.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(amina.pk)
    assert AuditEvent.objects.filter(action="account.password_changed", actor=amina).exists()


def test_a_wrong_current_password_changes_nothing(client, amina):
    client.force_login(amina)
    response = client.post(
        url("accounts:password_change"),
        {"old_password": "not my password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Votre ancien mot de passe est incorrect. Veuillez le rectifier." in response.text
    amina.refresh_from_db()
    assert amina.check_password(PASSWORD)


def test_a_weak_new_password_is_refused(client, amina):
    client.force_login(amina)
    response = client.post(
        url("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "123456789012", "new_password2": "123456789012"},
    )
    assert "Ce mot de passe est entièrement numérique." in response.text
    assert 'aria-describedby="id_new_password1_helptext id_new_password1_error"' in response.text


def test_changing_the_password_needs_a_signed_in_user(client):
    response = client.get(url("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/accounts/login/?next=")


# --- reset ---------------------------------------------------------------------------------------------


def test_a_reset_answers_the_same_whether_or_not_the_address_has_an_account(
    client, amina, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = ask_reset(client, "amina@example.ma")
        known_page = client.get(known["Location"])
        unknown = ask_reset(client, "personne@example.ma")
        unknown_page = client.get(unknown["Location"])

    assert (
        (known.status_code, known["Location"])
        == (unknown.status_code, unknown["Location"])
        == (
            302,
            url("accounts:password_reset_done"),
        )
    )
    assert known_page.status_code == unknown_page.status_code == 200
    assert same_page(known_page.text, "amina@example.ma") == same_page(
        unknown_page.text, "personne@example.ma"
    )
    [message] = mailoutbox  # only the existing account gets an e-mail
    assert message.to == ["amina@example.ma"]
    assert message.subject == "Réinitialisez votre mot de passe Bawaba"
    assert Notification.objects.get().kind == PASSWORD_RESET.key


def test_a_reset_for_an_unconfirmed_account_sends_a_confirmation_link_instead(
    client, karim, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_reset(client, "karim@example.ma")
    assert response["Location"] == url("accounts:password_reset_done")
    [message] = mailoutbox
    assert CONFIRM_LINK.search(message.body) and not RESET_LINK.search(message.body)


def test_a_deactivated_account_gets_nothing(client, amina, mailoutbox, django_capture_on_commit_callbacks):
    User.objects.filter(pk=amina.pk).update(
        is_active=False, last_login=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_reset(client, "amina@example.ma")
    assert response["Location"] == url("accounts:password_reset_done")
    assert mailoutbox == []


def test_the_reset_link_works_once(client, amina, reset_link):
    assert reset_link.startswith("http://testserver/fr/accounts/password/reset/")  # amina reads French
    form = client.get(reset_link)
    assert form.status_code == 200 and 'autocomplete="new-password"' in form.text

    done = choose(client, reset_link)
    assert done["Location"] == url("accounts:password_reset_complete")
    amina.refresh_from_db()
    assert amina.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="account.password_reset", actor=amina).exists()

    again = client.get(reset_link)
    assert translated_html(LINK_DEAD) in again.text
    assert choose(client, reset_link, password="another long passphrase 7").status_code == 200
    amina.refresh_from_db()
    assert amina.check_password(NEW_PASSWORD)


def test_the_reset_link_expires_after_a_day(client, amina, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            ask_reset(client, "amina@example.ma")
        link = link_in(mailoutbox[-1], RESET_LINK)
        clock.shift(dt.timedelta(hours=24, seconds=1))
        assert translated_html(LINK_DEAD) in client.get(link).text
        choose(client, link)
    amina.refresh_from_db()
    assert amina.check_password(PASSWORD)


def test_a_tampered_reset_link_is_refused(client, amina, reset_link):
    tampered = reset_link[:-3] + ("0" if reset_link[-3] != "0" else "1") + reset_link[-2:]
    assert translated_html(LINK_DEAD) in client.get(tampered).text
    assert (
        translated_html(LINK_DEAD)
        in client.get(url("accounts:password_reset_confirm", uidb64="zz", token="x-y")).text
    )


def test_a_weak_password_is_refused_on_the_reset_page(client, amina, reset_link):
    response = choose(client, reset_link, password="password123")
    assert response.status_code == 200
    assert "Ce mot de passe est trop courant." in response.text
    amina.refresh_from_db()
    assert amina.check_password(PASSWORD)


def test_a_reset_ends_a_sign_in_lockout(client, amina, reset_link):
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(url("accounts:login"), {"email": "amina@example.ma", "password": f"wrong {i}"})
    assert (
        client.post(url("accounts:login"), {"email": "amina@example.ma", "password": PASSWORD}).status_code
        == 429
    )

    choose(client, reset_link)
    response = client.post(url("accounts:login"), {"email": "amina@example.ma", "password": NEW_PASSWORD})
    assert response.status_code == 302
