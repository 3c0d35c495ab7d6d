"""Staff signed in with their password only, to walk through the second-factor step."""

import pytest

from bawaba.accounts.twofactor.tests.helpers import authenticator_for, sign_in_without_second_factor


@pytest.fixture
def enrolled(central_admin):
    """The central administrator, with her authenticator (tests/helpers.TEST_KEY)."""
    authenticator_for(central_admin)
    return central_admin


@pytest.fixture
def password_only(client, enrolled):
    """Her browser after the password, before the code."""
    sign_in_without_second_factor(client, enrolled)
    return client
