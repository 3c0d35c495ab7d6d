"""The database itself refuses what must never happen, whatever code path writes."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from bawaba.campaigns.models import ApplicationChoice, CampaignStage, CommuneNeed
from bawaba.campaigns.tests.factories import ApplicationFactory, CampaignFactory, CommuneNeedFactory
from bawaba.territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(territory):
    return list(Commune.objects.order_by("code")[:3])


def test_rejects_a_duplicate_cin_in_the_same_campaign():
    first = ApplicationFactory(cin="AB123456")
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(campaign=first.campaign, cin="AB123456")


def test_accepts_the_same_cin_in_another_campaign_and_many_drafts_without_one():
    ApplicationFactory(cin="AB123456")
    ApplicationFactory(cin="AB123456")  # another campaign
    campaign = CampaignFactory()
    ApplicationFactory(campaign=campaign, cin=None)
    ApplicationFactory(campaign=campaign, cin=None)


def test_rejects_a_second_application_by_the_same_candidate():
    first = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(campaign=first.campaign, user=first.user)


@pytest.mark.parametrize("quantity", [-1, 0])
def test_rejects_a_need_that_is_not_positive(communes, quantity):
    with pytest.raises(IntegrityError), transaction.atomic():
        CommuneNeedFactory(commune=communes[0], quantity=quantity)


def test_rejects_two_needs_for_the_same_commune_and_stage(communes):
    need = CommuneNeedFactory(commune=communes[0])
    CommuneNeedFactory(campaign=need.campaign, commune=communes[0], stage=CommuneNeed.Stage.FIELD)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommuneNeedFactory(campaign=need.campaign, commune=communes[0])


def test_rejects_a_repeated_rank_or_commune_in_one_application(communes):
    application = ApplicationFactory()
    ApplicationChoice.objects.create(application=application, rank=1, commune=communes[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationChoice.objects.create(application=application, rank=1, commune=communes[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationChoice.objects.create(application=application, rank=2, commune=communes[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationChoice.objects.create(application=application, rank=0, commune=communes[2])


def test_rejects_a_registration_window_that_closes_before_it_opens():
    with pytest.raises(IntegrityError), transaction.atomic():
        campaign = CampaignFactory.build()
        campaign.registration_closes_at = campaign.registration_opens_at - dt.timedelta(seconds=1)
        campaign.administration.save()
        campaign.save()


def test_rejects_a_submitted_application_without_its_submission_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(status="submitted", submitted_at=None)


def test_rejects_a_stage_that_ends_before_it_starts():
    campaign = CampaignFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignStage.objects.create(
            campaign=campaign,
            kind=CampaignStage.Kind.INTERVIEW,
            starts_on=dt.date(2024, 5, 15),
            ends_on=dt.date(2024, 5, 14),
        )
