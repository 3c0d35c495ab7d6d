"""The portal's pages show the campaigns' data: their tests use the campaigns' personas and campaigns."""

from bawaba.campaigns.tests.conftest import (  # noqa: F401 - fixtures
    _default_language,
    alice,
    alice_client,
    bob,
    census,
    census_2024,
    complete_draft,
    draft,
    hcp,
    places,
)
