"""Sign-in and sign-out: where she lands, POST-only sign-out, the lockout after repeated failures, CSRF."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from bawaba.accounts.lockout import username_from_credentials
from bawaba.accounts.models import User
from bawaba.accounts.tests.factories import UserFactory
from bawaba.accounts.tests.helpers import PASSWORD, landing, translated_html, url

pytestmark = pytest.mark.django_db

NOT_CONFIRMED = (
    "Your account is not confirmed yet. Open the link in the e-mail we sent you, or ask for a new link."
)

LOCKED = (
    "There have been too many unsuccessful attempts to sign in to this account. "
    "To protect it, signing in is blocked for a while, even with the right password."
)


def sign_in(client, email: str, password: str, language: str = "fr", **extra):
    return client.post(url("accounts:login", language), {"email": email, "password": password, **extra})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_she_signs_in_with_her_address_in_any_case_and_lands_on_her_dashboard(client, amina):
    response = sign_in(client, "Amina@Example.MA", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == landing()
    assert signed_in(client)


def test_she_goes_back_to_the_page_she_asked_for(client, amina):
    response = sign_in(client, "amina@example.ma", PASSWORD, next="/fr/accounts/password/change/")
    assert response["Location"] == "/fr/accounts/password/change/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_a_next_address_off_the_site_is_ignored(client, amina, next_url):
    response = sign_in(client, "amina@example.ma", PASSWORD, next=next_url)
    assert response["Location"] == landing()


def test_a_wrong_password_keeps_the_address_and_says_so_in_her_language(client, amina):
    response = sign_in(client, "amina@example.ma", "wrong password here")
    assert response.status_code == 200
    assert not signed_in(client)
    assert 'value="amina@example.ma"' in response.text
    assert "wrong password here" not in response.text
    with translation.override("fr"):
        assert gettext("Sign in") == "Se connecter"
        assert "<title>Se connecter</title>" in response.text


def test_the_sign_in_page_is_accessible(client):
    page = client.get(url("accounts:login")).text
    assert '<label for="id_email">' in page
    assert 'autocomplete="username"' in page and 'dir="ltr"' in page and 'type="email"' in page
    assert 'autocomplete="current-password"' in page


def test_sign_out_is_post_only(client, amina):
    client.force_login(amina)
    assert client.get(url("accounts:logout")).status_code == 405
    assert signed_in(client)
    response = client.post(url("accounts:logout"))
    assert response.status_code == 302
    assert not signed_in(client)


def test_forms_refuse_a_post_without_the_csrf_token(amina):
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post(url("accounts:login"), {"email": "amina@example.ma", "password": PASSWORD}).status_code
        == 403
    )
    assert client.post(url("accounts:register"), {"email": "x@example.ma"}).status_code == 403
    assert not signed_in(client)

    client.get(url("accounts:login"))  # sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        url("accounts:login"),
        {"email": "amina@example.ma", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and signed_in(client)


def fail_until_locked(client, email: str = "amina@example.ma"):
    responses = [sign_in(client, email, f"wrong password {i}") for i in range(settings.AXES_FAILURE_LIMIT)]
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    return responses[-1]


def test_repeated_failures_lock_the_account_with_a_clear_message(client, amina):
    locked = fail_until_locked(client)
    assert locked.status_code == 429
    assert translated_html(LOCKED) in locked.text
    assert (
        translated_html(
            "Please try again in %(minutes)s minute.",
            plural="Please try again in %(minutes)s minutes.",
            count=15,
            minutes=15,
        )
        in locked.text
    )
    assert 'value="amina@example.ma"' in locked.text
    assert 'href="/fr/accounts/password/reset/"' in locked.text

    right_password = sign_in(client, "amina@example.ma", PASSWORD)
    assert right_password.status_code == 429  # even the right password, during the cool-off
    assert not signed_in(client)


def test_the_lockout_counts_the_address_whatever_its_case(client, amina):
    for i, email in enumerate(
        ["amina@example.ma", "AMINA@example.ma", "Amina@Example.Ma", "amina@EXAMPLE.MA"]
    ):
        sign_in(client, email, f"wrong password {i}")
    assert sign_in(client, "aMiNa@example.ma", "wrong password 5").status_code == 429
    assert sign_in(client, "amina@example.ma", PASSWORD).status_code == 429


def test_the_lockout_does_not_block_other_accounts(client, amina, django_user_model):
    fail_until_locked(client)
    django_user_model.objects.create_user("omar@example.ma", PASSWORD, is_active=True)
    assert sign_in(client, "omar@example.ma", PASSWORD).status_code == 302


def test_sign_in_works_again_after_the_cool_off(client, amina):
    with time_machine.travel(dt.datetime.now(tz=dt.UTC), tick=False) as clock:
        fail_until_locked(client)
        clock.shift(dt.timedelta(minutes=15, seconds=1))
        assert sign_in(client, "amina@example.ma", PASSWORD).status_code == 302


def test_the_lockout_page_speaks_her_language(client, amina):
    for i in range(settings.AXES_FAILURE_LIMIT):
        locked = sign_in(client, "amina@example.ma", f"wrong {i}", language="ar")
    assert locked.status_code == 429
    assert '<html lang="ar" dir="rtl">' in locked.text
    with translation.override("ar"):
        assert gettext("Sign-in blocked for a while") in locked.text
        assert gettext("Sign in") == "تسجيل الدخول" and "تسجيل الدخول" in locked.text


def test_the_admin_has_no_sign_in_form_of_its_own(client, amina):
    """The admin's form would skip the second factor: its address sends to the site's sign-in, and a password
    posted there signs nobody in."""
    admin_login = url("admin:login")
    response = client.post(admin_login, {"username": "amina@example.ma", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(url("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_the_counted_name_is_the_lower_cased_address_from_either_form():
    assert username_from_credentials(None, {"email": " Amina@Example.MA "}) == "amina@example.ma"
    assert (
        username_from_credentials(None, {"username": "Admin@Example.MA", "password": "x"})
        == "admin@example.ma"
    )
    assert username_from_credentials(None, {"email": None, "username": None}) is None


@pytest.fixture
def omar(db):
    """Deactivated by staff after he had signed in."""
    return UserFactory(
        email="omar@example.ma", is_active=False, last_login=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    )


@pytest.fixture
def hashes():
    """Counts password hashes at the hasher's edge (checking a password and making one both run `encode`)."""
    from django.contrib.auth.hashers import get_hasher

    hasher = type(get_hasher())
    counter = {"count": 0}
    original = hasher.encode

    def counting_encode(self, *args, **kwargs):
        counter["count"] += 1
        return original(self, *args, **kwargs)

    with mock.patch.object(hasher, "encode", counting_encode):
        yield counter


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("nobody@example.ma", PASSWORD),  # unknown address
        ("karim@example.ma", "not the password"),  # awaiting confirmation, wrong password
        ("karim@example.ma", PASSWORD),  # awaiting confirmation, right password ("confirm first")
        ("omar@example.ma", "not the password"),  # deactivated by staff
        ("omar@example.ma", PASSWORD),
        ("amina@example.ma", "not the password"),  # active, wrong password
    ],
    ids=[
        "unknown",
        "pending-wrong",
        "pending-right",
        "deactivated-wrong",
        "deactivated-right",
        "active-wrong",
    ],
)
def test_every_failed_sign_in_costs_one_password_hash(client, amina, karim, omar, hashes, email, password):
    """The answer's timing must not tell which addresses have (pending) accounts: Argon2id dominates it, so every
    failure hashes exactly once."""
    response = sign_in(client, email, password)

    assert response.status_code == 200 and not signed_in(client)
    assert hashes["count"] == 1
    said_confirm_first = translated_html(NOT_CONFIRMED) in response.text
    assert said_confirm_first is ((email, password) == ("karim@example.ma", PASSWORD))


def test_a_successful_sign_in_costs_one_password_hash(client, amina, hashes):
    assert sign_in(client, "amina@example.ma", PASSWORD).status_code == 302
    assert hashes["count"] == 1


def test_signing_in_to_a_pending_account_does_not_change_its_hash(client, karim):
    """An old-parameter hash is upgraded on a successful sign-in only: re-hashing a pending account would change its
    password hash and so kill her confirmation link."""
    before = make_password(
        PASSWORD, salt="short", hasher="md5"
    )  # a salt too short: the hasher wants an upgrade
    User.objects.filter(pk=karim.pk).update(password=before)
    sign_in(client, "karim@example.ma", PASSWORD)
    karim.refresh_from_db()
    assert karim.password == before
