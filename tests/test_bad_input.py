"""Bad input never gives a server error (issue 9, item 7).

First the regressions of the faults a probe found, then the whole site: every URL pattern, every query parameter
a page reads and every field of every form it renders, sent malformed values (huge and negative integers, NUL and
other control characters, malformed dates, very long strings), as an anonymous visitor, a candidate and a central
administrator. The answer may be a form error, a 400, a 404 or a redirect, never a 5xx, on SQLite and PostgreSQL.

The data is built once for the module (one outer transaction, rolled back at the end); each test runs in its own
savepoint, so that what one test's requests change is undone before the next.
"""

import datetime as dt
import io
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from bawaba.accounts.models import User
from bawaba.accounts.tests.factories import UserFactory
from bawaba.campaigns import services as campaign_services
from bawaba.campaigns import steps
from bawaba.campaigns.models import Application, Campaign, CampaignStage
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.territory.models import Commune

HUGE = str(2**63)  # one beyond the largest 64-bit integer a database column holds
HUGE_NEGATIVE = str(-(2**63) - 1)
ENORMOUS = str(10**30)


# --- The site: an open campaign with a candidate's filled draft, the demo campaign with a published run ---------


def _open_campaign() -> Campaign:
    now = timezone.now()
    campaign = CampaignFactory(
        slug="open-now",
        kind=Campaign.Kind.CENSUS,
        registration_opens_at=now - dt.timedelta(days=5),
        registration_closes_at=now + dt.timedelta(days=10),
        max_commune_choices=3,
    )
    today = timezone.localdate(now)
    Kind = CampaignStage.Kind
    for kind, starts_on, ends_on in [
        (Kind.REGISTRATION, today - dt.timedelta(days=5), today + dt.timedelta(days=10)),
        (Kind.PRESELECTION, today + dt.timedelta(days=13), None),
    ]:
        CampaignStage.objects.create(campaign=campaign, kind=kind, starts_on=starts_on, ends_on=ends_on)
    return campaign


def _filled_draft(campaign: Campaign, user: User, communes: list[Commune]) -> Application:
    """Every step answered, so that each step's form renders with valid values to post back."""
    application = campaign_services.start_application(campaign=campaign, user=user)
    answers = {
        steps.IDENTITY: {
            "cin": "ZZ987654",
            "first_name_ar": "أمينة",
            "last_name_ar": "العلوي",
            "first_name_latin": "Amina",
            "last_name_latin": "Alaoui",
            "birth_date": dt.date(1995, 3, 15),
            "sex": Application.Sex.FEMALE,
            "phone": "+212612345678",
            "residence_commune": communes[0],
        },
        steps.SITUATION: {
            "category": Application.Category.GRADUATE,
            "education_level": Application.EducationLevel.BAC_3,
            "education_field": "Géographie",
        },
        steps.EXPERIENCE: {"survey_experience_count": 1, "survey_experience_detail": "RGPH 2014, enumerator"},
        steps.SKILLS: {"ict_skill": Application.IctSkill.GOOD, "languages": ["ar", "fr"]},
    }
    for step, data in answers.items():
        campaign_services.save_step(application=application, step=step, data=data)
    campaign_services.set_choices(application=application, commune_ids=[c.pk for c in communes[:2]])
    return application


def _build_site() -> SimpleNamespace:
    from bawaba.demo.selectors import demo_campaign
    from bawaba.selection.services import compute_run, create_run, publish_run
    from bawaba.territory.services import load_territory

    load_territory(centroids_csv=None)
    # The selection tests' small national demo (about 980 candidates): cheap, and a real published run.
    call_command("generate_demo", "--scale", "0.002", "--seed", "2024", stdout=io.StringIO())
    census = demo_campaign()
    admin = UserFactory(email="admin@example.ma", role=User.Role.CENTRAL_ADMIN)
    run = create_run(campaign=census, seed="bad input", actor=admin)
    run = publish_run(run=compute_run(run_id=run.pk), actor=admin)
    # A candidate of the published run, who also has a draft in a campaign open now.
    decided = Application.objects.filter(campaign=census, status=Application.Status.SUBMITTED).first()
    candidate = decided.user
    communes = list(Commune.objects.filter(province=decided.residence_commune.province).order_by("code")[:3])
    campaign = _open_campaign()
    draft = _filled_draft(campaign, candidate, communes)
    return SimpleNamespace(
        census=census,
        run=run,
        admin=admin,
        candidate=candidate,
        campaign=campaign,
        draft=draft,
        commune=communes[0],
    )


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_site()
        transaction.set_rollback(True)


@pytest.fixture
def candidate_client(db, site) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(site.candidate)
    return client


def identity_post(site: SimpleNamespace, **overrides: str) -> dict:
    commune = site.commune
    data = {
        "cin": "ZZ987654",
        "first_name_ar": "أمينة",
        "last_name_ar": "العلوي",
        "first_name_latin": "Amina",
        "last_name_latin": "Alaoui",
        "birth_date_day": "15",
        "birth_date_month": "3",
        "birth_date_year": "1995",
        "sex": "F",
        "phone": "06 12 34 56 78",
        "region": str(commune.region_id),
        "province": str(commune.province_id),
        "residence_commune": str(commune.pk),
        "action": "save",
    }
    return {**data, **overrides}


# --- Regressions ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["birth_date_day", "birth_date_month"])
@pytest.mark.parametrize("value", [HUGE, HUGE_NEGATIVE, ENORMOUS])
@pytest.mark.parametrize("campaign", ["campaign", "census"])  # open now; closed (the form is checked first)
def test_a_birth_day_or_month_beyond_a_machine_integer_is_a_form_error(
    candidate_client, site, campaign, part, value
):
    url = f"/fr/campaigns/{getattr(site, campaign).slug}/apply/{steps.IDENTITY}/"
    response = candidate_client.post(url, identity_post(site, **{part: value}))
    assert response.status_code == 200
    assert "Saisissez une date valide, par exemple 15 3 1995." in response.content.decode()


@pytest.mark.parametrize("value", [HUGE, HUGE_NEGATIVE, ENORMOUS])
@pytest.mark.parametrize(("path", "name"), [("provinces", "region"), ("communes", "province")])
def test_the_public_cascade_offers_nothing_for_an_id_beyond_64_bits(client, site, path, name, value):
    response = client.get(f"/fr/campaigns/places/{path}/", {name: value})
    assert response.status_code == 200
    assert "<option" not in response.content.decode().replace('<option value="">', "")


@pytest.mark.parametrize("value", [HUGE, HUGE_NEGATIVE, ENORMOUS])
@pytest.mark.parametrize("name", ["region", "province"])
@pytest.mark.parametrize("action", ["save", "show_places"])
def test_an_identity_place_beyond_64_bits_is_no_choice(candidate_client, site, name, value, action):
    url = f"/fr/campaigns/{site.campaign.slug}/apply/{steps.IDENTITY}/"
    response = candidate_client.post(url, identity_post(site, **{name: value, "action": action}))
    assert response.status_code == 200
    if action == "save":  # the step is shown again with the message, nothing saved
        assert "Choisissez dans la liste." in response.content.decode()


@pytest.mark.parametrize("value", [HUGE, HUGE_NEGATIVE, ENORMOUS])
@pytest.mark.parametrize("name", ["region", "province", "commune"])
def test_a_commune_to_add_beyond_64_bits_is_no_choice(candidate_client, site, name, value):
    commune = site.commune
    picked = {"region": str(commune.region_id), "province": str(commune.province_id), "commune": ""}
    url = f"/fr/campaigns/{site.campaign.slug}/apply/communes/"
    response = candidate_client.post(url, {**picked, name: value, "action": "add"})
    assert response.status_code == 200
    assert site.draft.choices.count() == 2


@pytest.fixture
def admin_client(db, site) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(site.admin)
    return client


@pytest.mark.parametrize("value", ["\x00", "01\x00", "\x1b[2J", "0" * 100_000])
@pytest.mark.parametrize("name", ["region", "province"])
@pytest.mark.parametrize("report", ["public", "staff"])
def test_a_malformed_region_or_province_code_in_a_report_is_not_found(
    client, admin_client, site, report, name, value
):
    if report == "public":
        response = client.get(f"/fr/campaigns/{site.census.slug}/selection/{site.run.stage}/", {name: value})
    else:
        response = admin_client.get(f"/fr/campaigns/selection/runs/{site.run.pk}/report/", {name: value})
    assert response.status_code == 404


def test_a_control_character_in_a_name_is_a_translated_form_error(candidate_client, site):
    url = f"/fr/campaigns/{site.campaign.slug}/apply/{steps.IDENTITY}/"
    response = candidate_client.post(url, identity_post(site, first_name_latin="Am\x1bina"))
    assert response.status_code == 200
    assert "Retirez de ce texte les caractères de contrôle invisibles." in response.content.decode()


@pytest.mark.parametrize("value", ["/fr/me/\x00", "/fr/\x1b", "/" + "x" * 100_000])
def test_a_malformed_next_address_is_dropped_from_the_sign_in_page(client, site, value):
    response = client.get("/fr/accounts/login/", {"next": value})
    assert response.status_code == 200
    assert response.context["next"] == ""


@pytest.mark.parametrize("cursor", ["after", "before"])
@pytest.mark.parametrize("value", [HUGE, ENORMOUS])
def test_a_staff_page_cursor_beyond_64_bits_is_a_form_error(admin_client, site, cursor, value):
    response = admin_client.get("/fr/staff/applications/", {cursor: value})
    assert response.status_code == 200
    assert response.context["form"].errors[cursor]
