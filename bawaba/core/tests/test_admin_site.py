"""The admin refuses, with 400, the values no database column holds (core.admin_site)."""

import pytest

from bawaba.accounts.tests.factories import UserFactory

AUDIT_LIST = "/fr/admin/core/auditevent/"


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(email="root@example.ma", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "query",
    [
        {"created_at__year": str(2**63)},  # the date hierarchy: an OverflowError in datetime()
        {"created_at__year": str(-(2**63) - 1)},
        {"action": "user.\x00"},  # a list filter: a DataError on PostgreSQL
        {"q": "\x00"},
    ],
)
def test_a_value_no_column_holds_is_a_bad_request(superuser_client, query):
    assert superuser_client.get(AUDIT_LIST, query).status_code == 400


def test_a_posted_id_beyond_64_bits_is_a_bad_request(superuser_client):
    response = superuser_client.post("/fr/admin/auth/group/add/", {"name": "g", "permissions": [str(2**63)]})
    assert response.status_code == 400


def test_ordinary_values_still_reach_the_admin(superuser_client):
    assert superuser_client.get(AUDIT_LIST, {"created_at__year": "2026", "q": "user"}).status_code == 200
