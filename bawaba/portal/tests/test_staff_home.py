"""The staff home and the staff navigation: what each role may open, as the apps registered it; sign-in leads
staff there and candidates to their dashboard."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.permissions import holds_any
from bawaba.accounts.tests.factories import UserFactory, staff_member
from bawaba.accounts.tests.helpers import PASSWORD, translated_html, url
from bawaba.accounts.twofactor.tests.helpers import sign_in_without_second_factor, verify_session
from bawaba.core.contributions import StaffMenuEntry
from bawaba.core.tests.helpers import registered
from bawaba.territory.models import Province

pytestmark = pytest.mark.django_db

STAFF_HOME = "/fr/staff/"
APPLICATIONS = "/fr/staff/applications/"
NATIONAL_PAGES = ("/fr/staff/selection/", "/fr/staff/outbox/")
CENTRAL_ADMIN_PAGES = (APPLICATIONS, *NATIONAL_PAGES)


def test_a_central_administrator_s_home_lists_her_staff_pages(client, central_admin):
    client.force_login(central_admin)
    page = client.get(STAFF_HOME)
    assert page.status_code == 200
    for path in CENTRAL_ADMIN_PAGES:
        assertContains(page, f'href="{path}"', count=2)  # on the staff home and in the navigation
    assertContains(page, translated_html("Selection"))
    assertContains(page, translated_html("E-mail outbox"))


def test_staff_see_the_staff_pages_in_the_navigation_only_once_their_second_factor_is_verified(
    client, central_admin
):
    sign_in_without_second_factor(client, central_admin)
    home = client.get("/fr/")
    assert home.status_code == 200
    assertContains(home, f'href="{STAFF_HOME}"')
    for path in CENTRAL_ADMIN_PAGES:
        assertNotContains(home, f'href="{path}"')

    verify_session(client, central_admin)
    home = client.get("/fr/")
    for path in CENTRAL_ADMIN_PAGES:
        assertContains(home, f'href="{path}"')


def test_a_supervisor_reaches_her_home_with_her_role_and_without_the_national_pages(client, territory):
    kenitra = Province.objects.get(code="04.281")
    client.force_login(staff_member(Assignment.Role.PROVINCIAL_SUPERVISOR, provinces=[kenitra]))
    page = client.get(STAFF_HOME)
    assert page.status_code == 200
    for path in NATIONAL_PAGES:
        assertNotContains(page, f'href="{path}"')
    assertContains(page, f'href="{APPLICATIONS}"', count=2)
    assertContains(page, f"<strong>{translated_html('Provincial supervisor')}</strong> — Kénitra", html=False)


def test_a_staff_member_without_assignments_is_told_so(client):
    client.force_login(UserFactory(kind=User.Kind.STAFF))
    page = client.get(STAFF_HOME)
    assert page.status_code == 200
    for path in CENTRAL_ADMIN_PAGES:
        assertNotContains(page, f'href="{path}"')
    assertContains(
        page,
        translated_html("Your roles give you no staff page yet. An administrator can change your roles."),
    )


def test_a_candidate_gets_not_found_and_a_visitor_is_asked_to_sign_in(client, candidate):
    response = client.get(STAFF_HOME)
    assert response.status_code == 302 and response["Location"].startswith("/fr/accounts/login/")
    client.force_login(candidate)
    assert client.get(STAFF_HOME).status_code == 404
    home = client.get("/fr/")
    assertNotContains(home, f'href="{STAFF_HOME}"')
    assertContains(home, 'href="/fr/me/"')


def test_a_registered_staff_entry_shows_only_to_the_users_its_predicate_allows(
    client, central_admin, supervisor
):
    entry = StaffMenuEntry(
        key="test.reviews",
        label="Document reviews",
        url_name="portal:home",
        allowed=holds_any(Assignment.Role.PROVINCIAL_SUPERVISOR),
        order=5,
        description="Review the documents of your provinces.",
    )
    with registered(entry):
        client.force_login(supervisor)
        supervisor_home = client.get(STAFF_HOME)
        client.force_login(central_admin)
        admin_home = client.get(STAFF_HOME)

    assertContains(supervisor_home, "Document reviews", count=2)  # the staff home and the navigation
    assertContains(supervisor_home, "Review the documents of your provinces.")
    assertNotContains(admin_home, "Document reviews")


# Staff pass their second factor on the way (its enrolment the first time), then reach their home.
SECOND_STEP_TO_HOME = "/fr/accounts/two-factor/setup/?next=%2Ffr%2Fstaff%2F"


@pytest.mark.parametrize(
    "persona, lands_on",
    [("central_admin", SECOND_STEP_TO_HOME), ("supervisor", SECOND_STEP_TO_HOME), ("candidate", "/fr/me/")],
)
def test_sign_in_leads_staff_to_their_home_and_candidates_to_their_dashboard(
    client, request, persona, lands_on
):
    user = request.getfixturevalue(persona)
    response = client.post(url("accounts:login"), {"email": user.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == (lands_on, 302)
    assert response.status_code == 200


def test_a_page_asked_for_before_sign_in_wins_over_the_role_s_landing(client, central_admin):
    response = client.post(
        url("accounts:login") + "?next=/fr/staff/outbox/",
        {"email": central_admin.email, "password": PASSWORD},
    )
    assert response["Location"] == "/fr/staff/outbox/"
