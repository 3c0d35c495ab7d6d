# ruff: noqa: F811 - the shared fixtures are imported by name, and named again as arguments
"""The central administrator's required documents of a campaign: the list, the census list to start from, the
form (its key, its categories, bad input), the audit; nobody else may open them."""

import pytest

from bawaba.campaigns.models import Application
from bawaba.core.models import AuditEvent
from bawaba.documents.defaults import CENSUS_REQUIREMENTS
from bawaba.documents.models import Requirement
from bawaba.documents.tests.upload_setup import census, hcp  # noqa: F401 - fixtures

Category = Application.Category


def valid(**overrides) -> dict:
    data = {
        "key": "tax-certificate",
        "name_ar": "شهادة ضريبية",
        "name_fr": "Attestation fiscale",
        "name_en": "",
        "help_ar": "",
        "help_fr": "De moins de trois mois.",
        "help_en": "",
        "categories": [Category.PRIVATE_EMPLOYEE, Category.CIVIL_SERVANT],
        "order": "70",
        "is_active": "on",
    }
    return {**data, **overrides}


@pytest.fixture
def url(census):
    return f"/fr/staff/documents/{census.slug}/requirements/"


def test_only_a_central_administrator_opens_the_pages(client, census, url, central_admin, supervisor, alice):
    pages = [url, f"{url}new/", "/fr/staff/documents/", f"/fr/staff/documents/{census.slug}/invitations/"]
    for user in (supervisor, alice):
        client.force_login(user)
        for page in pages:
            assert client.get(page).status_code == 404, page
        assert client.post(url, {"action": "census_list"}).status_code == 404
    assert not Requirement.objects.exists()
    client.force_login(central_admin)
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert census.slug in client.get("/fr/staff/documents/").content.decode()


def test_the_census_list_starts_an_empty_campaign_once(admin_client, census, url):
    assert "census_list" in admin_client.get(url).content.decode()
    assert admin_client.post(url, {"action": "census_list"}).status_code == 302
    assert admin_client.post(url, {"action": "census_list"}).status_code == 302  # a second press adds nothing
    keys = list(Requirement.objects.filter(campaign=census).values_list("key", flat=True))
    assert keys == [default.key for default in CENSUS_REQUIREMENTS]
    diploma = Requirement.objects.get(key="diploma")
    assert diploma.applies_to(Category.GRADUATE) and not diploma.applies_to(Category.STUDENT)
    assert AuditEvent.objects.filter(action="documents.requirements_from_census_list").count() == 1
    page = admin_client.get(url).content.decode()
    assert "census_list" not in page
    assert "Diplôme" in page or "diplôme" in page


def test_a_document_is_added_then_changed_and_each_change_is_audited(
    admin_client, census, url, central_admin
):
    response = admin_client.post(f"{url}new/", valid())
    assert response.status_code == 302
    requirement = Requirement.objects.get(campaign=census)
    # In the categories' own order, whatever the order ticked.
    assert requirement.categories == [Category.CIVIL_SERVANT, Category.PRIVATE_EMPLOYEE]
    assert requirement.order == 70 and requirement.is_active and requirement.updated_by == central_admin
    response = admin_client.post(
        f"{url}{requirement.pk}/", valid(categories=[], name_fr="Attestation fiscale récente", is_active="")
    )
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert requirement.categories == [] and not requirement.is_active
    assert requirement.applies_to(Category.STUDENT)  # no category: every category
    [changed] = AuditEvent.objects.filter(action="documents.requirement_changed")
    assert changed.data["changes"]["name_fr"] == ["Attestation fiscale", "Attestation fiscale récente"]
    assert AuditEvent.objects.filter(action="documents.requirement_added").count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"key": "Not a slug!"},
        {"key": "a" * 41},
        {"name_fr": "Attes\x00tation"},
        {"name_ar": "بطاقة\x07"},
        {"help_fr": "Aide\x00"},
        {"order": str(10**30)},
        {"order": "-1"},
        {"categories": ["astronaut"]},
        {"name_ar": ""},
    ],
    ids=[
        "not-a-slug",
        "long-key",
        "nul-name",
        "control-name",
        "nul-help",
        "huge-order",
        "negative",
        "category",
        "no-arabic",
    ],
)
def test_bad_input_gets_a_message_not_an_error(admin_client, url, overrides):
    response = admin_client.post(f"{url}new/", valid(**overrides))
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not Requirement.objects.exists()


def test_a_key_is_unique_in_its_campaign_with_a_clear_message(admin_client, census, url):
    admin_client.post(f"{url}new/", valid())
    response = admin_client.post(f"{url}new/", valid(key="TAX-certificate"))
    assert response.status_code == 400
    assert Requirement.objects.count() == 1
    other = Requirement.objects.create(campaign=census, key="other", name_ar="أ", name_fr="A")
    response = admin_client.post(f"{url}{other.pk}/", valid())
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.key == "other"


def test_another_campaigns_document_or_a_huge_number_is_404(admin_client, url):
    assert admin_client.get(f"{url}{2**70}/").status_code == 404
    assert admin_client.get(f"{url}999999/").status_code == 404
    assert admin_client.get("/fr/staff/documents/no-such-campaign/requirements/").status_code == 404
