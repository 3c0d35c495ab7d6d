"""The interviews' tests start from the selection's small demo campaign and its published preselection."""

from bawaba.selection.tests.conftest import census, computed_run, published_run  # noqa: F401 - fixtures
