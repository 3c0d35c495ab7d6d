"""Which dossiers and files a staff member may see: her scope, and 404 for the rest exactly as for missing ones."""

import pytest
from django.http import Http404

from bawaba.documents.access import dossiers_in_scope, staff_document, staff_dossier, staff_dossier_scope
from bawaba.documents.models import Dossier
from bawaba.documents.tests.review_factories import (
    Role,
    attach,
    campaign_with_requirements,
    dossier,
    fake_stored,
    staff,
    supervisor_of,
    two_provinces,
)


@pytest.fixture
def world(territory):
    places = two_provinces()
    campaign = campaign_with_requirements()
    mine = dossier(campaign, places.my_communes[0])
    theirs = dossier(campaign, places.their_communes[0])
    return places, campaign, mine, theirs


def test_a_supervisor_sees_the_dossiers_of_her_provinces_only(world):
    places, _, mine, theirs = world
    supervisor = supervisor_of(places.mine)
    visible = dossiers_in_scope(Dossier.objects.all(), staff_dossier_scope(supervisor))
    assert list(visible) == [mine]
    assert staff_dossier(supervisor, mine.pk) == mine
    with pytest.raises(Http404):
        staff_dossier(supervisor, theirs.pk)
    with pytest.raises(Http404):
        staff_dossier(supervisor, 2**63 - 1)


def test_a_regional_coordinator_sees_her_region_and_a_central_administrator_everything(world):
    places, _, mine, theirs = world
    coordinator = staff("coordinator@example.ma", Role.REGIONAL_COORDINATOR, region=places.theirs.region)
    assert list(dossiers_in_scope(Dossier.objects.all(), staff_dossier_scope(coordinator))) == [theirs]
    admin = staff("national@example.ma", Role.CENTRAL_ADMIN)
    assert set(dossiers_in_scope(Dossier.objects.all(), staff_dossier_scope(admin))) == {mine, theirs}


def test_staff_without_a_reading_role_and_candidates_see_nothing(world, supervisor):
    places, _, mine, _ = world
    # `supervisor` holds the role but no province yet: an empty scope is no dossier, never every dossier.
    assert not dossiers_in_scope(Dossier.objects.all(), staff_dossier_scope(supervisor)).exists()
    candidate = mine.application.user
    assert staff_dossier_scope(candidate).is_empty
    with pytest.raises(Http404):
        staff_dossier(candidate, mine.pk)


def test_a_dossier_of_another_campaign_is_missing_under_this_one(world):
    places, campaign, mine, _ = world
    other = campaign_with_requirements("other-campaign")
    supervisor = supervisor_of(places.mine)
    assert staff_dossier(supervisor, mine.pk, campaign=campaign) == mine
    with pytest.raises(Http404):
        staff_dossier(supervisor, mine.pk, campaign=other)


def test_a_file_is_found_only_through_its_own_dossier_in_scope(world):
    places, campaign, mine, theirs = world
    requirement = campaign.document_requirements.get(key="cin")
    my_file = attach(mine, requirement, fake_stored())
    their_file = attach(theirs, requirement, fake_stored())
    supervisor = supervisor_of(places.mine)
    assert staff_document(supervisor, mine.pk, my_file.pk) == my_file
    with pytest.raises(Http404):
        staff_document(supervisor, theirs.pk, their_file.pk)
    with pytest.raises(Http404):  # another dossier's file named under her own dossier
        staff_document(supervisor, mine.pk, their_file.pk)
