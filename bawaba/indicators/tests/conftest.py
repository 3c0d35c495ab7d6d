"""The indicators' tests read the selection's small demo campaign (generate_demo at its small scale)."""

from bawaba.indicators.tests.every_stage import every_stage  # noqa: F401 - fixture
from bawaba.selection.tests.conftest import census  # noqa: F401 - fixture
