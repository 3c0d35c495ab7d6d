"""The candidate's dashboard: its calendar is rendered once for all the candidates of a campaign, and cached under
what it shows, so it changes as soon as the campaign, a stage or the day does; and nothing else is shared. The
later stages are the sections the apps registered (the selection's decision: bawaba/selection/tests/
test_explanations.py)."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from pytest_django.asserts import assertContains, assertNotContains

from bawaba.campaigns import services
from bawaba.campaigns.models import ApplicationChoice, CampaignStage
from bawaba.campaigns.tests.conftest import at, fill_application
from bawaba.campaigns.tests.factories import ApplicationFactory
from bawaba.campaigns.tests.helpers import date_and_time, day, translated_html
from bawaba.core.contributions import DASHBOARD, Section
from bawaba.core.tests.helpers import registered, with_templates

pytestmark = pytest.mark.django_db

TIMELINE = "campaigns/includes/timeline.html"


@pytest.fixture(autouse=True)
def _cold_cache():
    """Each test starts with no calendar cached (the test cache lives as long as the process)."""
    cache.clear()
    yield
    cache.clear()


def calendar(response) -> str:
    """The calendar's list, as the page shows it."""
    return re.search(r'<ol class="timeline".*?</ol>', response.content.decode(), re.DOTALL).group(0)


def current_stage(response) -> str:
    """The calendar's item marked as under way."""
    return re.search(r'timeline__item--current".*?</span>', calendar(response), re.DOTALL).group(0)


def rendered(response) -> list[str]:
    return [template.name for template in response.templates]


def test_the_calendar_is_rendered_once_for_all_the_candidates_of_a_campaign(
    client, alice, bob, draft, census
):
    services.start_application(campaign=census, user=bob)
    client.force_login(alice)
    first = client.get("/fr/me/")
    client.force_login(bob)
    second = client.get("/fr/me/")

    assert TIMELINE in rendered(first)
    assert TIMELINE not in rendered(second)  # served from the cache
    assert calendar(second) == calendar(first)
    assertContains(second, "timeline__item--current", count=1)


def test_the_calendar_follows_a_changed_stage_at_once(alice_client, draft, census):
    stage = census.stages.get(kind=CampaignStage.Kind.REMOTE_TRAINING)
    before = calendar(alice_client.get("/fr/me/"))
    assert day(stage.starts_on) in before

    # A stage changed without the campaign being saved (no signal either): what the calendar shows is its key.
    moved = stage.starts_on + dt.timedelta(days=6)
    CampaignStage.objects.filter(pk=stage.pk).update(starts_on=moved)
    page = alice_client.get("/fr/me/")

    assert TIMELINE in rendered(page)
    assert day(moved) in calendar(page)
    assert day(stage.starts_on) not in calendar(page)


def test_the_calendar_follows_a_changed_campaign_at_once(alice_client, draft, census):
    before = census.registration_closes_at
    assert date_and_time(before)["date"] in calendar(alice_client.get("/fr/me/"))

    census.registration_closes_at = before + dt.timedelta(days=3, hours=2)
    census.save(update_fields=["registration_closes_at", "updated_at"])
    page = alice_client.get("/fr/me/")

    after = date_and_time(census.registration_closes_at)
    assert after["date"] in calendar(page) and after["time"] in calendar(page)
    assert date_and_time(before)["date"] not in calendar(page)


def test_the_calendar_moves_on_with_the_days(alice_client, census_2024, alice):
    with time_machine.travel(at(2024, 2, 20)):
        services.start_application(campaign=census_2024, user=alice)
    preselection = translated_html("Automatic preselection")
    remote_training = translated_html("Remote training")

    with time_machine.travel(at(2024, 3, 5, 10)):  # preselection under way
        assert preselection in current_stage(alice_client.get("/fr/me/"))
    with time_machine.travel(at(2024, 3, 20, 10)):  # remote training under way
        assert remote_training in current_stage(alice_client.get("/fr/me/"))


def test_the_calendar_is_in_the_language_of_the_page(alice_client, draft):
    french = alice_client.get("/fr/me/")
    arabic = alice_client.get("/ar/me/")

    assert translated_html("Registration", "fr") in calendar(french)
    assert translated_html("Registration", "ar") in calendar(arabic)
    assert translated_html("Registration", "fr") not in calendar(arabic)


def test_a_candidate_never_sees_another_candidates_application(client, alice, bob, census, places):
    alices = fill_application(services.start_application(campaign=census, user=alice), places)
    services.submit_application(application=alices, base_url="https://x")
    bobs = ApplicationFactory(campaign=census, user=bob, cin="XY987654")
    ApplicationChoice.objects.create(application=bobs, rank=1, commune=places.communes[5])

    client.force_login(alice)
    alice_page = client.get("/fr/me/")
    client.force_login(bob)
    bob_page = client.get("/fr/me/")  # the calendar comes from the cache alice's page filled

    assert TIMELINE not in rendered(bob_page)
    for page, own, other, own_communes, other_communes in (
        (alice_page, alices, bobs, places.communes[:2], places.communes[5:6]),
        (bob_page, bobs, alices, places.communes[5:6], places.communes[:2]),
    ):
        assertContains(page, f"RGPH-{own.pk:06d}")
        assertNotContains(page, f"RGPH-{other.pk:06d}")
        assertContains(page, f'href="/fr/me/applications/{own.pk}/"')
        assertNotContains(page, f"/fr/me/applications/{other.pk}/")
        assertContains(page, f'id="later-{own.pk}"')  # the later stages get her own application
        assertNotContains(page, f'id="later-{other.pk}"')
        for commune in own_communes:
            assertContains(page, commune.name_fr)
        for commune in other_communes:
            assertNotContains(page, commune.name_fr)
    assertContains(alice_page, translated_html("Withdraw my application"))  # submitted
    assertNotContains(bob_page, translated_html("Withdraw my application"))  # a draft


def test_the_dashboard_reads_six_queries_and_three_without_applications(
    alice_client, bob, complete_draft, django_assert_num_queries
):
    # Session, user, applications (with campaign and administration), stages, chosen communes, her decision in a
    # published selection run (none here: the explanation's second query is not needed).
    with django_assert_num_queries(6):
        alice_client.get("/fr/me/")
    alice_client.force_login(bob)
    with django_assert_num_queries(3):  # session, user, applications: nothing else to read
        page = alice_client.get("/fr/me/")
    assertContains(page, translated_html("You have not applied to any campaign yet."))


def test_a_registered_section_appears_under_the_applications_it_concerns_in_its_order(
    client, settings, alice, bob, census, complete_draft
):
    with_templates(
        settings,
        {
            "test/documents.html": "<p>Documents of {{ application.pk }}: {{ count }}</p>",
            "test/training.html": "<p>Training of {{ application.pk }}</p>",
        },
    )
    bobs = services.start_application(campaign=census, user=bob)
    sections = (
        # Registered out of order: the page follows `order`. Training concerns alice's application only.
        Section(
            page=DASHBOARD,
            key="test.training",
            template="test/training.html",
            context=lambda request, applications: {complete_draft.pk: {"application": complete_draft}},
            order=40,
        ),
        Section(
            page=DASHBOARD,
            key="test.documents",
            template="test/documents.html",
            context=lambda request, applications: {
                a.pk: {"application": a, "count": 3} for a in applications
            },
            order=30,
        ),
    )
    with registered(*sections):
        client.force_login(alice)
        alices = client.get("/fr/me/").content.decode()
        client.force_login(bob)
        bob_page = client.get("/fr/me/")

    documents, training = alices.index(f"Documents of {complete_draft.pk}: 3"), alices.index("Training of")
    assert alices.index(f'id="later-{complete_draft.pk}"') < documents < training
    assertNotContains(
        bob_page,
        translated_html(
            "Decisions, documents to upload, training and convocations will "
            "appear here when they concern you. We will also tell you by e-mail."
        ),
    )
    assertContains(bob_page, f"Documents of {bobs.pk}: 3")
    assertNotContains(bob_page, "Training of")
    assertNotContains(bob_page, f"Documents of {complete_draft.pk}")


def test_without_any_section_the_later_stages_say_what_will_come(alice_client, complete_draft):
    page = alice_client.get("/fr/me/")
    assertContains(
        page,
        translated_html(
            "Decisions, documents to upload, training and convocations will appear here when they concern you. "
            "We will also tell you by e-mail."
        ),
    )
