"""The home page in a real browser: Arabic right-to-left and French, the twelve regions (behind their key
figures), the census campaign, and the language switcher used as a person would, by clicking. Saves a full-page
screenshot of each language."""

import pytest
from playwright.sync_api import expect

from bawaba.campaigns.models import Campaign
from bawaba.territory.models import Region

pytestmark = pytest.mark.browser


@pytest.fixture
def open_competition(census_campaign) -> Campaign:
    """The demo's second, open campaign: the page shows more than one card and the 'open' badge."""
    from bawaba.demo.competition import demo_competition

    return demo_competition()


def _expect_twelve_regions(page, names: list[str]) -> None:
    """The key figures say twelve regions; their table opens from the line below them, as a visitor opens it."""
    assert len(names) == 12
    expect(page.locator(".key-figure__value").first).to_have_text("12")
    page.locator(".home-regions > summary").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(12)
    for name in names:
        expect(page.get_by_role("rowheader", name=name, exact=True)).to_be_visible()


def test_home_page_in_arabic_is_right_to_left(page, census_campaign, open_competition, screenshots):
    page.goto("/ar/")

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    _expect_twelve_regions(page, list(Region.objects.order_by("code").values_list("name_ar", flat=True)))
    expect(page.get_by_role("heading", name=census_campaign.title_ar)).to_be_visible()
    expect(page.get_by_text("المندوبية السامية للتخطيط").first).to_be_visible()
    # Right-to-left for real: the site name sits at the right edge of the header, the table's first column too.
    viewport_width = page.viewport_size["width"]
    name_box = page.locator(".site-name a").bounding_box()
    assert name_box["x"] > viewport_width / 2
    page.screenshot(path=screenshots / "home-ar.png", full_page=True)


def test_home_page_in_french(page, census_campaign, open_competition, screenshots):
    page.goto("/fr/")

    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    _expect_twelve_regions(page, list(Region.objects.order_by("code").values_list("name_fr", flat=True)))
    expect(page.get_by_role("heading", name=census_campaign.title_fr)).to_be_visible()
    expect(page.get_by_text("Inscriptions ouvertes")).to_be_visible()
    page.screenshot(path=screenshots / "home-fr.png", full_page=True)


def test_language_switcher_changes_language_and_url(page, live_server, census_campaign):
    page.goto("/ar/")

    page.get_by_role("button", name="Français").click()

    expect(page).to_have_url(f"{live_server.url}/fr/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", name=census_campaign.title_fr)).to_be_visible()

    page.get_by_role("button", name="العربية").click()

    expect(page).to_have_url(f"{live_server.url}/ar/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # The choice is remembered: the bare root now goes to the chosen language.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/en/")
