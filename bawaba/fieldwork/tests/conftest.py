"""A small campaign whose preselection and final selection (stage `field`) are published, made directly (runs and
decisions as rows: the engine is the selection's to test), in one province with communes at known points."""

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.utils import timezone

# The small demo census taken through every stage, for this app's indicators.
from bawaba.indicators.tests.every_stage import every_stage  # noqa: F401 - fixture
from bawaba.selection.tests.conftest import census  # noqa: F401 - fixture

NEXT_MONTH = timezone.localdate() + dt.timedelta(days=30)
_cins = itertools.count(1)


def plan(**changes):
    from bawaba.fieldwork.services.groups import GroupPlan

    values = {
        "place_name": "Centre de formation",
        "address": "1, avenue Mohammed V",
        "latitude": None,
        "longitude": None,
        "starts_on": NEXT_MONTH,
        "ends_on": NEXT_MONTH + dt.timedelta(days=2),
        "daily_starts_at": dt.time(9, 0),
        "daily_ends_at": dt.time(16, 0),
        "trainer_name": "Mme Bennani",
        "capacity": 2,
    }
    return GroupPlan(**(values | changes))


def select(site, commune, count: int = 1, **fields) -> list:
    """`count` new applications of the campaign, admitted by the final run in `commune`."""
    from bawaba.campaigns.models import Application
    from bawaba.campaigns.tests.factories import ApplicationFactory
    from bawaba.selection.models import SelectionDecision

    applications = []
    for _ in range(count):
        number = next(_cins)
        application = ApplicationFactory(
            campaign=site.campaign,
            status=Application.Status.SUBMITTED,
            submitted_at=timezone.now(),
            cin=f"FW{number:06d}",
            sex=Application.Sex.FEMALE,
            birth_date=dt.date(1995, 3, 4),
            phone="0612345678",
            residence_commune=commune,
            **fields,
        )
        SelectionDecision.objects.create(
            run=site.field_run,
            application=application,
            outcome=SelectionDecision.Outcome.ADMITTED,
            score=0,
            score_parts="[0,0,0,0,0]",
            commune=commune,
            rank=1,
            lottery="",
            choice_table=b"",
        )
        applications.append(application)
    return applications


@pytest.fixture
def site(territory, central_admin):
    from bawaba.campaigns.models import CampaignRules
    from bawaba.campaigns.rules.defaults import default_census_rules
    from bawaba.campaigns.tests.factories import CampaignFactory
    from bawaba.selection.models import SelectionRun
    from bawaba.territory.models import Commune, Province

    campaign = CampaignFactory(slug="recensement")
    rules = CampaignRules.objects.create(campaign=campaign, version=1, rules=default_census_rules(), note="")
    runs = {
        stage: SelectionRun.objects.create(
            campaign=campaign,
            stage=stage,
            rules_version=rules,
            seed="draw",
            status=SelectionRun.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        for stage in (SelectionRun.Stage.PRESELECTION, SelectionRun.Stage.FIELD)
    }
    province = Province.objects.filter(communes__isnull=False).order_by("code").first()
    north, south, east = Commune.objects.filter(province=province).order_by("code")[:3]
    for commune, point in ((north, (35.0, -6.0)), (south, (33.0, -6.0)), (east, (34.0, -4.0))):
        commune.latitude, commune.longitude = point
        commune.save(update_fields=["latitude", "longitude"])
    other = Province.objects.exclude(pk=province.pk).filter(communes__isnull=False).order_by("code").first()
    return SimpleNamespace(
        campaign=campaign,
        preselection_run=runs[SelectionRun.Stage.PRESELECTION],
        field_run=runs[SelectionRun.Stage.FIELD],
        province=province,
        north=north,
        south=south,
        east=east,
        other=other,
        other_commune=Commune.objects.filter(province=other).order_by("code").first(),
    )


@pytest.fixture
def province_supervisor(supervisor, site):
    from bawaba.accounts.models import Assignment

    Assignment.objects.get(user=supervisor).provinces.add(site.province)
    return supervisor
