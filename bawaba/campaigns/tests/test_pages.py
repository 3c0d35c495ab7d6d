"""The public campaign pages and the candidate's dashboard: what they show, in which order, at what cost."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from bawaba.campaigns import services
from bawaba.campaigns.models import ApplicationChoice, Campaign, CampaignStage
from bawaba.campaigns.tests.conftest import add_census_stages, at, fill_application
from bawaba.campaigns.tests.factories import ApplicationFactory, CampaignFactory
from bawaba.campaigns.tests.helpers import date_and_time, day, translated_html

pytestmark = pytest.mark.django_db


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _competition(slug: str, *, opens_in: int = -1, closes_in: int = 20, **fields) -> Campaign:
    now = timezone.now()
    return CampaignFactory(
        slug=slug,
        title_fr=f"Concours {slug}",
        registration_opens_at=now + dt.timedelta(days=opens_in),
        registration_closes_at=now + dt.timedelta(days=closes_in),
        **fields,
    )


# --- The list -----------------------------------------------------------------------------------------------


def test_the_list_shows_the_census_first_then_open_competitions_then_upcoming_ones(client, census):
    _competition("later", closes_in=30)
    _competition("sooner", closes_in=3)
    _competition("upcoming", opens_in=2, closes_in=12)
    _competition("closed", opens_in=-20, closes_in=-1)
    _competition("hidden", is_published=False)

    html = client.get("/fr/campaigns/").content.decode()

    order = [
        html.index(title)
        for title in ("Recensement", "Concours sooner", "Concours later", "Concours upcoming")
    ]
    assert order == sorted(order)
    assert "Concours closed" not in html and "Concours hidden" not in html
    assert 'href="/fr/campaigns/sooner/"' in html


def test_the_list_costs_the_same_queries_for_two_campaigns_or_twenty(
    client, census, django_assert_max_num_queries
):
    _competition("one")
    few = _queries(client, "/fr/campaigns/")
    for n in range(18):
        _competition(f"c{n}")
    with django_assert_max_num_queries(few):
        client.get("/fr/campaigns/")
    assert few <= 4


# --- The campaign page --------------------------------------------------------------------------------------


def test_the_campaign_page_shows_its_calendar_eligibility_and_documents(client, census):
    page = client.get("/fr/campaigns/rgph/")
    assertContains(page, "Recensement général de la population")
    for stage in ("Inscription", "Présélection automatique"):
        assertContains(page, stage)
    assertContains(page, 'class="timeline__item timeline__item--current" aria-current="step"', count=1)
    assertContains(
        page,
        translated_html(
            "Candidates aged %(min)s to %(max)s on %(date)s, the day registration closes.",
            min=18,
            max=65,
            date=day(census.registration_closes_at),
        ),
    )
    assertContains(page, "Étudiant")  # the five census categories
    assertContains(page, translated_html("Documents to prepare"))
    assertContains(
        page,
        translated_html(
            "Civil servants and private-sector employees: a work certificate. "
            "Public-sector retirees: a pension certificate."
        ),
    )


def test_an_anonymous_visitor_is_invited_to_sign_in_or_register_before_applying(client, census):
    page = client.get("/fr/campaigns/rgph/")
    assertContains(page, "/fr/accounts/login/?next=/fr/campaigns/rgph/apply/")
    assertNotContains(page, translated_html("Start my application"))


def test_a_signed_in_candidate_is_offered_to_start_then_to_continue(alice_client, alice, census):
    assertContains(alice_client.get("/fr/campaigns/rgph/"), translated_html("Start my application"))
    services.start_application(campaign=census, user=alice)
    assertContains(alice_client.get("/fr/campaigns/rgph/"), translated_html("Continue my application"))


def test_an_upcoming_or_closed_campaign_does_not_offer_to_apply(alice_client, census):
    _competition("upcoming", opens_in=2, closes_in=12)
    _competition("closed", opens_in=-20, closes_in=-1)
    assertContains(
        alice_client.get("/fr/campaigns/upcoming/"),
        translated_html("You can start your application as soon as registration opens."),
    )
    page = alice_client.get("/fr/campaigns/closed/")
    assertContains(page, translated_html("Registration is closed: new applications are no longer accepted."))
    assertNotContains(page, translated_html("Start my application"))


WINDOW = "from %(opens)s at %(opens_time)s to %(closes)s at %(closes_time)s (Moroccan time)."
WINDOW_SENTENCES = {
    "upcoming": f"Registration will be open {WINDOW} Applications can be changed until then, not after.",
    "open": f"Registration is open {WINDOW} Applications can be changed until then, not after.",
    "closed": f"Registration was open {WINDOW} It is now closed.",
}


@pytest.mark.parametrize(
    ("state", "opens_in", "closes_in"), [("upcoming", 2, 12), ("open", -5, 10), ("closed", -20, -1)]
)
def test_the_registration_window_is_told_in_the_tense_of_its_state(client, db, state, opens_in, closes_in):
    campaign = _competition("window", opens_in=opens_in, closes_in=closes_in)
    opens, closes = (
        date_and_time(campaign.registration_opens_at),
        date_and_time(campaign.registration_closes_at),
    )
    dates = {
        "opens": opens["date"],
        "opens_time": opens["time"],
        "closes": closes["date"],
        "closes_time": closes["time"],
    }

    page = " ".join(client.get("/fr/campaigns/window/").content.decode().split())

    for other, sentence in WINDOW_SENTENCES.items():
        assert (translated_html(sentence, **dates) in page) == (other == state), other


def test_an_unpublished_campaign_does_not_exist_for_the_public(client, alice_client, census):
    _competition("hidden", is_published=False)
    assert client.get("/fr/campaigns/hidden/").status_code == 404
    assert alice_client.post("/fr/campaigns/hidden/apply/").status_code == 404


def test_the_campaign_page_is_in_arabic_right_to_left(client, census):
    page = client.get("/ar/campaigns/rgph/")
    assertContains(page, '<html lang="ar" dir="rtl">')
    assertContains(page, "الإحصاء العام للسكان والسكنى")
    assertContains(page, "التسجيل")
    assertContains(page, "التسجيل مفتوح")


def test_the_campaign_page_is_in_french_left_to_right(client, census):
    page = client.get("/fr/campaigns/rgph/")
    assertContains(page, '<html lang="fr" dir="ltr">')
    assertContains(page, "Inscriptions ouvertes")
    assertNotContains(page, "الإحصاء العام للسكان والسكنى")


# --- The dashboard ------------------------------------------------------------------------------------------


def test_the_dashboard_shows_the_timeline_status_and_what_comes_next(alice_client, complete_draft):
    services.submit_application(application=complete_draft, base_url="https://x")
    page = alice_client.get("/fr/me/")
    assertContains(page, "Recensement général de la population")
    assertContains(page, "Déposée")  # submitted
    assertContains(page, f"RGPH-{complete_draft.pk:06d}")
    assertContains(
        page,
        translated_html(
            "Your application is submitted. You can still change it until %(date)s at %(time)s.",
            **date_and_time(complete_draft.campaign.registration_closes_at),
        ),
    )
    preselection = complete_draft.campaign.stages.get(kind=CampaignStage.Kind.PRESELECTION)
    assertContains(
        page,
        translated_html(
            "Wait for the preselection results, expected on %(date)s.", date=day(preselection.starts_on)
        ),
    )
    assertContains(page, "timeline__item--current", count=1)
    assertContains(page, "timeline__item--upcoming", count=4)
    assertContains(
        page,
        translated_html(
            "Decisions, documents to upload, training and convocations will appear here when they concern "
            "you. We will also tell you by e-mail."
        ),
    )
    assertContains(page, translated_html("Change my application"))


def test_a_draft_on_the_dashboard_is_told_its_deadline(alice_client, draft):
    page = alice_client.get("/fr/me/")
    assertContains(
        page,
        translated_html(
            "Complete and submit your application before %(date)s at %(time)s.",
            **date_and_time(draft.campaign.registration_closes_at),
        ),
    )
    assertContains(page, translated_html("Continue my application"))


def test_a_candidate_without_applications_is_pointed_to_the_campaigns(alice_client):
    page = alice_client.get("/fr/me/")
    assertContains(page, translated_html("You have not applied to any campaign yet."))
    assertContains(page, 'href="/fr/campaigns/"')


def test_after_the_deadline_the_dashboard_and_application_are_read_only(
    alice_client, census_2024, alice, places
):
    with time_machine.travel(at(2024, 2, 20)):
        application = fill_application(services.start_application(campaign=census_2024, user=alice), places)
        services.submit_application(application=application, base_url="https://x")
    with time_machine.travel(at(2024, 3, 5, 10)):  # preselection under way, remote training next
        page = alice_client.get("/fr/me/")
        assertNotContains(page, translated_html("Change my application"))
        assertContains(page, translated_html("See what I declared"))
        remote_training = census_2024.stages.get(kind=CampaignStage.Kind.REMOTE_TRAINING)  # from 15 March
        assertContains(
            page,
            translated_html("The remote training starts on %(date)s.", date=day(remote_training.starts_on)),
        )
        detail = alice_client.get(f"/fr/me/applications/{application.pk}/")
    assertContains(
        detail,
        translated_html(
            "Registration is closed: what you declared can no longer be changed. This is what the selection uses."
        ),
    )
    assertContains(detail, "AB123456")
    assertContains(detail, places.communes[0].name_fr)
    assertNotContains(detail, ">" + translated_html("Change", context="a section of the application") + "<")


def test_the_dashboard_costs_the_same_queries_for_one_application_or_many(
    alice_client, alice, complete_draft, places, django_assert_max_num_queries
):
    one = _queries(alice_client, "/fr/me/")
    for n in range(3):
        campaign = _competition(f"other-{n}")
        add_census_stages(
            campaign, registration=(dt.date(2026, 1, 1), dt.date(2026, 1, 2)), first_stage=dt.date(2026, 3, 1)
        )
        application = ApplicationFactory(campaign=campaign, user=alice)
        ApplicationChoice.objects.create(application=application, rank=1, commune=places.communes[n])
    with django_assert_max_num_queries(one):
        alice_client.get("/fr/me/")
    assert one <= 6
