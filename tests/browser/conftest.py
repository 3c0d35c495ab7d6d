"""End-to-end journeys in a real browser; the Chromium session and screenshots fixtures are in the root conftest."""

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest


@pytest.fixture
def page(chromium, live_server, transactional_db) -> Iterator:
    """A fresh browser context (no cookies) whose relative URLs go to the live server."""
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def census_campaign(transactional_db):
    """The 2024 census staff campaign, published, with its calendar (MISSION.md)."""
    from bawaba.campaigns.models import Administration, Campaign, CampaignStage

    casablanca = ZoneInfo("Africa/Casablanca")
    hcp = Administration.objects.create(
        code="hcp", name_ar="المندوبية السامية للتخطيط", name_fr="Haut-Commissariat au Plan"
    )
    campaign = Campaign.objects.create(
        administration=hcp,
        slug="rgph-2024",
        kind=Campaign.Kind.CENSUS,
        title_ar="الإحصاء العام للسكان والسكنى 2024: انتقاء المشاركين",
        title_fr="Recensement général de la population et de l'habitat 2024 : sélection des participants",
        summary_ar=(
            "منصة رقمية لتسجيل وانتقاء المشاركين في الإحصاء العام للسكان والسكنى 2024، "
            "بشكل عادل وشفاف حسب حاجيات كل جماعة."
        ),
        summary_fr=(
            "Plateforme numérique d'inscription et de sélection des participants au recensement général "
            "de la population et de l'habitat 2024, équitable et transparente, selon les besoins de chaque commune."
        ),
        registration_opens_at=dt.datetime(2024, 2, 7, tzinfo=casablanca),
        registration_closes_at=dt.datetime(2024, 2, 27, 23, 59, tzinfo=casablanca),
        is_published=True,
    )
    Kind = CampaignStage.Kind
    for kind, starts_on, ends_on in [
        (Kind.REGISTRATION, dt.date(2024, 2, 7), dt.date(2024, 2, 27)),
        (Kind.PRESELECTION, dt.date(2024, 3, 1), dt.date(2024, 3, 10)),
        (Kind.REMOTE_TRAINING, dt.date(2024, 3, 15), dt.date(2024, 6, 15)),
        (Kind.INTERVIEW, dt.date(2024, 5, 15), None),
        (Kind.FIELD_TRAINING, dt.date(2024, 7, 1), dt.date(2024, 8, 31)),
    ]:
        CampaignStage.objects.create(campaign=campaign, kind=kind, starts_on=starts_on, ends_on=ends_on)
    return campaign
