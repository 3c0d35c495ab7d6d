"""A census campaign with its census list of documents, and submitted applications invited to upload (dossiers
AWAITED), for the tests of the candidate's pages. Imported by the test modules that need them."""

import datetime as dt

import pytest
from django.utils import timezone

from bawaba.campaigns import services
from bawaba.campaigns.models import Application
from bawaba.campaigns.tests.conftest import census, fill_application, hcp, places  # noqa: F401 - fixtures
from bawaba.documents.models import Dossier, Requirement
from bawaba.documents.services.requirements import start_from_census_list

__all__ = ["census", "hcp", "places"]


def submitted(campaign, user, places, *, cin: str, category: str = Application.Category.GRADUATE):
    application = services.start_application(campaign=campaign, user=user)
    fill_application(application, places, cin=cin)
    if category != Application.Category.GRADUATE:
        Application.objects.filter(pk=application.pk).update(category=category)
    return services.submit_application(application=application, base_url="http://testserver")


def invited(application, places) -> Dossier:
    commune = places.communes[0]
    application.refresh_from_db()
    return Dossier.objects.create(
        application=application,
        campaign=application.campaign,
        commune=commune,
        province=commune.province,
        region=commune.region,
        category=application.category,
        invited_at=timezone.now() - dt.timedelta(days=1),
    )


@pytest.fixture
def requirements(census) -> dict[str, Requirement]:
    start_from_census_list(campaign=census, actor=None)
    return {r.key: r for r in Requirement.objects.filter(campaign=census)}


@pytest.fixture
def alice_dossier(census, alice, places, requirements) -> Dossier:
    return invited(submitted(census, alice, places, cin="AB123456"), places)


@pytest.fixture
def bob_dossier(census, bob, places, requirements) -> Dossier:
    return invited(submitted(census, bob, places, cin="CD654321"), places)
