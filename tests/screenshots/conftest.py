"""The gallery reuses the browser journeys' fixtures: a live server on a fresh test database holding the demo."""

import os

import pytest

from tests.browser.conftest import census_campaign, demo_data, page, published_demo  # noqa: F401 (fixtures)


def pytest_collection_modifyitems(config, items):
    """`make test` collects the gallery but leaves it to `make screenshots` (it takes minutes, asserts little)."""
    if os.environ.get("BAWABA_SCREENSHOTS"):
        return
    skip = pytest.mark.skip(reason="the screenshot gallery runs with `make screenshots`")
    for item in items:
        if "screenshots" in item.keywords:
            item.add_marker(skip)
