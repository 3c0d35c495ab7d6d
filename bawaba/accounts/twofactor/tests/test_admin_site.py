"""Django's admin: a superuser or a central administrator, with Django's is_staff flag, in a verified session."""

import pytest
from django.test import Client

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.factories import UserFactory, staff_member
from bawaba.accounts.twofactor.tests.helpers import code_for, sign_in_without_second_factor

ADMIN = "/fr/admin/"
AUDIT = "/fr/admin/core/auditevent/"


@pytest.mark.parametrize(
    "make",
    [
        lambda: UserFactory(email="root@example.ma", is_staff=True, is_superuser=True),
        lambda: staff_member(Assignment.Role.CENTRAL_ADMIN, email="chief@example.ma", is_staff=True),
    ],
    ids=["superuser", "central administrator with is_staff"],
)
def test_opens_once_her_second_factor_is_verified(db, make):
    user = make()
    browser = Client()
    sign_in_without_second_factor(browser, user)
    response = browser.get(AUDIT)
    assert response.status_code == 302 and response["Location"].startswith("/fr/accounts/two-factor/setup/")
    browser.force_login(user)  # verified
    # Through the door; what she may change there is Django's model permissions (a superuser has them all).
    assert browser.get(ADMIN).status_code == 200


@pytest.mark.parametrize(
    "make",
    [
        lambda: staff_member(Assignment.Role.CENTRAL_ADMIN, email="chief@example.ma"),  # no is_staff
        lambda: staff_member(Assignment.Role.PROVINCIAL_SUPERVISOR, email="sup@example.ma", is_staff=True),
        lambda: UserFactory(email="cand@example.ma", is_staff=True),  # a candidate someone flagged
    ],
    ids=["central administrator without is_staff", "supervisor with is_staff", "candidate with is_staff"],
)
def test_is_not_found_for_the_others_even_verified(db, make):
    browser = Client()
    browser.force_login(make())
    assert browser.get(AUDIT).status_code == 404
    assert browser.get(ADMIN).status_code == 404


def test_its_sign_in_page_leads_through_the_site_s_sign_in_and_back(client, db):
    root = UserFactory(email="root@example.ma", is_staff=True, is_superuser=True)
    response = client.get(AUDIT, follow=True)
    assert response.redirect_chain[-1][0].startswith("/fr/accounts/login/")
    sign_in_without_second_factor(client, root)
    step = client.get(f"{ADMIN}login/?next={AUDIT}")
    assert step["Location"].startswith("/fr/accounts/two-factor/")
    # Enrolled and verified, the admin's sign-in page just lets her in.
    client.force_login(root)
    assert client.get(f"{ADMIN}login/?next={AUDIT}")["Location"] == AUDIT
    assert client.get(f"{ADMIN}login/?next=https://evil.example/")["Location"] == ADMIN
    assert code_for(root)  # she has an authenticator now
