"""Personas for the account tests: amina, a confirmed candidate; karim, registered but not confirmed yet."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the rate-limit counters live in the (per-process) test cache
    yield
    cache.clear()
