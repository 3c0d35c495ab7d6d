"""The pages of who is called: scoped per province (404 outside), the rules for central administrators only, bad
input answered with a message, and the candidate's own standing on her dashboard."""

from decimal import Decimal

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.helpers import translated_html
from bawaba.interviews.models import CallRules
from bawaba.selection.models import SelectionDecision
from bawaba.territory.models import Province


@pytest.fixture
def first_admitted(published_run):
    return (
        SelectionDecision.objects.filter(run=published_run, outcome=SelectionDecision.Outcome.ADMITTED)
        .select_related("application__user", "commune__province")
        .order_by("application_id")
        .first()
    )


@pytest.fixture
def supervisor_of(client, supervisor):
    def sign_in(province):
        Assignment.objects.get(user=supervisor).provinces.add(province)
        client.force_login(supervisor)
        return client

    return sign_in


def test_the_central_administrator_sees_every_province(admin_client, census, first_admitted):
    page = admin_client.get(f"/fr/staff/interviews/{census.slug}/called/")
    assert page.status_code == 200
    assertContains(page, first_admitted.commune.province.name_fr)
    assert admin_client.get("/fr/staff/interviews/").status_code == 200


def test_a_supervisor_sees_her_province_and_gets_404_for_another(supervisor_of, census, first_admitted):
    own = first_admitted.commune.province
    other = Province.objects.exclude(pk=own.pk).filter(communes__isnull=False).first()
    client = supervisor_of(own)
    summary = client.get(f"/fr/staff/interviews/{census.slug}/called/")
    assertContains(summary, own.name_fr)
    assertNotContains(summary, f"/called/{other.code}/")
    assert client.get(f"/fr/staff/interviews/{census.slug}/called/{own.code}/").status_code == 200
    assert client.get(f"/fr/staff/interviews/{census.slug}/called/{other.code}/").status_code == 404
    assert client.get(f"/fr/staff/interviews/{census.slug}/rules/").status_code == 404


def test_a_candidate_gets_404_on_every_staff_page(client, census, first_admitted):
    client.force_login(first_admitted.application.user)
    for path in ("", f"{census.slug}/called/", f"{census.slug}/rules/"):
        assert client.get(f"/fr/staff/interviews/{path}").status_code == 404


@pytest.mark.parametrize("code", ["99999999999999999999", "%00", "x" * 200, "'; DROP TABLE x; --"])
def test_an_odd_province_code_is_a_404(admin_client, census, first_admitted, code):
    assert admin_client.get(f"/fr/staff/interviews/{census.slug}/called/{code}/").status_code == 404


def test_a_province_page_filters_by_reason_and_ignores_garbage(admin_client, census, first_admitted):
    base = f"/fr/staff/interviews/{census.slug}/called/{first_admitted.commune.province.code}/"
    assert admin_client.get(base + "?reason=training_not_started").status_code == 200
    for garbage in ("?reason=%00", "?reason=nope", "?page=99999999999999999999", "?page=-1"):
        assert admin_client.get(base + garbage).status_code == 200


def test_the_administrator_saves_a_version_of_the_rules(admin_client, census, published_run):
    url = f"/fr/staff/interviews/{census.slug}/rules/"
    response = admin_client.post(
        url, {"min_completion_percent": "80", "min_grade": "10.5", "documents_accepted": "on", "note": "v1"}
    )
    assert response.status_code == 302
    version = CallRules.objects.get(campaign=census)
    assert version.rules == {"min_completion_percent": 80, "min_grade": "10.50", "documents_accepted": True}
    assertContains(admin_client.get(url), "v1")


@pytest.mark.parametrize(
    "data",
    [
        {"min_completion_percent": "101"},
        {"min_completion_percent": "99999999999999999999999"},
        {"min_completion_percent": "8\x000"},
        {"min_completion_percent": "80", "min_grade": "1e400"},
        {"min_completion_percent": "80", "min_grade": "12.345"},
        {"min_completion_percent": "80", "min_grade": "NaN"},
        {"min_completion_percent": "80", "note": "x" * 500},
    ],
)
def test_bad_rules_get_a_message_and_save_nothing(admin_client, census, published_run, data):
    response = admin_client.post(f"/fr/staff/interviews/{census.slug}/rules/", data)
    assert response.status_code == 200
    assertContains(response, 'class="error-summary', status_code=200)
    assert not CallRules.objects.filter(campaign=census).exists()


def test_her_dashboard_shows_the_rules_and_where_she_stands(client, census, first_admitted):
    from bawaba.interviews.calling import CallRules as Rules
    from bawaba.interviews.services.rules import save_call_rules

    save_call_rules(
        campaign=census, rules=Rules(min_completion_percent=50, min_grade=Decimal("12")), note="", actor=None
    )
    client.force_login(first_admitted.application.user)
    page = client.get("/fr/me/")
    assertContains(page, translated_html("The interviews"))
    assertContains(page, translated_html("Has not started the remote training"))
