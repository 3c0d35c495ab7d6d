"""Personas (alice and bob, two candidates), a census campaign open now with its five stages, real communes."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count
from django.utils import timezone, translation

from bawaba.campaigns import services, steps
from bawaba.campaigns.models import Application, Campaign, CampaignStage
from bawaba.campaigns.tests.factories import AdministrationFactory, CampaignFactory
from bawaba.territory.models import Commune, Province

CASABLANCA = ZoneInfo("Africa/Casablanca")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Arabic), as the services do outside a request.

    A page fetched with the test client leaves its language active in the thread; without this, what a service
    says would depend on which test ran before.
    """
    translation.deactivate()
    yield
    translation.deactivate()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    """An instant in Moroccan time."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=CASABLANCA)


def add_census_stages(
    campaign: Campaign, *, registration: tuple[dt.date, dt.date], first_stage: dt.date
) -> None:
    """The five stages of MISSION.md, the later ones spaced as in 2024 from `first_stage` (preselection)."""
    Kind = CampaignStage.Kind
    for kind, starts_on, ends_on in [
        (Kind.REGISTRATION, registration[0], registration[1]),
        (Kind.PRESELECTION, first_stage, None),
        (Kind.REMOTE_TRAINING, first_stage + dt.timedelta(days=14), first_stage + dt.timedelta(days=106)),
        (Kind.INTERVIEW, first_stage + dt.timedelta(days=75), None),
        (Kind.FIELD_TRAINING, first_stage + dt.timedelta(days=122), first_stage + dt.timedelta(days=183)),
    ]:
        CampaignStage.objects.create(campaign=campaign, kind=kind, starts_on=starts_on, ends_on=ends_on)


@pytest.fixture
def hcp(db):
    return AdministrationFactory(
        code="hcp", name_ar="المندوبية السامية للتخطيط", name_fr="Haut-Commissariat au Plan"
    )


@pytest.fixture
def census(hcp) -> Campaign:
    """The census staff campaign, registration open since 5 days and for 10 more, up to 3 communes."""
    now = timezone.now()
    campaign = CampaignFactory(
        administration=hcp,
        slug="rgph",
        kind=Campaign.Kind.CENSUS,
        title_ar="الإحصاء العام للسكان والسكنى",
        title_fr="Recensement général de la population et de l'habitat",
        registration_opens_at=now - dt.timedelta(days=5),
        registration_closes_at=now + dt.timedelta(days=10),
        max_commune_choices=3,
    )
    today = timezone.localdate(now)
    add_census_stages(
        campaign,
        registration=(today - dt.timedelta(days=5), today + dt.timedelta(days=10)),
        first_stage=today + dt.timedelta(days=13),
    )
    return campaign


@pytest.fixture
def census_2024(hcp) -> Campaign:
    """The 2024 census campaign with its real calendar: registration 7 February 00:00 to 27 February 23:59."""
    campaign = CampaignFactory(
        administration=hcp,
        slug="rgph-2024",
        kind=Campaign.Kind.CENSUS,
        title_fr="Recensement 2024",
        registration_opens_at=at(2024, 2, 7),
        registration_closes_at=at(2024, 2, 27, 23, 59),
        max_commune_choices=5,
    )
    add_census_stages(
        campaign, registration=(dt.date(2024, 2, 7), dt.date(2024, 2, 27)), first_stage=dt.date(2024, 3, 1)
    )
    return campaign


@pytest.fixture
def places(territory) -> SimpleNamespace:
    """A province with at least six communes, and a commune of another region."""
    province = (
        Province.objects.annotate(n=Count("communes"))
        .filter(n__gte=6)
        .select_related("region")
        .order_by("code")[0]
    )
    communes = list(Commune.objects.filter(province=province).order_by("code")[:6])
    elsewhere = Commune.objects.exclude(region=province.region).select_related("province", "region").first()
    return SimpleNamespace(region=province.region, province=province, communes=communes, elsewhere=elsewhere)


def identity_data(places: SimpleNamespace, **overrides) -> dict:
    """What a form step's cleaned data holds for the identity step."""
    data = {
        "cin": "AB123456",
        "first_name_ar": "أمينة",
        "last_name_ar": "العلوي",
        "first_name_latin": "Amina",
        "last_name_latin": "Alaoui",
        "birth_date": dt.date(1995, 3, 15),
        "sex": Application.Sex.FEMALE,
        "phone": "+212612345678",
        "residence_commune": places.communes[0],
    }
    return {**data, **overrides}


def identity_post(places: SimpleNamespace, **overrides) -> dict:
    """What a browser posts for the identity step, as a candidate types it."""
    data = {
        "cin": "ab 123456",
        "first_name_ar": "أمينة",
        "last_name_ar": "العلوي",
        "first_name_latin": "Amina",
        "last_name_latin": "Alaoui",
        "birth_date_day": "15",
        "birth_date_month": "3",
        "birth_date_year": "1995",
        "sex": "F",
        "phone": "06 12 34 56 78",
        "region": str(places.region.pk),
        "province": str(places.province.pk),
        "residence_commune": str(places.communes[0].pk),
        "action": "save",
    }
    return {**data, **overrides}


def fill_application(
    application: Application, places: SimpleNamespace, *, cin: str = "AB123456"
) -> Application:
    """Every step answered through the services, with two communes: ready to submit."""
    services.save_step(application=application, step=steps.IDENTITY, data=identity_data(places, cin=cin))
    services.save_step(
        application=application,
        step=steps.SITUATION,
        data={
            "category": Application.Category.GRADUATE,
            "education_level": Application.EducationLevel.BAC_3,
            "education_field": "Géographie",
        },
    )
    services.save_step(
        application=application,
        step=steps.EXPERIENCE,
        data={"survey_experience_count": 1, "survey_experience_detail": "RGPH 2014, enumerator"},
    )
    services.save_step(
        application=application,
        step=steps.SKILLS,
        data={"ict_skill": Application.IctSkill.GOOD, "languages": ["ar", "shi", "fr"]},
    )
    services.set_choices(application=application, commune_ids=[c.pk for c in places.communes[:2]])
    return application


@pytest.fixture
def draft(census, alice) -> Application:
    return services.start_application(campaign=census, user=alice)


@pytest.fixture
def complete_draft(draft, places) -> Application:
    return fill_application(draft, places)
