"""The demo's staff accounts come with an authenticator whose key `make demo` prints, on local checkouts only, and
`manage.py demo_totp` prints its current code there and nowhere else."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from bawaba.accounts.models import User
from bawaba.accounts.twofactor import codes
from bawaba.accounts.twofactor.tests.helpers import code_for
from bawaba.demo import services


@pytest.fixture
def demo_staff(territory, settings):
    settings.BAWABA_LOCAL = True
    services.generate_demo(scale=0.001, seed=3)


def demo_totp(email: str) -> str:
    out = io.StringIO()
    call_command("demo_totp", email, stdout=out)
    return out.getvalue().strip()


def test_each_demo_staff_account_has_an_authenticator_with_its_printed_key(demo_staff):
    for account in services.DEMO_STAFF_ACCOUNTS:
        device = TOTPDevice.objects.get(user__email=account.email)
        assert device.confirmed and device.key == account.authenticator_key
    assert not TOTPDevice.objects.filter(user__email=services.CANDIDATE.email).exists()
    guide = io.StringIO()
    call_command("demo_guide", stdout=guide)
    for account in services.DEMO_STAFF_ACCOUNTS:
        assert codes.grouped(codes.base32_key(account.authenticator_key)) in guide.getvalue()


def test_a_production_run_makes_no_authenticator_with_a_known_key(territory, settings):
    settings.BAWABA_LOCAL = False
    services.generate_demo(scale=0.001, seed=3)
    assert User.objects.filter(email=services.ADMIN.email).exists()
    assert not TOTPDevice.objects.exists()
    guide = io.StringIO()
    call_command("demo_guide", stdout=guide)
    assert "demo_totp" not in guide.getvalue()


def test_a_second_run_gives_an_older_demo_its_authenticators(demo_staff):
    TOTPDevice.objects.all().delete()
    services.generate_demo(scale=0.001, seed=3)
    assert TOTPDevice.objects.count() == len(services.DEMO_STAFF_ACCOUNTS)


def test_demo_totp_prints_the_code_her_authenticator_shows(demo_staff):
    assert demo_totp(services.ADMIN.email) == code_for(services.ADMIN.authenticator_key)
    assert demo_totp(" Coordinator@Demo.Bawaba.ma ") == code_for(services.COORDINATOR.authenticator_key)


def test_demo_totp_refuses_a_production_run(demo_staff, settings):
    settings.BAWABA_LOCAL = False
    with pytest.raises(CommandError, match="local checkout only"):
        demo_totp(services.ADMIN.email)


@pytest.mark.parametrize("email", [services.CANDIDATE.email, "someone@example.ma"])
def test_demo_totp_refuses_an_account_that_is_no_demo_staff(demo_staff, email):
    with pytest.raises(CommandError, match="not a demo staff account"):
        demo_totp(email)


def test_demo_totp_refuses_a_demo_account_enrolled_with_another_key(demo_staff):
    TOTPDevice.objects.filter(user__email=services.ADMIN.email).update(key="00" * 20)
    with pytest.raises(CommandError, match="no demo authenticator"):
        demo_totp(services.ADMIN.email)
