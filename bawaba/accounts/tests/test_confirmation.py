"""The confirmation link: its page asks for her password before activating (a POST), it activates once and signs her
in, expires after 48 hours, and a new one can be asked for."""

import datetime as dt

import pytest
import time_machine

from bawaba.accounts import services
from bawaba.accounts.models import User
from bawaba.accounts.tests.helpers import PASSWORD, landing, link_in, translated_html, url
from bawaba.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NOT_CONFIRMED = (
    "Your account is not confirmed yet. Open the link in the e-mail we sent you, or ask for a new link."
)
WRONG_PASSWORD = (
    "The e-mail address or the password is not correct. Check them and try again; "
    "capital and small letters count in the password."
)


@pytest.fixture
def register(client, mailoutbox, django_capture_on_commit_callbacks):
    def register() -> str:
        """Nadia registers on the French pages; the link she is e-mailed."""
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("accounts:register"), {"email": "nadia@example.ma"})
        return link_in(mailoutbox[-1])

    return register


@pytest.fixture
def link(register) -> str:
    return register()


def choose(client, link: str, password: str = PASSWORD, confirmation: str | None = None, **kwargs):
    """Her password, typed twice on the link's page, and "Confirm my account"."""
    return client.post(link, {"password1": password, "password2": confirmation or password}, **kwargs)


def test_opening_the_link_activates_nothing_and_asks_for_her_password(client, link):
    """Mail scanners open links: a GET, however often, changes nothing."""
    for _ in range(2):
        response = client.get(link)
        assert response.status_code == 200
        assert translated_html("Confirm my account") in response.text
        assert 'method="post"' in response.text and 'name="csrfmiddlewaretoken"' in response.text
        assert 'name="password1"' in response.text and 'autocomplete="new-password"' in response.text
        assert 'value="nadia@example.ma" autocomplete="username"' in response.text  # for password managers
    assert not User.objects.get().is_active
    assert not AuditEvent.objects.filter(action="account.confirmed").exists()


def test_choosing_her_password_activates_the_account_once_and_signs_her_in(client, link):
    response = choose(client, link, follow=True)

    assert response.redirect_chain[0] == (landing(), 302)
    assert translated_html("Your account is confirmed and you are signed in.") in response.text
    user = User.objects.get()
    assert user.is_active and user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)

    # The same link again in her browser: kindly told; in any other browser: it no longer works.
    for again in (
        choose(client, link, "another long passphrase", follow=True),
        client.get(link, follow=True),
    ):
        assert again.redirect_chain[0] == (landing(), 302)
        assert translated_html("Your account is already confirmed.") in again.text
    from django.test import Client

    elsewhere = choose(Client(), link, "another long passphrase")
    assert translated_html("This link no longer works") in elsewhere.text
    assert User.objects.get().check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="account.confirmed").count() == 1


@pytest.mark.parametrize(
    ("password", "confirmation", "message"),
    [
        ("court-9", None, "Ce mot de passe est trop court. Il doit contenir au moins 10 caractères."),
        ("password123", None, "Ce mot de passe est trop courant."),
        ("20240915123456", None, "Ce mot de passe est entièrement numérique."),
        (
            "nadia.example",
            None,
            "Le mot de passe est trop semblable au champ «\xa0adresse électronique\xa0».",
        ),
        (PASSWORD, "something else entirely", "Les deux mots de passe ne correspondent pas."),
    ],
    ids=["too-short", "common", "numeric", "like-the-address", "mismatch"],
)
def test_a_weak_password_is_refused_with_a_message_and_nothing_is_activated(
    client, link, password, confirmation, message
):
    response = choose(client, link, password, confirmation)

    assert response.status_code == 200
    assert message in response.text
    assert password not in response.text  # passwords are never sent back
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in response.text or (
        'id="id_password2_error"' in response.text
    )
    assert not User.objects.get().is_active
    assert "_auth_user_id" not in client.session


def test_the_password_messages_are_in_arabic_on_the_arabic_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("accounts:register", "ar"), {"email": "salma@example.ma"})
    response = choose(client, link_in(mailoutbox[-1]), "password123", "password124")
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "كلمة المرور هذه شائعة جداً." in response.text
    assert "حقلا كلمة المرور غير متطابقين." in response.text


def test_the_button_needs_the_pages_csrf_token(link):
    from django.test import Client

    response = choose(Client(enforce_csrf_checks=True), link)

    assert response.status_code == 403
    assert not User.objects.get().is_active


def test_a_used_link_does_not_reactivate_a_deactivated_account(client, link):
    from django.test import Client

    choose(client, link)
    user = User.objects.get()
    User.objects.filter(pk=user.pk).update(is_active=False)  # staff deactivate her

    response = choose(Client(), link, "a passphrase of his own")

    assert response.status_code == 200
    assert 'action="/fr/accounts/confirm/resend/"' in response.text
    assert not User.objects.get().is_active


@pytest.mark.parametrize(
    ("age", "works"),
    [(dt.timedelta(hours=48), True), (dt.timedelta(hours=48, seconds=1), False)],
    ids=["at-48-hours", "48-hours-and-1-second"],
)
def test_the_link_expires_after_48_hours_with_a_way_to_ask_for_a_new_one(client, register, age, works):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        link = register()
        clock.shift(age)
        opened = client.get(link)
        response = choose(client, link)

    assert not works or translated_html("Confirm my account") in opened.text
    assert User.objects.get().is_active is works
    if not works:
        assert response.status_code == 200
        assert translated_html("This link no longer works") in response.text
        assert 'action="/fr/accounts/confirm/resend/"' in response.text
        assert 'name="email"' in response.text


@pytest.mark.parametrize("token", ["garbage", "MQ.abc-def", "OTk5.cb1c2h-0123456789abcdef", "..."])
def test_a_forged_or_damaged_link_is_refused(client, link, token):
    for response in (
        client.get(url("accounts:confirm", token=token)),
        choose(client, url("accounts:confirm", token=token)),
    ):
        assert response.status_code == 200
        assert translated_html("This link no longer works") in response.text
    assert not User.objects.get().is_active


def test_a_link_for_another_account_is_refused(client, link, karim):
    _uid, _, signature = link.rstrip("/").rsplit("/", 1)[1].partition(".")
    with pytest.raises(services.AccountLinkError):
        services.confirm_account(token=f"{services.encode_uid(karim)}.{signature}", password=PASSWORD)
    assert not User.objects.get(pk=karim.pk).is_active


def test_a_new_link_is_sent_in_her_language_and_works(
    client, karim, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("accounts:resend_confirmation"), {"email": "Karim@Example.ma"})

    assert response["Location"] == url("accounts:register_done") + "?resent=1"
    [message] = mailoutbox
    assert message.to == ["karim@example.ma"]
    assert message.subject == "تأكيد حسابك في بوابة"  # karim chose Arabic when he registered
    link = link_in(message)
    assert link.startswith("http://testserver/ar/accounts/confirm/")
    choose(client, link, "a passphrase of his own")
    karim.refresh_from_db()
    assert karim.is_active and karim.check_password("a passphrase of his own")


def test_asking_for_a_new_link_answers_the_same_for_any_address(
    client, amina, karim, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(url("accounts:resend_confirmation"), {"email": email})
            for email in ("karim@example.ma", "amina@example.ma", "nobody@example.ma")
        ]
    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, url("accounts:register_done") + "?resent=1")
    }
    assert [m.to for m in mailoutbox] == [["karim@example.ma"]]  # only the account awaiting confirmation


def test_before_confirming_no_password_signs_in(client, link):
    """A new account has no password until its link's page sets one: nothing typed before signs in."""
    for password in (PASSWORD, "", "!"):
        response = client.post(url("accounts:login"), {"email": "nadia@example.ma", "password": password})
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert translated_html(NOT_CONFIRMED) not in response.text

    choose(client, link)
    client.post(url("accounts:logout"))
    after = client.post(url("accounts:login"), {"email": "nadia@example.ma", "password": PASSWORD})
    assert after.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_a_wrong_password_on_an_unconfirmed_account_says_only_wrong_password(client, karim):
    response = client.post(
        url("accounts:login"), {"email": "karim@example.ma", "password": "not the password"}
    )
    assert translated_html(NOT_CONFIRMED) not in response.text
    assert translated_html(WRONG_PASSWORD) in response.text
