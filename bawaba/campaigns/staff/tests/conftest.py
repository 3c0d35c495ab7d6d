"""Personas for the staff pages, and applications whose search names are set as the services set them."""

import factory
import pytest
from django.core.cache import cache

from bawaba.campaigns.search import search_name_for
from bawaba.campaigns.tests.factories import ApplicationFactory, CampaignFactory


class SearchableApplicationFactory(ApplicationFactory):
    search_name = factory.LazyAttribute(
        lambda a: search_name_for(a.first_name_ar, a.last_name_ar, a.first_name_latin, a.last_name_latin)
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached figures (registrations by day) must not leak from one test's data into another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def campaign(db):
    return CampaignFactory(slug="rgph-2024")


@pytest.fixture
def make_application(campaign):
    """An application of `campaign` (or another), search_name computed from its names."""

    def make(**fields):
        fields.setdefault("campaign", campaign)
        return SearchableApplicationFactory(**fields)

    return make
