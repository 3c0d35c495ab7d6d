"""Second-factor helpers for every app's tests.

The root conftest verifies every staff session opened with `client.force_login` (as if she had typed her code), so
tests of staff pages need nothing more. A test of the second-factor step itself signs in without it
(`sign_in_without_second_factor`) and types codes computed here.
"""

import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# A fixed key for test authenticators: codes are computed from it, never read from the page.
TEST_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret "12345678901234567890"


def authenticator_for(user: Any, *, key: str = TEST_KEY) -> TOTPDevice:
    """Her confirmed authenticator, made with `key` if she has none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True)


def code_for(user_or_key: Any, *, at: float | None = None) -> str:
    """The 6 digits her authenticator shows now (or at the Unix time `at`); a hex key works too."""
    key = user_or_key if isinstance(user_or_key, str) else authenticator_for(user_or_key).key
    generator = TOTP(bytes.fromhex(key))
    generator.time = time.time() if at is None else at
    return f"{generator.token():06d}"


def verify_session(client: Client, user: Any) -> TOTPDevice:
    """Mark the client's session as having passed the second factor (what django_otp.login stores)."""
    device = authenticator_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def sign_in_without_second_factor(client: Client, user: Any) -> None:
    """Signed in with her password only: staff pages send her to the second-factor step."""
    unverified = getattr(type(client), "force_login_without_second_factor", None)
    (unverified or type(client).force_login)(client, user)


def fresh_code(user: Any) -> str:
    """A code her authenticator shows now, accepted even if this time step was used already: for tests that act
    twice within 30 seconds and are not about replay (django-otp refuses a time step used before)."""
    device = authenticator_for(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return code_for(user)


def next_accepted_code(user_or_key: Any) -> str:
    """A code her authenticator's device accepts now, whatever the clock did since her last one.

    `code_for` is what her app shows now, but django-otp refuses it when this time step was used already (a sign-in
    then a confirmation within 30 s, or a device enrolled by the demo a moment ago), and after a sign-in across a
    step boundary it keeps a drift of one step, which refuses the next step's code. So this asks the device: the
    first step after its last one, and never behind the step it is at now with its drift.
    """
    if isinstance(user_or_key, str):
        device = TOTPDevice.objects.get(key=user_or_key, confirmed=True)
    else:
        device = authenticator_for(user_or_key)
    now_step = int((time.time() - device.t0) // device.step) + device.drift
    counter = max(device.last_t + 1, now_step)
    generator = TOTP(bytes.fromhex(device.key), step=device.step, t0=device.t0, digits=device.digits)
    generator.time = device.t0 + counter * device.step
    return f"{generator.token():0{device.digits}d}"


def pass_second_factor(page: Any, user_or_key: Any, language: str) -> None:
    """In a browser (Playwright) just signed in with her password: type a code her authenticator accepts."""
    from bawaba.accounts.tests.helpers import translated

    page.get_by_label(translated("Code", language), exact=True).fill(next_accepted_code(user_or_key))
    page.get_by_role("button", name=translated("Continue", language), exact=True).click()
