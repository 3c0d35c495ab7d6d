"""Registration, new links and resets are rate-limited per address and per client; the form survives a 429."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from bawaba.accounts import ratelimit
from bawaba.accounts.tests.helpers import translated_html, url

pytestmark = pytest.mark.django_db

TOO_MANY = (
    "Too many requests for this address or from this connection. Please wait %(minutes)d minute, then try again.",
    "Too many requests for this address or from this connection. Please wait %(minutes)d minutes, then try again.",
)


def too_many(refused, language: str = "fr") -> str:
    """The refusal, in the page's language, for the wait its Retry-After announces (in whole minutes, rounded up)."""
    minutes = -(-int(refused["Retry-After"]) // 60)
    singular, plural = TOO_MANY
    return translated_html(singular, language, plural=plural, count=minutes, minutes=minutes)


def test_a_counter_allows_the_limit_then_says_how_long_to_wait(settings):
    settings.BAWABA_RATE_LIMITS = {"reset:address": (3, 600)}
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 1, 40, tzinfo=dt.UTC), tick=False) as clock:
        assert [ratelimit.hit("reset:address", "amina@example.ma") for _ in range(3)] == [0, 0, 0]
        assert ratelimit.hit("reset:address", "amina@example.ma") == 500  # the 10-minute window ends at 9:10
        assert ratelimit.hit("reset:address", "omar@example.ma") == 0  # another address, another counter
        clock.move_to(dt.datetime(2026, 3, 2, 9, 10, tzinfo=dt.UTC))
        assert ratelimit.hit("reset:address", "amina@example.ma") == 0  # a new window


def test_counters_do_not_keep_the_address_in_the_cache():
    ratelimit.hit("register:address", "amina@example.ma")
    assert not any("amina" in key for key in cache._cache)  # locmem's store; keys hold a digest only


def register(client, email: str, language: str = "fr"):
    return client.post(url("accounts:register", language), {"email": email})


def test_registration_is_limited_per_address_with_the_form_kept(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.BAWABA_RATE_LIMITS = {"register:address": (2, 3600)}
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock,
    ):
        allowed = [register(client, "nadia@example.ma").status_code]
        clock.shift(
            1
        )  # a link issued in another second: another e-mail (the same second gives the same link)
        allowed.append(register(client, "nadia@example.ma").status_code)
        refused = register(client, "nadia@example.ma")

    assert allowed == [302, 302]
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert too_many(refused) in refused.text
    assert 'value="nadia@example.ma"' in refused.text
    assert len(mailoutbox) == 2  # nothing sent for the refused request
    assert register(client, "omar@example.ma").status_code == 302  # other addresses go on


def test_registration_is_limited_per_client(client, settings):
    settings.BAWABA_RATE_LIMITS = {"register:ip": (2, 3600)}
    assert register(client, "a@example.ma").status_code == 302
    assert register(client, "b@example.ma").status_code == 302
    refused = register(client, "c@example.ma")
    assert refused.status_code == 429 and 'value="c@example.ma"' in refused.text
    other_client = client.post(
        url("accounts:register"),
        {"email": "d@example.ma"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert other_client.status_code == 302


def test_the_limit_message_is_in_her_language(client, settings):
    settings.BAWABA_RATE_LIMITS = {"register:address": (0, 3600)}
    response = register(client, "nadia@example.ma", language="ar")
    assert response.status_code == 429
    assert '<html lang="ar" dir="rtl">' in response.text
    assert too_many(response, "ar") in response.text


def test_resets_are_limited_the_same_for_known_and_unknown_addresses(client, settings, amina):
    settings.BAWABA_RATE_LIMITS = {"reset:address": (1, 3600)}
    for email in ("amina@example.ma", "personne@example.ma"):
        assert client.post(url("accounts:password_reset"), {"email": email}).status_code == 302
        refused = client.post(url("accounts:password_reset"), {"email": email})
        assert refused.status_code == 429
        assert too_many(refused) in refused.text and f'value="{email}"' in refused.text


def test_new_confirmation_links_are_limited(client, settings, karim):
    settings.BAWABA_RATE_LIMITS = {"confirmation:address": (1, 3600)}
    assert client.post(url("accounts:resend_confirmation"), {"email": "karim@example.ma"}).status_code == 302
    refused = client.post(url("accounts:resend_confirmation"), {"email": "karim@example.ma"})
    assert refused.status_code == 429 and 'value="karim@example.ma"' in refused.text


def test_an_invalid_form_does_not_use_up_the_allowance(client, settings):
    settings.BAWABA_RATE_LIMITS = {"register:address": (1, 3600)}
    for _ in range(3):
        assert client.post(url("accounts:register"), {"email": "nadia@"}).status_code == 200
    assert register(client, "nadia@example.ma").status_code == 302
