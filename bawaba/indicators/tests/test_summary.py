"""The summary tables: a refresh writes every registered indicator's figures at every level; what the scoped
readers show equals the live indicators (and so direct counts: test_census_indicators.py); a supervisor's place
holds her provinces only and a drill-down outside it finds nothing."""

import pytest

from bawaba.accounts.scopes import Scope
from bawaba.campaigns.models import Application
from bawaba.core.contributions import registry
from bawaba.indicators import selectors
from bawaba.indicators.models import IndicatorFigure, Level, SummaryRefresh
from bawaba.indicators.refresh import refresh_summary
from bawaba.indicators.services import request_refresh
from bawaba.indicators.tables import IndicatorError
from bawaba.territory.models import Province

CANDIDATES = "campaigns.candidates"
KEYS = [CANDIDATES, "campaigns.training_needs", "campaigns.field_needs"]


@pytest.fixture
def refreshed(census):
    refresh_summary(census)
    return census


def live(indicator_key, campaign, by):
    return registry.indicator(indicator_key).compute(campaign, by)


def test_a_refresh_records_its_time_and_replaces_the_old_figures(refreshed):
    refresh = SummaryRefresh.objects.get(campaign=refreshed)
    assert refresh.refreshed_at is not None and refresh.requested_at is None
    assert refresh.figures == IndicatorFigure.objects.filter(campaign=refreshed).count() > 0
    refresh_summary(refreshed)  # again: the same rows, not twice as many
    assert IndicatorFigure.objects.filter(campaign=refreshed).count() == refresh.figures


def test_the_nation_equals_the_live_indicators_by_area_and_by_every_dimension(refreshed):
    place = selectors.NATION
    for indicator in registry.indicators_in_order():
        assert selectors.place_totals(refreshed, place, [indicator.key]) == {
            indicator.key: live(indicator.key, refreshed, ())[()]
        }
        for dimension in indicator.breakdowns:
            table = selectors.table_by(refreshed, place, [indicator.key], dimension)
            expected = {
                value: figure for (value,), figure in live(indicator.key, refreshed, (dimension,)).items()
            }
            assert {row: table.value(row, indicator.key) for row in table.rows} == expected
    table = selectors.table_by_area(refreshed, place, KEYS)
    for key in KEYS:
        expected = {region: figure for (region,), figure in live(key, refreshed, ("region",)).items()}
        assert {row: table.value(row, key) for row in table.rows if table.value(row, key)} == {
            region: figure for region, figure in expected.items() if figure
        }
        assert sum(table.value(row, key) for row in table.rows) == table.totals[key]


def test_a_supervisors_place_is_her_provinces_and_its_figures_are_theirs(refreshed):
    provinces = list(Province.objects.filter(communes__isnull=False).distinct().order_by("code")[:2])
    place = selectors.place_of_scope(Scope(province_ids=frozenset(p.pk for p in provinces)))
    assert place.level == Level.PROVINCE and place.codes == tuple(p.code for p in provinces)
    submitted = Application.objects.filter(campaign=refreshed, status=Application.Status.SUBMITTED)
    hers = submitted.filter(residence_commune__province__in=provinces)
    assert selectors.place_totals(refreshed, place, [CANDIDATES]) == {CANDIDATES: hers.count()}
    by_category = selectors.table_by(refreshed, place, [CANDIDATES], "category")
    for category in by_category.rows:
        assert by_category.value(category, CANDIDATES) == hers.filter(category=category).count()
    communes = selectors.table_by_area(refreshed, place, [CANDIDATES])
    assert communes.dimension == "commune"
    for code in communes.rows:
        assert communes.value(code, CANDIDATES) == hers.filter(residence_commune__code=code).count()
    # Nothing of another province, by drill-down or at all.
    other = Province.objects.exclude(pk__in=[p.pk for p in provinces]).first()
    assert selectors.drill_down(place, province=other.code) is None
    assert selectors.drill_down(place, region=other.region.code) is None
    assert selectors.drill_down(place, province=provinces[0].code) == selectors.Place(
        Level.PROVINCE, (provinces[0].code,)
    )
    assert selectors.drill_down(place, province="nowhere") is None


def test_a_region_drills_down_to_its_provinces_and_a_scope_without_territory_sees_nothing(refreshed):
    region = Province.objects.filter(communes__isnull=False).first().region
    place = selectors.drill_down(selectors.NATION, region=region.code)
    table = selectors.table_by_area(refreshed, place, [CANDIDATES])
    assert table.dimension == "province"
    assert set(table.rows) <= set(region.provinces.values_list("code", flat=True))
    assert sum(table.value(row, CANDIDATES) for row in table.rows) == table.totals[CANDIDATES]
    assert selectors.place_of_scope(Scope()) is None
    with pytest.raises(IndicatorError):
        selectors.table_by(refreshed, place, ["campaigns.training_needs"], "category")


def test_a_refresh_is_queued_once_until_done(census, django_capture_on_commit_callbacks, central_admin):
    with django_capture_on_commit_callbacks(execute=True):
        assert request_refresh(campaign=census, actor=central_admin)
    # Tasks run at once in tests: the refresh is done, and a new request may go.
    assert SummaryRefresh.objects.get(campaign=census).refreshed_at is not None
    SummaryRefresh.objects.filter(campaign=census).update(requested_at="2026-12-05T10:00:00Z")
    with django_capture_on_commit_callbacks(execute=True):
        assert request_refresh(campaign=census, actor=central_admin)  # a request that old was lost
    assert SummaryRefresh.objects.get(campaign=census).requested_at is None


def test_a_second_request_while_one_waits_queues_nothing(census, django_capture_on_commit_callbacks):
    from django.utils import timezone

    SummaryRefresh.objects.create(campaign=census, requested_at=timezone.now())
    with django_capture_on_commit_callbacks() as callbacks:
        assert not request_refresh(campaign=census)
    assert callbacks == []


def test_the_command_refreshes_one_campaign_or_says_it_does_not_exist(census):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("refresh_indicators", "--campaign", census.slug, stdout=out)
    assert out.getvalue().startswith(f"{census.slug}: ")
    assert SummaryRefresh.objects.get(campaign=census).figures > 0
    with pytest.raises(CommandError):
        call_command("refresh_indicators", "--campaign", "nowhere", stdout=out)
