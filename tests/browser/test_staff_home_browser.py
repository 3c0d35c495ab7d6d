"""Staff sign in to their home in a real browser (Arabic and French): it lists what their roles let them do, as
the apps registered it, and the navigation holds the same pages. A candidate signs in to her dashboard."""

import base64
import re

import pytest
from playwright.sync_api import expect

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.factories import UserFactory, staff_member
from bawaba.accounts.tests.helpers import PASSWORD, translated
from bawaba.accounts.twofactor.tests.helpers import authenticator_for, code_for, pass_second_factor

pytestmark = pytest.mark.browser


def sign_in(page, email: str, language: str) -> None:
    page.goto(f"/{language}/accounts/login/")
    page.get_by_label(translated("E-mail address", language), exact=True).fill(email)
    page.get_by_label(translated("Password", language), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=translated("Sign in", language), exact=True).click()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_central_administrator_signs_in_to_her_staff_home_and_opens_a_page(
    page, live_server, transactional_db, language, screenshots
):
    admin = staff_member(Assignment.Role.CENTRAL_ADMIN, email="admin@example.ma")
    authenticator_for(admin)
    sign_in(page, admin.email, language)
    # Her second factor first, then the page she was going to.
    expect(page).to_have_url(re.compile(rf"/{language}/accounts/two-factor/\?next="))
    pass_second_factor(page, admin, language)

    expect(page).to_have_url(f"{live_server.url}/{language}/staff/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=translated("Staff home", language), level=1)).to_be_visible()
    # The same pages in the header, behind one "Staff pages" menu so that the header keeps to one row.
    navigation = page.get_by_role("navigation", name=translated("Main navigation", language))
    navigation.get_by_text(translated("Staff pages", language), exact=True).click()
    for label in ("Applications (staff)", "Selection", "E-mail outbox"):
        expect(main.get_by_role("link", name=translated(label, language), exact=True)).to_be_visible()
        expect(navigation.get_by_role("link", name=translated(label, language), exact=True)).to_be_visible()
    navigation.get_by_text(translated("Staff pages", language), exact=True).click()
    page.screenshot(path=screenshots / f"staff-home-{language}.png", full_page=True)

    main.get_by_role("link", name=translated("E-mail outbox", language), exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/{language}/staff/outbox/")


def test_a_candidate_signs_in_to_her_dashboard_without_staff_links(page, live_server, transactional_db):
    candidate = UserFactory(email="candidate@example.ma")
    sign_in(page, candidate.email, "fr")

    expect(page).to_have_url(f"{live_server.url}/fr/me/")
    navigation = page.get_by_role("navigation", name=translated("Main navigation", "fr"))
    expect(
        navigation.get_by_role("link", name=translated("My applications", "fr"), exact=True)
    ).to_be_visible()
    expect(navigation.get_by_role("link", name=translated("Staff home", "fr"), exact=True)).to_have_count(0)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_new_staff_member_enrols_her_authenticator_then_reaches_her_home(
    page, live_server, transactional_db, language, screenshots
):
    supervisor = staff_member(Assignment.Role.PROVINCIAL_SUPERVISOR, email="supervisor@example.ma")
    sign_in(page, supervisor.email, language)

    expect(page).to_have_url(re.compile(rf"/{language}/accounts/two-factor/setup/\?next="))
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator("svg.qr-code")).to_be_visible()
    key = page.locator("code.secret").inner_text().replace(" ", "")
    page.screenshot(path=screenshots / f"two-factor-setup-{language}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshots / f"two-factor-setup-{language}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    hex_key = base64.b32decode(key + "=" * (-len(key) % 8)).hex()
    page.get_by_label(translated("Code", language), exact=True).fill(code_for(hex_key))
    page.get_by_role("button", name=translated("Confirm", language), exact=True).click()

    expect(page.get_by_role("heading", name=translated("Your recovery codes", language))).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.screenshot(path=screenshots / f"two-factor-recovery-codes-{language}.png", full_page=True)
    page.get_by_role("link", name=translated("I have saved them, continue", language)).click()
    expect(page).to_have_url(f"{live_server.url}/{language}/staff/")
