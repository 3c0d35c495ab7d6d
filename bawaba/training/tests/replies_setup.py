"""What the reply and overview tests share: the small demo census with its preselection published (the
selection's own fixtures, bawaba/selection/tests/conftest.py), its training settings, and who holds which place.

Imported by the test modules (`from bawaba.training.tests.replies_setup import *`) rather than put in a conftest
shared with the other parts of the training.
"""

import datetime as dt

import pytest

from bawaba.selection.tests.conftest import census, computed_run, published_run  # noqa: F401 (fixtures)

__all__ = [
    "admitted",
    "census",
    "computed_run",
    "first_waiting_at",
    "holder",
    "in_days",
    "published_run",
    "training_settings",
]


def in_days(days: float) -> dt.datetime:
    from django.utils import timezone

    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture
def training_settings(published_run):
    """The campaign's settings: replies open three more days, and no answer by then counts as declining."""
    from bawaba.training.models import TrainingSettings

    settings, _created = TrainingSettings.objects.update_or_create(
        campaign=published_run.campaign, defaults={"reply_deadline": in_days(3), "no_reply_declines": True}
    )
    return settings


def admitted(run, count: int | None = None):
    """Applications (with user and campaign) of the run's admitted, by id: all, or the first `count`."""
    from bawaba.campaigns.models import Application
    from bawaba.selection.models import SelectionDecision

    ids = SelectionDecision.objects.filter(run=run, outcome=SelectionDecision.Outcome.ADMITTED).values(
        "application_id"
    )
    applications = Application.objects.filter(pk__in=ids).select_related("user", "campaign").order_by("pk")
    return list(applications[:count] if count else applications)


def holder(run):
    """An admitted candidate of a full commune whose waiting list is not empty: her place would be taken."""
    from bawaba.campaigns.models import Application
    from bawaba.selection.tests.test_promotion_rounds import admitted_with_a_waiting_list

    decision = admitted_with_a_waiting_list(run)
    return Application.objects.select_related("user", "campaign").get(pk=decision.application_id)


def first_waiting_at(run, commune_id: int) -> int:
    from bawaba.selection.tests.test_promotion_rounds import first_waiting_at as first

    return first(run, commune_id)
