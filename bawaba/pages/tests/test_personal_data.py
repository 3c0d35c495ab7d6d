"""The personal-data download: everything the platform holds on the signed-in person, from every app's registered
provider, as a page and as JSON; hers only, audited."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bawaba.accounts.models import Assignment
from bawaba.campaigns.models import Application, ApplicationChoice
from bawaba.campaigns.selectors import application_reference
from bawaba.campaigns.tests.factories import ApplicationFactory
from bawaba.core.contributions import PersonalDataProvider, PersonalRecord
from bawaba.core.models import AuditEvent
from bawaba.core.tests.helpers import registered
from bawaba.pages.models import ContactMessage
from bawaba.selection.models import SelectionDecision
from bawaba.territory.models import Commune

pytestmark = pytest.mark.django_db

PAGE = "/fr/me/data/"
JSON = "/fr/me/data.json"


def _download(client) -> dict:
    response = client.get(JSON)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bawaba-personal-data.json"'
    return json.loads(response.content)["data"]


@pytest.mark.parametrize("url", [PAGE, JSON])
def test_a_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/fr/accounts/login/")


def test_her_applications_with_her_communes_and_nobody_elses(client, alice, bob, territory):
    communes = list(Commune.objects.order_by("code")[:2])
    hers = ApplicationFactory(
        user=alice, cin="AB123456", phone="+212612345678", residence_commune=communes[0]
    )
    ApplicationChoice.objects.create(application=hers, rank=1, commune=communes[1])
    ApplicationFactory(user=bob, cin="ZZ999999", first_name_latin="Bouchra")
    ContactMessage.objects.create(
        name="Bob",
        email="bob@example.ma",
        category="other",
        message="Le message de Bob.",
        language="fr",
        user=bob,
    )
    client.force_login(alice)

    data = _download(client)
    [account] = data["accounts.account"]["records"]
    assert account["data"]["email"] == "alice@example.ma"
    [application] = data["campaigns.applications"]["records"]
    assert application["data"]["cin"] == "AB123456"
    assert application["data"]["reference"] == application_reference(hers)
    assert application["data"]["phone"] == "+212612345678"
    assert application["data"]["residence_commune"] == communes[0].name_fr
    assert application["data"]["communes"] == [communes[1].name_fr]
    assert data["pages.contact_messages"]["records"] == []
    raw = client.get(JSON).content.decode()
    for other in ("ZZ999999", "Bouchra", "bob@example.ma", "Le message de Bob."):
        assert other not in raw

    html = client.get(PAGE).content.decode()
    assert "AB123456" in html and communes[1].name_fr in html
    assert "ZZ999999" not in html and "bob@example.ma" not in html


def test_the_messages_she_sent_signed_in_are_hers(alice_client, alice):
    ContactMessage.objects.create(
        name="Alice",
        email="alice@example.ma",
        category="personal_data",
        message="Corrigez mon nom.",
        language="fr",
        user=alice,
    )
    [record] = _download(alice_client)["pages.contact_messages"]["records"]
    assert record["data"]["message"] == "Corrigez mon nom."


def test_a_staff_member_gets_her_own_account_and_roles_only(client, central_admin, alice):
    ApplicationFactory(user=alice, cin="AB123456")
    client.force_login(central_admin)
    data = _download(client)
    [account, role] = data["accounts.account"]["records"]
    assert account["data"]["email"] == "admin@example.ma"
    assert role["data"]["role"] == str(Assignment.Role.CENTRAL_ADMIN.label)
    assert data["campaigns.applications"]["records"] == []
    assert "AB123456" not in client.get(JSON).content.decode()


def test_each_reading_is_audited(alice_client, alice):
    alice_client.get(PAGE)
    alice_client.get(JSON)
    formats = sorted(
        event.data["format"]
        for event in AuditEvent.objects.filter(
            action="personal_data.accessed", actor=alice, target_id=str(alice.pk)
        )
    )
    assert formats == ["html", "json"]


def test_her_published_decision_is_in_her_data_and_no_one_elses(client, published_run):
    decisions = list(
        SelectionDecision.objects.filter(run=published_run, outcome=SelectionDecision.Outcome.ADMITTED)
        .select_related("application__user", "commune")
        .order_by("pk")[:2]
    )
    hers, other = decisions
    client.force_login(hers.application.user)
    data = _download(client)
    [decision] = data["selection.decisions"]["records"]
    assert decision["data"]["outcome"] == "Admis"
    assert decision["data"]["score"] == hers.score
    assert decision["data"]["lottery"] == hers.lottery
    assert decision["data"]["commune"] == hers.commune.name_fr
    raw = client.get(JSON).content.decode()
    assert other.application.cin not in raw and other.lottery not in raw
    assert client.get(PAGE).status_code == 200


def test_an_app_that_registers_a_provider_appears_in_the_download(alice_client):
    provider = PersonalDataProvider(
        key="training.sessions",
        label="Training",
        records=lambda user: [PersonalRecord(title="Session 1", fields=(("attended", "attended", True),))],
    )
    with registered(provider):
        data = _download(alice_client)
    assert data["training.sessions"] == {
        "label": "Training",
        "records": [{"title": "Session 1", "data": {"attended": True}}],
    }


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_the_page_reads_in_arabic_and_french(alice_client, language, direction):
    html = alice_client.get(f"/{language}/me/data/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert f'href="/{language}/me/data.json"' in html


def test_the_dashboard_links_to_her_data(alice_client):
    assert 'href="/fr/me/data/"' in alice_client.get("/fr/me/").content.decode()


def test_an_application_without_anything_declared_yet_still_downloads(alice_client, alice):
    Application.objects.create(campaign=ApplicationFactory().campaign, user=alice)
    [record] = _download(alice_client)["campaigns.applications"]["records"]
    assert record["data"]["cin"] is None and record["data"]["communes"] == []


def test_the_page_costs_the_same_queries_for_one_application_or_several(
    alice_client, alice, django_assert_max_num_queries, territory
):
    communes = list(Commune.objects.order_by("code")[:3])

    def apply() -> None:
        application = ApplicationFactory(user=alice, residence_commune=communes[0])
        for rank, commune in enumerate(communes, start=1):
            ApplicationChoice.objects.create(application=application, rank=rank, commune=commune)

    apply()
    with CaptureQueriesContext(connection) as one:
        alice_client.get(PAGE)
    apply()
    apply()
    with django_assert_max_num_queries(len(one.captured_queries)):
        alice_client.get(PAGE)
