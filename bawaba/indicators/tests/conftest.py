"""The indicators' tests read the selection's small demo campaign (generate_demo at its small scale)."""

import pytest

from bawaba.core.contributions import registry
from bawaba.indicators.tests.every_stage import every_stage  # noqa: F401 - fixture
from bawaba.selection.tests.conftest import census, computed_run, published_run  # noqa: F401 - fixtures


@pytest.fixture
def registered_indicators():
    """Set the registry's indicators for one test: `use(*fakes, keep=...)` keeps the registered ones `keep` says
    yes to (all by default) and adds or replaces the fakes; the registry is put back as it was after the test."""
    saved = dict(registry.indicators)

    def use(*fakes, keep=lambda key: True):
        registry.indicators.clear()
        registry.indicators.update({key: indicator for key, indicator in saved.items() if keep(key)})
        for fake in fakes:
            registry.indicators[fake.key] = fake

    yield use
    registry.indicators.clear()
    registry.indicators.update(saved)
