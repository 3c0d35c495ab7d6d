"""The indicator layer's first figures (issue 15, items 1 and 5): the campaigns' candidates and needs.

Every figure equals a direct count of the rows; every breakdown adds up to its total; and on the demo data the
candidacy tables of shared/MISSION.md come out exactly as the demo generator apportions them at its scale. The
ratio and share rules reproduce the source's percentages from its own counts.
"""

import pytest

from bawaba.campaigns.models import Application, CommuneNeed
from bawaba.core.contributions import DIMENSIONS, TERRITORY, registry
from bawaba.core.dates import MOROCCO
from bawaba.demo import calibration
from bawaba.demo.generator import apportion, scaled_total
from bawaba.indicators.tables import IndicatorError, indicator_table, ratio_percent, share_percent
from bawaba.selection.tests.conftest import DEMO_SCALE

CAMPAIGN_INDICATORS = ("campaigns.candidates", "campaigns.training_needs", "campaigns.field_needs")

# MISSION.md, "Candidacies against training needs, by region": region code -> (candidacies, needs, ratio %), as
# printed there (the demo's calibration copies the source's figures; the tests check the ratios come from them).
SOURCE_RATIOS = {
    code: (
        calibration.CANDIDACIES_BY_REGION[code],
        calibration.TRAINING_NEEDS_BY_REGION[code],
        calibration.CANDIDACY_RATIO_PERCENT_BY_REGION[code],
    )
    for code in calibration.CANDIDACIES_BY_REGION  # the source's order: the most candidacies first
}


def test_every_campaign_indicator_is_registered_with_known_dimensions():
    for key in CAMPAIGN_INDICATORS:
        indicator = registry.indicator(key)
        assert set(indicator.dimensions) <= set(DIMENSIONS)
        assert str(indicator.name) and str(indicator.definition) and str(indicator.unit)


def test_the_source_ratios_and_shares_come_from_its_counts():
    # The demo is calibrated on the same table (its region codes are the HCP's).
    assert {code: row[0] for code, row in SOURCE_RATIOS.items()} == dict(calibration.CANDIDACIES_BY_REGION)
    assert {code: row[1] for code, row in SOURCE_RATIOS.items()} == dict(calibration.TRAINING_NEEDS_BY_REGION)
    for candidacies, needs, ratio in SOURCE_RATIOS.values():
        assert ratio_percent(candidacies, needs) == ratio
    assert ratio_percent(488_321, 199_416) == 245 == calibration.CANDIDACY_RATIO_PERCENT_TOTAL
    assert list(calibration.CANDIDACY_RATIO_PERCENT_BY_REGION.values()) == [
        172, 267, 243, 221, 233, 289, 485, 275, 213, 475, 410, 237,
    ]  # fmt: skip  # MISSION.md's column, in its order
    assert [share_percent(count, 488_321) for count in calibration.CANDIDATES_BY_CATEGORY.values()] == [
        42, 29, 19, 9, 2,
    ]  # fmt: skip
    assert ratio_percent(5, 0) is None


@pytest.mark.parametrize("key", CAMPAIGN_INDICATORS)
def test_every_breakdown_adds_up_to_its_total(census, key):
    indicator = registry.indicator(key)
    total = indicator.compute(census, ())[()]
    assert total > 0
    for dimension in indicator.dimensions:
        assert sum(indicator.compute(census, (dimension,)).values()) == total, dimension
        for other in indicator.breakdowns:
            if dimension in TERRITORY:  # a territorial level beside another dimension adds up too
                assert sum(indicator.compute(census, (dimension, other)).values()) == total, (
                    dimension,
                    other,
                )


def test_the_figures_equal_direct_counts(census):
    submitted = list(
        Application.objects.filter(campaign=census, status=Application.Status.SUBMITTED).select_related(
            "residence_commune__region", "residence_commune__province"
        )
    )
    by_region, by_category, by_day = {}, {}, {}
    for application in submitted:
        region = application.residence_commune.region.code if application.residence_commune else ""
        by_region[region] = by_region.get(region, 0) + 1
        by_category[application.category] = by_category.get(application.category, 0) + 1
        day = application.submitted_at.astimezone(MOROCCO).date().isoformat()
        by_day[day] = by_day.get(day, 0) + 1
    candidates = registry.indicator("campaigns.candidates")
    assert candidates.compute(census, ()) == {(): len(submitted)}
    assert candidates.compute(census, ("region",)) == {(code,): n for code, n in by_region.items()}
    assert candidates.compute(census, ("category",)) == {(code,): n for code, n in by_category.items()}
    assert candidates.compute(census, ("day",)) == {(day,): n for day, n in by_day.items()}
    region_category = {}
    for application in submitted:
        key = (application.residence_commune.region.code, application.category)
        region_category[key] = region_category.get(key, 0) + 1
    assert candidates.compute(census, ("region", "category")) == region_category
    needs = {}
    for need in CommuneNeed.objects.filter(campaign=census, stage=CommuneNeed.Stage.TRAINING).select_related(
        "commune__province"
    ):
        needs[need.commune.province.code] = needs.get(need.commune.province.code, 0) + need.quantity
    assert registry.indicator("campaigns.training_needs").compute(census, ("province",)) == {
        (code,): n for code, n in needs.items()
    }


def test_the_candidacy_tables_of_the_source_at_the_demo_scale(census):
    """What `generate_demo --scale 1` gives exactly (the benchmark shows it at full scale), here at the tests'."""
    table = indicator_table(census, ["campaigns.candidates", "campaigns.training_needs"], "region")
    codes = list(calibration.REGION_CODES)
    total = scaled_total(calibration.TOTAL_CANDIDATES, DEMO_SCALE)
    expected = apportion(total, calibration.in_region_order(calibration.CANDIDACIES_BY_REGION)).tolist()
    assert [table.value(code, "campaigns.candidates") for code in codes] == expected
    needs = apportion(
        scaled_total(calibration.TOTAL_TRAINING_NEEDS, DEMO_SCALE),
        calibration.in_region_order(calibration.TRAINING_NEEDS_BY_REGION),
    ).tolist()
    assert [table.value(code, "campaigns.training_needs") for code in codes] == needs
    assert table.totals == {"campaigns.candidates": total, "campaigns.training_needs": sum(needs)}
    by_category = indicator_table(census, ["campaigns.candidates"], "category")
    assert [
        by_category.value(code, "campaigns.candidates") for code in calibration.CATEGORY_CODES
    ] == apportion(total, list(calibration.CANDIDATES_BY_CATEGORY.values())).tolist()


def test_at_full_scale_the_apportionment_is_the_source_itself():
    """At scale 1 the generator's region and category counts are the source's tables, to the unit."""
    regions = apportion(
        scaled_total(calibration.TOTAL_CANDIDATES, 1),
        calibration.in_region_order(calibration.CANDIDACIES_BY_REGION),
    ).tolist()
    assert regions == calibration.in_region_order(calibration.CANDIDACIES_BY_REGION)


def test_an_unknown_indicator_or_dimension_is_refused(census):
    with pytest.raises(IndicatorError):
        indicator_table(census, ["campaigns.nothing"], "region")
    with pytest.raises(IndicatorError):
        indicator_table(census, ["campaigns.training_needs"], "category")
