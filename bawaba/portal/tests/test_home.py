"""The home page: Arabic by default and right-to-left, French left-to-right, the twelve regions, the campaigns."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import get_template
from django.test import Client
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from bawaba.administrations.models import Administration
from bawaba.campaigns.models import Campaign, CampaignStage
from bawaba.territory.models import Region

CASABLANCA_TIME = ZoneInfo("Africa/Casablanca")


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=CASABLANCA_TIME)


@pytest.fixture
def hcp(db) -> Administration:
    return Administration.objects.create(
        code="hcp", name_ar="المندوبية السامية للتخطيط", name_fr="Haut-Commissariat au Plan"
    )


@pytest.fixture
def census(hcp) -> Campaign:
    """The 2024 census staff campaign with its real calendar (MISSION.md): closed by now."""
    campaign = Campaign.objects.create(
        administration=hcp,
        slug="rgph-2024",
        kind=Campaign.Kind.CENSUS,
        title_ar="الإحصاء العام للسكان والسكنى 2024",
        title_fr="Recensement général de la population et de l'habitat 2024",
        summary_ar="التسجيل والانتقاء الآلي للمشاركين في الإحصاء.",
        summary_fr="Inscription et présélection automatique des participants au recensement.",
        registration_opens_at=_at(2024, 2, 7),
        registration_closes_at=_at(2024, 2, 27, 23, 59),
        is_published=True,
    )
    Kind = CampaignStage.Kind
    for kind, starts_on, ends_on in [
        (Kind.REGISTRATION, dt.date(2024, 2, 7), dt.date(2024, 2, 27)),
        (Kind.PRESELECTION, dt.date(2024, 3, 1), None),
        (Kind.REMOTE_TRAINING, dt.date(2024, 3, 15), dt.date(2024, 6, 15)),
        (Kind.INTERVIEW, dt.date(2024, 5, 15), None),
        (Kind.FIELD_TRAINING, dt.date(2024, 7, 1), dt.date(2024, 8, 31)),
    ]:
        CampaignStage.objects.create(campaign=campaign, kind=kind, starts_on=starts_on, ends_on=ends_on)
    return campaign


def _competition(administration: Administration, *, slug: str, published: bool = True) -> Campaign:
    """A public-employment competition whose registration is open now."""
    now = timezone.now()
    return Campaign.objects.create(
        administration=administration,
        slug=slug,
        title_ar=f"مباراة توظيف {slug}",
        title_fr=f"Concours de recrutement {slug}",
        registration_opens_at=now - dt.timedelta(days=1),
        registration_closes_at=now + dt.timedelta(days=20),
        is_published=published,
    )


def test_root_redirects_to_the_arabic_home_page(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/ar/"


def test_arabic_home_page_is_right_to_left_with_the_regions_in_arabic(client, territory):
    response = client.get("/ar/")

    assert response.status_code == 200
    assertContains(response, '<html lang="ar" dir="rtl">')
    regions = list(Region.objects.order_by("code"))
    assert len(regions) == 12
    for region in regions:
        assertContains(response, f'<th scope="row">{region.name_ar}</th>')
    assertNotContains(response, "Fès-Meknès")
    assertContains(response, "حملات التوظيف")  # "Recruitment campaigns", translated
    assertContains(response, "الجهات")  # "Regions"


def test_french_home_page_is_left_to_right_with_the_regions_in_french(client, territory):
    response = client.get("/fr/")

    assert response.status_code == 200
    assertContains(response, '<html lang="fr" dir="ltr">')
    for region in Region.objects.all():
        assertContains(response, f'<th scope="row">{region.name_fr}</th>')
    assertNotContains(response, "فاس-مكناس")
    assertContains(response, "Campagnes de recrutement")
    assertContains(response, "Passer au contenu principal")  # the skip link


def test_lists_published_campaigns_only(client, census, hcp):
    _competition(hcp, slug="draft-competition", published=False)

    response = client.get("/fr/")

    assertContains(response, "Recensement général de la population et de l&#x27;habitat 2024")
    assertContains(response, "Haut-Commissariat au Plan")
    assertNotContains(response, "draft-competition")


def test_campaign_shows_its_window_badge_and_stages_in_the_active_language(client, census, hcp):
    _competition(hcp, slug="open-now")

    french = client.get("/fr/").content.decode()
    arabic = client.get("/ar/").content.decode()

    assert "7 février 2024" in french
    assert "27 février 2024 à 23:59" in french
    assert "Inscriptions closes" in french
    assert "Inscriptions ouvertes" in french
    assert "Formation à distance" in french  # a stage, by its translated kind
    assert "Du 15 mars 2024 au 15 juin 2024" in french
    assert "الإحصاء العام للسكان والسكنى 2024" in arabic
    assert "فبراير" in arabic
    assert "التكوين عن بعد" in arabic


def test_upcoming_campaign_has_its_own_badge(client, hcp):
    now = timezone.now()
    Campaign.objects.create(
        administration=hcp,
        slug="later",
        title_ar="مباراة لاحقة",
        title_fr="Concours à venir",
        registration_opens_at=now + dt.timedelta(days=3),
        registration_closes_at=now + dt.timedelta(days=30),
        is_published=True,
    )

    response = client.get("/fr/")

    assertContains(response, "badge--upcoming")


def test_language_switcher_posts_each_language_with_this_page_in_that_language(client, db):
    response = client.get("/ar/?page=2")

    html = response.content.decode()
    assert html.count('<form method="post" action="/i18n/setlang/">') == 3
    assert html.count('name="csrfmiddlewaretoken"') >= 3
    assertContains(response, '<input type="hidden" name="next" value="/fr/?page=2">')
    assertContains(response, 'name="language" value="fr" lang="fr" dir="ltr">Français</button>')
    assertContains(response, 'name="language" value="en" lang="en" dir="ltr">English</button>')
    assertContains(response, 'value="ar" lang="ar" dir="rtl" aria-current="true">العربية</button>')


def test_switching_language_redirects_to_the_translated_page(client, db):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/fr/"})

    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    assert response.cookies["django_language"].value == "fr"
    # The chosen language then wins over the default on a bare "/".
    assert client.get("/")["Location"] == "/fr/"


def test_switching_language_works_whatever_language_the_browser_prefers(client, db):
    # The switcher's request has no language prefix, so Django takes its language from the browser, not from the
    # page. The form's "next" is already the translated URL, so a French browser on the Arabic page still lands
    # on the English page.
    page = client.get("/ar/", headers={"accept-language": "fr"}).content.decode()
    next_url = re.search(r'name="next" value="([^"]*)">\s*<button[^>]*value="en"', page).group(1)

    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": next_url}, headers={"accept-language": "fr"}
    )

    assert response["Location"] == "/en/"


def test_home_page_query_count_does_not_grow_with_campaigns_or_regions(
    client, territory, census, hcp, django_assert_max_num_queries
):
    # Campaigns, their stages (one prefetch), their published selections, regions with their counts: four,
    # however many rows.
    with django_assert_max_num_queries(4) as few:
        client.get("/ar/")
    for n in range(3):
        _competition(hcp, slug=f"more-{n}")
    with django_assert_max_num_queries(4) as more:
        client.get("/ar/")

    assert len(more.captured_queries) == len(few.captured_queries)


def test_not_found_page_is_translated(client, db):
    response = client.get("/fr/no-such-page/")

    assert response.status_code == 404
    assertContains(response, '<html lang="fr" dir="ltr">', status_code=404)
    assertContains(response, "Retour à la page d’accueil", status_code=404)


def test_server_error_page_renders_without_a_request_or_the_database(db, django_assert_num_queries):
    # Django's server_error view renders 500.html with an empty context: no request, no context processors.
    with django_assert_num_queries(0), translation.override("ar"):
        html = get_template("500.html").render()

    assert '<html lang="ar" dir="rtl">' in html
    assert "خطأ في الخادم" in html


def test_expired_form_page_is_ours_and_translated(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "/fr/"}, headers={"accept-language": "fr"}
    )

    assert response.status_code == 403
    assertContains(response, "Le formulaire a expiré", status_code=403)


def test_the_home_page_leads_with_what_a_visitor_can_do_then_the_campaigns_then_the_territory(
    client, territory, census
):
    page = client.get("/fr/").content.decode()

    actions = page.index('id="actions-title"')
    assert page.index('href="/fr/accounts/register/"', actions) < page.index('id="campaigns-title"')
    assert page.index('href="/fr/accounts/login/"', actions) < page.index('id="campaigns-title"')
    assert page.index('href="/fr/help/"', actions) < page.index('id="campaigns-title"')
    assert page.index('id="campaigns-title"') < page.index('class="key-figures"') < page.index("<table")


def test_the_territory_is_a_line_of_key_figures_naming_what_it_counts(client, territory):
    page = client.get("/fr/").content.decode()

    figures = [
        " ".join(re.sub(r"<[^>]+>", " ", figure).split())
        for figure in re.findall(r'<li class="key-figure">(.*?)</li>', page, re.DOTALL)
    ]
    assert figures == [
        "12 régions",
        "75 provinces et préfectures",
        "1 503 communes territoriales (les arrondissements des grandes villes ne sont pas comptés à part)",
    ]


def test_a_published_selection_s_public_report_is_linked_from_its_campaign(client, census):
    from bawaba.campaigns.models import CampaignRules
    from bawaba.campaigns.rules.defaults import default_census_rules
    from bawaba.selection.models import SelectionRun

    assert "/selection/preselection/" not in client.get("/fr/").content.decode()
    rules = CampaignRules.objects.create(campaign=census, version=1, rules=default_census_rules(), note="")
    SelectionRun.objects.create(
        campaign=census,
        rules_version=rules,
        seed="draw",
        status=SelectionRun.Status.PUBLISHED,
        published_at=timezone.now(),
    )

    page = client.get("/fr/").content.decode()

    assert page.count('href="/fr/campaigns/rgph-2024/selection/preselection/"') == 2  # the actions, the card
