"""Reads of the training stage: which campaigns have one, a campaign's training settings."""

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from bawaba.campaigns.models import Campaign
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.selection.selectors import published_run
from bawaba.training.models import TrainingAccount, TrainingProgress, TrainingReply, TrainingSettings


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


# The progress work of issue 12: who holds a place, who has not started.


def accounts_holding_a_place(campaign: Campaign) -> QuerySet[TrainingAccount]:
    """The accounts of the candidates who hold a training place now: admitted in the published preselection (as
    promotion rounds left it) and who have not declined it."""
    run = published_run(campaign, SelectionRun.Stage.PRESELECTION)
    if run is None:
        return TrainingAccount.objects.none()
    holding = SelectionDecision.objects.filter(
        run=run, application_id=OuterRef("application_id"), outcome=SelectionDecision.Outcome.ADMITTED
    )
    declined = TrainingReply.objects.filter(
        application_id=OuterRef("application_id"),
        answer__in=[TrainingReply.Answer.DECLINED, TrainingReply.Answer.NO_REPLY],
    )
    return TrainingAccount.objects.filter(campaign=campaign).filter(Exists(holding) & ~Exists(declined))


def not_started_before(accounts: QuerySet[TrainingAccount], moment: dt.datetime) -> QuerySet[TrainingAccount]:
    """Those of `accounts` handed over to the platform whose first access (if any) is not before `moment`."""
    started = TrainingProgress.objects.filter(account_id=OuterRef("pk"), first_access__lt=moment)
    return accounts.filter(exported_at__isnull=False).filter(~Exists(started))
