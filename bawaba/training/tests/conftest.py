"""The training's tests start from the selection's small demo campaign and its published preselection."""

from bawaba.indicators.tests.every_stage import every_stage  # noqa: F401 - fixture
from bawaba.selection.tests.conftest import census, computed_run, published_run  # noqa: F401 - fixtures
