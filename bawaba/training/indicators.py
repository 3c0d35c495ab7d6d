"""The remote training's indicators (issue 15): the candidates invited to it, their replies to the place, their
progress on the e-learning platform; registered in TrainingConfig.ready() (bawaba.core.contributions.Indicator).

Each compute function answers `{tuple of the breakdown's values: figure}`, one GROUP BY over this app's rows.

Where they are counted: where the candidate lives (her application's residence commune), not the commune of her
place. A place given up loses its commune (her decision keeps none), and the stage's figures are about people who
may have given it up (a declined place, above all): her residence is known for every one of them, so that the
invited add up by area, and an area's figures follow the same people from invitation to completion. A candidate
without a residence commune counts under "".
"""

from collections.abc import Mapping

from django.db.models import QuerySet

from bawaba.campaigns.models import Campaign
from bawaba.core.indicator_queries import grouped_figures
from bawaba.training.models import TrainingAccount, TrainingReply

# From an account or a reply (both have `application`).
_PATHS = {
    "region": "application__residence_commune__region__code",
    "province": "application__residence_commune__province__code",
    "commune": "application__residence_commune__code",
    "category": "application__category",
}
DIMENSIONS = tuple(_PATHS)


def _accounts(campaign: Campaign) -> QuerySet[TrainingAccount]:
    return TrainingAccount.objects.filter(campaign=campaign)


def _replies(campaign: Campaign, answer: str) -> QuerySet[TrainingReply]:
    return TrainingReply.objects.filter(application__campaign=campaign, answer=answer)


def invited(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    """Accounts on the e-learning platform issued to the campaign's candidates (the preselected and the promoted)."""
    return grouped_figures(_accounts(campaign), _PATHS, by)


def accepted(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return grouped_figures(_replies(campaign, TrainingReply.Answer.ACCEPTED), _PATHS, by)


def declined(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return grouped_figures(_replies(campaign, TrainingReply.Answer.DECLINED), _PATHS, by)


def started(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    """Accounts whose progress reports a first access (training.selectors.not_started_before reads the same)."""
    return grouped_figures(_accounts(campaign).filter(progress__first_access__isnull=False), _PATHS, by)


def completed(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    """Accounts whose progress reports 100 % (the progress pages' "completed")."""
    return grouped_figures(_accounts(campaign).filter(progress__completion_percent=100), _PATHS, by)
