"""The staff campaign dashboard of indicators in a real browser (issue 15, item 2): the demo's central administrator
signs in with her authenticator's code, finds the dashboard in her staff menu, reads the demo census's figures with
their charts in Arabic (right to left: the first day of the registrations on the right) and in French, at desktop
width and on a 390 px phone, drills down into a region, and asks for a refresh. Screenshots of each page are saved;
axe-core checks every page and nothing may be wider than the window (the `chromium` fixture)."""

import re

import pytest
from playwright.sync_api import expect

from bawaba.accounts.tests.helpers import translated
from bawaba.accounts.twofactor.tests.helpers import pass_second_factor
from bawaba.demo.services import ADMIN
from bawaba.indicators.refresh import refresh_summary

pytestmark = pytest.mark.browser


def sign_in(page, language: str) -> None:
    page.goto(f"/{language}/accounts/login/")
    page.get_by_label(translated("E-mail address", language), exact=True).fill(ADMIN.email)
    page.get_by_label(translated("Password", language), exact=True).fill(ADMIN.password)
    page.get_by_role("button", name=translated("Sign in", language), exact=True).click()
    expect(page).to_have_url(re.compile(r"/two-factor/"))
    # The demo's authenticator (make demo prints its key).
    pass_second_factor(page, ADMIN.authenticator_key, language)
    page.wait_for_load_state()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.clientWidth >= document.documentElement.scrollWidth")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_administrator_reads_the_campaign_dashboard_and_refreshes_it(
    page, live_server, census_campaign, screenshots, language
):
    refresh_summary(census_campaign)
    slug = census_campaign.slug
    sign_in(page, language)

    # She finds it in her staff menu, then the campaign in the list.
    navigation = page.get_by_role("navigation", name=translated("Main navigation", language))
    navigation.get_by_text(translated("Staff pages", language), exact=True).click()
    navigation.get_by_role("link", name=translated("Campaign indicators", language), exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/{language}/staff/indicators/")
    page.locator(f"a[href='/{language}/staff/indicators/{slug}/']").click()
    expect(page).to_have_url(f"{live_server.url}/{language}/staff/indicators/{slug}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")

    # Every section has its chart beside its table, and the figures' time.
    for section in ("registrations", "categories", "candidacies"):
        expect(page.locator(f"#{section} svg[role='img']")).to_be_visible()
        expect(page.locator(f"#{section}-table")).to_be_attached()
    expect(page.locator("#refresh-title")).to_be_visible()
    # The registrations read in the page's direction: the first day on the right in Arabic, on the left in French.
    bars = page.locator("#registrations svg rect")
    first, last = bars.first.bounding_box(), bars.last.bounding_box()
    assert (first["x"] > last["x"]) is (language == "ar")
    # A definition opens under its section.
    definitions = page.locator("#candidacies details.definitions")
    definitions.locator("summary").click()
    expect(definitions.locator("dl")).to_be_visible()
    page.screenshot(path=screenshots / f"indicators-dashboard-{language}.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    expect(page.locator("#candidacies svg[role='img']")).to_be_visible()
    page.screenshot(path=screenshots / f"indicators-dashboard-{language}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Down into the region with the most candidacies: its provinces.
    region_link = page.locator("#candidacies-table tbody th a").first
    region_name = region_link.inner_text()
    region_link.click()
    expect(page).to_have_url(re.compile(r"\?region=\d+"))
    expect(page.locator(".place-trail [aria-current='page']")).to_contain_text(region_name)
    expect(page.locator("#candidacies svg[role='img']")).to_be_visible()
    page.screenshot(path=screenshots / f"indicators-dashboard-region-{language}.png", full_page=True)

    # A refresh asked for: the worker runs at once in tests, and the page comes back to the region.
    page.get_by_role("button", name=translated("Refresh now", language), exact=True).click()
    expect(page).to_have_url(re.compile(r"\?region=\d+"))
    expect(page.locator(".messages .message")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    page.screenshot(path=screenshots / f"indicators-dashboard-region-{language}-390.png", full_page=True)
