"""A central administrator resets someone else's second factor (a lost phone): audited, every session verified by
it stops being verified, and she enrols again at her next staff page."""

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.factories import staff_member
from bawaba.accounts.tests.helpers import translated_html
from bawaba.core.bidi import isolate
from bawaba.core.models import AuditEvent


def reset_url(user) -> str:
    return f"/fr/accounts/two-factor/reset/{user.pk}/"


@pytest.fixture
def her_browser(supervisor):
    """The supervisor's own session, verified by her authenticator (and with recovery codes)."""
    browser = Client()
    browser.force_login(supervisor)
    StaticDevice.objects.create(user=supervisor, name="recovery codes", confirmed=True)
    assert browser.get("/fr/staff/").status_code == 200
    return browser


def test_a_central_administrator_resets_it_and_she_enrols_again(
    admin_client, central_admin, supervisor, her_browser
):
    response = admin_client.post(reset_url(supervisor), {"next": "/fr/staff/outbox/"}, follow=True)
    assert response.redirect_chain[0] == ("/fr/staff/outbox/", 302)
    assert (
        translated_html(
            "The second factor of %(email)s is reset: they set up an authenticator app at their next sign-in.",
            email=isolate(supervisor.email),
        )
        in response.content.decode()
    )
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    assert not StaticDevice.objects.filter(user=supervisor).exists()
    event = AuditEvent.objects.get(action="second_factor.reset")
    assert event.actor == central_admin and event.target_id == str(supervisor.pk)
    # Her session, verified a moment ago, now sends her to enrol.
    assert her_browser.get("/fr/staff/")["Location"].startswith("/fr/accounts/two-factor/setup/")


def test_an_unsafe_next_returns_to_where_sign_in_leads(admin_client, supervisor):
    response = admin_client.post(reset_url(supervisor), {"next": "https://evil.example/"})
    assert response["Location"] == "/fr/start/"


def test_not_her_own(admin_client, central_admin):
    response = admin_client.post(reset_url(central_admin), follow=True)
    assert (
        translated_html("You cannot reset your own second factor: ask another central administrator.")
        in response.content.decode()
    )
    assert TOTPDevice.objects.filter(user=central_admin).exists()


def test_only_a_central_administrator_and_only_by_post(
    client, admin_client, central_admin, supervisor, candidate
):
    assert admin_client.get(reset_url(supervisor)).status_code == 405
    another_supervisor = staff_member(Assignment.Role.PROVINCIAL_SUPERVISOR)
    for person in (another_supervisor, candidate):
        other = Client()
        other.force_login(person)
        assert other.post(reset_url(supervisor)).status_code == 404
    assert Client().post(reset_url(supervisor))["Location"].startswith("/fr/accounts/login/")
    assert not AuditEvent.objects.filter(action="second_factor.reset").exists()


@pytest.mark.parametrize("user_id", ["999999", str(2**63), "9" * 40])
def test_an_unknown_person_is_not_found(admin_client, user_id):
    assert admin_client.post(f"/fr/accounts/two-factor/reset/{user_id}/").status_code == 404


def test_a_candidate_has_no_second_factor_to_reset(admin_client, candidate):
    assert admin_client.post(reset_url(candidate)).status_code == 404
