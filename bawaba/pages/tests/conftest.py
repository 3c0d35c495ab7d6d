import pytest
from django.core.cache import cache

# The selection tests' small national demo and its published run, for the download of a decided candidate's data.
from bawaba.selection.tests.conftest import census, computed_run, published_run  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the contact form's rate-limit counters live in the (per-process) test cache
    yield
    cache.clear()
