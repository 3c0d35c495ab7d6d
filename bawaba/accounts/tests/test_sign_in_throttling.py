"""Budgets of failed sign-ins (throttle.py): per source, per address from unknown browsers, and over the whole site;
nobody can spray passwords over many accounts, and nobody can keep an owner out of her account. (The admin has no
sign-in form of its own, so these budgets cover it: test_sign_in.py, test_the_admin_has_no_sign_in_form_of_its_own.)"""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from bawaba.accounts import ratelimit, throttle
from bawaba.accounts.tests.factories import UserFactory
from bawaba.accounts.tests.helpers import NEW_PASSWORD, PASSWORD, RESET_LINK, link_in, translated_html, url

pytestmark = pytest.mark.django_db

FROM_CONNECTION = (
    "There have been too many unsuccessful attempts to sign in from your connection. "
    "To protect the accounts of this site, signing in from it is paused for a while."
)
FROM_UNKNOWN_DEVICES = (
    "There have been too many unsuccessful attempts to sign in to this account from devices it has never been "
    "used on. To protect it, signing in from such a device is blocked for a while, even with the right password."
)
TRUSTED_DEVICE_HINT = "On a device where you have already signed in to your account, you can sign in at once."


@pytest.fixture(autouse=True)
def _clock_inside_one_window():
    """The budgets count in fixed 15-minute windows: a test that crossed a window's end would start afresh."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 5, tzinfo=dt.UTC), tick=False):
        yield


def sign_in(client, email: str, password: str, *, ip: str = "127.0.0.1"):
    return client.post(url("accounts:login"), {"email": email, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def source_limit() -> int:
    return ratelimit.rate_for("signin:source").limit


def test_100_failed_sign_ins_over_25_accounts_from_one_source_are_throttled(client):
    """Four wrong passwords on each of 25 accounts: under the lockout per (client, address), not under the budget
    of the source."""
    accounts = [UserFactory(email=f"candidate{n}@example.ma") for n in range(25)]
    statuses = [
        sign_in(client, account.email, f"wrong guess {attempt}", ip="198.51.100.20").status_code
        for attempt in range(4)
        for account in accounts
    ]

    assert statuses == [200] * source_limit() + [429] * (100 - source_limit())
    refused = sign_in(client, accounts[0].email, PASSWORD, ip="198.51.100.20")
    assert refused.status_code == 429 and not signed_in(
        client
    )  # even the right password, until the window ends
    assert translated_html(FROM_CONNECTION) in refused.text
    assert 0 < int(refused["Retry-After"]) <= 900
    # Another connection is not held back by this one, and neither is the same account's owner from elsewhere.
    assert sign_in(Client(), accounts[0].email, PASSWORD, ip="198.51.100.21").status_code == 302


def test_successful_sign_ins_do_not_use_up_the_sources_budget(settings):
    """Thousands of people share one carrier address: their successes are not failures."""
    settings.BAWABA_RATE_LIMITS = {"signin:source": (3, 900)}
    people = [UserFactory(email=f"voisin{n}@example.ma") for n in range(6)]
    assert [sign_in(Client(), p.email, PASSWORD).status_code for p in people] == [302] * 6
    failures = [sign_in(Client(), p.email, "wrong guess").status_code for p in people[:4]]
    assert failures == [200, 200, 200, 429]


@pytest.fixture
def her_browser(central_admin):
    """The central administrator's own browser, where she signed in before (it keeps the trusted-browser cookie)."""
    browser = Client()
    assert sign_in(browser, central_admin.email, PASSWORD, ip="192.0.2.10").status_code == 302
    browser.post(url("accounts:logout"))
    assert throttle.TRUSTED_BROWSER_COOKIE in browser.cookies
    return browser


def hammer(email: str, times: int) -> list[int]:
    """Wrong passwords on `email` from many addresses (a botnet), each under axes' lockout per (client, address)."""
    return [
        sign_in(Client(), email, f"guess {n}", ip=f"203.0.113.{n // 4 + 1}").status_code for n in range(times)
    ]


def test_the_administrator_signs_in_while_her_address_is_hammered_from_elsewhere(
    central_admin, her_browser, mailoutbox, django_capture_on_commit_callbacks
):
    address_limit = ratelimit.rate_for("signin:address").limit
    statuses = hammer(central_admin.email, 40)
    assert statuses == [200] * address_limit + [429] * (40 - address_limit)

    # From her own browser she signs in at once, with the right password, however long the attack lasts.
    assert sign_in(her_browser, central_admin.email, PASSWORD, ip="192.0.2.10").status_code == 302
    assert signed_in(her_browser)

    # A browser she has never used is refused even with the right password, and told how to get in...
    new_browser = Client()
    refused = sign_in(new_browser, central_admin.email, PASSWORD, ip="192.0.2.10")
    assert refused.status_code == 429 and not signed_in(new_browser)
    assert translated_html(FROM_UNKNOWN_DEVICES) in refused.text
    assert translated_html(TRUSTED_DEVICE_HINT) in refused.text
    # ...and a password reset, which proves she holds the mailbox, lets that browser in too.
    with django_capture_on_commit_callbacks(execute=True):
        new_browser.post(
            url("accounts:password_reset"), {"email": central_admin.email}, REMOTE_ADDR="192.0.2.10"
        )
    reset_page = link_in(mailoutbox[-1], RESET_LINK)
    new_browser.post(reset_page, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert hammer(central_admin.email, 1) == [200]  # the block on her address ended with the reset
    assert sign_in(new_browser, central_admin.email, NEW_PASSWORD, ip="192.0.2.10").status_code == 302


def test_a_browser_trusted_by_one_account_is_a_stranger_to_the_others(amina, settings):
    settings.BAWABA_RATE_LIMITS = {"signin:address": (2, 900)}
    attacker = Client()
    attacker_account = UserFactory(email="attaquant@example.ma")
    assert sign_in(attacker, attacker_account.email, PASSWORD, ip="203.0.113.50").status_code == 302
    statuses = [
        sign_in(attacker, amina.email, f"guess {n}", ip=f"203.0.113.{50 + n}").status_code for n in range(4)
    ]
    assert statuses == [200, 200, 429, 429]


def test_a_trusted_browser_that_fails_too_often_falls_back_to_the_ordinary_budgets(amina, settings):
    """A stolen laptop does not give endless guesses: its own budget ends, then the address's block applies."""
    settings.BAWABA_RATE_LIMITS = {"signin:browser": (3, 900), "signin:address": (1, 900)}
    browser = Client()
    assert sign_in(browser, amina.email, PASSWORD).status_code == 302
    browser.post(url("accounts:logout"))
    hammer(amina.email, 2)  # her address is blocked for unknown browsers

    statuses = [sign_in(browser, amina.email, "guess", ip=f"198.51.100.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 200]  # within the browser's own budget
    assert sign_in(browser, amina.email, PASSWORD, ip="198.51.100.9").status_code == 429


def test_a_forged_trusted_browser_cookie_is_ignored(amina, settings):
    settings.BAWABA_RATE_LIMITS = {"signin:address": (1, 900)}
    hammer(amina.email, 2)
    browser = Client()
    browser.cookies[throttle.TRUSTED_BROWSER_COOKIE] = '{"b": "x", "a": ["0123456789abcdef01234567"]}'
    assert sign_in(browser, amina.email, PASSWORD).status_code == 429


def test_a_wave_of_failures_over_the_site_tightens_every_sources_budget(settings):
    """Credential stuffing comes from many addresses, each under its own budget: when failures over the whole site
    pass the wave's threshold, every source gets the stricter budget."""
    settings.BAWABA_RATE_LIMITS = {
        "signin:site": (30, 900),
        "signin:source": (20, 900),
        "signin:source:wave": (5, 900),
    }
    calm = [sign_in(Client(), f"x{n}@example.ma", "guess", ip="198.51.100.1").status_code for n in range(8)]
    assert calm == [200] * 8  # before the wave: more than the wave's budget
    for n in range(30):
        sign_in(Client(), f"victim{n}@example.ma", "stuffed", ip=f"203.0.113.{n + 1}")
    during = [sign_in(Client(), f"y{n}@example.ma", "guess", ip="198.51.100.2").status_code for n in range(8)]
    assert during == [200] * 5 + [429] * 3


def test_a_lockout_per_address_alone_is_a_start_up_warning(settings):
    """A lockout per address alone would let anyone keep its owner out (the budgets above replace it)."""
    from bawaba.accounts.checks import check_axes_settings

    assert check_axes_settings(None) == []
    settings.AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address", "username"]]
    [warning] = check_axes_settings(None)
    assert warning.id == "accounts.W001" and "keep its owner out" in warning.hint
