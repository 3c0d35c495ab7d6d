"""The portal's pages show the campaigns' data: their tests use the campaigns' campaigns and applications (the
personas come from the root conftest)."""

from bawaba.campaigns.tests.conftest import (  # noqa: F401 - fixtures
    _default_language,
    census,
    census_2024,
    complete_draft,
    draft,
    hcp,
    places,
)
