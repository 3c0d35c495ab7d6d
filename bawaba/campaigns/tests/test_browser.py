"""The region -> province -> commune cascade in a real browser, with JavaScript (HTMX) and without it.

Playwright drives the system's Chromium (the session fixture in the root conftest.py); without one they skip.
"""

import pytest
from django.test import Client
from playwright.sync_api import expect

from bawaba.campaigns import services
from bawaba.campaigns.tests.helpers import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(chromium, live_server, user, *, javascript: bool):
    client = Client()
    client.force_login(user)
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()


def test_with_javascript_choosing_a_region_then_a_province_fills_the_next_lists(
    chromium,
    live_server,
    census,
    alice,
    places,
    screenshots,
):
    services.start_application(campaign=census, user=alice)
    context, page = _signed_in_page(chromium, live_server, alice, javascript=True)
    try:
        page.goto("/ar/campaigns/rgph/apply/identity/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.locator("#id_region").select_option(str(places.region.pk))
        expect(page.locator("#id_province option", has_text=places.province.name_ar)).to_have_count(1)
        page.locator("#id_province").select_option(str(places.province.pk))
        expect(page.locator(f'#id_residence_commune option[value="{places.communes[1].pk}"]')).to_have_count(
            1
        )
        page.locator("#id_residence_commune").select_option(str(places.communes[1].pk))

        # A new region empties the communes (the out-of-band swap) and offers its own provinces.
        page.locator("#id_region").select_option(str(places.elsewhere.region_id))
        expect(page.locator("#id_province option", has_text=places.elsewhere.province.name_ar)).to_have_count(
            1
        )
        expect(page.locator("#id_residence_commune option")).to_have_count(1)
        page.screenshot(path=screenshots / "campaigns-identity-ar.png", full_page=True)
    finally:
        context.close()


def test_without_javascript_the_show_buttons_fill_the_next_lists(
    chromium,
    live_server,
    census,
    alice,
    places,
    screenshots,
):
    services.start_application(campaign=census, user=alice)
    context, page = _signed_in_page(chromium, live_server, alice, javascript=False)
    try:
        page.goto("/fr/campaigns/rgph/apply/communes/")
        page.locator("#id_region").select_option(str(places.region.pk))
        page.get_by_role("button", name=translated("Show the provinces of this region")).click()
        page.locator("#id_province").select_option(str(places.province.pk))
        page.get_by_role("button", name=translated("Show the communes of this province")).click()
        page.locator("#id_commune").select_option(str(places.communes[2].pk))
        page.get_by_role("button", name=translated("Add this commune to my list")).click()
        expect(page.locator(".choice-list__name")).to_have_text([places.communes[2].name_fr])
        page.screenshot(path=screenshots / "campaigns-communes-fr.png", full_page=True)
    finally:
        context.close()
