"""The open data in a real browser: a visitor goes from the campaign's page to its open data, drills down into a
region and a province, in French on a desktop and in Arabic on a phone (axe-core checks each page, and the page
fixture fails on anything the Content-Security-Policy refuses); the API's documentation page runs Swagger UI from
the site's own files under the site's policy."""

import pytest
from playwright.sync_api import expect

from bawaba.indicators.refresh import refresh_summary

pytestmark = pytest.mark.browser


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_visitor_reads_the_open_data_from_the_campaign_page_down_to_a_commune(
    page, census_campaign, screenshots
):
    refresh_summary(census_campaign)
    slug = census_campaign.slug
    page.goto(f"/fr/campaigns/{slug}/")
    page.locator(f"a[href='/fr/campaigns/{slug}/open-data/']").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text(census_campaign.title_fr)
    expect(page.locator("table").first).to_be_visible()
    page.screenshot(path=screenshots / "open-data-fr.png", full_page=True)
    page.locator("a[href='?region=04#drill-title']").first.click()
    page.wait_for_load_state()
    province = page.locator("#drill-title ~ div a[href^='?province=']").first
    province.click()
    page.wait_for_load_state()
    assert "province=" in page.url
    expect(page.locator("#drill-title")).to_be_visible()
    page.screenshot(path=screenshots / "open-data-province-fr.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/ar/campaigns/{slug}/open-data/?region=04")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert _fits(page)  # wide tables scroll inside their own frame, not the page
    page.screenshot(path=screenshots / "open-data-ar-phone.png", full_page=True)


def test_the_api_documentation_runs_from_the_sites_own_files(chromium_session, live_server, db):
    """Swagger UI is a third party's page: not held to our accessibility audit, but to our security policy."""
    context = chromium_session.new_context(base_url=live_server.url)
    page = context.new_page()
    refused: list[str] = []
    requests: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() == 5
    context.close()
    assert not refused, refused
    assert requests and all(url.startswith(live_server.url) or url.startswith("data:") for url in requests), (
        requests
    )
