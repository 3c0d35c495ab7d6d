"""End-to-end journeys in a real browser; the Chromium session and screenshots fixtures are in the root conftest."""

import io
from collections.abc import Iterator

import pytest


@pytest.fixture
def page(chromium, live_server, transactional_db) -> Iterator:
    """A fresh browser context (no cookies) whose relative URLs go to the live server."""
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def census_campaign(transactional_db):
    """What `make demo` serves: the territory and the demo census campaign from `generate_demo` (a small scale)."""
    from django.core.management import call_command

    from bawaba.campaigns.models import Campaign
    from bawaba.demo.selectors import DEMO_CAMPAIGN_SLUG

    call_command("load_territory", "--no-centroids", verbosity=0)
    call_command("generate_demo", "--scale", "0.002", "--seed", "2024", stdout=io.StringIO())
    return Campaign.objects.get(slug=DEMO_CAMPAIGN_SLUG)
