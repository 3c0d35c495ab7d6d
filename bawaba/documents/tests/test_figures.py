"""The documents' figures (issue 13, item 4): each equals a direct count of the dossiers and decisions; a staff
member sees her scope only; the page, its CSV export and the staff home's panel show the same figures."""

import csv
import datetime as dt
import io

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains, assertNotContains

from bawaba.accounts.models import Assignment
from bawaba.accounts.scopes import Scope
from bawaba.accounts.tests.factories import UserFactory, staff_member
from bawaba.campaigns.models import Application
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.documents.figures import (
    CSV_HEADER,
    REVIEW_RATE_DAYS,
    campaign_figures,
    campaigns_with_dossiers,
    csv_rows,
)
from bawaba.documents.models import Dossier, ReviewDecision
from bawaba.territory.models import Commune, Province, Region

pytestmark = pytest.mark.django_db

Status = Dossier.Status
KENITRA, SIDI_KACEM, CASABLANCA = "04.281", "04.291", "06.141"


@pytest.fixture
def places(territory):
    """Two provinces of Rabat-Salé-Kénitra and one of Casablanca-Settat, a commune of each."""
    return {
        code: Commune.objects.filter(province__code=code).order_by("code").first()
        for code in (KENITRA, SIDI_KACEM, CASABLANCA)
    }


@pytest.fixture
def campaign(db):
    return CampaignFactory(slug="census-figures")


def make_dossiers(campaign, commune, statuses, *, start: int = 0) -> list[Dossier]:
    """Dossiers of the given statuses in the commune, each on an application of its own."""
    users = [UserFactory() for _ in statuses]
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            campaign=campaign,
            user=user,
            cin=f"ZZ{start + i:06d}",
            status=Application.Status.SUBMITTED,
            submitted_at=now,
        )
        for i, user in enumerate(users)
    )
    return Dossier.objects.bulk_create(
        Dossier(
            application=application,
            campaign=campaign,
            commune=commune,
            province_id=commune.province_id,
            region_id=commune.region_id,
            status=status,
            invited_at=now,
            submitted_at=None if status == Status.AWAITED else now,
        )
        for application, status in zip(applications, statuses, strict=True)
    )


def decide(dossier: Dossier, *, days_ago: int, outcome=ReviewDecision.Outcome.ACCEPTED) -> ReviewDecision:
    return ReviewDecision.objects.create(
        dossier=dossier,
        outcome=outcome,
        province_id=dossier.province_id,
        decided_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def direct_counts(dossiers) -> dict[str, int]:
    statuses = [dossier.status for dossier in dossiers]
    return {
        "uploaded": sum(status != Status.AWAITED for status in statuses),
        "examined": sum(status in (Status.ACCEPTED, Status.REJECTED) for status in statuses),
        "accepted": statuses.count(Status.ACCEPTED),
        "rejected": statuses.count(Status.REJECTED),
        "under_examination": statuses.count(Status.SUBMITTED),
        "invited": len(statuses),
    }


def as_dict(figures) -> dict[str, int]:
    return {
        key: getattr(figures, key)
        for key in ("uploaded", "examined", "accepted", "rejected", "under_examination", "invited")
    }


statuses = st.lists(st.sampled_from(list(Status)), max_size=12)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kenitra=statuses, sidi_kacem=statuses, casablanca=statuses)
def test_every_figure_equals_a_direct_count_of_the_dossiers(
    places, campaign, kenitra, sidi_kacem, casablanca
):
    # Each example in a savepoint rolled back after it, so that the next one starts from no dossier.
    with transaction.atomic():
        check_figures(places, campaign, kenitra, sidi_kacem, casablanca)
        transaction.set_rollback(True)


def check_figures(places, campaign, kenitra, sidi_kacem, casablanca):
    made = {
        code: make_dossiers(campaign, places[code], mix, start=n * 100)
        for n, (code, mix) in enumerate(
            ((KENITRA, kenitra), (SIDI_KACEM, sidi_kacem), (CASABLANCA, casablanca))
        )
    }
    national = campaign_figures(campaign, Scope(national=True))
    assert as_dict(national.total.figures) == direct_counts([d for ds in made.values() for d in ds])
    by_province = {row.place.code: row for row in national.provinces}
    assert len(by_province) == Province.objects.count()
    for code, dossiers in made.items():
        assert as_dict(by_province[code].figures) == direct_counts(dossiers)
    region = Region.objects.get(code="04")
    by_region = {row.place.code: row for row in national.regions}
    assert as_dict(by_region["04"].figures) == direct_counts(made[KENITRA] + made[SIDI_KACEM])

    coordinator = campaign_figures(campaign, Scope(region_ids=frozenset({region.pk})))
    assert coordinator.total.level == "region" and coordinator.total.place == region
    assert as_dict(coordinator.total.figures) == direct_counts(made[KENITRA] + made[SIDI_KACEM])
    assert {row.place.region_id for row in coordinator.provinces} == {region.pk}


def test_the_review_rate_counts_the_decisions_of_each_of_the_last_days_in_the_scope(places, campaign):
    kenitra = make_dossiers(campaign, places[KENITRA], [Status.ACCEPTED] * 4 + [Status.REJECTED])
    casablanca = make_dossiers(campaign, places[CASABLANCA], [Status.ACCEPTED] * 2, start=100)
    decide(kenitra[0], days_ago=0)
    decide(kenitra[1], days_ago=0)
    decide(kenitra[2], days_ago=3)
    decide(kenitra[4], days_ago=13, outcome=ReviewDecision.Outcome.REJECTED)
    decide(kenitra[3], days_ago=20)  # too old to count
    decide(casablanca[0], days_ago=1)
    other_campaign = CampaignFactory()
    decide(make_dossiers(other_campaign, places[KENITRA], [Status.ACCEPTED], start=200)[0], days_ago=0)

    province = Province.objects.get(code=KENITRA)
    found = campaign_figures(campaign, Scope(province_ids=frozenset({province.pk})))
    assert len(found.rate.days) == REVIEW_RATE_DAYS
    today = timezone.localdate()
    assert found.rate.days[-1] == (today, 2)
    assert dict(found.rate.days)[today - dt.timedelta(days=3)] == 1
    assert found.rate.total == 4
    assert found.rate.mean_per_day == round(4 / REVIEW_RATE_DAYS, 1)
    assert [row.place.code for row in found.provinces] == [KENITRA]
    assert found.total.level == "total" and found.total.decisions == 4

    national = campaign_figures(campaign, Scope(national=True))
    assert national.rate.total == 5


def test_the_figures_cost_four_queries_whatever_the_scope_and_one_once_kept(
    places, campaign, django_assert_num_queries
):
    make_dossiers(campaign, places[KENITRA], [Status.SUBMITTED, Status.ACCEPTED])
    for scope in (Scope(national=True), Scope(province_ids=frozenset({places[KENITRA].province_id}))):
        with django_assert_num_queries(4):
            campaign_figures(campaign, scope, cache_seconds=60)
        with django_assert_num_queries(1):  # the provinces; the counts come from the cache
            kept = campaign_figures(campaign, scope, cache_seconds=60)
        assert kept.total.figures.uploaded == 2


def test_campaigns_with_dossiers_are_those_with_one_in_the_scope(places, campaign):
    make_dossiers(campaign, places[CASABLANCA], [Status.AWAITED])
    assert campaigns_with_dossiers(Scope(national=True)) == [campaign]
    assert campaigns_with_dossiers(Scope(province_ids=frozenset({places[KENITRA].province_id}))) == []
    assert campaigns_with_dossiers(Scope()) == []


# --- The page, its CSV and the staff home ----------------------------------------------------------------------


def figures_url(campaign) -> str:
    return f"/fr/staff/documents/{campaign.slug}/figures/"


def csv_url(campaign) -> str:
    return f"/fr/staff/documents/{campaign.slug}/figures.csv"


@pytest.fixture
def kenitra_supervisor(places):
    return staff_member(Assignment.Role.PROVINCIAL_SUPERVISOR, provinces=[places[KENITRA].province])


@pytest.fixture
def data(places, campaign):
    kenitra = make_dossiers(
        campaign,
        places[KENITRA],
        [Status.SUBMITTED] * 3 + [Status.ACCEPTED] * 2 + [Status.REJECTED, Status.AWAITED],
    )
    decide(kenitra[3], days_ago=1)
    make_dossiers(campaign, places[CASABLANCA], [Status.ACCEPTED] * 5, start=100)
    return kenitra


def read_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_supervisor_sees_the_figures_of_her_provinces_only(client, kenitra_supervisor, campaign, data):
    client.force_login(kenitra_supervisor)
    page = client.get(figures_url(campaign))
    assert page.status_code == 200
    assertContains(page, "Kénitra")
    assertNotContains(page, "Casablanca")
    rows = read_csv(client.get(csv_url(campaign)))
    assert [(row["level"], row["code"]) for row in rows] == [("total", ""), ("province", KENITRA)]
    assert rows[1]["uploaded"] == "6" and rows[1]["under_examination"] == "3" and rows[1]["accepted"] == "2"
    assert rows[1]["examined"] == "3" and rows[1]["rejected"] == "1" and rows[1]["invited"] == "7"


def test_the_csv_export_has_the_figures_of_the_page(client, central_admin, campaign, data):
    client.force_login(central_admin)
    page = client.get(figures_url(campaign))
    response = client.get(csv_url(campaign))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert list(rows[0]) == list(CSV_HEADER)
    assert rows[0]["level"] == "national" and rows[0]["uploaded"] == "11" and rows[0]["accepted"] == "7"
    found = page.context["figures"]
    assert [[str(value) for value in line] for line in csv_rows(found)] == [
        list(row.values()) for row in rows
    ]
    # The page shows each line's figures in that order.
    assert len(rows) == 1 + Region.objects.count() + Province.objects.count()


def test_the_figures_page_is_not_found_outside_a_scope(client, supervisor, candidate, campaign, data):
    for user in (supervisor, candidate):  # a supervisor of no province; a candidate
        client.force_login(user)
        assert client.get(figures_url(campaign)).status_code == 404
        assert client.get(csv_url(campaign)).status_code == 404


def test_an_unknown_campaign_is_not_found(client, central_admin, data):
    client.force_login(central_admin)
    assert client.get("/fr/staff/documents/no-such-campaign/figures/").status_code == 404


def test_the_staff_home_shows_the_panel_of_her_scope(
    client, kenitra_supervisor, central_admin, supervisor, campaign, data
):
    client.force_login(kenitra_supervisor)
    home = client.get("/fr/staff/")
    assertContains(home, 'id="documents-figures-title"')
    assertContains(home, f'href="{figures_url(campaign)}"')
    assertContains(home, "Kénitra")
    assertNotContains(home, "Casablanca")
    figures = home.context["panels"]
    assert len(figures) == 1

    client.force_login(central_admin)
    home = client.get("/fr/staff/")
    assertContains(home, 'id="documents-figures-title"')
    assertContains(home, "Casablanca-Settat")

    client.force_login(supervisor)  # no province: nothing to show
    assertNotContains(client.get("/fr/staff/"), 'id="documents-figures-title"')


def test_the_page_reads_in_arabic(client, central_admin, campaign, data):
    client.force_login(central_admin)
    page = client.get(f"/ar/staff/documents/{campaign.slug}/figures/")
    assert page.status_code == 200
    assertContains(page, 'dir="rtl"')
