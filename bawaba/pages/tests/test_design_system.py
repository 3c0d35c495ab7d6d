"""The living page of the design system (/staff/design/): any staff member opens it, in her language with the
other language beside it; a candidate gets 404 and a visitor is sent to sign in."""

import pytest

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.factories import staff_member
from bawaba.accounts.tests.helpers import translated_html

URL = "/{language}/staff/design/"
COMPONENT_CLASSES = (
    "panel panel--decision",
    "panel panel--warning",
    "tag tag--green",
    'class="summary-list"',
    'class="key-figures"',
    'class="table--stack"',
    'class="table-scroll"',
    'class="tabs"',
    'class="step-indicator"',
    'class="timeline"',
    'class="pagination"',
    'class="error-summary"',
    "button button--danger",
)


@pytest.mark.parametrize(
    "role",
    [Assignment.Role.CENTRAL_ADMIN, Assignment.Role.PROVINCIAL_SUPERVISOR, Assignment.Role.INTERVIEWER],
)
def test_any_staff_member_opens_the_design_system(db, client, role):
    client.force_login(staff_member(role))
    response = client.get(URL.format(language="fr"))
    assert response.status_code == 200
    html = response.content.decode()
    for component in COMPONENT_CLASSES:
        assert component in html, component
    # The staff menu offers it to her.
    assert 'href="/fr/staff/design/"' in client.get("/fr/staff/").content.decode()


@pytest.mark.parametrize(("language", "other", "other_dir"), [("fr", "ar", "rtl"), ("ar", "fr", "ltr")])
def test_each_component_is_shown_in_the_other_language_too_in_its_own_direction(
    admin_client, language, other, other_dir
):
    html = admin_client.get(URL.format(language=language)).content.decode()
    assert f'<section class="design-column" lang="{other}" dir="{other_dir}"' in html
    # The same sample in both languages: the error summary's title in French and in Arabic.
    assert translated_html("There is a problem", "fr") in html
    assert translated_html("There is a problem", "ar") in html
    # The ids of one copy are not the other's.
    assert 'id="fr-cin"' in html and 'id="ar-cin"' in html


def test_a_candidate_gets_404_and_a_visitor_is_sent_to_sign_in(client, candidate):
    visitor = client.get(URL.format(language="fr"))
    assert visitor.status_code == 302 and "/accounts/login/" in visitor["Location"]
    client.force_login(candidate)
    assert client.get(URL.format(language="fr")).status_code == 404
    assert 'href="/fr/staff/design/"' not in client.get("/fr/me/").content.decode()
