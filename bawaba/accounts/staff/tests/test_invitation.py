"""Accepting an invitation: opening the link changes nothing; the form sets her password, activates her account and
signs her in; the link works once, for seven days, and dies when a new invitation is sent or she is deactivated."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.staff import services
from bawaba.accounts.staff.services import AssignmentSpec
from bawaba.accounts.staff.tests.conftest import BASE_URL
from bawaba.accounts.tests.helpers import NEW_PASSWORD, translated_html
from bawaba.core.models import AuditEvent

pytestmark = pytest.mark.django_db
Role = Assignment.Role
INVITATION_LINK = re.compile(r"http://testserver/(?:ar|fr|en)/accounts/invitation/[^/\s]+/[^/\s]+/")
INVALID = "This link no longer works"


@pytest.fixture
def invite(central_admin, places, mailoutbox, django_capture_on_commit_callbacks):
    def invite(language: str = "fr") -> tuple[User, str]:
        with django_capture_on_commit_callbacks(execute=True):
            user = services.create_staff_account(
                actor=central_admin,
                email="nadia@example.ma",
                full_name="Nadia Alaoui",
                language=language,
                assignment=AssignmentSpec(Role.PROVINCIAL_SUPERVISOR, provinces=(places["provinces"][0],)),
                base_url=BASE_URL,
            )
        return user, INVITATION_LINK.search(mailoutbox[-1].body).group(0)

    return invite


def two_factor_setup() -> str | None:
    try:
        return reverse("accounts:two_factor_setup")
    except NoReverseMatch:
        return None


def accept(client, link: str, password: str = NEW_PASSWORD):
    return client.post(link, {"new_password1": password, "new_password2": password})


def test_opening_the_link_activates_nothing(client, invite):
    user, link = invite()
    for _ in range(2):
        response = client.get(link)
        assert response.status_code == 200
        assert translated_html("Choose your password") in response.text
        assert 'method="post"' in response.text
    user.refresh_from_db()
    assert not user.is_active and user.last_login is None and not user.has_usable_password()
    assert not AuditEvent.objects.filter(action="staff.invitation_accepted").exists()


def test_the_form_sets_her_password_activates_and_signs_her_in_then_the_link_is_dead(client, invite):
    user, link = invite()

    response = accept(client, link)

    # She goes on to enrol her second factor, or to her staff home while two-factor sign-in is not installed.
    assert response.status_code == 302
    assert response["Location"] == (two_factor_setup() or reverse("portal:staff_home"))
    user.refresh_from_db()
    assert user.is_active and user.check_password(NEW_PASSWORD) and user.last_login is not None
    assert client.get(response["Location"]).status_code == 200  # signed in

    client.post(reverse("accounts:logout"))
    for again in (client.get(link), accept(client, link, "another strong passphrase 9")):
        assert translated_html(INVALID) in again.text
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="staff.invitation_accepted").count() == 1


def test_a_weak_password_is_refused_and_the_account_stays_inactive(client, invite):
    user, link = invite()

    response = accept(client, link, "nadia@example.ma")

    assert response.status_code == 200 and "error-summary" in response.text
    user.refresh_from_db()
    assert not user.is_active


def test_the_link_expires_after_seven_days(client, invite):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        user, link = invite()
    with time_machine.travel(dt.datetime(2026, 3, 7, 9, tzinfo=dt.UTC), tick=False):
        assert translated_html("Choose your password") in client.get(link).text
    with time_machine.travel(dt.datetime(2026, 3, 8, 10, tzinfo=dt.UTC), tick=False):
        assert translated_html(INVALID) in accept(client, link).text
    user.refresh_from_db()
    assert not user.is_active


def test_a_new_invitation_kills_the_earlier_link(
    client, central_admin, invite, mailoutbox, django_capture_on_commit_callbacks
):
    user, first = invite()
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(actor=central_admin, user=user, base_url=BASE_URL)
    second = INVITATION_LINK.search(mailoutbox[-1].body).group(0)

    assert first != second
    assert translated_html(INVALID) in accept(client, first).text
    assert accept(client, second).status_code == 302


def test_a_deactivated_invitee_cannot_accept_even_after_reactivation(
    client, central_admin, invite, mailoutbox, django_capture_on_commit_callbacks
):
    user, link = invite()
    services.deactivate_staff(actor=central_admin, user=user)
    assert translated_html(INVALID) in accept(client, link).text

    with django_capture_on_commit_callbacks(execute=True):
        services.reactivate_staff(actor=central_admin, user=user, base_url=BASE_URL)
    assert translated_html(INVALID) in accept(client, link).text  # the old link stays dead...
    fresh = INVITATION_LINK.search(mailoutbox[-1].body).group(0)
    assert fresh != link and accept(client, fresh).status_code == 302  # ...she is invited anew
    user.refresh_from_db()
    assert user.is_active


def test_only_a_pending_invitation_can_be_sent_again(central_admin, province_supervisor):
    with pytest.raises(services.StaffChangeRefused):
        services.resend_invitation(actor=central_admin, user=province_supervisor, base_url=BASE_URL)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_invitation_speaks_her_language(client, invite, mailoutbox, language):
    _, link = invite(language)
    assert f"/{language}/accounts/invitation/" in link
    assert translated_html("Choose your password", language) in client.get(link).text
    assert translated_html("Your Bawaba staff account", language) == mailoutbox[-1].subject


def test_a_forged_link_is_refused(client, invite):
    _, link = invite()
    assert translated_html(INVALID) in accept(client, link[:-3] + "xx/").text
    assert translated_html(INVALID) in client.get(link.replace("/invitation/", "/invitation/AAAA")).text
