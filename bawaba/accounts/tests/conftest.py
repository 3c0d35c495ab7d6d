"""Personas for the account tests: amina, a confirmed candidate; karim, registered but not confirmed yet."""

import pytest
from django.core.cache import cache

from bawaba.accounts.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the rate-limit counters live in the (per-process) test cache
    yield
    cache.clear()


@pytest.fixture
def amina(db):
    return UserFactory(email="amina@example.ma", preferred_language="fr")


@pytest.fixture
def karim(db):
    return UserFactory(email="karim@example.ma", is_active=False, preferred_language="ar")
