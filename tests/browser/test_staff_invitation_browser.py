"""A central administrator invites a provincial supervisor in a real browser (Arabic and French); the supervisor opens
the link of the e-mail, chooses her password, reaches her staff home and searches the applications: she sees her
province's only.

Once two-factor sign-in is installed (`accounts:two_factor_setup` exists), the administrator passes her second factor
and the supervisor enrols an authenticator after choosing her password, the test computing the codes from the key
the page shows; without it, both go straight on.
"""

import base64
import re

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.tests.factories import staff_member
from bawaba.accounts.tests.helpers import PASSWORD, translated
from bawaba.campaigns.access import applications_in_scope, staff_scope
from bawaba.campaigns.models import Application
from bawaba.campaigns.staff.selectors import applications_for_staff

pytestmark = pytest.mark.browser

KENITRA = "04.281"
NEW_PASSWORD = "saffron minaret ledger 42"
INVITATION_LINK = re.compile(r"http://[^\s/]+/(?:ar|fr)/accounts/invitation/[^/\s]+/[^/\s]+/")


def two_factor_installed() -> bool:
    try:
        reverse("accounts:two_factor_setup")
    except NoReverseMatch:
        return False
    return True


def sign_in(page, user, language: str) -> None:
    if two_factor_installed():
        from bawaba.accounts.twofactor.tests.helpers import authenticator_for

        authenticator_for(user)
    page.goto(f"/{language}/accounts/login/")
    page.get_by_label(translated("E-mail address", language), exact=True).fill(user.email)
    page.get_by_label(translated("Password", language), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=translated("Sign in", language), exact=True).click()
    if two_factor_installed():
        from bawaba.accounts.twofactor.tests.helpers import pass_second_factor

        pass_second_factor(page, user, language)


def enrol_authenticator(page, language: str) -> None:
    """On the enrolment page: the code of an authenticator set up with the key the page shows in text."""
    from bawaba.accounts.twofactor.tests.helpers import code_for

    key = page.locator("code.secret").inner_text().replace(" ", "")
    page.get_by_label(translated("Code", language), exact=True).fill(
        code_for(base64.b32decode(key + "=" * (-len(key) % 8)).hex())
    )
    page.get_by_role("button", name=translated("Confirm", language), exact=True).click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name=translated("I have saved them, continue", language)).click()


def listed_application_ids(page) -> set[int]:
    hrefs = page.locator("table tbody th[scope=row] a").evaluate_all("links => links.map(a => a.pathname)")
    return {int(href.rstrip("/").rsplit("/", 1)[1]) for href in hrefs}


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_an_invited_supervisor_sets_her_password_and_sees_her_province_only(
    page, chromium, live_server, census_campaign, mailoutbox, language, screenshots
):
    admin = staff_member(Assignment.Role.CENTRAL_ADMIN, email="admin@example.ma")
    sign_in(page, admin, language)
    main = page.get_by_role("main")
    main.get_by_role("link", name=translated("Staff accounts", language), exact=True).click()
    main.get_by_role("link", name=translated("Create a staff account", language), exact=True).click()

    main.get_by_label(translated("E-mail address", language), exact=True).fill("nadia@example.ma")
    main.get_by_label(translated("Full name", language), exact=True).fill("Nadia Alaoui")
    main.get_by_label(translated("Language of her e-mails", language), exact=True).select_option(language)
    main.get_by_label(translated("Role", language), exact=True).select_option("provincial_supervisor")
    main.get_by_label(translated("Provinces (provincial supervisor, interviewer)", language)).select_option(
        KENITRA
    )
    page.screenshot(path=screenshots / f"staff-create-{language}.png", full_page=True)
    main.get_by_role("button", name=translated("Create and send the invitation", language)).click()

    expect(main.get_by_role("heading", name="Nadia Alaoui", level=1)).to_be_visible()
    expect(main.get_by_text(translated("Invitation pending", language), exact=True)).to_be_visible()
    page.screenshot(path=screenshots / f"staff-member-{language}.png", full_page=True)
    (message,) = mailoutbox
    assert message.to == ["nadia@example.ma"] and message.subject == translated(
        "Your Bawaba staff account", language
    )
    link = INVITATION_LINK.search(message.body).group(0)

    # She opens the link in her own browser.
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    hers = context.new_page()
    hers.goto(link)
    expect(hers.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(
        hers.get_by_role("heading", name=translated("Choose your password", language), level=1)
    ).to_be_visible()
    hers.locator('input[name="new_password1"]').fill(NEW_PASSWORD)
    hers.locator('input[name="new_password2"]').fill(NEW_PASSWORD)
    hers.screenshot(path=screenshots / f"staff-invitation-{language}.png", full_page=True)
    hers.get_by_role("button", name=translated("Save my password", language)).click()
    if two_factor_installed():
        expect(hers).to_have_url(re.compile(rf"/{language}/accounts/two-factor/setup/"))
        enrol_authenticator(hers, language)

    expect(hers).to_have_url(f"{live_server.url}/{language}/staff/")
    expect(hers.get_by_role("heading", name=translated("Staff home", language), level=1)).to_be_visible()
    hers.get_by_role("main").get_by_role(
        "link", name=translated("Applications (staff)", language), exact=True
    ).click()
    expect(hers).to_have_url(re.compile(rf"/{language}/staff/applications/"))

    nadia = User.objects.get(email="nadia@example.ma")
    in_her_province = applications_in_scope(applications_for_staff(), staff_scope(nadia))
    expected = set(in_her_province.order_by("-pk").values_list("pk", flat=True)[:50])
    assert expected and listed_application_ids(hers) == expected
    hers.screenshot(path=screenshots / f"staff-supervisor-applications-{language}.png", full_page=True)

    # An application of another province, searched by its CIN, is not found.
    elsewhere = (
        Application.objects.exclude(pk__in=in_her_province.values("pk"))
        .exclude(cin="")
        .order_by("pk")
        .first()
    )
    hers.get_by_label(translated("Search", language), exact=True).fill(elsewhere.cin)
    hers.get_by_role("button", name=translated("Search", language), exact=True).click()
    expect(hers.get_by_text(translated("No application matches this search.", language))).to_be_visible()
    assert listed_application_ids(hers) == set()
    context.close()
