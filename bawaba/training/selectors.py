"""Reads of the training stage: which campaigns have one, a campaign's training settings."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from bawaba.campaigns.models import Campaign
from bawaba.selection.models import SelectionRun
from bawaba.training.models import TrainingSettings


def _preselection_published() -> Exists:
    return Exists(
        SelectionRun.objects.filter(
            campaign=OuterRef("pk"),
            stage=SelectionRun.Stage.PRESELECTION,
            status=SelectionRun.Status.PUBLISHED,
        )
    )


def campaigns_with_training() -> QuerySet[Campaign]:
    """Campaigns whose preselection is published (the training follows it), newest first."""
    return Campaign.objects.filter(_preselection_published()).order_by("-registration_opens_at", "-pk")


def campaign_with_training(slug: str) -> Campaign:
    """The campaign of a training page; 404 when it has no published preselection."""
    campaign = campaigns_with_training().filter(slug=slug).first()
    if campaign is None:
        raise Http404
    return campaign


def training_settings(campaign: Campaign) -> TrainingSettings:
    """Its settings, the defaults (unsaved) until the administrator sets them."""
    return TrainingSettings.objects.filter(campaign=campaign).first() or TrainingSettings(campaign=campaign)
